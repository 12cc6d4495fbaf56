#include "policy/decide.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "policy/test_policy.h"

namespace sekisho::policy {
namespace {

using namespace ::sekisho::policy::testing::example;  // NOLINT(build/namespaces)
using ::sekisho::policy::testing::ExampleSnapshot;

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kDay = 86400;

class DecideTest : public ::testing::Test {
 public:
  void SetUp() override { Rebuild(ExampleSnapshot()); }

  void Rebuild(Snapshot snapshot) {
    auto created = CompiledPolicy::Create(std::move(snapshot));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    policy_ = std::move(created).value();
  }

  static Request At(ObjectId door, Person person, UnixSeconds time,
                    Assurance presented = Assurance::kCardAndPin) {
    return Request{door, KeyOf(person), presented, time};
  }

  Decision DecideNow(const Request& request) { return Decide(request, *policy_, state_); }
  Reason ReasonFor(const Request& request) { return DecideNow(request).reason; }

  // Decides and records, as a gate does after acting on the decision.
  Decision Pass(const Request& request) {
    const Decision decision = Decide(request, *policy_, state_);
    RecordPassage(request, decision, state_);
    return decision;
  }

 protected:
  std::unique_ptr<CompiledPolicy> policy_;
  State state_;
};

// One scenario per reason the policy can produce: the table that the coverage test below checks.
struct Scenario {
  std::string name;
  Reason expected;
  std::function<Reason(DecideTest&)> run;
};

class DecideScenarioTest : public DecideTest, public ::testing::WithParamInterface<Scenario> {};

std::vector<Scenario> Scenarios() {
  auto scenario = [](std::string name, Reason expected, std::function<Reason(DecideTest&)> body) {
    return Scenario{std::move(name), expected, std::move(body)};
  };
  auto simple = [&scenario](std::string name, Reason expected, ObjectId door, Person person,
                            UnixSeconds time, Assurance presented = Assurance::kCardAndPin) {
    return scenario(std::move(name), expected, [=](DecideTest& t) {
      return t.ReasonFor(Request{door, KeyOf(person), presented, time});
    });
  };
  return {
      simple("Granted", Reason::kGranted, kEntrance, Person::kBob, kWednesday1000),
      simple("GrantedAntiPassbackSoft", Reason::kGrantedAntiPassbackSoft, kLabDoor, Person::kBob,
             kWednesday1000),
      simple("GrantedOverride", Reason::kGrantedOverride, kAnnexDoor, Person::kGrace,
             kWednesday1000),
      scenario(
          "GrantedSecondPerson", Reason::kGrantedSecondPerson,
          [](DecideTest& t) {
            t.Pass({kVaultDoor, KeyOf(Person::kAlice), Assurance::kCardAndPin, kWednesday1000});
            return t.ReasonFor(
                {kVaultDoor, KeyOf(Person::kBob), Assurance::kCardAndPin, kWednesday1000 + 10});
          }),
      scenario("UnknownCredential", Reason::kUnknownCredential,
               [](DecideTest& t) {
                 CredentialKey key{};
                 key.fill(0xEE);
                 return t.ReasonFor({kEntrance, key, Assurance::kCardAndPin, kWednesday1000});
               }),
      simple("Revoked", Reason::kRevoked, kEntrance, Person::kCarol, kWednesday1000),
      simple("Expired", Reason::kExpired, kEntrance, Person::kDave, kWednesday1000),
      simple("NotYetValid", Reason::kNotYetValid, kEntrance, Person::kErin, kWednesday1000),
      simple("NoAccessLevel", Reason::kNoAccessLevel, kOfficeIn, Person::kHeidi, kWednesday1000),
      simple("OutsideSchedule", Reason::kOutsideSchedule, kOfficeIn, Person::kBob, kSunday1200),
      simple("DeniedByRule", Reason::kDeniedByRule, kLabDoor, Person::kFrank, kWednesday1000),
      simple("InsufficientAssurance", Reason::kInsufficientAssurance, kLabDoor, Person::kBob,
             kWednesday1000, Assurance::kCard),
      simple("Lockdown", Reason::kLockdown, kAnnexDoor, Person::kBob, kWednesday1000),
      simple("AntiPassback", Reason::kAntiPassback, kOfficeIn, Person::kBob, kWednesday1000),
      simple("AwaitingSecondPerson", Reason::kAwaitingSecondPerson, kVaultDoor, Person::kBob,
             kWednesday1000),
      simple("AwaitingFirstPersonIn", Reason::kAwaitingFirstPersonIn, kServerDoor, Person::kBob,
             kWednesday1000),
      simple("UnknownDoor", Reason::kUnknownDoor, 999, Person::kBob, kWednesday1000),
      scenario("DoorWithMissingZoneIsUnknown", Reason::kUnknownDoor,
               [](DecideTest& t) {
                 Snapshot s = ExampleSnapshot();
                 s.doors.push_back(Door{.id = 106, .site = kHq, .to_zone = 99});
                 t.Rebuild(s);
                 return t.ReasonFor(DecideTest::At(106, Person::kBob, kWednesday1000));
               }),
      scenario("DoorWithMissingSiteIsUnknown", Reason::kUnknownDoor,
               [](DecideTest& t) {
                 Snapshot s = ExampleSnapshot();
                 s.doors.push_back(Door{.id = 106, .site = 98, .to_zone = kLobby});
                 t.Rebuild(s);
                 return t.ReasonFor(DecideTest::At(106, Person::kBob, kWednesday1000));
               }),
  };
}

TEST_P(DecideScenarioTest, ProducesItsReason) {
  const Scenario& scenario = GetParam();
  EXPECT_EQ(ReasonName(scenario.run(*this)), ReasonName(scenario.expected));
}

std::string ScenarioName(const ::testing::TestParamInfo<Scenario>& scenario) {
  return scenario.param.name;
}

INSTANTIATE_TEST_SUITE_P(EveryReason, DecideScenarioTest, ::testing::ValuesIn(Scenarios()),
                         ScenarioName);

// Every reason the policy decides (all but the gate's, numbered from 48) has a scenario above.
TEST(DecideCoverageTest, EveryPolicyReasonHasAScenario) {
  std::set<Reason> covered;
  for (const Scenario& scenario : Scenarios()) covered.insert(scenario.expected);
  for (Reason reason : kAllReasons) {
    const bool policy_reason = static_cast<int>(reason) < 48;
    EXPECT_EQ(covered.count(reason) == 1, policy_reason) << ReasonName(reason);
  }
}

TEST_F(DecideTest, DecisionCarriesDoorAndHolder) {
  Decision d = DecideNow(At(kEntrance, Person::kBob, kWednesday1000));
  EXPECT_TRUE(d.granted());
  EXPECT_EQ(d.site, kHq);
  EXPECT_EQ(d.zone, kLobby);
  EXPECT_EQ(d.staff, StaffOf(Person::kBob));
  EXPECT_FALSE(d.companion.has_value());
  EXPECT_FALSE(d.anti_passback_violation);
  // The next 03:00 JST after 2026-04-01 10:00 JST: 2026-04-02 03:00 JST.
  EXPECT_EQ(d.records_expire, 1775066400);

  CredentialKey unknown{};
  d = DecideNow(Request{kEntrance, unknown, Assurance::kCardAndPin, kWednesday1000});
  EXPECT_EQ(d.reason, Reason::kUnknownCredential);
  EXPECT_EQ(d.zone, kLobby);
  EXPECT_FALSE(d.staff.has_value());

  d = DecideNow(At(999, Person::kBob, kWednesday1000));
  EXPECT_EQ(d, Decision{});
  EXPECT_FALSE(d.granted());
}

TEST_F(DecideTest, OrderOfChecksMostSpecificFirst) {
  // Unknown door before unknown credential.
  CredentialKey unknown{};
  EXPECT_EQ(ReasonFor(Request{999, unknown, Assurance::kCard, kWednesday1000}),
            Reason::kUnknownDoor);
  // Revoked before expired.
  Snapshot s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kDave)) c.flags |= kCredentialRevoked;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kDave, kWednesday1000)), Reason::kRevoked);
  // Validity before lockdown; lockdown before assurance for those without the override.
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kErin, kWednesday1000)), Reason::kNotYetValid);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kBob, kWednesday1000, Assurance::kCard)),
            Reason::kLockdown);
  // Assurance before levels: Frank's deny rule is not reached without the PIN.
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000, Assurance::kCard)),
            Reason::kInsufficientAssurance);
  // Levels before anti-passback: Bob has no record for the office either way.
  EXPECT_EQ(ReasonFor(At(kOfficeIn, Person::kBob, kSunday1200)), Reason::kOutsideSchedule);
  // Deny rule before schedule: Frank is denied the lab on Sunday too.
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kSunday1200)), Reason::kDeniedByRule);
}

