// Test-only: the JPKI command APDUs of the door path (spec/mynumber-card.md §3) as the hex the
// card-layer tests send and expect, written once.
#pragma once

#include <string_view>

namespace sekisho::testing {

// SELECT the JPKI AP by its DF name, no response data.
inline constexpr std::string_view kSelectJpki = "00A4040C0AD392F000260100000001";
// SELECT EF by file ID, no response data: the authentication certificate (000A) and the
// authentication PIN (0018).
inline constexpr std::string_view kSelectAuthCert = "00A4020C02000A";
inline constexpr std::string_view kSelectAuthPin = "00A4020C020018";
// VERIFY without data on the authentication PIN (SFI 18): asks for the tries left.
inline constexpr std::string_view kTriesQuery = "00200098";
// The VERIFY template a PIN pad completes for that PIN: four digits, padded with FF.
inline constexpr std::string_view kAuthPinTemplate = "0020009804FFFFFFFF";

}  // namespace sekisho::testing
