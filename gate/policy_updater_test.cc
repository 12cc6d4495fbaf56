#include "gate/policy_updater.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "gate/test_events.h"
#include "snapshot/delta.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::FakeAuthenticator;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::MemorySink;
using testing::NoCard;

constexpr policy::UnixSeconds kIssuedAt = 1780272000;

class PolicyUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto controller = DoorController::Create(sink_, auth_, clock_, {});
    ASSERT_THAT(controller.status(), IsOk());
    controller_ = std::move(controller).value();
    auto updater = PolicyUpdater::Create(*controller_, kTestGate, org_key_.public_key());
    ASSERT_THAT(updater.status(), IsOk());
    updater_ = std::move(updater).value();
    v5_ = snapshot::testing::SmallRandomSnapshot(20, 5, random_);
  }

  static Ed25519PrivateKey OrgKey() {
    SeededRandom random(31);
    return Ed25519PrivateKey::Generate(random);
  }

  Bytes Signed(const policy::Snapshot& s, GateId gate = kTestGate) {
    auto bytes = snapshot::SignSnapshot(org_key_, gate, kIssuedAt, s);
    EXPECT_THAT(bytes.status(), IsOk());
    return bytes.ok() ? *bytes : Bytes();
  }
  Bytes SignedDelta(const policy::Snapshot& from, const policy::Snapshot& to) {
    auto delta = snapshot::Diff(from, to);
    EXPECT_THAT(delta.status(), IsOk());
    auto bytes = snapshot::SignDelta(org_key_, kTestGate, kIssuedAt, *delta);
    EXPECT_THAT(bytes.status(), IsOk());
    return bytes.ok() ? *bytes : Bytes();
  }
  policy::Snapshot Next(const policy::Snapshot& from) {
    policy::Snapshot next = snapshot::testing::Mutate(from, random_);
    next.version = from.version + 1;
    return next;
  }

  // What the controller decides with, as a snapshot.
  policy::Snapshot Installed() {
    policy::Snapshot out;
    EXPECT_THAT(controller_->UpdatePolicy([&](std::unique_ptr<policy::CompiledPolicy>& index) {
      out = index->ToSnapshot();
      return OkStatus();
    }),
                IsOk());
    return out;
  }

  Ed25519PrivateKey org_key_ = OrgKey();
  SeededRandom random_{32};
  FakeClock clock_{FromUnixSeconds(kIssuedAt)};
  MemorySink sink_;
  FakeAuthenticator auth_;
  std::unique_ptr<DoorController> controller_;
  std::unique_ptr<PolicyUpdater> updater_;
  policy::Snapshot v5_;
};

TEST_F(PolicyUpdaterTest, SnapshotThenDeltasInPlace) {
  ASSERT_THAT(updater_->ApplySnapshot(Signed(v5_)), IsOk());
  EXPECT_EQ(controller_->snapshot_version(), 5u);
  EXPECT_EQ(Installed(), v5_);

  policy::Snapshot current = v5_;
  for (int i = 0; i < 6; ++i) {
    const policy::Snapshot next = Next(current);
    ASSERT_THAT(updater_->ApplyDelta(SignedDelta(current, next)), IsOk()) << i;
    EXPECT_EQ(controller_->snapshot_version(), next.version);
    EXPECT_EQ(Installed(), next) << i;
    EXPECT_EQ(updater_->snapshot(), next);
    current = next;
  }
  EXPECT_EQ(updater_->rebuilds(), 0);
  EXPECT_EQ(updater_->version(), 11u);
}

