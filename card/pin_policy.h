// PIN safety for the JPKI user-authentication PIN (DESIGN.md P6; spec §2: 4 ASCII digits,
// 3 tries, only a municipal office unlocks a blocked PIN): the checks made before a PIN is sent.
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "card/mynumber_card.h"
#include "card/status_word.h"

namespace sekisho::card {

// Whether a VERIFY may use the card's last try. Gates never do; an enrolment desk with staff
// present may, when the holder asks for it.
enum class PinSafety { kRefuseLastTry, kAllowLastTry };

// The retry counter of a PIN as the card reports it without spending a try (spec §3.1 seq 5).
struct PinStatus {
  int tries_left = 0;
  bool blocked = false;

  friend bool operator==(const PinStatus&, const PinStatus&) = default;
};

// True for the answers to a VERIFY by which the card says the PIN is blocked: 63C0 (no tries
// left), 6984 (reference data not usable, spec §3.2) and 6983 (authentication method blocked,
// ISO/IEC 7816-4:2020 §5.6 Table 6).
inline bool IsAuthPinBlocked(std::uint16_t sw) {
  return sw == ToU16(StatusWord::kVerificationFailedNoTries) ||
         sw == ToU16(StatusWord::kReferenceDataNotUsable) ||
         sw == ToU16(StatusWord::kAuthenticationMethodBlocked);
}

// The kFailedPrecondition a blocked authentication PIN is reported as.
inline Status AuthPinLockedError() {
  return FailedPreconditionError(
      "the card's authentication PIN is locked; only the municipal office can unlock it");
}

// OK for exactly four ASCII digits; kInvalidArgument otherwise. The message never shows the PIN.
inline Status CheckAuthPinFormat(ByteView pin) {
  bool digits = pin.size() == mynumber::kAuthPinLength;
  for (std::uint8_t b : pin) digits = digits && b >= '0' && b <= '9';
  if (!digits) {
    return InvalidArgumentError(
        "the authentication PIN must be 4 digits (0-9); nothing was sent to the card");
  }
  return OkStatus();
}

// Whether a PIN may be sent to a card in `status`: kFailedPrecondition when the PIN is blocked;
// kPermissionDenied when one try is left and `safety` is kRefuseLastTry.
inline Status CheckPinSafety(const PinStatus& status, PinSafety safety) {
  if (status.blocked || status.tries_left <= 0) return AuthPinLockedError();
  if (status.tries_left == 1 && safety != PinSafety::kAllowLastTry) {
    return PermissionDeniedError(
        "only one try is left on the card's authentication PIN, and a wrong PIN would lock the "
        "card; the PIN was not sent. Please visit your municipal office to reset the PIN rather "
        "than risk locking the card");
  }
  return OkStatus();
}

}  // namespace sekisho::card
