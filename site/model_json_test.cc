#include "site/model_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/status_matchers.h"
#include "store/test_util.h"

namespace sekisho::site {
namespace {

using nlohmann::json;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

MATCHER_P(IsOkAndHoldsValue, expected, "is OK and holds the expected value") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status().ToString();
    return false;
  }
  return *arg == expected;
}

// 2026-01-01 and 2026-05-05, days since 1970-01-01.
constexpr policy::LocalDay kNewYear2026 = 20454;
constexpr policy::LocalDay kChildrensDay2026 = 20578;
// 2026-04-01T00:00:00Z.
constexpr policy::UnixSeconds kApril2026 = 1775001600;

// The kInvalidArgument message of `result`, or "" (a failure) when it is OK or another code.
template <typename T>
std::string ErrorOf(const Result<T>& result) {
  EXPECT_THAT(result, StatusIs(StatusCode::kInvalidArgument));
  return result.ok() ? "" : result.status().message();
}

TEST(LocalDayTest, KnownAnswers) {
  EXPECT_EQ(FormatLocalDay(0), "1970-01-01");
  EXPECT_EQ(FormatLocalDay(-1), "1969-12-31");
  EXPECT_EQ(FormatLocalDay(kNewYear2026), "2026-01-01");
  EXPECT_EQ(FormatLocalDay(kChildrensDay2026), "2026-05-05");
  ASSERT_OK_AND_ASSIGN(const policy::LocalDay day, ParseLocalDay("2026-05-05"));
  EXPECT_EQ(day, kChildrensDay2026);
  ASSERT_OK_AND_ASSIGN(const policy::LocalDay leap, ParseLocalDay("2024-02-29"));
  EXPECT_EQ(FormatLocalDay(leap), "2024-02-29");
}

TEST(LocalDayTest, RefusesMalformedDates) {
  EXPECT_EQ(ErrorOf(ParseLocalDay("2026-1-01")), "expected YYYY-MM-DD, got 2026-1-01");
  EXPECT_EQ(ErrorOf(ParseLocalDay("2026/01/01")), "expected YYYY-MM-DD, got 2026/01/01");
  EXPECT_EQ(ErrorOf(ParseLocalDay("2026-02-29")), "no such date 2026-02-29");
  EXPECT_EQ(ErrorOf(ParseLocalDay("2026-13-01")), "no such date 2026-13-01");
  EXPECT_EQ(ErrorOf(ParseLocalDay("")), "expected YYYY-MM-DD, got ");
}

TEST(Rfc3339Test, KnownAnswers) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(kApril2026 + 3661), "2026-04-01T01:01:01Z");
  for (const char* text : {"2026-04-01T09:00:00+09:00", "2026-04-01T00:00:00Z",
                           "2026-04-01t00:00:00z", "2026-03-31T20:30:00-03:30"}) {
    ASSERT_OK_AND_ASSIGN(const policy::UnixSeconds t, ParseRfc3339(text));
    EXPECT_EQ(t, kApril2026) << text;
  }
}

TEST(Rfc3339Test, RefusesMalformedTimes) {
  const std::string expected = "expected an RFC 3339 time like 2026-04-01T09:00:00+09:00, got ";
  for (const char* text :
       {"2026-04-01", "2026-04-01 00:00:00Z", "2026-04-01T24:00:00Z", "2026-04-01T00:00:60Z",
        "2026-04-01T00:00:00", "2026-04-01T00:00:00+0900", "2026-04-31T00:00:00Z",
        "2026-04-01T00:00:00+24:00"}) {
    EXPECT_EQ(ErrorOf(ParseRfc3339(text)), expected + text);
  }
  EXPECT_EQ(ErrorOf(ParseRfc3339("2026-04-01T00:00:00.5Z")),
            "expected whole seconds, got 2026-04-01T00:00:00.5Z");
}

Site SampleSite() {
  Site site{"Kasumigaseki Building 3", {}};
  site.model.id = 1;
  site.model.utc_offset_minutes = 540;
  site.model.holidays = {kNewYear2026, kChildrensDay2026};
  site.model.threat_level = 2;
  site.model.lockdown = true;
  site.model.lockdown_override_level = 9;
  site.model.daily_reset_minute = 180;
  return site;
}

