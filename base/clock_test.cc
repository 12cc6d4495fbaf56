#include "base/clock.h"

#include <gtest/gtest.h>

#include <thread>

namespace sekisho {
namespace {

constexpr TimePoint kStart = FromUnixSeconds(1780304400);

TEST(ScaledClockTest, StartsAtItsStartAndRunsFaster) {
  ScaledClock clock(kStart, 600.0);
  const TimePoint first = clock.Now();
  EXPECT_GE(first, kStart);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // At least 20 ms of real time went by: at least 12 s of scaled time.
  EXPECT_GE(clock.Now() - first, std::chrono::seconds(12) - std::chrono::milliseconds(600));
  EXPECT_EQ(clock.factor(), 600.0);
}

TEST(ScaledClockTest, JumpToMovesItAndItRunsOnFromThere) {
  ScaledClock clock(kStart, 1.0);
  const TimePoint evening = kStart + std::chrono::hours(10);
  clock.JumpTo(evening);
  const TimePoint now = clock.Now();
  EXPECT_GE(now, evening);
  EXPECT_LT(now, evening + std::chrono::hours(1));
  clock.JumpTo(kStart);
  EXPECT_LT(clock.Now(), evening);
}

TEST(FakeClockTest, StandsStillUntilMoved) {
  FakeClock clock(kStart);
  EXPECT_EQ(clock.Now(), kStart);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.Now(), kStart + std::chrono::seconds(5));
  clock.Set(kStart);
  EXPECT_EQ(clock.Now(), kStart);
}

}  // namespace
}  // namespace sekisho
