#include "gate/gate_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "gate/sync_session.h"
#include "gate/test_events.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::kTestGate;
using testing::TempDir;

class GateStateTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return temp_.path() / kGateStateFile; }
  std::unique_ptr<GateState> Open(GateId gate = kTestGate) {
    auto state = GateState::Open(Path(), gate);
    EXPECT_THAT(state, IsOk());
    return state.ok() ? std::move(state).value() : nullptr;
  }

  TempDir temp_;
  SeededRandom random_{3};
};

TEST_F(GateStateTest, StartsEmptyAndKeepsTheSavedSnapshot) {
  auto state = Open();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->gate(), kTestGate);
  EXPECT_EQ(state->policy_version(), 0u);
  EXPECT_FALSE(state->snapshot().has_value());
  const policy::Snapshot v4 = snapshot::testing::SmallRandomSnapshot(30, 4, random_);
  ASSERT_THAT(state->Save(v4), IsOk());
  EXPECT_EQ(state->policy_version(), 4u);
  state.reset();
  state = Open();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->policy_version(), 4u);
  ASSERT_TRUE(state->snapshot().has_value());
  EXPECT_EQ(*state->snapshot(), v4);
}

TEST_F(GateStateTest, TheAcceptedVersionNeverGoesBack) {
  auto state = Open();
  ASSERT_NE(state, nullptr);
  ASSERT_THAT(state->Save(snapshot::testing::SmallRandomSnapshot(5, 4, random_)), IsOk());
  EXPECT_THAT(state->Save(snapshot::testing::SmallRandomSnapshot(5, 3, random_)),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(state->policy_version(), 4u);
  policy::Snapshot invalid = snapshot::testing::SmallRandomSnapshot(5, 5, random_);
  ASSERT_FALSE(invalid.doors.empty());
  invalid.doors.push_back(invalid.doors.front());
  EXPECT_THAT(state->Save(invalid), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(state->policy_version(), 4u);
}

TEST_F(GateStateTest, RefusesAnotherGatesFileAndGateZero) {
  ASSERT_NE(Open(), nullptr);
  EXPECT_THAT(GateState::Open(Path(), kTestGate + 1).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(GateState::Open(Path(), 0).status(), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(GateStateTest, ACorruptStoredSnapshotIsDataLoss) {
  {
    auto state = Open();
    ASSERT_NE(state, nullptr);
    ASSERT_THAT(state->Save(snapshot::testing::SmallRandomSnapshot(5, 2, random_)), IsOk());
  }
  {
    auto db = store::sqlite::Database::Open(Path());
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->Exec("UPDATE gate_state SET snapshot = substr(snapshot, 1, 40)"), IsOk());
  }
  EXPECT_THAT(GateState::Open(Path(), kTestGate).status(), StatusIs(StatusCode::kDataLoss));
}

// A restarted gate decides with the snapshot it saved, at once, and still refuses a replay of
// an older signed snapshot.
TEST_F(GateStateTest, RestorePolicyInstallsTheSavedSnapshot) {
  SeededRandom key_random(8);
  const Ed25519PrivateKey org_key = Ed25519PrivateKey::Generate(key_random);
  const policy::Snapshot v3 = snapshot::testing::SmallRandomSnapshot(10, 3, random_);
  const policy::Snapshot v2 = snapshot::testing::SmallRandomSnapshot(10, 2, random_);
  auto state = Open();
  ASSERT_NE(state, nullptr);
  ASSERT_THAT(state->Save(v3), IsOk());

  testing::MemorySink sink;
  testing::FakeAuthenticator auth;
  FakeClock clock(FromUnixSeconds(1780272000));
  auto controller = DoorController::Create(sink, auth, clock, {});
  ASSERT_THAT(controller, IsOk());
  EXPECT_EQ((*controller)->snapshot_version(), 0u);
  auto updater = RestorePolicy(**controller, *state, org_key.public_key());
  ASSERT_THAT(updater, IsOk());
  EXPECT_EQ((*controller)->snapshot_version(), 3u);
  EXPECT_EQ((*updater)->version(), 3u);
  EXPECT_EQ((*updater)->snapshot(), v3);
  auto replay = snapshot::SignSnapshot(org_key, kTestGate, 1780272000, v2);
  ASSERT_THAT(replay, IsOk());
  EXPECT_THAT((*updater)->ApplySnapshot(*replay), StatusIs(StatusCode::kFailedPrecondition));
  // Restoring twice, or a version other than the accepted one, is refused.
  EXPECT_THAT((*updater)->RestoreSnapshot(v3), StatusIs(StatusCode::kFailedPrecondition));
  auto fresh = PolicyUpdater::Create(**controller, kTestGate, org_key.public_key(), 3);
  ASSERT_THAT(fresh, IsOk());
  EXPECT_THAT((*fresh)->RestoreSnapshot(v2), StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace sekisho::gate
