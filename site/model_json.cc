#include "site/model_json.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <utility>

namespace sekisho::site {
namespace {

using nlohmann::json;

constexpr std::string_view kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string Path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

std::string Indexed(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

Status At(std::string_view path, std::string_view what) {
  return InvalidArgumentError(std::string(path) + ": " + std::string(what));
}

// A short description of a JSON value for messages: its text for scalars, its type otherwise.
std::string Shown(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() || value.is_array()) return std::string("an ") + value.type_name();
  return value.dump();
}

// Reads the fields of one JSON object and refuses the ones nobody asked for.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  Status CheckObject() const {
    if (object_.is_object()) return OkStatus();
    return At(path_.empty() ? "body" : path_, "expected an object, got " + Shown(object_));
  }
  // The field, or nullptr when absent or null.
  const json* Optional(std::string_view key) {
    seen_.insert(std::string(key));
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  Result<const json*> Required(std::string_view key) {
    const json* value = Optional(key);
    if (value == nullptr) return At(PathOf(key), "required");
    return value;
  }
  std::string PathOf(std::string_view key) const { return Path(path_, key); }
  Status CheckNoUnknown() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) return At(PathOf(key), "unknown field");
    }
    return OkStatus();
  }

 private:
  const json& object_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

Result<std::uint64_t> UnsignedAt(const json& value, std::string_view path, std::uint64_t max) {
  // nlohmann keeps parsed non-negative integers as unsigned, values built in C++ as signed.
  const bool non_negative =
      value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
  if (!non_negative || value.get<std::uint64_t>() > max) {
    return At(path,
              "expected an integer from 0 to " + std::to_string(max) + ", got " + Shown(value));
  }
  return value.get<std::uint64_t>();
}

// An optional unsigned field into `*out` (left as is when absent).
template <typename T>
Status ReadUnsigned(ObjectReader& r, std::string_view key, T* out,
                    std::uint64_t max = std::numeric_limits<T>::max()) {
  const json* value = r.Optional(key);
  if (value == nullptr) return OkStatus();
  ASSIGN_OR_RETURN(const std::uint64_t n, UnsignedAt(*value, r.PathOf(key), max));
  *out = static_cast<T>(n);
  return OkStatus();
}

template <typename T>
Status ReadRequiredUnsigned(ObjectReader& r, std::string_view key, T* out,
                            std::uint64_t max = std::numeric_limits<T>::max()) {
  ASSIGN_OR_RETURN(const json* value, r.Required(key));
  ASSIGN_OR_RETURN(const std::uint64_t n, UnsignedAt(*value, r.PathOf(key), max));
  *out = static_cast<T>(n);
  return OkStatus();
}

Status ReadBool(ObjectReader& r, std::string_view key, bool* out) {
  const json* value = r.Optional(key);
  if (value == nullptr) return OkStatus();
  if (!value->is_boolean())
    return At(r.PathOf(key), "expected true or false, got " + Shown(*value));
  *out = value->get<bool>();
  return OkStatus();
}

Result<std::string> StringAt(const json& value, std::string_view path) {
  if (!value.is_string()) return At(path, "expected a string, got " + Shown(value));
  return value.get<std::string>();
}

Status ReadName(ObjectReader& r, std::string* out) {
  ASSIGN_OR_RETURN(const json* value, r.Required("name"));
  ASSIGN_OR_RETURN(*out, StringAt(*value, r.PathOf("name")));
  return OkStatus();
}

// The id (optional) and name every object has.
Status ReadIdAndName(ObjectReader& r, ObjectId* id, std::string* name) {
  RETURN_IF_ERROR(r.CheckObject());
  RETURN_IF_ERROR(ReadUnsigned(r, "id", id));
  return ReadName(r, name);
}

