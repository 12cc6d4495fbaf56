// Local time for schedules (policy/calendar.h).
#include "policy/calendar.h"

#include <algorithm>

namespace sekisho::policy {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t ToLocalSeconds(UnixSeconds time, std::int16_t utc_offset_minutes) {
  return std::clamp<std::int64_t>(time, -kCalendarLimit, kCalendarLimit) +
         std::int64_t{utc_offset_minutes} * 60;
}

}  // namespace

LocalTime ToLocalTime(UnixSeconds time, std::int16_t utc_offset_minutes) {
  const std::int64_t local = ToLocalSeconds(time, utc_offset_minutes);
  const std::int64_t day = FloorDiv(local, kSecondsPerDay);
  const std::int64_t second_of_day = local - day * kSecondsPerDay;
  LocalTime result;
  result.day = static_cast<LocalDay>(day);
  // Day 0 was a Thursday: weekday index 3 with Monday = 0.
  result.weekday = static_cast<std::uint8_t>(((day % 7) + 7 + 3) % 7);
  result.minute = static_cast<std::uint16_t>(second_of_day / 60);
  return result;
}

bool IsHoliday(const Site& site, LocalDay day) {
  return std::binary_search(site.holidays.begin(), site.holidays.end(), day);
}

bool IsOpen(const Schedule& schedule, const LocalTime& local, bool holiday) {
  if (local.day < schedule.first_day || local.day > schedule.last_day) return false;
  const std::vector<TimeWindow>& windows = holiday ? schedule.holiday_windows : schedule.windows;
  const std::uint8_t day_bit = static_cast<std::uint8_t>(1u << local.weekday);
  for (const TimeWindow& window : windows) {
    if (!holiday && (window.days & day_bit) == 0) continue;
    if (window.start_minute <= local.minute && local.minute < window.end_minute) return true;
  }
  return false;
}

UnixSeconds NextDailyReset(UnixSeconds time, const Site& site) {
  if (time >= kCalendarLimit) return kEndOfTime;
  const std::int64_t offset = std::int64_t{site.utc_offset_minutes} * 60;
  const std::int64_t local = ToLocalSeconds(time, site.utc_offset_minutes);
  const std::int64_t reset_second = (site.daily_reset_minute % kMinutesPerDay) * 60;
  std::int64_t reset = FloorDiv(local, kSecondsPerDay) * kSecondsPerDay + reset_second;
  if (reset <= local) reset += kSecondsPerDay;
  return reset - offset;
}

}  // namespace sekisho::policy
