// The APDU firewall rule of the badge applet (docs/decisions/badge-eac-sequence.md), and the
// gate's policy that allows it next to JPKI user authentication (card/apdu_firewall.h).
#pragma once

#include "card/apdu_firewall.h"

namespace sekisho::badge {

// The badge applet (kBadgeAid): READ BINARY by SFI of EF.CardAccess (00 B0 9C 00, plain) and
// EF.CardSecurity (0C B0 9D 00, protected), and the EAC commands of TR-03110-3 App. B with their
// exact CLA and P1-P2: MSE:SET AT 00 22 C1 A4 (PACE), 0C 22 81 A4 (TA), 0C 22 41 A4 (CA, RI);
// GENERAL AUTHENTICATE 10/00 86 00 00 (PACE, chained then last) and 0C 86 00 00 (CA, RI);
// MSE:SET DST 0C 22 81 B6; PSO:VERIFY CERTIFICATE 0C 2A 00 BE; GET CHALLENGE 0C 84 00 00;
// EXTERNAL AUTHENTICATE 0C 82 00 00. Protected commands are judged by their header alone.
card::ApplicationRule BadgeApplicationRule();

// JpkiUserAuthenticationPolicy() plus BadgeApplicationRule(): the national card's applications
// are allowed exactly as before, and nothing else on it.
const card::FirewallPolicy& BadgeGatePolicy();

}  // namespace sekisho::badge
