#include "card/status_word.h"

namespace sekisho::card {

std::string_view StatusWordName(std::uint16_t sw) {
  switch (static_cast<StatusWord>(sw)) {
    case StatusWord::kOk: return "normal processing";
    case StatusWord::kWarningEndOfFile: return "end of file reached before reading Ne bytes";
    case StatusWord::kVerificationFailedNoTries: return "verification failed, no tries left";
    case StatusWord::kWrongLength: return "wrong length";
    case StatusWord::kLogicalChannelNotSupported: return "logical channel not supported";
    case StatusWord::kSecureMessagingNotSupported: return "secure messaging not supported";
    case StatusWord::kCommandIncompatibleWithFile:
      return "command incompatible with file structure";
    case StatusWord::kSecurityStatusNotSatisfied: return "security status not satisfied";
    case StatusWord::kAuthenticationMethodBlocked: return "authentication method blocked";
    case StatusWord::kReferenceDataNotUsable: return "reference data not usable (blocked)";
    case StatusWord::kConditionsOfUseNotSatisfied: return "conditions of use not satisfied";
    case StatusWord::kCommandNotAllowed: return "command not allowed (no current EF)";
    case StatusWord::kSmDataObjectsIncorrect: return "secure messaging data objects incorrect";
    case StatusWord::kIncorrectData: return "incorrect parameters in the command data field";
    case StatusWord::kFunctionNotSupported: return "function not supported";
    case StatusWord::kFileNotFound: return "file or application not found";
    case StatusWord::kRecordNotFound: return "record not found";
    case StatusWord::kIncorrectP1P2: return "incorrect parameters P1-P2";
    case StatusWord::kReferencedDataNotFound: return "referenced data not found";
    case StatusWord::kWrongParametersOffset: return "wrong parameters P1-P2 (offset)";
    case StatusWord::kInsNotSupported: return "instruction code not supported";
    case StatusWord::kClaNotSupported: return "class not supported";
    case StatusWord::kNoPreciseDiagnosis: return "no precise diagnosis";
  }
  switch (sw >> 8) {
    case kSw1BytesAvailable: return "response bytes still available";
    case kSw1WrongLe: return "wrong Le field, exact length given";
    default: break;
  }
  if ((sw & 0xFFF0) == 0x63C0) return "verification failed, counter warning";
  return "unknown status word";
}

std::optional<int> TriesLeft(std::uint16_t sw) {
  if ((sw & 0xFFF0) != 0x63C0) return std::nullopt;
  return sw & 0x0F;
}

}  // namespace sekisho::card
