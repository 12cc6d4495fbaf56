#include "snapshot/delta.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "policy/test_policy.h"
#include "policy/validate.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::VariantWith;
namespace ex = policy::testing::example;

// The worked example of docs/policy.md (version 7).
policy::Snapshot Base() { return policy::testing::ExampleSnapshot(); }

Delta To8(std::vector<DeltaOp> ops) { return Delta{.base_version = 7, .version = 8, .ops = ops}; }

const policy::Credential* FindCredential(const policy::Snapshot& s,
                                         const policy::CredentialKey& k) {
  for (const auto& c : s.credentials) {
    if (c.key == k) return &c;
  }
  return nullptr;
}

TEST(ApplyDeltaTest, RevokesOneCredentialAndLeavesTheInputAlone) {
  const policy::Snapshot base = Base();
  ASSERT_THAT(policy::Validate(base), IsOk());
  const auto bob = ex::KeyOf(ex::Person::kBob);
  auto next = ApplyDelta(base, To8({RevokeCredential{bob}}));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->version, 8u);
  EXPECT_EQ(FindCredential(*next, bob)->flags, policy::kCredentialRevoked);
  EXPECT_EQ(FindCredential(base, bob)->flags, 0);
  policy::Snapshot expected = base;
  expected.version = 8;
  for (auto& c : expected.credentials) {
    if (c.key == bob) c.flags = policy::kCredentialRevoked;
  }
  EXPECT_EQ(*next, expected);
}

TEST(ApplyDeltaTest, PutAddsInOrderOrReplaces) {
  policy::Credential added{.key = {}, .staff = {1}, .levels = {{.level = ex::kStaffLevel}}};
  added.key.fill(0x00);  // sorts before every example key
  policy::Door door{.id = 150, .site = ex::kHq, .to_zone = ex::kLab};
  policy::Zone lab{.id = ex::kLab, .site = ex::kHq, .anti_passback = policy::AntiPassback::kOff};
  auto next = ApplyDelta(Base(), To8({PutCredential{added}, PutDoor{door}, PutZone{lab}}));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->credentials.front(), added);
  EXPECT_EQ(next->credentials.size(), Base().credentials.size() + 1);
  EXPECT_EQ(next->doors.size(), Base().doors.size() + 1);
  EXPECT_THAT(policy::Validate(*next), IsOk());
  const auto zone = std::find_if(next->zones.begin(), next->zones.end(),
                                 [](const auto& z) { return z.id == ex::kLab; });
  EXPECT_EQ(*zone, lab);
  EXPECT_EQ(next->zones.size(), Base().zones.size());
}

TEST(ApplyDeltaTest, SiteSettingsAndRemovals) {
  auto next = ApplyDelta(Base(), To8({SetLockdown{ex::kHq, true}, SetThreatLevel{ex::kAnnex, 4},
                                      RemoveDoor{ex::kAnnexStoreDoor}, RemoveZone{ex::kAnnexStore},
                                      RemoveCredential{ex::KeyOf(ex::Person::kIvan)}}));
  ASSERT_THAT(next, IsOk());
  EXPECT_TRUE(next->sites[0].lockdown);
  EXPECT_EQ(next->sites[1].threat_level, 4);
  EXPECT_EQ(next->doors.size(), Base().doors.size() - 1);
  EXPECT_EQ(next->zones.size(), Base().zones.size() - 1);
  EXPECT_EQ(FindCredential(*next, ex::KeyOf(ex::Person::kIvan)), nullptr);
}

TEST(ApplyDeltaTest, OnlyTheResultMustBeValid) {
  // The zone goes before the door that leads into it; the door is added before its zone.
  auto next = ApplyDelta(Base(), To8({RemoveZone{ex::kAnnexStore}, RemoveDoor{ex::kAnnexStoreDoor},
                                      PutDoor{{.id = 300, .site = ex::kHq, .to_zone = 30}},
                                      PutZone{{.id = 30, .site = ex::kHq}}}));
  EXPECT_THAT(next, IsOk());
}

TEST(ApplyDeltaTest, RefusesAWrongBaseVersion) {
  Delta delta = To8({});
  delta.base_version = 6;
  EXPECT_THAT(ApplyDelta(Base(), delta),
              StatusIs(StatusCode::kFailedPrecondition, "delta is for version 6, gate holds 7"));
}

TEST(ApplyDeltaTest, RefusesAVersionNotAboveTheBase) {
  Delta delta = To8({});
  delta.version = 7;
  EXPECT_THAT(
      ApplyDelta(Base(), delta),
      StatusIs(StatusCode::kInvalidArgument, "delta version 7 is not above its base version 7"));
}

TEST(ApplyDeltaTest, RefusesOpsOnMissingObjects) {
  policy::CredentialKey unknown;
  unknown.fill(0xEE);
  EXPECT_THAT(ApplyDelta(Base(), To8({SetLockdown{ex::kHq, true}, RevokeCredential{unknown}})),
              StatusIs(StatusCode::kNotFound,
                       "op 1 (revoke-credential): the credential is not in the snapshot"));
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveCredential{unknown}})),
              StatusIs(StatusCode::kNotFound,
                       "op 0 (remove-credential): the credential is not in the snapshot"));
  EXPECT_THAT(
      ApplyDelta(Base(), To8({RemoveDoor{999}})),
      StatusIs(StatusCode::kNotFound, "op 0 (remove-door): door 999 is not in the snapshot"));
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveSite{3}})),
              StatusIs(StatusCode::kNotFound, "op 0 (remove-site): site 3 is not in the snapshot"));
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveZone{3}})), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveSchedule{3}})), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(
      ApplyDelta(Base(), To8({RemoveLevel{3}})),
      StatusIs(StatusCode::kNotFound, "op 0 (remove-level): level 3 is not in the snapshot"));
  EXPECT_THAT(
      ApplyDelta(Base(), To8({SetLockdown{3, true}})),
      StatusIs(StatusCode::kNotFound, "op 0 (set-lockdown): site 3 is not in the snapshot"));
  EXPECT_THAT(
      ApplyDelta(Base(), To8({SetThreatLevel{3, 1}})),
      StatusIs(StatusCode::kNotFound, "op 0 (set-threat-level): site 3 is not in the snapshot"));
}