// `text` as a whole decimal number of exactly `digits` digits.
std::optional<int> Digits(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string Two(int value) {
  std::string s = std::to_string(value);
  return s.size() < 2 ? "0" + s : s;
}

// "HH:MM" (00:00 ... 23:59, or 24:00 when `allow_end_of_day`) -> minute of the day.
Result<std::uint16_t> ParseMinute(std::string_view text, bool allow_end_of_day) {
  const Status bad = InvalidArgumentError("expected HH:MM, got " + std::string(text));
  if (text.size() != 5 || text[2] != ':') return bad;
  const std::optional<int> hours = Digits(text.substr(0, 2), 2);
  const std::optional<int> minutes = Digits(text.substr(3, 2), 2);
  if (!hours || !minutes || *minutes > 59) return bad;
  if (*hours == 24 && *minutes == 0 && allow_end_of_day) return std::uint16_t{1440};
  if (*hours > 23) return bad;
  return static_cast<std::uint16_t>(*hours * 60 + *minutes);
}

std::string FormatMinute(int minute) { return Two(minute / 60) + ":" + Two(minute % 60); }

Result<std::uint16_t> MinuteAt(const json& value, std::string_view path, bool allow_end_of_day) {
  ASSIGN_OR_RETURN(const std::string text, StringAt(value, path));
  Result<std::uint16_t> minute = ParseMinute(text, allow_end_of_day);
  if (!minute.ok()) return At(path, minute.status().message());
  return minute;
}

Result<policy::LocalDay> LocalDayAt(const json& value, std::string_view path) {
  ASSIGN_OR_RETURN(const std::string text, StringAt(value, path));
  Result<policy::LocalDay> day = ParseLocalDay(text);
  if (!day.ok()) return At(path, day.status().message());
  return day;
}

// "+09:00" / "-03:30" <-> minutes east of UTC, within +-23:59.
std::string FormatUtcOffset(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  const int magnitude = minutes < 0 ? -minutes : minutes;
  return std::string(1, sign) + FormatMinute(magnitude);
}

Result<std::int16_t> ParseUtcOffset(std::string_view text) {
  const Status bad = InvalidArgumentError("expected +HH:MM or -HH:MM, got " + std::string(text));
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return bad;
  Result<std::uint16_t> magnitude = ParseMinute(text.substr(1), false);
  if (!magnitude.ok()) return bad;
  const int value = text[0] == '-' ? -int{*magnitude} : int{*magnitude};
  return static_cast<std::int16_t>(value);
}

std::string_view AntiPassbackName(policy::AntiPassback mode) {
  switch (mode) {
    case policy::AntiPassback::kOff:
      return "off";
    case policy::AntiPassback::kSoft:
      return "soft";
    case policy::AntiPassback::kHard:
      return "hard";
  }
  return "invalid";
}

std::string_view AssuranceName(policy::Assurance assurance) {
  switch (assurance) {
    case policy::Assurance::kCard:
      return "card";
    case policy::Assurance::kCardAndPin:
      return "card+pin";
  }
  return "invalid";
}

std::string_view EffectName(policy::Effect effect) {
  switch (effect) {
    case policy::Effect::kGrant:
      return "grant";
    case policy::Effect::kDeny:
      return "deny";
  }
  return "invalid";
}

// One of `names` (the enum value at the same index).
template <typename E, std::size_t N>
Result<E> EnumAt(const json& value, std::string_view path,
                 const std::pair<std::string_view, E> (&names)[N]) {
  std::string expected;
  for (const auto& [name, e] : names)
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    for (const auto& [name, e] : names) {
      if (text == name) return e;
    }
  }
  return At(path, "expected one of " + expected + ", got " + Shown(value));
}

constexpr std::pair<std::string_view, policy::AntiPassback> kAntiPassbackNames[] = {
    {"off", policy::AntiPassback::kOff},
    {"soft", policy::AntiPassback::kSoft},
    {"hard", policy::AntiPassback::kHard}};
constexpr std::pair<std::string_view, policy::Assurance> kAssuranceNames[] = {
    {"card", policy::Assurance::kCard}, {"card+pin", policy::Assurance::kCardAndPin}};
