// NewCard: a complete, deterministic test My Number Card (identity, credentials, RSA keys and
// JPKI certificates issued by a test PKI). Same (pki, seed, now, options) -> the same profile.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "card/sim/card_profile.h"
#include "pki/test_pki.h"

namespace sekisho::card::sim {

struct NewCardOptions {
  std::string auth_pin = "1234";          // JPKI 0018, 4 digits
  std::string sign_password = "ABC123";   // JPKI 001B, 6-16 of A-Z0-9
  std::string input_assist_pin = "1234";  // 入力補助 0011, 4 digits
  std::string residence_pin = "1234";     // 住基 001C and 共通 001C, 4 digits
  bool with_sign_certificate = true;  // false: a card without 署名用電子証明書 (spec §4)
};

// SeededRandom(seed) draws, in this order: the My Number (11 digits + check digit), a fictional
// identity (name, address, sex, birth date), the security code, the auth key, the sign key,
// the input-assist data-signing key, then the certificates (auth and sign certificates valid
// from `now` for 5 years; the card expires 10 years after `now`).
// kInvalidArgument if an option has the wrong format; the pki's errors otherwise.
Result<CardProfile> NewCard(const pki::TestPki& pki, std::uint64_t seed, TimePoint now,
                            const NewCardOptions& options = {});

}  // namespace sekisho::card::sim