TEST_F(DecideTest, ValidityIsHalfOpen) {
  Snapshot s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kBob)) {
      c.valid_from = kWednesday1000;
      c.valid_until = kWednesday1000 + kHour;
    }
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000 - 1)), Reason::kNotYetValid);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000)), Reason::kGranted);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000 + kHour - 1)), Reason::kGranted);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000 + kHour)), Reason::kExpired);
}

TEST_F(DecideTest, AssignmentValidityIsHalfOpen) {
  Snapshot s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kBob)) {
      c.levels[0].valid_from = kWednesday1000;
      c.levels[0].valid_until = kWednesday1000 + kHour;
    }
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000 - 1)), Reason::kNoAccessLevel);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000)), Reason::kGranted);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000 + kHour)), Reason::kNoAccessLevel);
}

TEST_F(DecideTest, DenyRuleWinsWhateverTheOrderOfLevels) {
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000)), Reason::kDeniedByRule);
  Snapshot s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kFrank)) std::swap(c.levels[0], c.levels[1]);
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000)), Reason::kDeniedByRule);
  // Other zones are unaffected.
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kFrank, kWednesday1000)), Reason::kGranted);
}

TEST_F(DecideTest, ClosedDenyRuleDoesNotDeny) {
  Snapshot s = ExampleSnapshot();
  for (AccessLevel& level : s.levels) {
    if (level.id == kNoLab) level.rules[0].schedule = kWeekend;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000)),
            Reason::kGrantedAntiPassbackSoft);
}