constexpr std::pair<std::string_view, policy::Effect> kEffectNames[] = {
    {"grant", policy::Effect::kGrant}, {"deny", policy::Effect::kDeny}};

json WindowsToJson(const std::vector<policy::TimeWindow>& windows, bool with_days) {
  json out = json::array();
  for (const policy::TimeWindow& w : windows) {
    json item = json::object();
    if (with_days) {
      json days = json::array();
      for (int d = 0; d < 7; ++d) {
        if ((w.days >> d) & 1) days.push_back(kDayNames[d]);
      }
      item["days"] = std::move(days);
    }
    item["start"] = FormatMinute(w.start_minute);
    item["end"] = FormatMinute(w.end_minute);
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<policy::TimeWindow>> WindowsAt(const json& value, std::string_view path,
                                                  bool with_days) {
  if (!value.is_array()) return At(path, "expected an array, got " + Shown(value));
  std::vector<policy::TimeWindow> windows;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = Indexed(path, i);
    ObjectReader r(value[i], item_path);
    RETURN_IF_ERROR(r.CheckObject());
    policy::TimeWindow w;
    if (with_days) {
      ASSIGN_OR_RETURN(const json* days, r.Required("days"));
      const std::string days_path = r.PathOf("days");
      if (!days->is_array()) return At(days_path, "expected an array, got " + Shown(*days));
      for (std::size_t d = 0; d < days->size(); ++d) {
        const json& day = (*days)[d];
        int bit = -1;
        for (int k = 0; k < 7; ++k) {
          if (day.is_string() && day.get<std::string>() == kDayNames[k]) bit = k;
        }
        if (bit < 0) {
          return At(Indexed(days_path, d),
                    "expected one of mon, tue, wed, thu, fri, sat, sun, got " + Shown(day));
        }
        if ((w.days >> bit) & 1) return At(Indexed(days_path, d), "repeated day " + Shown(day));
        w.days = static_cast<std::uint8_t>(w.days | (1u << bit));
      }
    }
    ASSIGN_OR_RETURN(const json* start, r.Required("start"));
    ASSIGN_OR_RETURN(w.start_minute, MinuteAt(*start, r.PathOf("start"), false));
    ASSIGN_OR_RETURN(const json* end, r.Required("end"));
    ASSIGN_OR_RETURN(w.end_minute, MinuteAt(*end, r.PathOf("end"), true));
    if (w.end_minute <= w.start_minute) {
      return At(r.PathOf("end"), "must be after start (" + FormatMinute(w.start_minute) +
                                     "); write a window across midnight as two windows");
    }
    RETURN_IF_ERROR(r.CheckNoUnknown());
    windows.push_back(w);
  }
  return windows;
}

json OptionalTime(policy::UnixSeconds t, policy::UnixSeconds open_end) {
  if (t == open_end) return nullptr;
  return FormatRfc3339(t);
}

Status ReadOptionalTime(ObjectReader& r, std::string_view key, policy::UnixSeconds* out) {
  const json* value = r.Optional(key);
  if (value == nullptr) return OkStatus();
  const std::string path = r.PathOf(key);
  ASSIGN_OR_RETURN(const std::string text, StringAt(*value, path));
  Result<policy::UnixSeconds> t = ParseRfc3339(text);
  if (!t.ok()) return At(path, t.status().message());
  *out = *t;
  return OkStatus();
}

}  // namespace

// --- Pieces ---------------------------------------------------------------------------------

std::string FormatLocalDay(policy::LocalDay day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  const int year = static_cast<int>(ymd.year());
  std::string y = std::to_string(year < 0 ? -year : year);
  while (y.size() < 4) y = "0" + y;
  return (year < 0 ? "-" : "") + y + "-" + Two(static_cast<int>(unsigned{ymd.month()})) + "-" +
         Two(static_cast<int>(unsigned{ymd.day()}));
}

