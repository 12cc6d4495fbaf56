// The JSON form of the site store's objects (site/site_store.h): the REST API's request and
// response bodies (/api/v1) and the form site.db keeps them in. The forms are listed below.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "policy/model.h"
#include "site/site_store.h"

namespace sekisho::site {

// Conventions of every *FromJson:
// - The value must be an object; unknown fields are refused ("colour: unknown field").
// - "id" is optional (0 when absent): a create request has none; the API sets it from the URL.
// - "name" is required; other fields are optional and default to policy/model.h's defaults,
//   except the references a policy object cannot do without (a zone's site, a door's site and
//   to_zone, a rule's zone, an assignment's staff and level).
// - Errors are kInvalidArgument "<path>: <what>", with a path like "windows[1].start", e.g.
//   "windows[1].start: expected HH:MM, got 25:00". Values are checked for form and range only;
//   references and the model's invariants are the store's business.
//
// Forms:
//   site      {"id":1,"name":"HQ","utc_offset":"+09:00","holidays":["2026-01-01"],
//              "threat_level":0,"lockdown":false,"lockdown_override_level":0,
//              "daily_reset":"03:00"}
//   zone      {"id":2,"name":"Offices","site":1,"anti_passback":"off|soft|hard",
//              "two_person":false,"two_person_window_seconds":30,"first_person_in_level":0}
//   door      {"id":7,"name":"Main gate lane 1","site":1,"from_zone":0,"to_zone":2,
//              "required":"card|card+pin","gate":3}
//   schedule  {"id":5,"name":"Office hours","windows":[{"days":["mon","tue"],"start":"08:00",
//              "end":"18:30"}],"holiday_windows":[],"first_day":"2026-04-01"|null,
//              "last_day":null}   ("end" may be "24:00"; null days: unbounded)
//   level     {"id":4,"name":"Staff","rules":[{"zone":2,"schedule":5,"effect":"grant|deny"}],
//              "max_threat_level":255}   (a rule's schedule 0 or absent: always)
//   assignment {"id":9,"staff":12,"level":4,"valid_from":"2026-04-01T00:00:00+09:00"|null,
//              "valid_until":null}   (RFC 3339 §5.6 without fractional seconds; null: open end)
// Local dates are ISO 8601 calendar dates (RFC 3339 full-date); times of day "HH:MM".

nlohmann::json SiteToJson(const Site& site);
nlohmann::json ZoneToJson(const Zone& zone);
nlohmann::json DoorToJson(const Door& door);
nlohmann::json ScheduleToJson(const Schedule& schedule);
nlohmann::json LevelToJson(const AccessLevel& level);
nlohmann::json AssignmentToJson(const LevelAssignment& assignment);

Result<Site> SiteFromJson(const nlohmann::json& json);
Result<Zone> ZoneFromJson(const nlohmann::json& json);
Result<Door> DoorFromJson(const nlohmann::json& json);
Result<Schedule> ScheduleFromJson(const nlohmann::json& json);
Result<AccessLevel> LevelFromJson(const nlohmann::json& json);
Result<LevelAssignment> AssignmentFromJson(const nlohmann::json& json);

// The pieces, for the API's own fields. Each parse returns kInvalidArgument "expected ..., got
// ..." without a path (the callers above add it).
// "2026-01-01" <-> days since 1970-01-01.
std::string FormatLocalDay(policy::LocalDay day);
Result<policy::LocalDay> ParseLocalDay(std::string_view text);
// RFC 3339 §5.6 date-time <-> Unix seconds; formatting gives UTC ("2026-04-01T00:00:00Z").
std::string FormatRfc3339(policy::UnixSeconds time);
Result<policy::UnixSeconds> ParseRfc3339(std::string_view text);

}  // namespace sekisho::site
