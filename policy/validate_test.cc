#include "policy/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "base/status_matchers.h"

namespace sekisho::policy {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

CredentialKey Key(std::uint8_t first) {
  CredentialKey key{};
  key[0] = first;
  return key;
}

// Two sites, three zones, two doors, two schedules, two levels, three credentials: every kind of
// reference appears at least once.
Snapshot Valid() {
  Snapshot s;
  s.version = 7;
  s.sites = {Site{.id = 1, .utc_offset_minutes = 540, .holidays = {20000, 20001, 20100}},
             Site{.id = 2, .lockdown = true, .lockdown_override_level = 20}};
  s.zones = {
      Zone{.id = 10, .site = 1},
      Zone{.id = 11, .site = 1, .anti_passback = AntiPassback::kHard, .first_person_in_level = 20},
      Zone{.id = 12, .site = 2, .two_person = true}};
  s.doors = {Door{.id = 100, .site = 1, .to_zone = 10}, Door{.id = 101,
                                                             .site = 1,
                                                             .to_zone = 11,
                                                             .from_zone = 10,
                                                             .required = Assurance::kCardAndPin}};
  s.schedules = {
      Schedule{.id = 5, .windows = {{.days = 0x1F, .start_minute = 480, .end_minute = 1080}}},
      Schedule{.id = 6,
               .windows = {{.days = 0x7F, .start_minute = 0, .end_minute = 1440}},
               .holiday_windows = {{.days = 0, .start_minute = 600, .end_minute = 720}},
               .first_day = 19000,
               .last_day = 19000}};
  s.levels = {AccessLevel{.id = 20, .rules = {{.zone = 10}, {.zone = 11, .schedule = 5}}},
              AccessLevel{.id = 21,
                          .rules = {{.zone = 12, .schedule = 6, .effect = Effect::kDeny}},
                          .max_threat_level = 2}};
  s.credentials = {
      Credential{.key = Key(1), .levels = {{.level = 20}}},
      Credential{.key = Key(2),
                 .valid_from = 1000,
                 .valid_until = 2000,
                 .flags = kCredentialRevoked,
                 .levels = {{.level = 21, .valid_from = 5, .valid_until = 6}, {.level = 20}}},
      Credential{.key = Key(3)},
  };
  return s;
}

TEST(ValidateTest, AcceptsAValidSnapshot) {
  EXPECT_THAT(Validate(Valid()), IsOk());
  EXPECT_THAT(Validate(Snapshot{}), IsOk());
}

struct BrokenCase {
  const char* name;
  std::function<void(Snapshot&)> breaks;
  const char* message;
};

void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.name; }

class ValidateBrokenTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(ValidateBrokenTest, RefusesWithPreciseMessage) {
  Snapshot s = Valid();
  GetParam().breaks(s);
  EXPECT_THAT(Validate(s), StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

const BrokenCase kBrokenCases[] = {
    // Ids and order.
    {"SiteIdZero", [](Snapshot& s) { s.sites[0].id = 0; },
     "sites: id 0 at index 0 (0 is reserved for \"none\")"},
    {"SitesUnsorted", [](Snapshot& s) { std::swap(s.sites[0], s.sites[1]); },
     "sites: id 1 at index 1 does not follow id 2 (ids must be ascending and unique)"},
    {"ZoneDuplicateId", [](Snapshot& s) { s.zones[1].id = 10; },
     "zones: id 10 at index 1 does not follow id 10 (ids must be ascending and unique)"},
    {"DoorIdZero", [](Snapshot& s) { s.doors[0].id = 0; },
     "doors: id 0 at index 0 (0 is reserved for \"none\")"},
    {"SchedulesUnsorted", [](Snapshot& s) { s.schedules[1].id = 4; },
     "schedules: id 4 at index 1 does not follow id 5 (ids must be ascending and unique)"},
    {"LevelDuplicateId", [](Snapshot& s) { s.levels[1].id = 20; },
     "levels: id 20 at index 1 does not follow id 20 (ids must be ascending and unique)"},
    {"CredentialsUnsorted",
     [](Snapshot& s) { std::swap(s.credentials[0].key, s.credentials[1].key); },
     "credentials: the key at index 1 does not follow the key at index 0 (keys must be ascending "
     "and unique)"},
    {"CredentialDuplicateKey", [](Snapshot& s) { s.credentials[2].key = Key(2); },
     "credentials: the key at index 2 does not follow the key at index 1 (keys must be ascending "
     "and unique)"},
    // Sites.
    {"SiteUtcOffsetTooLarge", [](Snapshot& s) { s.sites[0].utc_offset_minutes = 1440; },
     "site 1: UTC offset 1440 minutes is a day or more"},
    {"SiteUtcOffsetTooSmall", [](Snapshot& s) { s.sites[0].utc_offset_minutes = -1440; },
     "site 1: UTC offset -1440 minutes is a day or more"},
    {"HolidaysUnsorted",
     [](Snapshot& s) {
       s.sites[0].holidays = {20001, 20000};
     },
     "site 1: holiday 1 (day 20000) does not follow day 20001 (holidays must be ascending and "
     "unique)"},
    {"HolidaysDuplicate",
     [](Snapshot& s) {
       s.sites[0].holidays = {20000, 20000};
     },
     "site 1: holiday 1 (day 20000) does not follow day 20000 (holidays must be ascending and "
     "unique)"},
    {"DailyResetMinute", [](Snapshot& s) { s.sites[1].daily_reset_minute = 1440; },
     "site 2: daily reset minute 1440 is not below 1440"},
    {"OverrideLevelMissing", [](Snapshot& s) { s.sites[1].lockdown_override_level = 99; },
     "site 2: lockdown override level 99 is not a level of the snapshot"},
    // Zones.
    {"ZoneSiteMissing", [](Snapshot& s) { s.zones[2].site = 3; },
     "zone 12: site 3 is not a site of the snapshot"},
    {"ZoneSiteNone", [](Snapshot& s) { s.zones[0].site = kNone; },
     "zone 10: site 0 is not a site of the snapshot"},
    {"ZoneUnknownAntiPassback",
     [](Snapshot& s) { s.zones[0].anti_passback = static_cast<AntiPassback>(3); },
     "zone 10: unknown anti-passback mode 3"},
    {"ZoneFirstPersonInLevelMissing", [](Snapshot& s) { s.zones[1].first_person_in_level = 22; },
     "zone 11: first-person-in level 22 is not a level of the snapshot"},
    // Doors.
    {"DoorSiteMissing", [](Snapshot& s) { s.doors[0].site = 9; },
     "door 100: site 9 is not a site of the snapshot"},
    {"DoorToZoneMissing", [](Snapshot& s) { s.doors[0].to_zone = 13; },
     "door 100: to_zone 13 is not a zone of the snapshot"},
    {"DoorToZoneNone", [](Snapshot& s) { s.doors[0].to_zone = kNone; },
     "door 100: to_zone 0 is not a zone of the snapshot"},
    {"DoorFromZoneMissing", [](Snapshot& s) { s.doors[1].from_zone = 9; },
     "door 101: from_zone 9 is not a zone of the snapshot"},
    {"DoorUnknownAssuranceZero", [](Snapshot& s) { s.doors[0].required = Assurance{0}; },
     "door 100: unknown required assurance 0"},
    {"DoorUnknownAssuranceThree", [](Snapshot& s) { s.doors[0].required = Assurance{3}; },
     "door 100: unknown required assurance 3"},
    // Schedules.
    {"WindowStartEqualsEnd", [](Snapshot& s) { s.schedules[0].windows[0].start_minute = 1080; },
     "schedule 5: window 0: start minute 1080 is not before end minute 1080"},
    {"WindowStartAfterEnd", [](Snapshot& s) { s.schedules[0].windows[0].start_minute = 1200; },
     "schedule 5: window 0: start minute 1200 is not before end minute 1080"},
    {"WindowEndAfterMidnight", [](Snapshot& s) { s.schedules[1].windows[0].end_minute = 1441; },
     "schedule 6: window 0: end minute 1441 is after 1440"},
    {"WindowNoDays", [](Snapshot& s) { s.schedules[0].windows[0].days = 0; },
     "schedule 5: window 0: no day bit set (the window never opens)"},
    {"WindowUnknownDayBit", [](Snapshot& s) { s.schedules[0].windows[0].days = 0x81; },
     "schedule 5: window 0: unknown day bits 0x80"},
    {"HolidayWindowUnknownDayBit",
     [](Snapshot& s) { s.schedules[1].holiday_windows[0].days = 0xFF; },
     "schedule 6: holiday window 0: unknown day bits 0x80"},
    {"HolidayWindowEmpty", [](Snapshot& s) { s.schedules[1].holiday_windows[0].end_minute = 600; },
     "schedule 6: holiday window 0: start minute 600 is not before end minute 600"},
    {"FirstDayAfterLastDay", [](Snapshot& s) { s.schedules[1].first_day = 19001; },
     "schedule 6: first day 19001 is after last day 19000"},
    // Levels.
    {"RuleZoneMissing", [](Snapshot& s) { s.levels[0].rules[1].zone = 14; },
     "level 20: rule 1: zone 14 is not a zone of the snapshot"},
    {"RuleZoneNone", [](Snapshot& s) { s.levels[0].rules[0].zone = kNone; },
     "level 20: rule 0: zone 0 is not a zone of the snapshot"},
    {"RuleScheduleMissing", [](Snapshot& s) { s.levels[1].rules[0].schedule = 7; },
     "level 21: rule 0: schedule 7 is not a schedule of the snapshot"},
    {"RuleUnknownEffect", [](Snapshot& s) { s.levels[1].rules[0].effect = Effect{2}; },
     "level 21: rule 0: unknown effect 2"},
    // Credentials.
    {"CredentialEmptyValidity", [](Snapshot& s) { s.credentials[1].valid_until = 1000; },
     "credential at index 1: valid_from 1000 is not before valid_until 1000"},
    {"CredentialUnknownFlag", [](Snapshot& s) { s.credentials[0].flags = 0x03; },
     "credential at index 0: unknown flag bits 0x02"},
    {"CredentialHighFlag", [](Snapshot& s) { s.credentials[2].flags = 0x80; },
     "credential at index 2: unknown flag bits 0x80"},
    {"AssignmentLevelMissing", [](Snapshot& s) { s.credentials[1].levels[1].level = 23; },
     "credential at index 1: level assignment 1: level 23 is not a level of the snapshot"},
    {"AssignmentLevelNone", [](Snapshot& s) { s.credentials[0].levels[0].level = kNone; },
     "credential at index 0: level assignment 0: level 0 is not a level of the snapshot"},
    {"AssignmentEmptyValidity", [](Snapshot& s) { s.credentials[1].levels[0].valid_from = 7; },
     "credential at index 1: level assignment 0: valid_from 7 is not before valid_until 6"},
};

INSTANTIATE_TEST_SUITE_P(EveryInvariant, ValidateBrokenTest, ::testing::ValuesIn(kBrokenCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(ValidateTest, AcceptsBoundaryValues) {
  Snapshot s = Valid();
  s.sites[0].utc_offset_minutes = 1439;
  s.sites[1].utc_offset_minutes = -1439;
  s.sites[1].daily_reset_minute = 1439;
  s.schedules[0].windows[0] = {.days = 0x7F, .start_minute = 1439, .end_minute = 1440};
  s.schedules[1].first_day = s.schedules[1].last_day;
  s.credentials[1].valid_from = kBeginningOfTime;
  s.credentials[1].valid_until = kBeginningOfTime + 1;
  s.credentials[2].valid_from = kEndOfTime - 1;
  EXPECT_THAT(Validate(s), IsOk());
}

}  // namespace
}  // namespace sekisho::policy