Result<policy::LocalDay> ParseLocalDay(std::string_view text) {
  const Status bad = InvalidArgumentError("expected YYYY-MM-DD, got " + std::string(text));
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad;
  const std::optional<int> year = Digits(text.substr(0, 4), 4);
  const std::optional<int> month = Digits(text.substr(5, 2), 2);
  const std::optional<int> day = Digits(text.substr(8, 2), 2);
  if (!year || !month || !day) return bad;
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return InvalidArgumentError("no such date " + std::string(text));
  return static_cast<policy::LocalDay>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::string FormatRfc3339(policy::UnixSeconds time) {
  const std::int64_t day = time >= 0 ? time / 86400 : -((-time + 86399) / 86400);
  const std::int64_t second = time - day * 86400;
  return FormatLocalDay(static_cast<policy::LocalDay>(day)) + "T" +
         FormatMinute(static_cast<int>(second / 60)) + ":" + Two(static_cast<int>(second % 60)) +
         "Z";
}

// RFC 3339 §5.6: full-date "T" partial-time time-offset; "T" and "Z" in either case (§5.6 note).
Result<policy::UnixSeconds> ParseRfc3339(std::string_view text) {
  const Status bad = InvalidArgumentError(
      "expected an RFC 3339 time like 2026-04-01T09:00:00+09:00, got " + std::string(text));
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return bad;
  }
  Result<policy::LocalDay> day = ParseLocalDay(text.substr(0, 10));
  if (!day.ok()) return bad;
  const std::optional<int> hours = Digits(text.substr(11, 2), 2);
  const std::optional<int> minutes = Digits(text.substr(14, 2), 2);
  const std::optional<int> seconds = Digits(text.substr(17, 2), 2);
  // A leap second (60) is refused: Unix time has none.
  if (!hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 59) return bad;
  std::string_view offset = text.substr(19);
  if (!offset.empty() && offset[0] == '.') {
    return InvalidArgumentError("expected whole seconds, got " + std::string(text));
  }
  int offset_minutes = 0;
  if (offset == "Z" || offset == "z") {
    offset_minutes = 0;
  } else {
    Result<std::int16_t> parsed = ParseUtcOffset(offset);
    if (!parsed.ok()) return bad;
    offset_minutes = *parsed;
  }
  return std::int64_t{*day} * 86400 + *hours * 3600 + *minutes * 60 + *seconds -
         std::int64_t{offset_minutes} * 60;
}

// --- Objects --------------------------------------------------------------------------------

json SiteToJson(const Site& site) {
  const policy::Site& m = site.model;
  json holidays = json::array();
  for (policy::LocalDay day : m.holidays) holidays.push_back(FormatLocalDay(day));
  return json{{"id", m.id},
              {"name", site.name},
              {"utc_offset", FormatUtcOffset(m.utc_offset_minutes)},
              {"holidays", std::move(holidays)},
              {"threat_level", m.threat_level},
              {"lockdown", m.lockdown},
              {"lockdown_override_level", m.lockdown_override_level},
              {"daily_reset", FormatMinute(m.daily_reset_minute % 1440)}};
}

Result<Site> SiteFromJson(const json& j) {
  Site site;
  policy::Site& m = site.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(ReadIdAndName(r, &m.id, &site.name));
  if (const json* offset = r.Optional("utc_offset")) {
    ASSIGN_OR_RETURN(const std::string text, StringAt(*offset, "utc_offset"));
    Result<std::int16_t> minutes = ParseUtcOffset(text);
    if (!minutes.ok()) return At("utc_offset", minutes.status().message());
    m.utc_offset_minutes = *minutes;
  }
  if (const json* holidays = r.Optional("holidays")) {
    if (!holidays->is_array()) return At("holidays", "expected an array, got " + Shown(*holidays));
    for (std::size_t i = 0; i < holidays->size(); ++i) {
      ASSIGN_OR_RETURN(const policy::LocalDay day,
                       LocalDayAt((*holidays)[i], Indexed("holidays", i)));
      if (!m.holidays.empty() && day <= m.holidays.back()) {
        return At(Indexed("holidays", i), "expected dates in increasing order without repeats");
      }
      m.holidays.push_back(day);
    }
  }
  RETURN_IF_ERROR(ReadUnsigned(r, "threat_level", &m.threat_level));
  RETURN_IF_ERROR(ReadBool(r, "lockdown", &m.lockdown));
  RETURN_IF_ERROR(ReadUnsigned(r, "lockdown_override_level", &m.lockdown_override_level));
  if (const json* reset = r.Optional("daily_reset")) {
    ASSIGN_OR_RETURN(m.daily_reset_minute, MinuteAt(*reset, "daily_reset", false));
  }
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return site;
}

