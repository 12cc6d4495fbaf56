// The JPKI application (公的個人認証AP) of a simulated card: spec mynumber-card.md §1, §3, §4.
#pragma once

#include "base/bytes.h"
#include "card/sim/card_filesystem.h"
#include "card/sim/card_keys.h"
#include "card/sim/card_profile.h"

namespace sekisho::card::sim {

// EF 0006, 160 bytes: a PKCS#11 CK_TOKEN_INFO (PKCS#11 v2.40 §3.2) with 32-bit big-endian
// integers. Label "JPKIAPICCTOKEN2" space-padded to 32 bytes; manufacturer "J-LIS" and model
// "JPKI-AP", serial 16 digits derived from the seed; flags RNG | LOGIN_REQUIRED |
// USER_PIN_INITIALIZED | TOKEN_INITIALIZED; PIN length 4..16; memory sizes unavailable
// (FFFFFFFF); versions 1.0; UTC time blank.
Bytes JpkiTokenInfo(const CardProfile& profile);

// EF 0008: `8F 8F 00`; byte 0 (signature certificate) is 00 when the card has none (spec §4).
Bytes JpkiCertificatePresence(bool has_sign_certificate);

// All JPKI EFs: 0001 (sign cert, needs 001B), 0002, 0006, 0008, 0009 (never readable), 000A,
// 000B, keys 0017 (needs 0018) and 001A (needs 001B), PIN 0018, password 001B. Certificate EFs
// hold the DER exactly. Key EFs point into `keys`, which must outlive the application.
Application BuildJpkiApplication(const CardProfile& profile, const CardKeys& keys);

}  // namespace sekisho::card::sim