TEST_F(DecideTest, OnlyDenyRulesForTheZoneMeanNoAccessLevel) {
  Snapshot s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kFrank)) c.levels = {{.level = kNoLab}};
  }
  for (AccessLevel& level : s.levels) {
    if (level.id == kNoLab) level.rules[0].schedule = kWeekend;  // closed on Wednesday
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000)), Reason::kNoAccessLevel);
}

TEST_F(DecideTest, DanglingScheduleFailsClosed) {
  Snapshot s = ExampleSnapshot();
  for (AccessLevel& level : s.levels) {
    if (level.id == kStaffLevel) level.rules[0].schedule = 77;  // lobby grant: never opens
    if (level.id == kNoLab) level.rules[0].schedule = 78;       // lab deny: always applies
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000)), Reason::kOutsideSchedule);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kFrank, kWednesday1000)), Reason::kDeniedByRule);
}

TEST_F(DecideTest, OutOfRangeEnumValuesFailClosed) {
  // An assurance below kCard satisfies nothing.
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000, static_cast<Assurance>(0))),
            Reason::kInsufficientAssurance);
  Snapshot s = ExampleSnapshot();
  for (AccessLevel& level : s.levels) {
    if (level.id == kStaffLevel) level.rules[0].effect = static_cast<Effect>(9);  // lobby
  }
  for (Zone& zone : s.zones) {
    if (zone.id == kLab) zone.anti_passback = static_cast<AntiPassback>(7);
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000)), Reason::kDeniedByRule);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kBob, kWednesday1000)), Reason::kAntiPassback);
}

TEST_F(DecideTest, SchedulesReadTheSiteLocalTime) {
  // 2026-03-31 23:30 UTC is Wednesday 08:30 in Tokyo: business hours.
  const UnixSeconds tuesday_utc_2330 = 1774999800;
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kBob, tuesday_utc_2330)),
            Reason::kGrantedAntiPassbackSoft);
  // 2026-04-01 11:00 UTC is 20:00 in Tokyo: the window has just closed.
  const UnixSeconds wednesday_utc_1100 = 1775041200;
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kBob, wednesday_utc_1100)), Reason::kOutsideSchedule);
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kBob, wednesday_utc_1100 - 1)),
            Reason::kGrantedAntiPassbackSoft);
}

