// The badge's APDU trace for the transaction model: one badge::BadgeTerminal::ReadIdentifier
// recorded against the simulated badge, and each command mapped to the work it makes a real card
// do (BSI TR-03110-2 §3.2-3.5; the sequence: docs/decisions/badge-eac-sequence.md).
#pragma once

#include <optional>
#include <vector>

#include "badge/eac_session.h"
#include "base/result.h"
#include "bench/replay_channel.h"
#include "bench/transaction_model.h"

namespace sekisho::bench {

// The 16-byte AES-128 blocks the card computes to unwrap a protected command and wrap its
// response (ISO/IEC 7816-4:2020 §10; TR-03110-3 App. F), from the recorded bytes:
//   command: the CMAC over SSC (16) || the header padded to 16 || the data objects but DO 8E,
//     ISO-padded (1 + n/16 blocks for n bytes); with DO 87, the IV E(K_enc, SSC) and the CBC
//     decryption of its cryptogram;
//   response (unless it is a bare status word in clear): the CMAC over SSC || the data objects
//     but DO 8E, ISO-padded; with DO 87, the IV and the encryption.
// The CMAC subkeys are computed once per session key and not counted. nullopt when the command
// is not a protected one (CLA bit 0C clear) or its data objects do not parse.
std::optional<int> SecureMessagingBlocks(const Exchange& exchange);

// The model's view of `recording` (a badge EAC sequence, in order). Labels name the step of
// the decision's table; sizes are as recorded; the card's work by command:
//   SELECT, READ BINARY, MSE:SET AT / SET DST, GET CHALLENGE: nothing but the per-command time;
//   PACE (TR-03110-2 §3.2, Generic Mapping, TR-03110-3 A.3.4.1; plain, before SM):
//     GA 1: K_pi = SHA-1(password || 00000003) (1 SHA-1 block), the nonce s encrypted with it
//           (1 AES block);
//     GA 2: an ephemeral mapping key pair (key generation), H = SK x PK_PCD (ECDH), the new
//           generator s x G + H (PACE GM mapping);
//     GA 3: an ephemeral key pair on that generator (key generation), K = SK x PK_PCD (ECDH);
//     GA 4: K_enc and K_mac = SHA-1(K || counter) (2 SHA-1 blocks), the terminal's token checked
//           and the card's computed: CMAC-AES over a public-key data object of 82 bytes each
//           (2 x 6 blocks) plus the CMAC subkey (1 block); with the PIN as password also the
//           retry counter's two NVM writes (kPinVerify: spent before the check, restored after);
//   TA (§3.3): PSO:VERIFY CERTIFICATE, one CV certificate verification each (DV, terminal);
//     EXTERNAL AUTHENTICATE, one ECDSA verification;
//   CA (§3.4): GENERAL AUTHENTICATE, one ECDH with the batch key, K_enc and K_mac from K and the
//     nonce (2 SHA-1 blocks), the card's token (6 + 1 AES blocks);
//   RI (§3.5): GENERAL AUTHENTICATE, one ECDH with the chip's RI key and the SHA-256 of its x
//     coordinate (1 SHA-256 block);
//   and every protected exchange its SecureMessagingBlocks() as kAesSmBlock.
// MSE:SET AT 22 41 A4 and the following GENERAL AUTHENTICATE are CA the first time (plain in
// the card-only order, protected after TA with the PIN) and RI the second (the protocol OID is
// encrypted); MSE:SET DST and PSO:VERIFY CERTIFICATE are for the DV
// certificate the first time and the terminal's the second. The password of PACE is read from
// MSE:SET AT (tag 83, in clear). Other commands keep CommandLabel() and get only their
// secure-messaging blocks.
Trace BadgeTraceFrom(const std::vector<Exchange>& recording);

// The two kinds of badge door: card only (CA, TA, RI without PACE) and card + badge PIN (PACE
// with the PIN, TA, CA, RI).
enum class BadgeDoor { kCardOnly, kCardAndPin };

// One badge authentication as a gate runs it (kCardOnly:
// badge::BadgeTerminal::ReadIdentifierWithoutPassword; kCardAndPin: ReadIdentifier with the
// badge PIN) through the gate's APDU
// firewall (badge::BadgeGatePolicy()) against a freshly issued SimulatedBadge, recorded between
// the firewall and the card: exactly the commands the card receives. kInternal when the badge
// cannot be built or the identifier is not the expected one.
Result<std::vector<Exchange>> RecordBadgeAuthentication(BadgeDoor door);

}  // namespace sekisho::bench