TEST(ApplyDeltaTest, RefusesAnInvalidResult) {
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveZone{ex::kLobby}})),
              StatusIs(StatusCode::kInvalidArgument,
                       "the delta leaves an invalid snapshot: door 100: to_zone 10 is not a zone "
                       "of the snapshot"));
  EXPECT_THAT(ApplyDelta(Base(), To8({RemoveLevel{ex::kSecurity}})),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("lockdown override level 90")));
}

TEST(DiffTest, OneRevocationIsOneRevokeOp) {
  const policy::Snapshot from = Base();
  policy::Snapshot to = from;
  to.version = 9;
  to.credentials[3].flags |= policy::kCredentialRevoked;
  auto delta = Diff(from, to);
  ASSERT_THAT(delta, IsOk());
  EXPECT_EQ(delta->base_version, 7u);
  EXPECT_EQ(delta->version, 9u);
  EXPECT_THAT(
      delta->ops,
      ElementsAre(VariantWith<RevokeCredential>(RevokeCredential{from.credentials[3].key})));
}

TEST(DiffTest, SiteSettingsUseTheirOwnOps) {
  const policy::Snapshot from = Base();
  policy::Snapshot to = from;
  to.version = 8;
  to.sites[0].lockdown = true;
  to.sites[0].threat_level = 2;
  to.sites[1].threat_level = 1;
  EXPECT_THAT(Diff(from, to)->ops,
              ElementsAre(VariantWith<SetLockdown>(SetLockdown{ex::kHq, true}),
                          VariantWith<SetThreatLevel>(SetThreatLevel{ex::kHq, 2}),
                          VariantWith<SetThreatLevel>(SetThreatLevel{ex::kAnnex, 1})));
  // Any other change to the site resends it whole.
  to.sites[0].daily_reset_minute = 240;
  EXPECT_THAT(Diff(from, to)->ops,
              ElementsAre(VariantWith<PutSite>(PutSite{to.sites[0]}),
                          VariantWith<SetThreatLevel>(SetThreatLevel{ex::kAnnex, 1})));
}

TEST(DiffTest, AddedChangedAndRemovedObjects) {
  const policy::Snapshot from = Base();
  policy::Snapshot to = from;
  to.version = 8;
  to.doors.erase(to.doors.begin());                           // kEntrance
  to.doors.back().required = policy::Assurance::kCardAndPin;  // kAnnexStoreDoor
  to.schedules.push_back({.id = 60, .windows = {{0x01, 0, 60}}});
  // Un-revoking is not a revocation: the credential is resent.
  for (auto& c : to.credentials) c.flags = 0;
  auto delta = Diff(from, to);
  ASSERT_THAT(delta, IsOk());
  EXPECT_THAT(delta->ops, ElementsAre(VariantWith<RemoveDoor>(RemoveDoor{ex::kEntrance}),
                                      VariantWith<PutDoor>(PutDoor{to.doors.back()}),
                                      VariantWith<PutSchedule>(PutSchedule{to.schedules.back()}),
                                      VariantWith<PutCredential>(::testing::_)));
  EXPECT_EQ(*ApplyDelta(from, *delta), to);
}

TEST(DiffTest, RefusesAnOlderTarget) {
  EXPECT_THAT(Diff(Base(), Base()), StatusIs(StatusCode::kInvalidArgument,
                                             "cannot diff to version 7: not above version 7"));
}

TEST(DiffTest, UnchangedModelGivesNoOps) {
  policy::Snapshot to = Base();
  to.version = 8;
  auto delta = Diff(Base(), to);
  ASSERT_THAT(delta, IsOk());
  EXPECT_TRUE(delta->ops.empty());
  EXPECT_EQ(*ApplyDelta(Base(), *delta), to);
}

// The property the gate relies on: Apply(old, Diff(old, new)) == new.
TEST(DiffTest, ApplyingTheDiffGivesTheTargetForRandomPairs) {
  SeededRandom random(7);
  int with_ops = 0;
  for (int i = 0; i < 150; ++i) {
    const policy::Snapshot from = testing::SmallRandomSnapshot(8, 10, random);
    ASSERT_THAT(policy::Validate(from), IsOk());
    // Related pairs (a few changes) and, one time in five, unrelated ones.
    policy::Snapshot to =
        (i % 5 == 4) ? testing::SmallRandomSnapshot(8, 12, random) : testing::Mutate(from, random);
    ASSERT_THAT(policy::Validate(to), IsOk());
    auto delta = Diff(from, to);
    ASSERT_THAT(delta, IsOk());
    if (!delta->ops.empty()) ++with_ops;
    auto applied = ApplyDelta(from, *delta);
    ASSERT_THAT(applied, IsOk()) << i;
    EXPECT_EQ(*applied, to) << i;
  }
  EXPECT_GT(with_ops, 120);
}

TEST(DeltaTest, OpNamesFollowTheVariant) {
  EXPECT_EQ(OpName(PutSite{}), "put-site");
  EXPECT_EQ(OpName(RevokeCredential{}), "revoke-credential");
  EXPECT_EQ(OpName(SetThreatLevel{}), "set-threat-level");
  EXPECT_EQ(OpNameAt(std::variant_size_v<DeltaOp>), "unknown");
}

}  // namespace
}  // namespace sekisho::snapshot
