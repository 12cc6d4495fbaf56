#include "policy/calendar.h"

#include <gtest/gtest.h>

namespace sekisho::policy {
namespace {

// Expected values computed with GNU date and Python's datetime, not with this code, e.g.
//   date -d '2026-04-01 00:00:00 +0900' +%s            -> 1774969200
//   python3 -c "import datetime as d; print((d.date(2026,4,29)-d.date(1970,1,1)).days)" -> 20572
constexpr std::int16_t kJst = 540;
constexpr std::int16_t kEst = -300;

TEST(CalendarTest, EpochIsAThursday) {
  EXPECT_EQ(ToLocalTime(0, 0), (LocalTime{0, 3, 0}));
  // 1969-12-31 23:59:59 UTC: Wednesday, day -1, minute 1439.
  EXPECT_EQ(ToLocalTime(-1, 0), (LocalTime{-1, 2, 1439}));
  // 1970-01-01 00:00 JST is 1969-12-31 15:00 UTC.
  EXPECT_EQ(ToLocalTime(-32400, kJst), (LocalTime{0, 3, 0}));
  EXPECT_EQ(ToLocalTime(-32401, kJst), (LocalTime{-1, 2, 1439}));
}

TEST(CalendarTest, KnownDates) {
  // 2026-04-01 00:00 JST (Wednesday), day 20544.
  EXPECT_EQ(ToLocalTime(1774969200, kJst), (LocalTime{20544, 2, 0}));
  // The same instant in UTC is Tuesday 15:00 of the day before.
  EXPECT_EQ(ToLocalTime(1774969200, 0), (LocalTime{20543, 1, 900}));
  // 2026-04-06 08:59:59 JST: Monday, minute 539.
  EXPECT_EQ(ToLocalTime(1775433599, kJst), (LocalTime{20549, 0, 539}));
  // 2026-11-01 01:30 EST (UTC-5): Sunday, day 20758, minute 90.
  EXPECT_EQ(ToLocalTime(1793514600, kEst), (LocalTime{20758, 6, 90}));
}

TEST(CalendarTest, ExtremeTimesAreClamped) {
  const LocalTime end = ToLocalTime(kEndOfTime, kJst);
  const LocalTime clamped_end = ToLocalTime(kCalendarLimit, kJst);
  EXPECT_EQ(end, clamped_end);
  EXPECT_GT(end.day, 1'000'000'000 - 1);
  const LocalTime begin = ToLocalTime(kBeginningOfTime, kEst);
  EXPECT_EQ(begin, ToLocalTime(-kCalendarLimit, kEst));
  EXPECT_LT(begin.day, -999'999'999);
  EXPECT_LT(begin.weekday, 7);
  EXPECT_LT(begin.minute, 1440);
  EXPECT_EQ(NextDailyReset(kEndOfTime, Site{}), kEndOfTime);
  EXPECT_GT(NextDailyReset(kBeginningOfTime, Site{}), kBeginningOfTime);
}

TEST(CalendarTest, Holidays) {
  Site site;
  site.holidays = {20544, 20572};
  EXPECT_TRUE(IsHoliday(site, 20544));
  EXPECT_TRUE(IsHoliday(site, 20572));
  EXPECT_FALSE(IsHoliday(site, 20545));
  EXPECT_FALSE(IsHoliday(Site{}, 20544));
}

TEST(CalendarTest, WindowsAreHalfOpenAndFollowDayBits) {
  Schedule schedule;
  schedule.windows = {{0x01 | 0x04, 8 * 60, 18 * 60}};  // Monday and Wednesday 08:00-18:00
  const LocalTime monday_0800{20549, 0, 480};
  EXPECT_TRUE(IsOpen(schedule, monday_0800, false));
  EXPECT_FALSE(IsOpen(schedule, {20549, 0, 479}, false));
  EXPECT_TRUE(IsOpen(schedule, {20549, 0, 1079}, false));
  EXPECT_FALSE(IsOpen(schedule, {20549, 0, 1080}, false));
  EXPECT_TRUE(IsOpen(schedule, {20551, 2, 600}, false));   // Wednesday
  EXPECT_FALSE(IsOpen(schedule, {20550, 1, 600}, false));  // Tuesday
  EXPECT_FALSE(IsOpen(schedule, {20555, 6, 600}, false));  // Sunday
}

TEST(CalendarTest, WholeDayWindowAndOvernightAsTwoWindows) {
  Schedule schedule;
  // Friday 22:00 to Saturday 06:00, written as two windows.
  schedule.windows = {{0x10, 22 * 60, 1440}, {0x20, 0, 6 * 60}};
  EXPECT_TRUE(IsOpen(schedule, {20553, 4, 1439}, false));   // Friday 23:59
  EXPECT_TRUE(IsOpen(schedule, {20554, 5, 0}, false));      // Saturday 00:00
  EXPECT_FALSE(IsOpen(schedule, {20554, 5, 360}, false));   // Saturday 06:00
  EXPECT_FALSE(IsOpen(schedule, {20547, 5, 1439}, false));  // Saturday 23:59
}

TEST(CalendarTest, HolidayWindowsReplaceWindowsAndIgnoreDayBits) {
  Schedule schedule;
  schedule.windows = {{0x7F, 0, 1440}};
  EXPECT_FALSE(IsOpen(schedule, {20572, 2, 600}, true));  // no holiday windows: closed
  schedule.holiday_windows = {{0, 10 * 60, 12 * 60}};
  EXPECT_TRUE(IsOpen(schedule, {20572, 2, 600}, true));
  EXPECT_FALSE(IsOpen(schedule, {20572, 2, 720}, true));
}

TEST(CalendarTest, FirstAndLastDayAreInclusive) {
  Schedule schedule;
  schedule.windows = {{0x7F, 0, 1440}};
  schedule.first_day = 20544;
  schedule.last_day = 20546;
  EXPECT_FALSE(IsOpen(schedule, {20543, 1, 600}, false));
  EXPECT_TRUE(IsOpen(schedule, {20544, 2, 0}, false));
  EXPECT_TRUE(IsOpen(schedule, {20546, 4, 1439}, false));
  EXPECT_FALSE(IsOpen(schedule, {20547, 5, 0}, false));
  EXPECT_FALSE(IsOpen(schedule, {20544, 2, 0}, true));  // holiday windows empty
}

TEST(CalendarTest, NextDailyReset) {
  Site site;
  site.utc_offset_minutes = kJst;
  site.daily_reset_minute = 180;  // 03:00 JST
  // 2026-04-01 10:00 JST -> 2026-04-02 03:00 JST (1775066400).
  EXPECT_EQ(NextDailyReset(1775005200, site), 1775066400);
  // 2026-04-01 02:59:59 JST -> 2026-04-01 03:00 JST.
  EXPECT_EQ(NextDailyReset(1774979999, site), 1774980000);
  // Exactly at the reset: the next one.
  EXPECT_EQ(NextDailyReset(1774980000, site), 1774980000 + 86400);
  // Midnight UTC reset.
  EXPECT_EQ(NextDailyReset(1, Site{}), 86400);
  EXPECT_EQ(NextDailyReset(-1, Site{}), 0);
  // Minute 1440 reads as 0.
  site.daily_reset_minute = 1440;
  EXPECT_EQ(NextDailyReset(1775005200, site), 1775055600);  // 2026-04-02 00:00 JST
  // West of UTC: 2026-11-01 01:30 EST with a 02:00 reset -> 07:00 UTC.
  Site east_coast;
  east_coast.utc_offset_minutes = kEst;
  east_coast.daily_reset_minute = 120;
  EXPECT_EQ(NextDailyReset(1793514600, east_coast), 1793516400);
}

}  // namespace
}  // namespace sekisho::policy
