#include "site/snapshot_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "base/status_matchers.h"
#include "policy/compiled_policy.h"
#include "policy/decide.h"
#include "policy/state.h"
#include "policy/validate.h"
#include "site/demo_site.h"
#include "site/model_json.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::site {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-04-01T00:00:30.5Z, a Wednesday (09:00:30 in Tokyo): deliberately not on a whole minute.
constexpr TimePoint kNow = FromUnixSeconds(1775001630) + milliseconds(500);
constexpr policy::UnixSeconds kNowSeconds = 1775001630;
constexpr char kHr[] = "hr-admin";

policy::UnixSeconds Seconds(TimePoint t) {
  return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

// A pseudonym whose credential key starts with `first` (so the expected order is known).
Bytes Psn(std::uint8_t first, std::uint8_t n) {
  Bytes b(store::kPseudonymSize, n);
  b[0] = first;
  return b;
}
Bytes Serial(std::uint8_t n) { return Bytes(store::kKeyedSerialSize, n); }

class SnapshotBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(registry_,
                         store::sqlite::SqliteRegistry::Open(dir_.path() / "registry.db", clock_));
    ASSERT_OK_AND_ASSIGN(sites_, SiteStore::Open(dir_.path() / kSiteFile));
    ASSERT_OK_AND_ASSIGN(const store::Organisation org,
                         registry_->CreateOrganisation("Ministry A", kHr));
    org_ = org.id;
    ASSERT_OK_AND_ASSIGN(demo_, PopulateDemoSite(*sites_, org_));
  }

  store::Staff AddStaff(std::uint8_t n, TimePoint from, std::optional<TimePoint> until) {
    Bytes ref(store::StaffRef::kSize, n);
    ref[0] = 'R';
    store::NewStaff staff{*store::StaffRef::FromBytes(ref),
                          "E" + std::to_string(n),
                          "Person " + std::to_string(n),
                          "",
                          from,
                          until};
    Result<store::Staff> added = registry_->AddStaff(org_, staff, kHr);
    EXPECT_THAT(added, IsOk());
    return added.ok() ? *added : store::Staff{};
  }

  store::Credential Enrol(const store::Staff& staff, std::uint8_t first, std::uint8_t n,
                          TimePoint not_after) {
    store::NewCredential credential{store::CredentialKind::kJpki, Psn(first, n), Serial(n),
                                    not_after};
    Result<store::Credential> added = registry_->AddCredential(org_, staff.id, credential, kHr);
    EXPECT_THAT(added, IsOk());
    return added.ok() ? *added : store::Credential{};
  }

  void SetStatus(const store::Credential& c, store::CredentialStatus status) {
    ASSERT_THAT(registry_->SetCredentialStatus(org_, c.id, status, "test", kHr), IsOk());
  }

  void Assign(const store::Staff& staff, ObjectId level, policy::UnixSeconds from,
              policy::UnixSeconds until) {
    ASSERT_THAT(sites_->CreateAssignment(org_, {0, staff.id, {level, from, until}}), IsOk());
  }

  static policy::StaffRef RefOf(const store::Staff& staff) {
    policy::StaffRef ref;
    std::copy_n(staff.staff_ref.view().begin(), ref.size(), ref.begin());
    return ref;
  }

  store::testing::ScopedTempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  std::unique_ptr<SiteStore> sites_;
  OrganisationId org_;
  DemoSite demo_;
};

TEST_F(SnapshotBuilderTest, EmptyOrganisationGivesTheModelAlone) {
  ASSERT_OK_AND_ASSIGN(const policy::Snapshot snapshot,
                       BuildSnapshot(*registry_, *sites_, org_, kNow));
  ASSERT_OK_AND_ASSIGN(const policy::Snapshot model, sites_->Model(org_));
  EXPECT_EQ(snapshot, model);
  EXPECT_TRUE(snapshot.credentials.empty());
  EXPECT_EQ(snapshot.version, 0u);
}