TEST_F(DecideTest, HolidaysUseHolidayWindows) {
  // Showa Day is a Wednesday: business hours are closed, the weekend schedule's holiday
  // window is open.
  EXPECT_EQ(ReasonFor(At(kLabDoor, Person::kBob, kHoliday1000)), Reason::kOutsideSchedule);
  state_.SetLocation(StaffOf(Person::kIvan), {kLobby, kHoliday1000 - 60, kEndOfTime});
  EXPECT_EQ(ReasonFor(At(kOfficeIn, Person::kIvan, kHoliday1000)), Reason::kGranted);
  // The weekend schedule's Saturday/Sunday window does not apply on a weekday...
  EXPECT_EQ(ReasonFor(At(kOfficeIn, Person::kIvan, kWednesday1000)), Reason::kOutsideSchedule);
  // ... but does on Sunday.
  state_.SetLocation(StaffOf(Person::kIvan), {kLobby, kSunday1200 - 60, kEndOfTime});
  EXPECT_EQ(ReasonFor(At(kOfficeIn, Person::kIvan, kSunday1200)), Reason::kGranted);
}

TEST_F(DecideTest, ThreatLevelSuspendsLimitedLevels) {
  // Heidi's only counting level is kLowThreat (max_threat_level 0): the lobby.
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kHeidi, kWednesday1000)), Reason::kGranted);
  ASSERT_TRUE(policy_
                  ->UpsertSite(Site{.id = kHq,
                                    .utc_offset_minutes = 540,
                                    .holidays = {kShowaDay},
                                    .threat_level = 1,
                                    .daily_reset_minute = 180})
                  .ok());
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kHeidi, kWednesday1000)), Reason::kNoAccessLevel);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, kWednesday1000)), Reason::kGranted);
}

TEST_F(DecideTest, LockdownOverrideIgnoresRulesButNotAssurance) {
  // The annex store has no rule in any level: only the override opens it during lockdown.
  EXPECT_EQ(ReasonFor(At(kAnnexStoreDoor, Person::kGrace, kSunday1200 + 12 * kHour)),
            Reason::kGrantedOverride);
  EXPECT_EQ(ReasonFor(At(kAnnexStoreDoor, Person::kAlice, kWednesday1000)), Reason::kLockdown);
  Snapshot s = ExampleSnapshot();
  for (Door& door : s.doors) {
    if (door.id == kAnnexDoor) door.required = Assurance::kCardAndPin;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000, Assurance::kCard)),
            Reason::kInsufficientAssurance);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000)), Reason::kGrantedOverride);
}

TEST_F(DecideTest, LockdownOverrideNeedsACountingAssignment) {
  Snapshot s = ExampleSnapshot();
  for (Site& site : s.sites) {
    if (site.id == kAnnex) site.threat_level = 4;  // above kSecurity's max_threat_level
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000)), Reason::kLockdown);
  s = ExampleSnapshot();
  for (Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kGrace)) c.levels[1].valid_until = kWednesday1000;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000)), Reason::kLockdown);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000 - 1)),
            Reason::kGrantedOverride);
}

TEST_F(DecideTest, LockdownWithoutOverrideLevelDeniesEveryone) {
  Snapshot s = ExampleSnapshot();
  for (Site& site : s.sites) {
    if (site.id == kAnnex) site.lockdown_override_level = kNone;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kAnnexDoor, Person::kGrace, kWednesday1000)), Reason::kLockdown);
}

TEST_F(DecideTest, AntiPassbackFollowsTheHolder) {
  const UnixSeconds t = kWednesday1000;
  EXPECT_EQ(Pass(At(kEntrance, Person::kBob, t)).reason, Reason::kGranted);
  EXPECT_EQ(Pass(At(kOfficeIn, Person::kBob, t + 60)).reason, Reason::kGranted);
  // Passing the card back to someone outside: the office reader refuses it again.
  EXPECT_EQ(Pass(At(kOfficeIn, Person::kBob, t + 120)).reason, Reason::kAntiPassback);
  EXPECT_EQ(Pass(At(kOfficeOut, Person::kBob, t + 180)).reason, Reason::kGranted);
  EXPECT_EQ(Pass(At(kOfficeOut, Person::kBob, t + 240)).reason, Reason::kAntiPassback);
  EXPECT_EQ(Pass(At(kOfficeIn, Person::kBob, t + 300)).reason, Reason::kGranted);
  ASSERT_NE(state_.Location(StaffOf(Person::kBob), t + 300), nullptr);
  EXPECT_EQ(state_.Location(StaffOf(Person::kBob), t + 300)->zone, kOffice);
}