json ZoneToJson(const Zone& zone) {
  const policy::Zone& m = zone.model;
  return json{{"id", m.id},
              {"name", zone.name},
              {"site", m.site},
              {"anti_passback", AntiPassbackName(m.anti_passback)},
              {"two_person", m.two_person},
              {"two_person_window_seconds", m.two_person_window_seconds},
              {"first_person_in_level", m.first_person_in_level}};
}

Result<Zone> ZoneFromJson(const json& j) {
  Zone zone;
  policy::Zone& m = zone.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(ReadIdAndName(r, &m.id, &zone.name));
  RETURN_IF_ERROR(ReadRequiredUnsigned(r, "site", &m.site));
  if (const json* mode = r.Optional("anti_passback")) {
    ASSIGN_OR_RETURN(m.anti_passback, EnumAt(*mode, "anti_passback", kAntiPassbackNames));
  }
  RETURN_IF_ERROR(ReadBool(r, "two_person", &m.two_person));
  RETURN_IF_ERROR(ReadUnsigned(r, "two_person_window_seconds", &m.two_person_window_seconds));
  RETURN_IF_ERROR(ReadUnsigned(r, "first_person_in_level", &m.first_person_in_level));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return zone;
}

json DoorToJson(const Door& door) {
  const policy::Door& m = door.model;
  return json{{"id", m.id},           {"name", door.name},
              {"site", m.site},       {"from_zone", m.from_zone},
              {"to_zone", m.to_zone}, {"required", AssuranceName(m.required)},
              {"gate", door.gate}};
}

Result<Door> DoorFromJson(const json& j) {
  Door door;
  policy::Door& m = door.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(ReadIdAndName(r, &m.id, &door.name));
  RETURN_IF_ERROR(ReadRequiredUnsigned(r, "site", &m.site));
  RETURN_IF_ERROR(ReadUnsigned(r, "from_zone", &m.from_zone));
  RETURN_IF_ERROR(ReadRequiredUnsigned(r, "to_zone", &m.to_zone));
  if (const json* required = r.Optional("required")) {
    ASSIGN_OR_RETURN(m.required, EnumAt(*required, "required", kAssuranceNames));
  }
  RETURN_IF_ERROR(ReadUnsigned(r, "gate", &door.gate));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return door;
}

json ScheduleToJson(const Schedule& schedule) {
  const policy::Schedule& m = schedule.model;
  const bool unbounded_first = m.first_day == std::numeric_limits<policy::LocalDay>::min();
  const bool unbounded_last = m.last_day == std::numeric_limits<policy::LocalDay>::max();
  return json{{"id", m.id},
              {"name", schedule.name},
              {"windows", WindowsToJson(m.windows, true)},
              {"holiday_windows", WindowsToJson(m.holiday_windows, false)},
              {"first_day", unbounded_first ? json(nullptr) : json(FormatLocalDay(m.first_day))},
              {"last_day", unbounded_last ? json(nullptr) : json(FormatLocalDay(m.last_day))}};
}

