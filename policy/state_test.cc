#include "policy/state.h"

#include <gtest/gtest.h>

namespace sekisho::policy {
namespace {

StaffRef Staff(std::uint8_t n) {
  StaffRef staff{};
  staff.fill(n);
  return staff;
}

TEST(StateTest, EmptyStateHasNoRecords) {
  State state;
  EXPECT_EQ(state.Location(Staff(1), 0), nullptr);
  EXPECT_EQ(state.Pending(1, 0), nullptr);
  EXPECT_EQ(state.Unlocked(1, 0), nullptr);
}

TEST(StateTest, LocationLivesUntilItExpires) {
  State state;
  state.SetLocation(Staff(1), {11, 100, 200});
  ASSERT_NE(state.Location(Staff(1), 100), nullptr);
  EXPECT_EQ(state.Location(Staff(1), 100)->zone, 11u);
  EXPECT_NE(state.Location(Staff(1), 199), nullptr);
  EXPECT_EQ(state.Location(Staff(1), 200), nullptr);
  EXPECT_EQ(state.Location(Staff(2), 150), nullptr);
  // A record from "later" (the clock went back) still says where the holder is.
  EXPECT_NE(state.Location(Staff(1), 50), nullptr);
  state.SetLocation(Staff(1), {12, 150, 300});
  EXPECT_EQ(state.Location(Staff(1), 250)->zone, 12u);
  EXPECT_EQ(state.location_count(), 1u);
}

TEST(StateTest, PendingLivesWithinItsWindowOnly) {
  State state;
  PendingEntry entry;
  entry.staff = Staff(3);
  entry.since = 100;
  entry.expires = 130;
  state.SetPending(5, entry);
  EXPECT_EQ(state.Pending(5, 99), nullptr);
  ASSERT_NE(state.Pending(5, 100), nullptr);
  EXPECT_EQ(state.Pending(5, 100)->staff, Staff(3));
  EXPECT_NE(state.Pending(5, 129), nullptr);
  EXPECT_EQ(state.Pending(5, 130), nullptr);
  EXPECT_EQ(state.Pending(6, 110), nullptr);
  state.ClearPending(5);
  EXPECT_EQ(state.Pending(5, 110), nullptr);
  EXPECT_EQ(state.pending_count(), 0u);
}

TEST(StateTest, UnlockLivesUntilItExpires) {
  State state;
  state.SetUnlocked(14, {100, 200});
  EXPECT_NE(state.Unlocked(14, 150), nullptr);
  EXPECT_EQ(state.Unlocked(14, 200), nullptr);
  EXPECT_EQ(state.Unlocked(15, 150), nullptr);
}

TEST(StateTest, PruneRemovesExactlyTheExpiredRecords) {
  State state;
  for (std::uint8_t i = 1; i <= 10; ++i) state.SetLocation(Staff(i), {1, 0, 100 * i});
  state.SetPending(1, PendingEntry{.since = 0, .expires = 30});
  state.SetPending(2, PendingEntry{.since = 0, .expires = 500});
  state.SetUnlocked(1, {0, 250});
  state.Prune(99);
  EXPECT_EQ(state.location_count(), 10u);
  EXPECT_EQ(state.pending_count(), 1u);
  state.Prune(300);
  EXPECT_EQ(state.location_count(), 7u);
  EXPECT_EQ(state.unlocked_count(), 0u);
  EXPECT_EQ(state.pending_count(), 1u);
  EXPECT_NE(state.Location(Staff(4), 300), nullptr);
  EXPECT_EQ(state.Location(Staff(3), 299), nullptr);
  state.Prune(1000);
  EXPECT_EQ(state.location_count(), 0u);
  EXPECT_EQ(state.pending_count(), 0u);
  // Records added after a prune are pruned in their turn.
  state.SetLocation(Staff(1), {1, 1000, 1100});
  state.Prune(1050);
  EXPECT_EQ(state.location_count(), 1u);
  state.Prune(1100);
  EXPECT_EQ(state.location_count(), 0u);
}

TEST(StateTest, ClearForgetsEverything) {
  State state;
  state.SetLocation(Staff(1), {1, 0, 100});
  state.SetPending(1, PendingEntry{.since = 0, .expires = 30});
  state.SetUnlocked(1, {0, 100});
  state.Clear();
  EXPECT_EQ(state.location_count() + state.pending_count() + state.unlocked_count(), 0u);
  EXPECT_EQ(state.Location(Staff(1), 0), nullptr);
}

}  // namespace
}  // namespace sekisho::policy
