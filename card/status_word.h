// Status words (SW1 SW2) of response APDUs: ISO/IEC 7816-4:2020 §5.6 Table 6, plus the values the
// My Number Card is known to return (docs: ../shared/spec/mynumber-card.md §3.2, JICSAP).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sekisho::card {

enum class StatusWord : std::uint16_t {
  kOk = 0x9000,                           // Normal processing, no further qualification.
  kWarningEndOfFile = 0x6282,             // End of file reached before reading Ne bytes.
  kVerificationFailedNoTries = 0x63C0,    // Counter exhausted by this attempt (63Cx, x = 0).
  kWrongLength = 0x6700,                  // Wrong length; no further indication.
  kLogicalChannelNotSupported = 0x6881,   // Logical channel not supported.
  kSecureMessagingNotSupported = 0x6882,  // Secure messaging not supported.
  kCommandIncompatibleWithFile = 0x6981,  // Command incompatible with file structure.
  kSecurityStatusNotSatisfied = 0x6982,   // Security status not satisfied (PIN not verified).
  kAuthenticationMethodBlocked = 0x6983,  // Authentication method blocked.
  kReferenceDataNotUsable = 0x6984,       // Reference data not usable (JICSAP: IEF locked).
  kConditionsOfUseNotSatisfied = 0x6985,  // Conditions of use not satisfied.
  kCommandNotAllowed = 0x6986,            // Command not allowed (no current EF).
  kSmDataObjectsIncorrect = 0x69FC,       // SM class refused by READ/VERIFY on this card.
  kIncorrectData = 0x6A80,                // Incorrect parameters in the command data field.
  kFunctionNotSupported = 0x6A81,         // Function not supported.
  kFileNotFound = 0x6A82,                 // File or application not found.
  kRecordNotFound = 0x6A83,               // Record not found.
  kIncorrectP1P2 = 0x6A86,                // Incorrect parameters P1-P2.
  kReferencedDataNotFound = 0x6A88,       // Referenced data or reference data not found.
  kWrongParametersOffset = 0x6B00,        // Wrong parameters P1-P2 (offset outside the EF).
  kInsNotSupported = 0x6D00,              // Instruction code not supported or invalid.
  kClaNotSupported = 0x6E00,              // Class not supported.
  kNoPreciseDiagnosis = 0x6F00,           // No precise diagnosis.
};

// SW1 values that are families rather than single words.
inline constexpr std::uint8_t kSw1BytesAvailable = 0x61;  // 61xx: xx more bytes via GET RESPONSE
inline constexpr std::uint8_t kSw1WrongLe = 0x6C;          // 6Cxx: resend with Le = xx
inline constexpr std::uint8_t kSw1CounterWarning = 0x63;   // 63Cx: x tries left

constexpr std::uint16_t ToU16(StatusWord sw) { return static_cast<std::uint16_t>(sw); }

// The ISO name of a status word ("security status not satisfied"); for 61xx, 6Cxx and 63Cx
// the family name. "unknown status word" for anything else.
std::string_view StatusWordName(std::uint16_t sw);

// For 63Cx returns x (the remaining tries); otherwise nullopt.
std::optional<int> TriesLeft(std::uint16_t sw);

// True for 9000 and for the 61xx family (both mean the command succeeded).
constexpr bool IsSuccess(std::uint16_t sw) { return sw == 0x9000 || (sw >> 8) == 0x61; }

}  // namespace sekisho::card
