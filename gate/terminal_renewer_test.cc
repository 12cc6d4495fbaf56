#include "gate/terminal_renewer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sekisho::gate {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A three-day certificate: [kStart, kStart + 72 h).
const TimePoint kStart = TimePoint() + std::chrono::days(20000);
const TimePoint kEnd = kStart + hours(72);

RenewalInput HeldAt(TimePoint now) { return {.now = now, .not_before = kStart, .not_after = kEnd}; }

TEST(AdviseRenewalTest, NoCertificateRenewsAtOnceAndIsExpired) {
  const RenewalAdvice a = AdviseRenewal({.now = kStart});
  EXPECT_TRUE(a.renew);
  EXPECT_TRUE(a.expired);
  EXPECT_FALSE(a.warn);
}

TEST(AdviseRenewalTest, RenewsOnceLessThanHalfTheValidityIsLeft) {
  EXPECT_FALSE(AdviseRenewal(HeldAt(kStart)).renew);
  EXPECT_FALSE(AdviseRenewal(HeldAt(kStart + hours(36))).renew);  // exactly half left
  EXPECT_TRUE(AdviseRenewal(HeldAt(kStart + hours(36) + seconds(1))).renew);
  EXPECT_TRUE(AdviseRenewal(HeldAt(kEnd + hours(5))).renew);
}

TEST(AdviseRenewalTest, AMarginReplacesHalfTheValidity) {
  RenewalInput in = HeldAt(kStart + hours(1));
  in.renew_margin = hours(80);
  EXPECT_TRUE(AdviseRenewal(in).renew);
  in.renew_margin = hours(2);
  in.now = kEnd - hours(3);
  EXPECT_FALSE(AdviseRenewal(in).renew);
  in.now = kEnd - minutes(119);
  EXPECT_TRUE(AdviseRenewal(in).renew);
}

TEST(AdviseRenewalTest, WaitsForTheRetryDelayAfterAFailure) {
  RenewalInput in = HeldAt(kStart + hours(40));
  in.last_failure = in.now - seconds(29);
  in.retry_delay = seconds(30);
  EXPECT_FALSE(AdviseRenewal(in).renew);
  in.now += seconds(1);
  EXPECT_TRUE(AdviseRenewal(in).renew);
  // Without a certificate too.
  EXPECT_FALSE(
      AdviseRenewal({.now = kStart, .last_failure = kStart, .retry_delay = seconds(30)}).renew);
}

TEST(AdviseRenewalTest, WarnsHourlyInTheLastDayAndAfterExpiry) {
  EXPECT_FALSE(AdviseRenewal(HeldAt(kEnd - hours(24))).warn);
  RenewalInput in = HeldAt(kEnd - hours(24) + seconds(1));
  EXPECT_TRUE(AdviseRenewal(in).warn);  // at start: no warning yet
  EXPECT_FALSE(AdviseRenewal(in).expired);
  in.last_warning = in.now - minutes(59);
  EXPECT_FALSE(AdviseRenewal(in).warn);
  in.last_warning = in.now - hours(1);
  EXPECT_TRUE(AdviseRenewal(in).warn);

  in = HeldAt(kEnd);
  const RenewalAdvice expired = AdviseRenewal(in);
  EXPECT_TRUE(expired.expired);
  EXPECT_TRUE(expired.warn);
  in.last_warning = kEnd - minutes(10);
  EXPECT_FALSE(AdviseRenewal(in).warn);
}

}  // namespace
}  // namespace sekisho::gate