TEST_F(PolicyUpdaterTest, RefusalsChangeNothing) {
  EXPECT_THAT(updater_->ApplyDelta(SignedDelta(v5_, Next(v5_))),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no snapshot")));
  ASSERT_THAT(updater_->ApplySnapshot(Signed(v5_)), IsOk());

  EXPECT_THAT(updater_->ApplySnapshot(Signed(v5_)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("replayed or older")));
  policy::Snapshot v9 = Next(v5_);
  v9.version = 9;
  Bytes tampered = Signed(v9);
  tampered[tampered.size() / 2] ^= 0x01;
  EXPECT_THAT(updater_->ApplySnapshot(tampered), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(updater_->ApplySnapshot(Signed(v9, kTestGate + 1)),
              StatusIs(StatusCode::kPermissionDenied));
  policy::Snapshot v7 = Next(Next(v5_));
  EXPECT_THAT(updater_->ApplyDelta(SignedDelta(Next(v5_), v7)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("delta is for version 6")));
  EXPECT_EQ(controller_->snapshot_version(), 5u);
  EXPECT_EQ(Installed(), v5_);
}

TEST_F(PolicyUpdaterTest, DivergedIndexIsRebuilt) {
  ASSERT_THAT(updater_->ApplySnapshot(Signed(v5_)), IsOk());
  ASSERT_THAT(controller_->UpdatePolicy([](std::unique_ptr<policy::CompiledPolicy>& index) {
    index->set_version(4);  // the index no longer matches the snapshot held
    return OkStatus();
  }),
              IsOk());
  const policy::Snapshot v6 = Next(v5_);
  ASSERT_THAT(updater_->ApplyDelta(SignedDelta(v5_, v6)), IsOk());
  EXPECT_EQ(updater_->rebuilds(), 1);
  EXPECT_EQ(Installed(), v6);

  controller_->InstallPolicy(nullptr);
  const policy::Snapshot v7 = Next(v6);
  ASSERT_THAT(updater_->ApplyDelta(SignedDelta(v6, v7)), IsOk());
  EXPECT_EQ(controller_->snapshot_version(), 7u);
  EXPECT_EQ(Installed(), v7);
}

TEST_F(PolicyUpdaterTest, LostCardIsDeniedAfterTheDelta) {
  // A door and a credential of the snapshot, not revoked.
  policy::Snapshot v5 = v5_;
  ASSERT_FALSE(v5.doors.empty());
  auto live = std::find_if(v5.credentials.begin(), v5.credentials.end(), [](const auto& c) {
    return (c.flags & policy::kCredentialRevoked) == 0;
  });
  ASSERT_NE(live, v5.credentials.end());
  const policy::CredentialKey key = live->key;
  const policy::ObjectId door = v5.doors.front().id;
  SimulatedDoor actuator(clock_, std::chrono::seconds(30));
  auto controller = DoorController::Create(sink_, auth_, clock_, {{door, &actuator}});
  ASSERT_THAT(controller.status(), IsOk());
  auto updater = PolicyUpdater::Create(**controller, kTestGate, org_key_.public_key());
  ASSERT_THAT(updater.status(), IsOk());
  ASSERT_THAT((*updater)->ApplySnapshot(Signed(v5)), IsOk());

  NoCard card;
  auth_.outcomes.push_back(AuthenticationOutcome::Success(key, policy::Assurance::kCardAndPin));
  auto before = (*controller)->OnCard(door, card);
  ASSERT_THAT(before.status(), IsOk());
  EXPECT_NE(before->reason, policy::Reason::kRevoked);

  policy::Snapshot v6 = v5;
  v6.version = 6;
  for (auto& c : v6.credentials) {
    if (c.key == key) c.flags |= policy::kCredentialRevoked;
  }
  ASSERT_THAT((*updater)->ApplyDelta(SignedDelta(v5, v6)), IsOk());
  auth_.outcomes.push_back(AuthenticationOutcome::Success(key, policy::Assurance::kCardAndPin));
  auto after = (*controller)->OnCard(door, card);
  ASSERT_THAT(after.status(), IsOk());
  EXPECT_EQ(after->reason, policy::Reason::kRevoked);
  EXPECT_EQ(after->snapshot_version, 6u);
  EXPECT_EQ(actuator.unlock_count(), IsGrant(*before->reason) ? 1 : 0);
}

// After a key rollover only the new key's policies are accepted, from where the old key's ended.
TEST_F(PolicyUpdaterTest, ReplacedKeyKeepsThePolicyAndTheVersion) {
  ASSERT_THAT(updater_->ApplySnapshot(Signed(v5_)), IsOk());
  SeededRandom random(77);
  Ed25519PrivateKey old_key = std::move(org_key_);
  org_key_ = Ed25519PrivateKey::Generate(random);
  ASSERT_THAT(updater_->ReplaceKey(org_key_.public_key()), IsOk());
  EXPECT_EQ(updater_->key(), org_key_.public_key());
  EXPECT_EQ(updater_->version(), 5u);
  EXPECT_EQ(Installed(), v5_);

  const policy::Snapshot v6 = Next(v5_);
  auto by_old = snapshot::SignDelta(old_key, kTestGate, kIssuedAt, *snapshot::Diff(v5_, v6));
  ASSERT_THAT(by_old.status(), IsOk());
  EXPECT_THAT(updater_->ApplyDelta(*by_old), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(updater_->ApplySnapshot(Signed(v5_)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("replayed or older")));
  ASSERT_THAT(updater_->ApplyDelta(SignedDelta(v5_, v6)), IsOk());
  EXPECT_EQ(Installed(), v6);
}

TEST_F(PolicyUpdaterTest, CreateRefusesGateZero) {
  EXPECT_THAT(PolicyUpdater::Create(*controller_, 0, org_key_.public_key()),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::gate
