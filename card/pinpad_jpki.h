// The JPKI user-authentication PIN (spec §2: IEF 0018, 4 ASCII digits, 3 tries) typed on the
// reader's PIN pad instead of a keypad of the host (DESIGN.md P6): the counterpart of
// JpkiClient::VerifyAuthPin for PIN pad readers. Docs: docs/card-firewall.md "PIN pad readers".
#pragma once

#include "base/status.h"
#include "card/card_channel.h"
#include "card/pin_policy.h"

namespace sekisho::card {

// Precondition: the JPKI application is selected on `channel`, which is an ApduFirewall over a
// PinPadRouter with kJpkiAuthPinFormat (the door path, gate/jpki_authenticator.cc).
//
// The same safety rules as JpkiClient::VerifyAuthPin, with the PIN pad in place of the PIN:
//   1. the empty VERIFY 00 20 00 98 (spec §3 "Query tries left"; no try is used);
//   2. a blocked PIN (63C0, 6984) is kFailedPrecondition and, unless `safety` is kAllowLastTry,
//      one try left is kPermissionDenied; the PIN pad is not asked in either case;
//   3. exactly one VERIFY template 00 20 00 98 04 FF FF FF FF, which the router hands to the PIN
//      pad. It is sent once and never again, whatever the answer (not even on 61xx/6Cxx).
// Answers: 9000 -> OK; 63Cx -> kUnauthenticated "wrong PIN, x tries left"; 63C0 or 6984 ->
// kFailedPrecondition (locked); any other status word -> kDataLoss naming it. The PIN pad's own
// errors (SecurePinEntry::Verify: timeout, cancelled, refused request) and the firewall's
// refusal (kPermissionDenied) are returned as they are.
Status VerifyAuthPinOnPinPad(CardChannel& channel, PinSafety safety = PinSafety::kRefuseLastTry);

}  // namespace sekisho::card
