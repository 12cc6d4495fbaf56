#include "snapshot/index_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "policy/test_policy.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
namespace ex = policy::testing::example;

std::unique_ptr<policy::CompiledPolicy> IndexOf(const policy::Snapshot& snapshot) {
  auto index = policy::CompiledPolicy::Create(snapshot);
  EXPECT_THAT(index, IsOk());
  return std::move(index).value();
}

// The index ends where the reference ApplyDelta ends, for deltas of every kind of op.
TEST(ApplyToIndexTest, AgreesWithTheReferenceOverRandomDeltas) {
  SeededRandom random(2026);
  int ops_applied = 0;
  for (int round = 0; round < 200; ++round) {
    const policy::Snapshot from = testing::SmallRandomSnapshot(20, 10, random);
    const policy::Snapshot to = testing::Mutate(from, random);
    auto delta = Diff(from, to);
    ASSERT_THAT(delta, IsOk());
    auto reference = ApplyDelta(from, *delta);
    ASSERT_THAT(reference, IsOk());
    ASSERT_EQ(*reference, to);

    auto index = IndexOf(from);
    ASSERT_THAT(ApplyToIndex(*delta, *index), IsOk()) << "round " << round;
    EXPECT_EQ(index->version(), to.version);
    EXPECT_EQ(index->ToSnapshot(), to) << "round " << round;
    ops_applied += static_cast<int>(delta->ops.size());
  }
  EXPECT_GT(ops_applied, 200);  // the rounds did change things
}

TEST(ApplyToIndexTest, RevocationIsSeenByTheIndex) {
  const policy::Snapshot base = policy::testing::ExampleSnapshot();
  auto index = IndexOf(base);
  const auto bob = ex::KeyOf(ex::Person::kBob);
  const Delta delta{.base_version = base.version,
                    .version = base.version + 1,
                    .ops = {RevokeCredential{bob}}};
  ASSERT_THAT(ApplyToIndex(delta, *index), IsOk());
  ASSERT_NE(index->FindCredential(bob), nullptr);
  EXPECT_EQ(index->FindCredential(bob)->flags, policy::kCredentialRevoked);
}

TEST(ApplyToIndexTest, LockdownAndThreatLevelChangeOnlyTheirField) {
  const policy::Snapshot base = policy::testing::ExampleSnapshot();
  auto index = IndexOf(base);
  const policy::Site before = *index->FindSite(ex::kHq);
  const Delta delta{.base_version = base.version,
                    .version = base.version + 1,
                    .ops = {SetLockdown{ex::kHq, true}, SetThreatLevel{ex::kHq, 3}}};
  ASSERT_THAT(ApplyToIndex(delta, *index), IsOk());
  policy::Site expected = before;
  expected.lockdown = true;
  expected.threat_level = 3;
  EXPECT_EQ(*index->FindSite(ex::kHq), expected);
}

TEST(ApplyToIndexTest, WrongBaseVersionChangesNothing) {
  const policy::Snapshot base = policy::testing::ExampleSnapshot();
  auto index = IndexOf(base);
  const auto bob = ex::KeyOf(ex::Person::kBob);
  const Delta delta{.base_version = base.version + 1,
                    .version = base.version + 2,
                    .ops = {RevokeCredential{bob}}};
  EXPECT_THAT(ApplyToIndex(delta, *index),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("index holds")));
  EXPECT_EQ(index->version(), base.version);
  EXPECT_EQ(index->FindCredential(bob)->flags, 0);
}

TEST(ApplyToIndexTest, AnOpOnAMissingObjectNamesTheOp) {
  const policy::Snapshot base = policy::testing::ExampleSnapshot();
  auto index = IndexOf(base);
  policy::CredentialKey unknown;
  unknown.fill(0xEE);
  const Delta delta{.base_version = base.version,
                    .version = base.version + 1,
                    .ops = {SetThreatLevel{ex::kHq, 1}, RevokeCredential{unknown}}};
  EXPECT_THAT(ApplyToIndex(delta, *index),
              StatusIs(StatusCode::kNotFound, HasSubstr("op 1 (revoke-credential)")));
  EXPECT_THAT(ApplyToIndex(Delta{.base_version = base.version,
                                 .version = base.version + 1,
                                 .ops = {SetLockdown{999999, true}}},
                           *IndexOf(base)),
              StatusIs(StatusCode::kNotFound, HasSubstr("op 0 (set-lockdown)")));
}

}  // namespace
}  // namespace sekisho::snapshot
