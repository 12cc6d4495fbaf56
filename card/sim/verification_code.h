// The card-face verification codes (照合番号) and the Japanese-era dates they contain:
// ../shared/spec/mynumber-card.md §2 (照合番号A = My Number; 照合番号B = 和暦 YYMMDD of birth,
// expiry year, security code; the card-face birth-date key = 和暦 YYMMDD).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::card::sim {

// True when every character of `s` is an ASCII digit 0-9 (also for the empty string).
bool IsAsciiDigits(std::string_view s);

// True for "YYYYMMDD" naming a real Gregorian date in years 1868..2199.
bool IsValidCalendarDate(std::string_view yyyymmdd);

// The date as "YYMMDD" in its Japanese era (明治 from 1868-01-25, 大正 1912-07-30,
// 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01); era year 1 is 元年 = "01".
// nullopt for an invalid date or one before 明治.
std::optional<std::string> JapaneseEraDate(std::string_view yyyymmdd);

// 照合番号B: JapaneseEraDate(birth_date) + the expiry's 4-digit year + the security code
// (14 digits). nullopt if a part is malformed.
std::optional<std::string> VerificationCodeB(std::string_view birth_date,
                                             std::string_view card_expiry,
                                             std::string_view security_code);

}  // namespace sekisho::card::sim
