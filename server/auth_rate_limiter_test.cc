#include "server/auth_rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace sekisho::server {
namespace {

using namespace std::chrono_literals;

class LoginRateLimiterTest : public ::testing::Test {
 protected:
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  LoginRateLimiter limiter_{clock_};
};

TEST_F(LoginRateLimiterTest, FiveFailuresOfANameBlockItUntilTheWindowPasses) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter_.Check("alice", "10.0.0." + std::to_string(i)), std::nullopt) << i;
    limiter_.RecordFailure("alice", "10.0.0." + std::to_string(i));
    clock_.Advance(10s);
  }
  // The first failure was 50 s ago: 250 s left in its window.
  EXPECT_EQ(limiter_.Check("alice", "10.0.0.9"), 250s);
  EXPECT_EQ(limiter_.Check("bob", "10.0.0.9"), std::nullopt);
  clock_.Advance(249s);
  EXPECT_EQ(limiter_.Check("alice", "10.0.0.9"), 1s);
  clock_.Advance(1s);  // the first failure leaves the window
  EXPECT_EQ(limiter_.Check("alice", "10.0.0.9"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, FiveFailuresFromAnAddressBlockEveryName) {
  for (int i = 0; i < 5; ++i) limiter_.RecordFailure("user" + std::to_string(i), "192.0.2.1");
  EXPECT_EQ(limiter_.Check("someone", "192.0.2.1"), 300s);
  EXPECT_EQ(limiter_.Check("someone", "192.0.2.2"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, SuccessClearsTheNameButNotTheAddress) {
  for (int i = 0; i < 4; ++i) limiter_.RecordFailure("alice", "192.0.2.1");
  limiter_.RecordSuccess("alice");
  limiter_.RecordFailure("alice", "192.0.2.7");
  EXPECT_EQ(limiter_.Check("alice", "192.0.2.8"), std::nullopt);  // 1 failure of alice
  limiter_.RecordFailure("carol", "192.0.2.1");                   // 5th from the address
  EXPECT_EQ(limiter_.Check("dave", "192.0.2.1"), 300s);
}

TEST_F(LoginRateLimiterTest, WaitIsRoundedUpToWholeSeconds) {
  for (int i = 0; i < 5; ++i) limiter_.RecordFailure("alice", "192.0.2.1");
  clock_.Advance(299s + 500ms);
  EXPECT_EQ(limiter_.Check("alice", "192.0.2.2"), 1s);
}

TEST(LoginRateLimiterBoundTest, MemoryStaysBoundedByEvictingTheOldest) {
  FakeClock clock(FromUnixSeconds(1'800'000'000));
  LoginRateLimiter limiter(clock, {.max_failures = 2, .window = 300s, .max_entries = 4});
  limiter.RecordFailure("old", "198.51.100.1");
  limiter.RecordFailure("old", "198.51.100.1");
  EXPECT_NE(limiter.Check("old", "203.0.113.1"), std::nullopt);
  for (int i = 0; i < 10; ++i) {
    limiter.RecordFailure("n" + std::to_string(i), "a" + std::to_string(i));
    EXPECT_LE(limiter.entries(), 4u);
  }
  EXPECT_EQ(limiter.Check("old", "203.0.113.1"), std::nullopt);  // forgotten
}

}  // namespace
}  // namespace sekisho::server
