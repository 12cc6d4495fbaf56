#include "card/sim/verification_code.h"

#include <array>

namespace sekisho::card::sim {
namespace {

int Number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

struct Era {
  int start;  // YYYYMMDD of the era's first day
};

// Start dates of the eras, newest first (the Gregorian dates of each 改元).
constexpr std::array<Era, 5> kEras = {{{20190501}, {19890108}, {19261225}, {19120730}, {18680125}}};

}  // namespace

bool IsAsciiDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsValidCalendarDate(std::string_view d) {
  if (d.size() != 8 || !IsAsciiDigits(d)) return false;
  const int year = Number(d.substr(0, 4));
  const int month = Number(d.substr(4, 2));
  const int day = Number(d.substr(6, 2));
  if (year < 1868 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= days;
}

std::optional<std::string> JapaneseEraDate(std::string_view d) {
  if (!IsValidCalendarDate(d)) return std::nullopt;
  const int date = Number(d);
  for (const Era& era : kEras) {
    if (date < era.start) continue;
    const int era_year = Number(d.substr(0, 4)) - era.start / 10000 + 1;
    if (era_year > 99) return std::nullopt;
    std::string out = {static_cast<char>('0' + era_year / 10),
                       static_cast<char>('0' + era_year % 10)};
    return out + std::string(d.substr(4, 4));
  }
  return std::nullopt;
}

std::optional<std::string> VerificationCodeB(std::string_view birth_date,
                                             std::string_view card_expiry,
                                             std::string_view security_code) {
  const auto era_date = JapaneseEraDate(birth_date);
  if (!era_date || !IsValidCalendarDate(card_expiry)) return std::nullopt;
  if (security_code.size() != 4 || !IsAsciiDigits(security_code)) return std::nullopt;
  return *era_date + std::string(card_expiry.substr(0, 4)) + std::string(security_code);
}

}  // namespace sekisho::card::sim