Result<Schedule> ScheduleFromJson(const json& j) {
  Schedule schedule;
  policy::Schedule& m = schedule.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(ReadIdAndName(r, &m.id, &schedule.name));
  ASSIGN_OR_RETURN(const json* windows, r.Required("windows"));
  ASSIGN_OR_RETURN(m.windows, WindowsAt(*windows, "windows", true));
  if (const json* holiday = r.Optional("holiday_windows")) {
    ASSIGN_OR_RETURN(m.holiday_windows, WindowsAt(*holiday, "holiday_windows", false));
  }
  if (const json* first = r.Optional("first_day")) {
    ASSIGN_OR_RETURN(m.first_day, LocalDayAt(*first, "first_day"));
  }
  if (const json* last = r.Optional("last_day")) {
    ASSIGN_OR_RETURN(m.last_day, LocalDayAt(*last, "last_day"));
  }
  if (m.first_day > m.last_day) return At("last_day", "must not be before first_day");
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return schedule;
}

json LevelToJson(const AccessLevel& level) {
  const policy::AccessLevel& m = level.model;
  json rules = json::array();
  for (const policy::LevelRule& rule : m.rules) {
    rules.push_back(json{
        {"zone", rule.zone}, {"schedule", rule.schedule}, {"effect", EffectName(rule.effect)}});
  }
  return json{{"id", m.id},
              {"name", level.name},
              {"rules", std::move(rules)},
              {"max_threat_level", m.max_threat_level}};
}

Result<AccessLevel> LevelFromJson(const json& j) {
  AccessLevel level;
  policy::AccessLevel& m = level.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(ReadIdAndName(r, &m.id, &level.name));
  if (const json* rules = r.Optional("rules")) {
    if (!rules->is_array()) return At("rules", "expected an array, got " + Shown(*rules));
    for (std::size_t i = 0; i < rules->size(); ++i) {
      ObjectReader rr((*rules)[i], Indexed("rules", i));
      RETURN_IF_ERROR(rr.CheckObject());
      policy::LevelRule rule;
      RETURN_IF_ERROR(ReadRequiredUnsigned(rr, "zone", &rule.zone));
      RETURN_IF_ERROR(ReadUnsigned(rr, "schedule", &rule.schedule));
      if (const json* effect = rr.Optional("effect")) {
        ASSIGN_OR_RETURN(rule.effect, EnumAt(*effect, rr.PathOf("effect"), kEffectNames));
      }
      RETURN_IF_ERROR(rr.CheckNoUnknown());
      m.rules.push_back(rule);
    }
  }
  RETURN_IF_ERROR(ReadUnsigned(r, "max_threat_level", &m.max_threat_level));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return level;
}

json AssignmentToJson(const LevelAssignment& assignment) {
  const policy::LevelAssignment& m = assignment.model;
  return json{{"id", assignment.id},
              {"staff", assignment.staff.value()},
              {"level", m.level},
              {"valid_from", OptionalTime(m.valid_from, policy::kBeginningOfTime)},
              {"valid_until", OptionalTime(m.valid_until, policy::kEndOfTime)}};
}

Result<LevelAssignment> AssignmentFromJson(const json& j) {
  LevelAssignment assignment;
  policy::LevelAssignment& m = assignment.model;
  ObjectReader r(j, "");
  RETURN_IF_ERROR(r.CheckObject());
  RETURN_IF_ERROR(ReadUnsigned(r, "id", &assignment.id));
  std::int64_t staff = 0;
  RETURN_IF_ERROR(ReadRequiredUnsigned(r, "staff", &staff,
                                       std::uint64_t{std::numeric_limits<std::int64_t>::max()}));
  if (staff == 0) return At("staff", "expected a staff id, got 0");
  assignment.staff = StaffId(staff);
  RETURN_IF_ERROR(ReadRequiredUnsigned(r, "level", &m.level));
  RETURN_IF_ERROR(ReadOptionalTime(r, "valid_from", &m.valid_from));
  RETURN_IF_ERROR(ReadOptionalTime(r, "valid_until", &m.valid_until));
  if (m.valid_from >= m.valid_until) return At("valid_until", "must be after valid_from");
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return assignment;
}

}  // namespace sekisho::site
