// Snapshot invariants (policy/model.h), checked section by section; see validate.h.
#include "policy/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sekisho::policy {
namespace {

constexpr int kMaxUtcOffsetMinutes = kMinutesPerDay - 1;
constexpr std::uint8_t kAllDays = 0x7F;

template <typename T>
bool Contains(const std::vector<T>& sorted, ObjectId id) {
  return std::ranges::binary_search(sorted, id, {}, &T::id);
}

// Ids unique, ascending and not kNone.
template <typename T>
Status CheckIds(const std::vector<T>& objects, std::string_view section) {
  ObjectId previous = kNone;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const ObjectId id = objects[i].id;
    if (id == kNone) {
      return InvalidArgumentError(
          fmt::format("{}: id 0 at index {} (0 is reserved for \"none\")", section, i));
    }
    if (i > 0 && id <= previous) {
      return InvalidArgumentError(fmt::format(
          "{}: id {} at index {} does not follow id {} (ids must be ascending and unique)", section,
          id, i, previous));
    }
    previous = id;
  }
  return OkStatus();
}

Status CheckWindow(const TimeWindow& w, bool holiday, std::size_t index, ObjectId schedule) {
  const char* kind = holiday ? "holiday window" : "window";
  if (w.days > kAllDays) {
    return InvalidArgumentError(fmt::format("schedule {}: {} {}: unknown day bits 0x{:02X}",
                                            schedule, kind, index, w.days & ~kAllDays));
  }
  if (!holiday && w.days == 0) {
    return InvalidArgumentError(fmt::format(
        "schedule {}: {} {}: no day bit set (the window never opens)", schedule, kind, index));
  }
  if (w.end_minute > kMinutesPerDay) {
    return InvalidArgumentError(fmt::format("schedule {}: {} {}: end minute {} is after 1440",
                                            schedule, kind, index, w.end_minute));
  }
  if (w.start_minute >= w.end_minute) {
    return InvalidArgumentError(
        fmt::format("schedule {}: {} {}: start minute {} is not before end minute {}", schedule,
                    kind, index, w.start_minute, w.end_minute));
  }
  return OkStatus();
}

Status CheckSite(const Site& site, const Snapshot& s) {
  if (site.utc_offset_minutes < -kMaxUtcOffsetMinutes ||
      site.utc_offset_minutes > kMaxUtcOffsetMinutes) {
    return InvalidArgumentError(fmt::format("site {}: UTC offset {} minutes is a day or more",
                                            site.id, site.utc_offset_minutes));
  }
  for (std::size_t i = 1; i < site.holidays.size(); ++i) {
    if (site.holidays[i] <= site.holidays[i - 1]) {
      return InvalidArgumentError(fmt::format(
          "site {}: holiday {} (day {}) does not follow day {} (holidays must be ascending and "
          "unique)",
          site.id, i, site.holidays[i], site.holidays[i - 1]));
    }
  }
  if (site.daily_reset_minute >= kMinutesPerDay) {
    return InvalidArgumentError(fmt::format("site {}: daily reset minute {} is not below 1440",
                                            site.id, site.daily_reset_minute));
  }
  if (site.lockdown_override_level != kNone && !Contains(s.levels, site.lockdown_override_level)) {
    return InvalidArgumentError(
        fmt::format("site {}: lockdown override level {} is not a level of the snapshot", site.id,
                    site.lockdown_override_level));
  }
  return OkStatus();
}

Status CheckZone(const Zone& zone, const Snapshot& s) {
  if (!Contains(s.sites, zone.site)) {
    return InvalidArgumentError(
        fmt::format("zone {}: site {} is not a site of the snapshot", zone.id, zone.site));
  }
  const auto anti_passback = static_cast<std::uint8_t>(zone.anti_passback);
  if (anti_passback > static_cast<std::uint8_t>(AntiPassback::kHard)) {
    return InvalidArgumentError(
        fmt::format("zone {}: unknown anti-passback mode {}", zone.id, anti_passback));
  }
  if (zone.first_person_in_level != kNone && !Contains(s.levels, zone.first_person_in_level)) {
    return InvalidArgumentError(
        fmt::format("zone {}: first-person-in level {} is not a level of the snapshot", zone.id,
                    zone.first_person_in_level));
  }
  return OkStatus();
}

Status CheckDoor(const Door& door, const Snapshot& s) {
  if (!Contains(s.sites, door.site)) {
    return InvalidArgumentError(
        fmt::format("door {}: site {} is not a site of the snapshot", door.id, door.site));
  }
  if (door.to_zone == kNone || !Contains(s.zones, door.to_zone)) {
    return InvalidArgumentError(
        fmt::format("door {}: to_zone {} is not a zone of the snapshot", door.id, door.to_zone));
  }
  if (door.from_zone != kNone && !Contains(s.zones, door.from_zone)) {
    return InvalidArgumentError(fmt::format("door {}: from_zone {} is not a zone of the snapshot",
                                            door.id, door.from_zone));
  }
  const auto required = static_cast<std::uint8_t>(door.required);
  if (required < static_cast<std::uint8_t>(Assurance::kCard) ||
      required > static_cast<std::uint8_t>(Assurance::kCardAndPin)) {
    return InvalidArgumentError(
        fmt::format("door {}: unknown required assurance {}", door.id, required));
  }
  return OkStatus();
}