TEST_F(DecideTest, AntiPassbackIsPerStaffMemberNotPerCard) {
  Snapshot s = ExampleSnapshot();
  Credential badge = s.credentials.front();
  for (const Credential& c : s.credentials) {
    if (c.key == KeyOf(Person::kBob)) badge = c;
  }
  badge.key.fill(0x5A);  // Bob's second card (a badge)
  ASSERT_TRUE(policy_->FindCredential(badge.key) == nullptr);
  policy_->UpsertCredential(badge);
  EXPECT_EQ(Pass(At(kEntrance, Person::kBob, kWednesday1000)).reason, Reason::kGranted);
  EXPECT_EQ(Pass(At(kOfficeIn, Person::kBob, kWednesday1000 + 60)).reason, Reason::kGranted);
  EXPECT_EQ(Pass({kOfficeIn, badge.key, Assurance::kCard, kWednesday1000 + 120}).reason,
            Reason::kAntiPassback);
}

TEST_F(DecideTest, SoftAntiPassbackGrantsAndFlags) {
  Decision d = Pass(At(kLabDoor, Person::kBob, kWednesday1000));
  EXPECT_EQ(d.reason, Reason::kGrantedAntiPassbackSoft);
  EXPECT_TRUE(d.anti_passback_violation);
  EXPECT_EQ(Pass(At(kOfficeIn, Person::kBob, kWednesday1000 + 60)).reason, Reason::kAntiPassback);
  // In the lobby now, the lab door agrees.
  state_.SetLocation(StaffOf(Person::kBob), {kLobby, kWednesday1000 + 90, kEndOfTime});
  d = Pass(At(kLabDoor, Person::kBob, kWednesday1000 + 120));
  EXPECT_EQ(d.reason, Reason::kGranted);
  EXPECT_FALSE(d.anti_passback_violation);
}

TEST_F(DecideTest, DailyResetPutsEveryoneOutside) {
  const UnixSeconds t = kWednesday1000;
  ASSERT_TRUE(Pass(At(kEntrance, Person::kBob, t)).granted());
  ASSERT_TRUE(Pass(At(kOfficeIn, Person::kBob, t + 60)).granted());
  // The reset is at 03:00 JST on Thursday, 17 h after 10:00 on Wednesday.
  const UnixSeconds reset = t + 17 * kHour;
  // Business hours are closed at night: add an always-open office rule for the test.
  Snapshot s = ExampleSnapshot();
  for (AccessLevel& level : s.levels) {
    if (level.id == kStaffLevel) level.rules[1].schedule = kNone;
  }
  Rebuild(s);
  EXPECT_EQ(ReasonFor(At(kOfficeOut, Person::kBob, reset - 1)), Reason::kGranted);
  EXPECT_EQ(ReasonFor(At(kOfficeOut, Person::kBob, reset)), Reason::kAntiPassback);
  EXPECT_EQ(ReasonFor(At(kEntrance, Person::kBob, reset)), Reason::kGranted);
  // Recording at the reset prunes the expired records.
  EXPECT_EQ(state_.location_count(), 1u);
  RecordPassage(At(kOfficeOut, Person::kBob, reset), Decision{Reason::kAntiPassback}, state_);
  EXPECT_EQ(state_.location_count(), 0u);
}

TEST_F(DecideTest, TwoPersonRule) {
  const UnixSeconds t = kWednesday1000;
  Decision first = Pass(At(kVaultDoor, Person::kAlice, t));
  EXPECT_EQ(first.reason, Reason::kAwaitingSecondPerson);
  EXPECT_EQ(first.records_expire, t + 30);
  EXPECT_EQ(state_.pending_count(), 1u);
  // The same holder again (or with another card) is not a second person; it restarts the wait.
  EXPECT_EQ(Pass(At(kVaultDoor, Person::kAlice, t + 20)).reason, Reason::kAwaitingSecondPerson);
  // A second holder within 30 s of the (latest) first card: both enter.
  Decision second = Pass(At(kVaultDoor, Person::kBob, t + 49));
  EXPECT_EQ(second.reason, Reason::kGrantedSecondPerson);
  EXPECT_EQ(second.companion, StaffOf(Person::kAlice));
  EXPECT_EQ(state_.pending_count(), 0u);
  EXPECT_EQ(state_.Location(StaffOf(Person::kAlice), t + 49)->zone, kVault);
  EXPECT_EQ(state_.Location(StaffOf(Person::kBob), t + 49)->zone, kVault);
  // The pair is used up: the next card starts over.
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kFrank, t + 50)), Reason::kAwaitingSecondPerson);
}

