#include "gate/simulated_door.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using std::chrono::seconds;

constexpr TimePoint kStart = FromUnixSeconds(1780304400);

class SimulatedDoorTest : public ::testing::Test {
 protected:
  FakeClock clock_{kStart};
  SimulatedDoor door_{clock_, seconds(30)};
};

TEST_F(SimulatedDoorTest, OpeningALockedDoorIsForced) {
  EXPECT_FALSE(door_.IsUnlocked());
  clock_.Advance(seconds(1));
  door_.Open();
  EXPECT_TRUE(door_.IsOpen());
  door_.Open();  // already open: nothing new
  EXPECT_EQ(door_.TakeAlarms(),
            (std::vector<DoorAlarm>{{DoorAlarmKind::kForced, kStart + seconds(1)}}));
  EXPECT_TRUE(door_.TakeAlarms().empty());
}

TEST_F(SimulatedDoorTest, UnlockedDoorOpensQuietlyAndRelocks) {
  ASSERT_THAT(door_.Unlock(std::chrono::milliseconds(5000)), IsOk());
  EXPECT_TRUE(door_.IsUnlocked());
  clock_.Advance(seconds(4));
  door_.Open();
  door_.Close();
  EXPECT_TRUE(door_.TakeAlarms().empty());
  clock_.Advance(seconds(1));
  EXPECT_FALSE(door_.IsUnlocked());  // the unlock time ran out
  door_.Open();
  EXPECT_EQ(door_.TakeAlarms().size(), 1u);
  EXPECT_EQ(door_.unlock_count(), 1);
}

TEST_F(SimulatedDoorTest, HeldOpenBeyondTheLimit) {
  ASSERT_THAT(door_.Unlock(std::chrono::milliseconds(5000)), IsOk());
  door_.Open();
  clock_.Advance(seconds(30));
  EXPECT_TRUE(door_.TakeAlarms().empty());  // at the limit, not beyond it
  clock_.Advance(seconds(1));
  EXPECT_EQ(door_.TakeAlarms(),
            (std::vector<DoorAlarm>{{DoorAlarmKind::kHeldOpen, kStart + seconds(30)}}));
  clock_.Advance(seconds(100));
  EXPECT_TRUE(door_.TakeAlarms().empty());  // reported once per opening
}

TEST_F(SimulatedDoorTest, HeldOpenIsReportedEvenIfClosedBeforeThePoll) {
  ASSERT_THAT(door_.Unlock(std::chrono::milliseconds(5000)), IsOk());
  door_.Open();
  clock_.Advance(seconds(45));
  door_.Close();
  EXPECT_EQ(door_.TakeAlarms().size(), 1u);
}

TEST_F(SimulatedDoorTest, ActuatorFailure) {
  door_.set_actuator_failure(true);
  EXPECT_THAT(door_.Unlock(std::chrono::milliseconds(5000)),
              StatusIs(StatusCode::kUnavailable, "door actuator does not respond"));
  EXPECT_FALSE(door_.IsUnlocked());
  EXPECT_EQ(door_.unlock_count(), 0);
}

}  // namespace
}  // namespace sekisho::gate
