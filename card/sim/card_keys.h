// The private keys of a simulated card, parsed once from its profile, and the seed-derived
// streams that fill the card's opaque bytes (serials, J-LIS signatures it cannot make).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "card/sim/card_profile.h"
#include "pki/openssl_types.h"

namespace sekisho::card::sim {

struct CardKeys {
  pki::EvpPkeyPtr auth;          // JPKI 0017
  pki::EvpPkeyPtr sign;          // JPKI 001A
  pki::EvpPkeyPtr input_assist;  // signs input-assist EF 0003
};

// kDataLoss naming the profile field ("keys.auth") when a PEM does not parse.
Result<CardKeys> ParseCardKeys(const CardProfile& profile);

// A deterministic stream for one purpose of one card: SeededRandom over the first 8 bytes of
// SHA-256("sekisho/card-sim/" || purpose || seed). Different purposes give unrelated streams.
SeededRandom DerivedRandom(std::uint64_t seed, std::string_view purpose);

// `count` ASCII digits drawn from `random` (rejection sampling, no modulo bias).
std::string RandomDigits(Random& random, std::size_t count);

// Card data a profile does not store, derived from its seed (stable for a card).
struct DerivedCardData {
  std::string municipality_code;  // 5 digits; "99xxx" (no prefecture 99: clearly fictional)
  std::string card_serial;        // 15 digits (共通AP record, MF GET DATA 0045)
  std::string resident_code;      // 11 digits (住民票コード, 住基AP record)
};
DerivedCardData DeriveCardData(std::uint64_t seed);

// The RSA modulus of `key`, big-endian, left-padded to `size` bytes. Empty if not RSA.
Bytes RsaModulus(const EVP_PKEY& key, std::size_t size);

}  // namespace sekisho::card::sim
