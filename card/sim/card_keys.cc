#include "card/sim/card_keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "base/digest.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

Result<pki::EvpPkeyPtr> Parse(std::string_view field, const std::string& pem) {
  auto key = pki::PrivateKeyFromPem(pem);
  if (!key.ok()) return DataLossError("card profile: " + std::string(field) + ": not a PEM key");
  return key;
}

}  // namespace

Result<CardKeys> ParseCardKeys(const CardProfile& profile) {
  CardKeys keys;
  ASSIGN_OR_RETURN(keys.auth, Parse("keys.auth", profile.auth_key_pem));
  ASSIGN_OR_RETURN(keys.sign, Parse("keys.sign", profile.sign_key_pem));
  ASSIGN_OR_RETURN(keys.input_assist, Parse("keys.input_assist", profile.input_assist_key_pem));
  return keys;
}

SeededRandom DerivedRandom(std::uint64_t seed, std::string_view purpose) {
  Bytes input = ToBytes("sekisho/card-sim/");
  Append(input, ToBytes(purpose));
  for (int i = 0; i < 8; ++i) input.push_back(static_cast<std::uint8_t>(seed >> (56 - 8 * i)));
  const Bytes digest = Sha256(input);
  std::uint64_t derived = 0;
  for (int i = 0; i < 8; ++i) derived = (derived << 8) | digest[static_cast<std::size_t>(i)];
  return SeededRandom(derived);
}

std::string RandomDigits(Random& random, std::size_t count) {
  std::string out;
  while (out.size() < count) {
    std::uint8_t b = 0;
    random.Fill(std::span<std::uint8_t>(&b, 1));
    if (b >= 250) continue;  // 250 = 25 * 10: keeps the digits uniform
    out.push_back(static_cast<char>('0' + b % 10));
  }
  return out;
}

DerivedCardData DeriveCardData(std::uint64_t seed) {
  SeededRandom random = DerivedRandom(seed, "card-data");
  DerivedCardData data;
  data.municipality_code = "99" + RandomDigits(random, 3);
  data.card_serial = RandomDigits(random, 15);
  data.resident_code = RandomDigits(random, 11);
  return data;
}

Bytes RsaModulus(const EVP_PKEY& key, std::size_t size) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_N, &raw) != 1) return {};
  pki::BignumPtr n(raw);
  Bytes out(size);
  if (BN_bn2binpad(n.get(), out.data(), static_cast<int>(size)) < 0) return {};
  return out;
}

}  // namespace sekisho::card::sim
