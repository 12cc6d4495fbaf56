#include "snapshot/acceptor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

constexpr GateId kAcceptorGate = 3;
constexpr policy::UnixSeconds kAcceptorIssuedAt = 1780272000;

class AcceptorTest : public ::testing::Test {
 protected:
  AcceptorTest() : key_(Key()), random_(5) {
    v5_ = testing::SmallRandomSnapshot(4, 5, random_);
    v6_ = testing::Mutate(v5_, random_);
    v6_.version = 6;
    acceptor_ = std::move(Acceptor::Create(kAcceptorGate, key_.public_key(), 0).value());
  }

  static Ed25519PrivateKey Key() {
    SeededRandom random(99);
    return Ed25519PrivateKey::Generate(random);
  }

  Bytes SignedSnapshot(const policy::Snapshot& s, GateId gate = kAcceptorGate) {
    return SignSnapshot(key_, gate, kAcceptorIssuedAt, s).value();
  }
  Bytes SignedDiff(const policy::Snapshot& from, const policy::Snapshot& to) {
    return SignDelta(key_, kAcceptorGate, kAcceptorIssuedAt, Diff(from, to).value()).value();
  }

  Ed25519PrivateKey key_;
  SeededRandom random_;
  policy::Snapshot v5_, v6_;
  std::unique_ptr<Acceptor> acceptor_;
};

TEST_F(AcceptorTest, RefusesGateZero) {
  EXPECT_THAT(Acceptor::Create(0, key_.public_key(), 0),
              StatusIs(StatusCode::kInvalidArgument, "acceptor: gate id 0 is reserved"));
}

TEST_F(AcceptorTest, AcceptsANewerSnapshotOnce) {
  auto accepted = acceptor_->AcceptSnapshot(SignedSnapshot(v5_));
  ASSERT_THAT(accepted, IsOk());
  EXPECT_EQ(accepted->snapshot, v5_);
  EXPECT_EQ(acceptor_->accepted_version(), 5u);
  EXPECT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_)),
              StatusIs(StatusCode::kFailedPrecondition,
                       "replayed or older snapshot: version 5 <= accepted 5"));
  ASSERT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v6_)), IsOk());
  EXPECT_EQ(acceptor_->accepted_version(), 6u);
}

TEST_F(AcceptorTest, RefusesAReplayedOlderSnapshotAfterARestart) {
  // A recorded version 5 (which may list a card revoked since) replayed to a gate at 6.
  const Bytes recorded = SignedSnapshot(v5_);
  auto restarted = Acceptor::Create(kAcceptorGate, key_.public_key(), 6);
  ASSERT_THAT(restarted, IsOk());
  EXPECT_THAT((*restarted)->AcceptSnapshot(recorded),
              StatusIs(StatusCode::kFailedPrecondition,
                       "replayed or older snapshot: version 5 <= accepted 6"));
  EXPECT_EQ((*restarted)->accepted_version(), 6u);
}

TEST_F(AcceptorTest, RefusesAnotherGatesSnapshotWithoutChangingState) {
  EXPECT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_, kAcceptorGate + 1)),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(acceptor_->accepted_version(), 0u);
}

TEST_F(AcceptorTest, AppliesADeltaAndRefusesItsReplay) {
  ASSERT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_)), IsOk());
  const Bytes delta = SignedDiff(v5_, v6_);
  auto applied = acceptor_->AcceptDelta(v5_, delta);
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(applied->snapshot, v6_);
  EXPECT_EQ(applied->delta.delta, *Diff(v5_, v6_));
  EXPECT_EQ(acceptor_->accepted_version(), 6u);
  EXPECT_THAT(acceptor_->AcceptDelta(v5_, delta),
              StatusIs(StatusCode::kFailedPrecondition,
                       "replayed or older delta: version 6 <= accepted 6"));
}

TEST_F(AcceptorTest, RefusesADeltaForAnotherBaseVersion) {
  ASSERT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_)), IsOk());
  policy::Snapshot v4 = v5_;
  v4.version = 4;
  policy::Snapshot v7 = v6_;
  v7.version = 7;
  EXPECT_THAT(acceptor_->AcceptDelta(v5_, SignedDiff(v4, v7)),
              StatusIs(StatusCode::kFailedPrecondition, "delta is for version 4, gate holds 5"));
  EXPECT_EQ(acceptor_->accepted_version(), 5u);
}

TEST_F(AcceptorTest, RefusesABadlySignedDeltaWithoutChangingState) {
  ASSERT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_)), IsOk());
  Bytes delta = SignedDiff(v5_, v6_);
  delta.back() ^= 0x01;
  EXPECT_THAT(acceptor_->AcceptDelta(v5_, delta), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_EQ(acceptor_->accepted_version(), 5u);
}

TEST_F(AcceptorTest, FollowsAChainOfDeltas) {
  ASSERT_THAT(acceptor_->AcceptSnapshot(SignedSnapshot(v5_)), IsOk());
  policy::Snapshot current = v5_;
  for (int i = 0; i < 10; ++i) {
    const policy::Snapshot next = testing::Mutate(current, random_);
    auto applied = acceptor_->AcceptDelta(current, SignedDiff(current, next));
    ASSERT_THAT(applied, IsOk()) << i;
    EXPECT_EQ(applied->snapshot, next);
    EXPECT_EQ(acceptor_->accepted_version(), next.version);
    current = applied->snapshot;
  }
}

}  // namespace
}  // namespace sekisho::snapshot