TEST_F(DecideTest, TwoPersonWindowIsHalfOpen) {
  const UnixSeconds t = kWednesday1000;
  ASSERT_EQ(Pass(At(kVaultDoor, Person::kAlice, t)).reason, Reason::kAwaitingSecondPerson);
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kBob, t + 29)), Reason::kGrantedSecondPerson);
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kBob, t + 30)), Reason::kAwaitingSecondPerson);
  // A clock that went back before the first card does not pair either.
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kBob, t - 1)), Reason::kAwaitingSecondPerson);
}

TEST_F(DecideTest, TwoPersonIsPerDoor) {
  Snapshot s = ExampleSnapshot();
  s.doors.push_back(Door{.id = 107,
                         .site = kHq,
                         .to_zone = kVault,
                         .from_zone = kLobby,
                         .required = Assurance::kCardAndPin});
  Rebuild(s);
  ASSERT_EQ(Pass(At(kVaultDoor, Person::kAlice, kWednesday1000)).reason,
            Reason::kAwaitingSecondPerson);
  EXPECT_EQ(ReasonFor(At(107, Person::kBob, kWednesday1000 + 5)), Reason::kAwaitingSecondPerson);
}

TEST_F(DecideTest, TwoPersonFirstCardRevokedMeanwhileDoesNotCount) {
  ASSERT_EQ(Pass(At(kVaultDoor, Person::kAlice, kWednesday1000)).reason,
            Reason::kAwaitingSecondPerson);
  ASSERT_TRUE(policy_->RevokeCredential(KeyOf(Person::kAlice)).ok());
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kBob, kWednesday1000 + 5)),
            Reason::kAwaitingSecondPerson);
}

TEST_F(DecideTest, TwoPersonSecondCardStillNeedsItsOwnAccess) {
  ASSERT_EQ(Pass(At(kVaultDoor, Person::kAlice, kWednesday1000)).reason,
            Reason::kAwaitingSecondPerson);
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kIvan, kWednesday1000 + 5)), Reason::kNoAccessLevel);
  EXPECT_EQ(ReasonFor(At(kVaultDoor, Person::kBob, kWednesday1000 + 5, Assurance::kCard)),
            Reason::kInsufficientAssurance);
}

TEST_F(DecideTest, FirstPersonIn) {
  const UnixSeconds t = kWednesday1000;
  EXPECT_EQ(Pass(At(kServerDoor, Person::kBob, t)).reason, Reason::kAwaitingFirstPersonIn);
  EXPECT_EQ(state_.unlocked_count(), 0u);
  Decision supervisor = Pass(At(kServerDoor, Person::kAlice, t + 60));
  EXPECT_EQ(supervisor.reason, Reason::kGranted);
  EXPECT_TRUE(supervisor.unlocks_first_person_in);
  ASSERT_NE(state_.Unlocked(kServerRoom, t + 60), nullptr);
  EXPECT_EQ(state_.Unlocked(kServerRoom, t + 60)->since, t + 60);
  Decision staff = Pass(At(kServerDoor, Person::kBob, t + 120));
  EXPECT_EQ(staff.reason, Reason::kGranted);
  EXPECT_FALSE(staff.unlocks_first_person_in);
  // A later supervisor does not move the unlock time.
  ASSERT_TRUE(Pass(At(kServerDoor, Person::kAlice, t + 180)).granted());
  EXPECT_EQ(state_.Unlocked(kServerRoom, t + 180)->since, t + 60);
  // Locked again from the daily reset (03:00 JST, 17 h after 10:00).
  EXPECT_EQ(ReasonFor(At(kServerDoor, Person::kBob, t + 17 * kHour - 1)), Reason::kGranted);
  EXPECT_EQ(ReasonFor(At(kServerDoor, Person::kBob, t + 17 * kHour)),
            Reason::kAwaitingFirstPersonIn);
}