TEST_F(SnapshotBuilderTest, CredentialsByStatusValidityAndLevels) {
  const TimePoint not_after = kNow + days(365) + seconds(45) + milliseconds(300);
  // A: employed since yesterday, open-ended; one active card.
  const store::Staff a = AddStaff(1, kNow - days(1), std::nullopt);
  const store::Credential a1 = Enrol(a, 0x90, 1, not_after);
  // B: starts in 2 h 10 s, leaves after 30 days and 59 s: validity rounded inward.
  const store::Staff b = AddStaff(2, kNow + hours(2) + seconds(10), kNow + days(30) + seconds(59));
  Enrol(b, 0x10, 2, not_after);
  // C: one suspended and one revoked card.
  const store::Staff c = AddStaff(3, kNow - days(1), std::nullopt);
  const store::Credential c1 = Enrol(c, 0x50, 3, not_after);
  const store::Credential c2 = Enrol(c, 0x40, 4, not_after);
  SetStatus(c1, store::CredentialStatus::kSuspended);
  SetStatus(c2, store::CredentialStatus::kRevoked);
  // D: a retired card only.
  const store::Staff d = AddStaff(4, kNow - days(1), std::nullopt);
  SetStatus(Enrol(d, 0x60, 5, not_after), store::CredentialStatus::kRetired);
  // E: left, with a revoked card (leaving does not retire revoked ones) and an active one
  // (which leaving retires).
  const store::Staff e = AddStaff(5, kNow - days(1), std::nullopt);
  SetStatus(Enrol(e, 0x70, 6, not_after), store::CredentialStatus::kRevoked);
  Enrol(e, 0x71, 7, not_after);
  ASSERT_THAT(registry_->UpdateStaffStatus(org_, e.id, store::StaffStatus::kLeft, kHr), IsOk());
  // F: a suspended staff member's active card.
  const store::Staff f = AddStaff(6, kNow - days(1), std::nullopt);
  Enrol(f, 0x20, 8, not_after);
  ASSERT_THAT(registry_->UpdateStaffStatus(org_, f.id, store::StaffStatus::kSuspended, kHr),
              IsOk());
  // G: valid for 20 s that hold no whole minute: never valid once rounded.
  const store::Staff g = AddStaff(7, kNow + days(10), kNow + days(10) + seconds(20));
  Enrol(g, 0x30, 9, not_after);

  // Levels: A holds Staff (open), IT from an hour from now for two days, and Security that
  // ended an hour ago; B holds Staff from yesterday; staff 999 is not in the registry.
  Assign(a, demo_.staff_level, policy::kBeginningOfTime, policy::kEndOfTime);
  Assign(a, demo_.it_level, kNowSeconds + 3600, kNowSeconds + 2 * 86400);
  Assign(a, demo_.security_level, kNowSeconds - 86400, kNowSeconds - 3600);
  Assign(b, demo_.staff_level, kNowSeconds - 86400, policy::kEndOfTime);
  ASSERT_THAT(sites_->CreateAssignment(org_, {0, StaffId(999), {demo_.it_level}}), IsOk());

  ASSERT_OK_AND_ASSIGN(const policy::Snapshot snapshot,
                       BuildSnapshot(*registry_, *sites_, org_, kNow));
  EXPECT_THAT(policy::Validate(snapshot), IsOk());
  EXPECT_EQ(snapshot.version, 0u);

  // The certificate's not_after, 2027-04-01T00:01:15.8Z, rounded down.
  const policy::UnixSeconds card_until = kNowSeconds + 365 * 86400 + 30;
  ASSERT_EQ(card_until % 60, 0);
  ASSERT_EQ(Seconds(not_after) - card_until, 15);

  const std::vector<policy::LevelAssignment> staff_only = {
      {demo_.staff_level, policy::kBeginningOfTime, policy::kEndOfTime}};
  std::vector<policy::LevelAssignment> a_levels = {
      {demo_.staff_level, policy::kBeginningOfTime, policy::kEndOfTime},
      {demo_.it_level, kNowSeconds + 3600, kNowSeconds + 2 * 86400}};
  std::sort(a_levels.begin(), a_levels.end(),
            [](const auto& x, const auto& y) { return x.level < y.level; });

  const std::vector<policy::Credential> expected = {
      // B (0x10): from 00:00:30.5 + 2h 10s = 02:00:40.5 -> 02:00:00; until 30 days + 00:01:29.5
      // -> 00:01:00.
      {policy::CredentialKeyOf(Psn(0x10, 2)), RefOf(b), kNowSeconds - 30 + 2 * 3600,
       kNowSeconds - 30 + 30 * 86400 + 60, 0, staff_only},
      // F (0x20): suspended staff -> revoked flag.
      {policy::CredentialKeyOf(Psn(0x20, 8)),
       RefOf(f),
       policy::kBeginningOfTime,
       card_until,
       policy::kCredentialRevoked,
       {}},
      // C (0x40 revoked, 0x50 suspended).
      {policy::CredentialKeyOf(Psn(0x40, 4)),
       RefOf(c),
       policy::kBeginningOfTime,
       card_until,
       policy::kCredentialRevoked,
       {}},
      {policy::CredentialKeyOf(Psn(0x50, 3)),
       RefOf(c),
       policy::kBeginningOfTime,
       card_until,
       policy::kCredentialRevoked,
       {}},
      // A (0x90): past start omitted.
      {policy::CredentialKeyOf(a1.pseudonym), RefOf(a), policy::kBeginningOfTime, card_until, 0,
       a_levels},
  };
  EXPECT_EQ(snapshot.credentials, expected);
}

