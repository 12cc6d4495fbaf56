#include "server/api_registry_json.h"

#include <cstdio>
#include <ctime>

namespace sekisho::server {
namespace {

using nlohmann::json;

template <typename IdT>
json OptionalId(const std::optional<IdT>& id) {
  return id.has_value() ? json(id->value()) : json(nullptr);
}

bool Digits(std::string_view text, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatApiTime(TimePoint time) {
  const std::int64_t millis = store::ToUnixMillis(time);
  std::int64_t seconds = millis / 1000;
  std::int64_t ms = millis % 1000;
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[96];  // room for any int the compiler cannot rule out
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buffer;
}

Result<TimePoint> ParseApiTime(std::string_view what, std::string_view text) {
  const Status bad = InvalidArgumentError(
      std::string(what) + ": expected an RFC 3339 time like 2026-04-01T09:00:00Z, got '" +
      std::string(text.substr(0, 40)) + "'");
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !Digits(text, 0, 4, &year) || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !Digits(text, 11, 2, &hour) || text[13] != ':' ||
      !Digits(text, 14, 2, &minute) || text[16] != ':' || !Digits(text, 17, 2, &second)) {
    return bad;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    std::size_t digits = 0;
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits, ++pos;
    }
    if (digits == 0 || digits > 3) return bad;
    for (std::size_t d = digits; d < 3; ++d) millis *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    // UTC
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!Digits(text, pos + 1, 2, &oh) || text[pos + 3] != ':' || !Digits(text, pos + 4, 2, &om) ||
        oh > 23 || om > 59) {
      return bad;
    }
    offset_minutes = (text[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return bad;
  }
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59) {
    return bad;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_minutes * 60;
  return store::FromUnixMillis(seconds * 1000 + millis);
}

json OrganisationToJson(const store::Organisation& org) {
  return {
      {"id", org.id.value()}, {"name", org.name}, {"created_at", FormatApiTime(org.created_at)}};
}

json StaffToJson(const store::Staff& staff) {
  return {
      {"id", staff.id.value()},
      {"staff_ref", staff.staff_ref.ToHex()},
      {"staff_number", staff.staff_number},
      {"display_name", staff.display_name},
      {"department", staff.department},
      {"status", store::StaffStatusName(staff.status)},
      {"valid_from", FormatApiTime(staff.valid_from)},
      {"valid_until", staff.valid_until ? json(FormatApiTime(*staff.valid_until)) : json(nullptr)}};
}

json CredentialToJson(const store::Credential& c) {
  return {{"id", c.id.value()},
          {"staff", c.staff.value()},
          {"kind", store::CredentialKindName(c.kind)},
          {"status", store::CredentialStatusName(c.status)},
          {"status_reason", c.status_reason},
          {"status_changed_at", FormatApiTime(c.status_changed_at)},
          {"not_after", FormatApiTime(c.not_after)},
          {"enrolled_at", FormatApiTime(c.enrolled_at)},
          {"enrolled_by", c.enrolled_by},
          {"replaced_by", OptionalId(c.replaced_by)}};
}

json AdminEventToJson(const store::AdminEvent& e) {
  return {{"id", e.id.value()},
          {"at", FormatApiTime(e.at)},
          {"actor", e.actor},
          {"action", store::AdminActionName(e.action)},
          {"staff", OptionalId(e.staff)},
          {"credential", OptionalId(e.credential)},
          {"detail", e.detail}};
}

json HashListToJson(const std::vector<audit::Hash>& hashes) {
  json list = json::array();
  for (const audit::Hash& h : hashes) list.push_back(audit::HashHex(h));
  return list;
}

}  // namespace sekisho::server