TEST_F(DecideTest, FirstPersonInWithTwoPersonLetsASupervisorPairIn) {
  Snapshot s = ExampleSnapshot();
  for (Zone& zone : s.zones) {
    if (zone.id == kVault) zone.first_person_in_level = kSupervisor;
  }
  Rebuild(s);
  const UnixSeconds t = kWednesday1000;
  // Bob first: the vault is locked for him, and no supervisor is waiting.
  EXPECT_EQ(Pass(At(kVaultDoor, Person::kBob, t)).reason, Reason::kAwaitingFirstPersonIn);
  EXPECT_EQ(state_.pending_count(), 0u);
  // Alice (supervisor) first, then Bob: the pair enters and unlocks the vault for the day.
  EXPECT_EQ(Pass(At(kVaultDoor, Person::kAlice, t + 10)).reason, Reason::kAwaitingSecondPerson);
  Decision pair = Pass(At(kVaultDoor, Person::kBob, t + 20));
  EXPECT_EQ(pair.reason, Reason::kGrantedSecondPerson);
  EXPECT_TRUE(pair.unlocks_first_person_in);
  EXPECT_NE(state_.Unlocked(kVault, t + 20), nullptr);
  // Now two ordinary holders may pair.
  EXPECT_EQ(Pass(At(kVaultDoor, Person::kFrank, t + 100)).reason, Reason::kAwaitingSecondPerson);
  EXPECT_EQ(Pass(At(kVaultDoor, Person::kBob, t + 110)).reason, Reason::kGrantedSecondPerson);
}

TEST_F(DecideTest, OverrideIgnoresFirstPersonInAntiPassbackAndTwoPerson) {
  Snapshot s = ExampleSnapshot();
  for (Zone& zone : s.zones) {
    if (zone.id == kAnnexStore) {
      zone.anti_passback = AntiPassback::kHard;
      zone.two_person = true;
      zone.first_person_in_level = kSupervisor;
    }
  }
  Rebuild(s);
  Decision d = Pass(At(kAnnexStoreDoor, Person::kGrace, kWednesday1000));
  EXPECT_EQ(d.reason, Reason::kGrantedOverride);
  EXPECT_FALSE(d.anti_passback_violation);
  EXPECT_EQ(state_.Location(StaffOf(Person::kGrace), kWednesday1000)->zone, kAnnexStore);
}

TEST_F(DecideTest, DeniedDecisionsLeaveTheStateAlone) {
  for (Person person : kAllPeople) {
    for (ObjectId door : {kEntrance, kOfficeIn, kLabDoor, kServerDoor, kAnnexDoor}) {
      const Request request = At(door, person, kSunday1200, Assurance::kCard);
      const Decision d = DecideNow(request);
      if (d.granted() || d.reason == Reason::kAwaitingSecondPerson) continue;
      RecordPassage(request, d, state_);
    }
  }
  EXPECT_EQ(state_.location_count(), 0u);
  EXPECT_EQ(state_.pending_count(), 0u);
  EXPECT_EQ(state_.unlocked_count(), 0u);
}

TEST_F(DecideTest, RecordPassageUsesTheDecisionNotTheCurrentPolicy) {
  const Request request = At(kEntrance, Person::kBob, kWednesday1000);
  const Decision d = DecideNow(request);
  ASSERT_TRUE(policy_->RemoveDoor(kEntrance).ok());
  RecordPassage(request, d, state_);
  ASSERT_NE(state_.Location(StaffOf(Person::kBob), kWednesday1000), nullptr);
  EXPECT_EQ(state_.Location(StaffOf(Person::kBob), kWednesday1000)->expires, d.records_expire);
}

TEST_F(DecideTest, StateStaysBoundedOverManyDays) {
  // Every person through every door, every hour, for 30 days.
  for (UnixSeconds t = kWednesday1000; t < kWednesday1000 + 30 * kDay; t += kHour) {
    for (Person person : kAllPeople) {
      for (ObjectId door : {kEntrance, kOfficeIn, kOfficeOut, kLabDoor, kVaultDoor, kServerDoor,
                            kAnnexDoor, kAnnexStoreDoor}) {
        Pass(At(door, person, t));
      }
    }
    EXPECT_LE(state_.location_count(), std::size(kAllPeople));
    EXPECT_LE(state_.pending_count(), 1u);
    EXPECT_LE(state_.unlocked_count(), 1u);
  }
}

