// The demo's pieces, and the headless day itself with small numbers (3 gates, 10 staff): every
// scripted expectation must hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "base/status_matchers.h"
#include "card/sim/card_profile.h"
#include "demo/demo_cards.h"
#include "demo/demo_clock.h"
#include "demo/demo_run.h"
#include "demo/report.h"
#include "pki/certificate.h"

namespace sekisho::demo {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DemoReportTest, PassesOnlyWhenEveryScenarioPassed) {
  std::vector<std::string> seen;
  DemoReport report([&](const ScenarioResult& r) { seen.push_back(r.name); });
  EXPECT_FALSE(report.AllPassed());  // nothing ran
  report.Add({.name = "a", .expectation = "x", .outcome = "x", .passed = true});
  EXPECT_TRUE(report.AllPassed());
  report.Add({.name = "b", .expectation = "y", .outcome = "z", .passed = false});
  EXPECT_FALSE(report.AllPassed());
  EXPECT_THAT(report.Failed(), ElementsAre("b"));
  EXPECT_THAT(seen, ElementsAre("a", "b"));
  EXPECT_THAT(FormatScenarioLine(report.results()[1]), HasSubstr("FAIL"));
  EXPECT_THAT(FormatScenarioLine(report.results()[0]), HasSubstr("PASS"));
}

TEST(DemoReportTest, CountersNameDenialsAndLatency) {
  DemoCounters c{.grants = 7, .denials = {{"revoked", 3}}, .gates_online = 2, .gates = 3};
  c.revocation_latency = std::chrono::milliseconds(42);
  const std::string text = FormatCounters(c);
  EXPECT_THAT(text, HasSubstr("grants:              7"));
  EXPECT_THAT(text, HasSubstr("revoked 3"));
  EXPECT_THAT(text, HasSubstr("2 of 3"));
  EXPECT_THAT(text, HasSubstr("42 ms"));
}

TEST(DemoClockTest, AdvancesButNeverRunsBack) {
  DemoClock clock(FromUnixSeconds(1000), 1.0);
  clock.AdvanceTo(FromUnixSeconds(5000));
  EXPECT_GE(clock.Now(), FromUnixSeconds(5000));
  clock.AdvanceTo(FromUnixSeconds(2000));
  EXPECT_GE(clock.Now(), FromUnixSeconds(5000));
  clock.SwitchToRealTime();
  clock.AdvanceTo(FromUnixSeconds(90000));  // ignored at real speed
  EXPECT_LT(clock.Now(), FromUnixSeconds(90000));
}

TEST(DemoCardsTest, EveryCardHasItsOwnKeyAndValidData) {
  EXPECT_THAT(DemoCards(0).status(), StatusIs(StatusCode::kInvalidArgument));
  auto set = DemoCards(6);
  ASSERT_THAT(set.status(), IsOk());
  std::set<Bytes> keys;
  std::set<std::string> numbers;
  for (std::size_t i = 0; i < 6; ++i) {
    const card::sim::CardProfile& p = (*set)->profiles[i];
    EXPECT_THAT(card::sim::ValidateCardProfile(p), IsOk());
    EXPECT_TRUE(card::sim::IsValidMyNumber(p.my_number));
    EXPECT_FALSE(p.sign_certificate.has_value());
    auto cert = pki::Certificate::FromDer(p.auth_certificate);
    ASSERT_THAT(cert.status(), IsOk());
    keys.insert(cert->SubjectPublicKeyInfoDer());
    numbers.insert(p.my_number);
    EXPECT_EQ(p.identity.name, DemoHolderCardName(i));
  }
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_EQ(numbers.size(), 6u);
  // Cached and deterministic: the same first cards again.
  auto again = DemoCards(3);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ((*again)->profiles[0], (*set)->profiles[0]);
}

TEST(DemoRunTest, RefusesTooSmallADemo) {
  EXPECT_THAT(DemoRun::Create({.gates = 2}).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(DemoRun::Create({.staff = 5}).status(), StatusIs(StatusCode::kInvalidArgument));
}

TEST(DemoRunTest, HeadlessDayMeetsEveryExpectation) {
  DemoOptions options;
  options.gates = 3;
  options.staff = 10;
  options.password_params = server::TestOnlyPasswordParams();
  auto run = DemoRun::Create(options);
  ASSERT_THAT(run.status(), IsOk());
  DemoReport report;
  const DemoCounters counters = (*run)->RunDay(report);
  for (const ScenarioResult& r : report.results()) {
    EXPECT_TRUE(r.passed) << FormatScenarioLine(r);
  }
  EXPECT_EQ(report.results().size(), 11u);
  EXPECT_TRUE(report.AllPassed());
  EXPECT_EQ(counters.gates_online, 3u);
  EXPECT_TRUE(counters.revocation_latency.has_value());
  EXPECT_GE(counters.denials.at("revoked"), 4u);  // 3 gates for the lost card, 1 for the CRL
  EXPECT_GE(counters.events_committed, counters.grants);
  const std::filesystem::path root = (*run)->root();
  run->reset();
  EXPECT_FALSE(std::filesystem::exists(root));  // the temporary directory is gone
}

}  // namespace
}  // namespace sekisho::demo
