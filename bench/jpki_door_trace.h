// The JPKI door path's APDU trace for the transaction model: one gate::JpkiAuthenticator
// authentication recorded against the simulated My Number Card, and each command mapped to the
// work it makes a real card do.
#pragma once

#include <vector>

#include "base/result.h"
#include "bench/replay_channel.h"
#include "bench/transaction_model.h"

namespace sekisho::bench {

// The model's view of `recording`, in order: sizes as recorded, labels by CommandLabel, and
// the card's work by command: a VERIFY carrying a PIN (Lc > 0) is kPinVerify, COMPUTE DIGITAL
// SIGNATURE (CLA 80 INS 2A, spec §3) is kRsa2048Sign; SELECT, READ BINARY and the empty VERIFY
// that reads the tries left do no cryptography.
Trace JpkiTraceFrom(const std::vector<Exchange>& recording);

// One JPKI door authentication as the gate does it (gate::JpkiAuthenticator: APDU firewall,
// certificate read up to the public key, tries left, PIN from the keypad, challenge signature,
// verification) against a freshly issued simulated My Number Card, recorded between the
// firewall and the card: exactly the commands the card receives. Deterministic (fixed seeds).
// kInternal when the card cannot be built or the authentication does not succeed.
Result<std::vector<Exchange>> RecordJpkiDoorAuthentication();

}  // namespace sekisho::bench