TEST_F(SnapshotBuilderTest, DecisionsAtTheDemoSite) {
  const store::Staff a = AddStaff(1, kNow - days(1), std::nullopt);
  const store::Credential a1 = Enrol(a, 0x90, 1, kNow + days(365));
  const store::Credential a2 = Enrol(a, 0x91, 2, kNow + days(365));
  SetStatus(a2, store::CredentialStatus::kSuspended);
  Assign(a, demo_.staff_level, policy::kBeginningOfTime, policy::kEndOfTime);
  ASSERT_OK_AND_ASSIGN(policy::Snapshot snapshot, BuildSnapshot(*registry_, *sites_, org_, kNow));
  ASSERT_OK_AND_ASSIGN(const auto compiled, policy::CompiledPolicy::Create(std::move(snapshot)));
  const policy::State state;

  auto decide = [&](const store::Credential& card, ObjectId door, policy::UnixSeconds time) {
    return policy::Decide({door, policy::CredentialKeyOf(card.pseudonym),
                           policy::Assurance::kCardAndPin, time},
                          *compiled, state)
        .reason;
  };
  // Wednesday 10:00 in Tokyo: office hours.
  const policy::UnixSeconds wednesday_10 = kNowSeconds - 30 + 3600;
  EXPECT_TRUE(policy::IsGrant(decide(a1, demo_.office_door, wednesday_10)));
  EXPECT_EQ(decide(a2, demo_.office_door, wednesday_10), policy::Reason::kRevoked);
  EXPECT_EQ(decide(a1, demo_.server_room_door, wednesday_10), policy::Reason::kNoAccessLevel);
  // 22:00 the same day, and 10:00 on the 2026-05-05 holiday (a Tuesday): closed.
  EXPECT_EQ(decide(a1, demo_.office_door, wednesday_10 + 12 * 3600),
            policy::Reason::kOutsideSchedule);
  ASSERT_OK_AND_ASSIGN(const policy::LocalDay holiday, ParseLocalDay("2026-05-05"));
  const policy::UnixSeconds holiday_10_tokyo = std::int64_t{holiday} * 86400 + 3600;
  EXPECT_EQ(decide(a1, demo_.office_door, holiday_10_tokyo), policy::Reason::kOutsideSchedule);
  EXPECT_TRUE(policy::IsGrant(decide(a1, demo_.office_door, holiday_10_tokyo + 7 * 86400)));

  // Lockdown: only the security level passes.
  ASSERT_THAT(sites_->SetLockdown(org_, demo_.site, true), IsOk());
  ASSERT_OK_AND_ASSIGN(policy::Snapshot locked, BuildSnapshot(*registry_, *sites_, org_, kNow));
  ASSERT_OK_AND_ASSIGN(const auto compiled_locked,
                       policy::CompiledPolicy::Create(std::move(locked)));
  EXPECT_EQ(policy::Decide({demo_.office_door, policy::CredentialKeyOf(a1.pseudonym),
                            policy::Assurance::kCardAndPin, wednesday_10},
                           *compiled_locked, state)
                .reason,
            policy::Reason::kLockdown);
}

TEST_F(SnapshotBuilderTest, UnknownOrganisationIsNotFound) {
  EXPECT_THAT(BuildSnapshot(*registry_, *sites_, OrganisationId(99), kNow),
              StatusIs(StatusCode::kNotFound));
}

}  // namespace
}  // namespace sekisho::site