// The worked example of docs/policy.md, step by step: keep the two in step.
TEST_F(DecideTest, WorkedExample) {
  constexpr UnixSeconds kWed0000 = kWednesday1000 - 10 * kHour;  // 2026-04-01 00:00 JST
  auto at = [](int hour, int minute, int second = 0) {
    return kWed0000 + hour * kHour + minute * 60 + second;
  };
  struct Step {
    UnixSeconds time;
    Person person;
    ObjectId door;
    Assurance presented;
    Reason expected;
  };
  constexpr Assurance kCard = Assurance::kCard;
  constexpr Assurance kPin = Assurance::kCardAndPin;
  const Step steps[] = {
      {at(8, 50), Person::kBob, kEntrance, kCard, Reason::kGranted},                    // 1
      {at(8, 52), Person::kBob, kOfficeIn, kCard, Reason::kGranted},                    // 2
      {at(8, 53), Person::kBob, kOfficeIn, kCard, Reason::kAntiPassback},               // 3
      {at(8, 58), Person::kBob, kOfficeOut, kCard, Reason::kGranted},                   // 4
      {at(9, 0), Person::kBob, kServerDoor, kCard, Reason::kAwaitingFirstPersonIn},     // 5
      {at(9, 5), Person::kAlice, kServerDoor, kCard, Reason::kGranted},                 // 6
      {at(9, 6), Person::kBob, kServerDoor, kCard, Reason::kGranted},                   // 7
      {at(10, 0), Person::kAlice, kVaultDoor, kPin, Reason::kAwaitingSecondPerson},     // 8
      {at(10, 0, 20), Person::kFrank, kVaultDoor, kPin, Reason::kGrantedSecondPerson},  // 9
      {at(10, 30), Person::kFrank, kLabDoor, kPin, Reason::kDeniedByRule},              // 10
      {at(10, 31), Person::kBob, kLabDoor, kCard, Reason::kInsufficientAssurance},      // 11
      {at(10, 32), Person::kBob, kLabDoor, kPin, Reason::kGrantedAntiPassbackSoft},     // 12
      {at(10, 40), Person::kGrace, kAnnexDoor, kCard, Reason::kGrantedOverride},        // 13
      {at(10, 41), Person::kBob, kAnnexDoor, kCard, Reason::kLockdown},                 // 14
      {at(11, 0), Person::kCarol, kEntrance, kCard, Reason::kRevoked},                  // 15
      {at(11, 1), Person::kDave, kEntrance, kCard, Reason::kExpired},                   // 16
      {at(11, 2), Person::kHeidi, kOfficeIn, kCard, Reason::kNoAccessLevel},            // 17
      {at(20, 0), Person::kBob, kOfficeIn, kCard, Reason::kOutsideSchedule},            // 18
      {at(33, 0), Person::kBob, kServerDoor, kCard, Reason::kAwaitingFirstPersonIn},    // 19
      {kHoliday1000, Person::kBob, kEntrance, kCard, Reason::kGranted},                 // 20
      {kHoliday1000 + 60, Person::kBob, kOfficeIn, kCard, Reason::kOutsideSchedule},    // 21
      {kHoliday1000 + 120, Person::kIvan, kEntrance, kCard, Reason::kGranted},          // 22
      {kHoliday1000 + 180, Person::kIvan, kOfficeIn, kCard, Reason::kGranted},          // 23
  };
  int number = 0;
  for (const Step& step : steps) {
    ++number;
    const Decision d = Pass(Request{step.door, KeyOf(step.person), step.presented, step.time});
    EXPECT_EQ(ReasonName(d.reason), ReasonName(step.expected)) << "step " << number;
    EXPECT_EQ(d.unlocks_first_person_in, number == 6) << "step " << number;
    EXPECT_EQ(d.companion.has_value(), number == 9) << "step " << number;
    EXPECT_EQ(d.anti_passback_violation, number == 3 || number == 12) << "step " << number;
    if (number == 9) {
      // Both of the pair are in the vault until Thursday's reset at 03:00.
      for (Person person : {Person::kAlice, Person::kFrank}) {
        const LocationRecord* location = state_.Location(StaffOf(person), step.time);
        ASSERT_NE(location, nullptr);
        EXPECT_EQ(location->zone, kVault);
        EXPECT_EQ(location->expires, at(27, 0));
      }
    }
  }
  const LocationRecord* bob = state_.Location(StaffOf(Person::kBob), kHoliday1000 + 200);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->zone, kLobby);
}

}  // namespace
}  // namespace sekisho::policy