Status CheckSchedule(const Schedule& schedule) {
  for (std::size_t i = 0; i < schedule.windows.size(); ++i) {
    RETURN_IF_ERROR(CheckWindow(schedule.windows[i], /*holiday=*/false, i, schedule.id));
  }
  for (std::size_t i = 0; i < schedule.holiday_windows.size(); ++i) {
    RETURN_IF_ERROR(CheckWindow(schedule.holiday_windows[i], /*holiday=*/true, i, schedule.id));
  }
  if (schedule.first_day > schedule.last_day) {
    return InvalidArgumentError(fmt::format("schedule {}: first day {} is after last day {}",
                                            schedule.id, schedule.first_day, schedule.last_day));
  }
  return OkStatus();
}

Status CheckLevel(const AccessLevel& level, const Snapshot& s) {
  for (std::size_t i = 0; i < level.rules.size(); ++i) {
    const LevelRule& rule = level.rules[i];
    if (rule.zone == kNone || !Contains(s.zones, rule.zone)) {
      return InvalidArgumentError(
          fmt::format("level {}: rule {}: zone {} is not a zone of the "
                      "snapshot",
                      level.id, i, rule.zone));
    }
    if (rule.schedule != kNone && !Contains(s.schedules, rule.schedule)) {
      return InvalidArgumentError(
          fmt::format("level {}: rule {}: schedule {} is not a schedule of the snapshot", level.id,
                      i, rule.schedule));
    }
    const auto effect = static_cast<std::uint8_t>(rule.effect);
    if (effect > static_cast<std::uint8_t>(Effect::kDeny)) {
      return InvalidArgumentError(
          fmt::format("level {}: rule {}: unknown effect {}", level.id, i, effect));
    }
  }
  return OkStatus();
}

Status CheckCredential(const Credential& c, std::size_t index, const Snapshot& s) {
  if (c.valid_from >= c.valid_until) {
    return InvalidArgumentError(
        fmt::format("credential at index {}: valid_from {} is not before valid_until {}", index,
                    c.valid_from, c.valid_until));
  }
  if ((c.flags & ~kCredentialRevoked) != 0) {
    return InvalidArgumentError(fmt::format("credential at index {}: unknown flag bits 0x{:02X}",
                                            index, c.flags & ~kCredentialRevoked));
  }
  for (std::size_t i = 0; i < c.levels.size(); ++i) {
    const LevelAssignment& a = c.levels[i];
    if (!Contains(s.levels, a.level)) {
      return InvalidArgumentError(fmt::format(
          "credential at index {}: level assignment {}: level {} is not a level of the snapshot",
          index, i, a.level));
    }
    if (a.valid_from >= a.valid_until) {
      return InvalidArgumentError(
          fmt::format("credential at index {}: level assignment {}: valid_from {} is not before "
                      "valid_until {}",
                      index, i, a.valid_from, a.valid_until));
    }
  }
  return OkStatus();
}

}  // namespace

Status Validate(const Snapshot& s) {
  // Order first: the reference checks below look ids up by binary search.
  RETURN_IF_ERROR(CheckIds(s.sites, "sites"));
  RETURN_IF_ERROR(CheckIds(s.zones, "zones"));
  RETURN_IF_ERROR(CheckIds(s.doors, "doors"));
  RETURN_IF_ERROR(CheckIds(s.schedules, "schedules"));
  RETURN_IF_ERROR(CheckIds(s.levels, "levels"));
  for (std::size_t i = 1; i < s.credentials.size(); ++i) {
    if (!(s.credentials[i - 1].key < s.credentials[i].key)) {
      return InvalidArgumentError(fmt::format(
          "credentials: the key at index {} does not follow the key at index {} (keys must be "
          "ascending and unique)",
          i, i - 1));
    }
  }

  for (const Site& site : s.sites) RETURN_IF_ERROR(CheckSite(site, s));
  for (const Zone& zone : s.zones) RETURN_IF_ERROR(CheckZone(zone, s));
  for (const Door& door : s.doors) RETURN_IF_ERROR(CheckDoor(door, s));
  for (const Schedule& schedule : s.schedules) RETURN_IF_ERROR(CheckSchedule(schedule));
  for (const AccessLevel& level : s.levels) RETURN_IF_ERROR(CheckLevel(level, s));
  for (std::size_t i = 0; i < s.credentials.size(); ++i) {
    RETURN_IF_ERROR(CheckCredential(s.credentials[i], i, s));
  }
  return OkStatus();
}

}  // namespace sekisho::policy