TEST(ModelJsonTest, SiteForm) {
  EXPECT_EQ(SiteToJson(SampleSite()), json::parse(R"({
    "id": 1, "name": "Kasumigaseki Building 3", "utc_offset": "+09:00",
    "holidays": ["2026-01-01", "2026-05-05"], "threat_level": 2, "lockdown": true,
    "lockdown_override_level": 9, "daily_reset": "03:00"})"));
  Site west = SampleSite();
  west.model.utc_offset_minutes = -210;
  EXPECT_EQ(SiteToJson(west)["utc_offset"], "-03:30");
}

TEST(ModelJsonTest, DoorForm) {
  Door door{"Main gate lane 1", {}, 3};
  door.model = {7, 1, 2, 0, policy::Assurance::kCardAndPin};
  EXPECT_EQ(DoorToJson(door), json::parse(R"({"id":7,"name":"Main gate lane 1","site":1,
    "from_zone":0,"to_zone":2,"required":"card+pin","gate":3})"));
}

TEST(ModelJsonTest, ScheduleForm) {
  Schedule schedule{"Office hours", {}};
  schedule.model.id = 5;
  schedule.model.windows = {{0b0000011, 8 * 60, 18 * 60 + 30}, {0b1000000, 0, 1440}};
  schedule.model.first_day = kNewYear2026;
  EXPECT_EQ(ScheduleToJson(schedule), json::parse(R"({"id":5,"name":"Office hours",
    "windows":[{"days":["mon","tue"],"start":"08:00","end":"18:30"},
               {"days":["sun"],"start":"00:00","end":"24:00"}],
    "holiday_windows":[],"first_day":"2026-01-01","last_day":null})"));
}

TEST(ModelJsonTest, ZoneLevelAndAssignmentForms) {
  Zone zone{"Server room", {}};
  zone.model = {4, 1, policy::AntiPassback::kHard, true, 45, 9};
  EXPECT_EQ(ZoneToJson(zone), json::parse(R"({"id":4,"name":"Server room","site":1,
    "anti_passback":"hard","two_person":true,"two_person_window_seconds":45,
    "first_person_in_level":9})"));

  AccessLevel level{"IT", {}};
  level.model = {9, {{4, 5, policy::Effect::kGrant}, {2, 0, policy::Effect::kDeny}}, 3};
  EXPECT_EQ(LevelToJson(level), json::parse(R"({"id":9,"name":"IT","rules":[
    {"zone":4,"schedule":5,"effect":"grant"},{"zone":2,"schedule":0,"effect":"deny"}],
    "max_threat_level":3})"));

  LevelAssignment assignment{11, StaffId(12), {9, kApril2026, policy::kEndOfTime}};
  EXPECT_EQ(AssignmentToJson(assignment), json::parse(R"({"id":11,"staff":12,"level":9,
    "valid_from":"2026-04-01T00:00:00Z","valid_until":null})"));
}

TEST(ModelJsonTest, RoundTrips) {
  const Site site = SampleSite();
  EXPECT_THAT(SiteFromJson(SiteToJson(site)), IsOkAndHoldsValue(site));

  Zone zone{"Offices", {2, 1, policy::AntiPassback::kSoft, false, 30, 0}};
  EXPECT_THAT(ZoneFromJson(ZoneToJson(zone)), IsOkAndHoldsValue(zone));

  Door door{"Server room door", {8, 1, 4, 2, policy::Assurance::kCard}, 0};
  EXPECT_THAT(DoorFromJson(DoorToJson(door)), IsOkAndHoldsValue(door));

  Schedule schedule{"Night", {}};
  schedule.model = {6, {{0x7F, 0, 360}, {0x7F, 1320, 1440}}, {{0, 0, 60}}, 10, 20};
  EXPECT_THAT(ScheduleFromJson(ScheduleToJson(schedule)), IsOkAndHoldsValue(schedule));

  AccessLevel level{"Visitors", {9, {{2, 6, policy::Effect::kDeny}}, 0}};
  EXPECT_THAT(LevelFromJson(LevelToJson(level)), IsOkAndHoldsValue(level));

  LevelAssignment bounded{3, StaffId(40), {9, kApril2026 - 17, kApril2026 + 86400}};
  EXPECT_THAT(AssignmentFromJson(AssignmentToJson(bounded)), IsOkAndHoldsValue(bounded));
  LevelAssignment open{4, StaffId(41), {9, policy::kBeginningOfTime, policy::kEndOfTime}};
  EXPECT_THAT(AssignmentFromJson(AssignmentToJson(open)), IsOkAndHoldsValue(open));
}

