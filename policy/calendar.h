// Local time for schedules: a site's fixed UTC offset applied to Unix seconds, the local day,
// weekday and minute, holidays, whether a schedule is open, and the next daily reset.
// Pure functions; see docs/policy.md, "Schedules".
#pragma once

#include <cstdint>

#include "policy/model.h"

namespace sekisho::policy {

// A moment in a site's local time.
struct LocalTime {
  LocalDay day = 0;          // days since 1970-01-01 (local), negative before
  std::uint8_t weekday = 0;  // 0 Monday ... 6 Sunday (TimeWindow::days bit index)
  std::uint16_t minute = 0;  // 0 ... 1439
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

// Times further than about 3 million years from 1970 are clamped to that range, so every
// UnixSeconds value (kBeginningOfTime, kEndOfTime included) has a defined local time.
inline constexpr UnixSeconds kCalendarLimit = std::int64_t{86400} * 1'000'000'000;

// `time` read at UTC offset `utc_offset_minutes`. 1970-01-01 was a Thursday.
LocalTime ToLocalTime(UnixSeconds time, std::int16_t utc_offset_minutes);

// True when `day` is one of the site's holidays (site.holidays sorted, as model.h requires).
bool IsHoliday(const Site& site, LocalDay day);

// True when `schedule` is open at `local`: local.day within [first_day, last_day], and one of
// `windows` (days bit for local.weekday set, start_minute <= local.minute < end_minute) matches;
// on a holiday, one of `holiday_windows` (day bits ignored) instead.
bool IsOpen(const Schedule& schedule, const LocalTime& local, bool holiday);

// The first instant after `time` at which the site's local clock shows daily_reset_minute
// (values of 1440 and above are read modulo 1440): when records made at `time` expire.
UnixSeconds NextDailyReset(UnixSeconds time, const Site& site);

}  // namespace sekisho::policy