TEST(ModelJsonTest, DefaultsForOptionalFields) {
  ASSERT_OK_AND_ASSIGN(const Zone zone, ZoneFromJson(json{{"name", "Lobby"}, {"site", 1}}));
  EXPECT_EQ(zone.model, (policy::Zone{0, 1}));
  ASSERT_OK_AND_ASSIGN(const Door door,
                       DoorFromJson(json{{"name", "D"}, {"site", 1}, {"to_zone", 2}}));
  EXPECT_EQ(door.model.required, policy::Assurance::kCard);
  EXPECT_EQ(door.model.from_zone, policy::kNone);
  EXPECT_EQ(door.gate, 0u);
  ASSERT_OK_AND_ASSIGN(
      const Schedule schedule,
      ScheduleFromJson(json{{"name", "S"}, {"windows", json::array()}, {"first_day", nullptr}}));
  EXPECT_EQ(schedule.model, policy::Schedule{});
}

struct ParseErrorCase {
  const char* kind;
  const char* body;
  const char* message;
};

Status ParseAs(std::string_view kind, const json& body) {
  if (kind == "site") return SiteFromJson(body).status();
  if (kind == "zone") return ZoneFromJson(body).status();
  if (kind == "door") return DoorFromJson(body).status();
  if (kind == "schedule") return ScheduleFromJson(body).status();
  if (kind == "level") return LevelFromJson(body).status();
  return AssignmentFromJson(body).status();
}

class ParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(ParseErrorTest, NamesThePathAndTheProblem) {
  const ParseErrorCase& c = GetParam();
  EXPECT_THAT(ParseAs(c.kind, json::parse(c.body)),
              StatusIs(StatusCode::kInvalidArgument, ::testing::StrEq(c.message)))
      << c.body;
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"site", R"([1])", "body: expected an object, got an array"},
        ParseErrorCase{"site", R"({"id":1})", "name: required"},
        ParseErrorCase{"site", R"({"name":7})", "name: expected a string, got 7"},
        ParseErrorCase{"site", R"({"name":"S","colour":"red"})", "colour: unknown field"},
        ParseErrorCase{"site", R"({"name":"S","id":-1})",
                       "id: expected an integer from 0 to 4294967295, got -1"},
        ParseErrorCase{"site", R"({"name":"S","id":4294967296})",
                       "id: expected an integer from 0 to 4294967295, got 4294967296"},
        ParseErrorCase{"site", R"({"name":"S","id":1.5})",
                       "id: expected an integer from 0 to 4294967295, got 1.5"},
        ParseErrorCase{"site", R"({"name":"S","utc_offset":"+9"})",
                       "utc_offset: expected +HH:MM or -HH:MM, got +9"},
        ParseErrorCase{"site", R"({"name":"S","holidays":"2026-01-01"})",
                       "holidays: expected an array, got 2026-01-01"},
        ParseErrorCase{"site", R"({"name":"S","holidays":["2026-01-01","2026-02-30"]})",
                       "holidays[1]: no such date 2026-02-30"},
        ParseErrorCase{"site", R"({"name":"S","holidays":["2026-05-05","2026-01-01"]})",
                       "holidays[1]: expected dates in increasing order without repeats"},
        ParseErrorCase{"site", R"({"name":"S","threat_level":256})",
                       "threat_level: expected an integer from 0 to 255, got 256"},
        ParseErrorCase{"site", R"({"name":"S","lockdown":"yes"})",
                       "lockdown: expected true or false, got yes"},
        ParseErrorCase{"site", R"({"name":"S","daily_reset":"24:00"})",
                       "daily_reset: expected HH:MM, got 24:00"},
        ParseErrorCase{"zone", R"({"name":"Z"})", "site: required"},
        ParseErrorCase{"zone", R"({"name":"Z","site":1,"anti_passback":"strict"})",
                       "anti_passback: expected one of off, soft, hard, got strict"},
        ParseErrorCase{"zone", R"({"name":"Z","site":1,"two_person_window_seconds":70000})",
                       "two_person_window_seconds: expected an integer from 0 to 65535, got "
                       "70000"},
        ParseErrorCase{"door", R"({"name":"D","site":1})", "to_zone: required"},
        ParseErrorCase{"door", R"({"name":"D","site":1,"to_zone":2,"required":"pin"})",
                       "required: expected one of card, card+pin, got pin"},
        ParseErrorCase{"schedule", R"({"name":"S"})", "windows: required"},
        ParseErrorCase{"schedule",
                       R"({"name":"S","windows":[{"days":["mon"],"start":"08:00","end":"18:00"},
                           {"days":["tue"],"start":"25:00","end":"26:00"}]})",
                       "windows[1].start: expected HH:MM, got 25:00"},
        ParseErrorCase{"schedule",
                       R"({"name":"S","windows":[{"days":["mon","xyz"],"start":"08:00",
                           "end":"18:00"}]})",
                       "windows[0].days[1]: expected one of mon, tue, wed, thu, fri, sat, sun, "
                       "got xyz"},
        ParseErrorCase{"schedule",
                       R"({"name":"S","windows":[{"days":["mon","mon"],"start":"08:00",
                           "end":"18:00"}]})",
                       "windows[0].days[1]: repeated day mon"},
        ParseErrorCase{"schedule",
                       R"({"name":"S","windows":[{"days":["mon"],"start":"18:00",
                           "end":"08:00"}]})",
                       "windows[0].end: must be after start (18:00); write a window across "
                       "midnight as two windows"},
        ParseErrorCase{"schedule", R"({"name":"S","windows":[{"days":["mon"],"start":"08:00"}]})",
                       "windows[0].end: required"},
        ParseErrorCase{"schedule",
                       R"({"name":"S","windows":[],"holiday_windows":[{"start":"08:00",
                           "end":"09:00","days":["mon"]}]})",
                       "holiday_windows[0].days: unknown field"},
        ParseErrorCase{"schedule", R"({"name":"S","windows":[],"first_day":"2026-02-01",
                           "last_day":"2026-01-31"})",
                       "last_day: must not be before first_day"},
        ParseErrorCase{"level", R"({"name":"L","rules":[{"schedule":1}]})",
                       "rules[0].zone: required"},
        ParseErrorCase{"level", R"({"name":"L","rules":[{"zone":1,"effect":"allow"}]})",
                       "rules[0].effect: expected one of grant, deny, got allow"},
        ParseErrorCase{"level", R"({"name":"L","rules":[{"zone":1,"note":"x"}]})",
                       "rules[0].note: unknown field"},
        ParseErrorCase{"assignment", R"({"level":1})", "staff: required"},
        ParseErrorCase{"assignment", R"({"staff":0,"level":1})",
                       "staff: expected a staff id, got 0"},
        ParseErrorCase{"assignment", R"({"staff":1,"level":1,"valid_from":"tomorrow"})",
                       "valid_from: expected an RFC 3339 time like 2026-04-01T09:00:00+09:00, "
                       "got tomorrow"},
        ParseErrorCase{"assignment", R"({"staff":1,"level":1,
                           "valid_from":"2026-04-02T00:00:00Z",
                           "valid_until":"2026-04-01T00:00:00Z"})",
                       "valid_until: must be after valid_from"}));

}  // namespace
}  // namespace sekisho::site
