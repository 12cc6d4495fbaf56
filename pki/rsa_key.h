// RSA keys for the JPKI world: deterministic generation for simulated cards, PEM/DER codecs,
// and the PKCS#1 v1.5 signatures (RFC 8017 §8.2, §9.2) that My Number Cards compute.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "base/status.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

inline constexpr int kDefaultRsaBits = 2048;
inline constexpr int kMinRsaBits = 1024;
inline constexpr int kMaxRsaBits = 8192;
inline constexpr unsigned long kRsaPublicExponent = 65537;

// Generates an RSA key pair whose every byte depends only on the stream `random` produces:
// two SeededRandom(N) give identical keys (simulated cards created with `--seed N` must come out
// byte-identical). FOR SIMULATED AND TEST CARDS ONLY: the primes are found by stepping from a
// candidate drawn from `random`, which is only as secret as the stream.
// Method: for each prime, draw bits/2 bits, set the top two bits (so n has exactly `bits` bits)
// and the low bit, then step by 2 to the next probable prime (BN_check_prime), skipping
// candidates with gcd(e, p-1) != 1; e = 65537; d = e^-1 mod lcm(p-1, q-1) (FIPS 186-4 §B.3.1);
// q is redrawn if |p - q| <= 2^(bits/2 - 100) or d <= 2^(bits/2) (FIPS 186-4 §B.3.1).
// kInvalidArgument unless `bits` is a multiple of 16 in [kMinRsaBits, kMaxRsaBits];
// kInternal if OpenSSL fails.
Result<EvpPkeyPtr> GenerateRsaKey(Random& random, int bits = kDefaultRsaBits);

// Generates an RSA key pair from OpenSSL's own CSPRNG and key generator (EVP_PKEY_Q_keygen):
// the one to use for keys that protect anything real. Same range rule and codes as above.
Result<EvpPkeyPtr> GenerateRsaKeyOs(int bits = kDefaultRsaBits);

// Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). The text is a secret: never log it.
// kInvalidArgument if `key` has no private part.
Result<std::string> PrivateKeyToPem(const EVP_PKEY& key);

// Parses an unencrypted PEM private key (PKCS#8 or traditional). Never prompts for a
// passphrase: an encrypted key is kInvalidArgument like any other unreadable input.
Result<EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem);

// DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of the public part of `key`.
Result<Bytes> PublicKeyToDer(const EVP_PKEY& key);

// Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of any algorithm OpenSSL knows.
// kInvalidArgument "public key DER: ..." if it is malformed or followed by trailing bytes; for an
// rsaEncryption key also if the parameters are neither NULL nor absent (RFC 3279 §2.3.1), the
// BIT STRING has unused bits, or the modulus or exponent is not a positive INTEGER
// (RFC 8017 §A.1.1). RSA keys are built directly from n and e, which is several times faster
// than OpenSSL 3's generic decoder: a door parses the card's key on every authentication.
Result<EvpPkeyPtr> PublicKeyFromDer(ByteView spki);

// RSA PKCS#1 v1.5 signature with block type 1 (RFC 8017 §8.2.1, EMSA-PKCS1-v1_5 step 5 onwards)
// over `input` AS GIVEN, without hashing: what the card's COMPUTE DIGITAL SIGNATURE
// (80 2A 00 80) does with a DigestInfo (spec mynumber-card.md §3). Returns modulus-size bytes.
// kInvalidArgument if `key` is not RSA or has no private part, or if `input` is empty or longer
// than modulus size - 11 bytes (245 for RSA-2048).
Result<Bytes> SignPkcs1Raw(const EVP_PKEY& key, ByteView input);

// sha256WithRSAEncryption signature of `message` (RFC 8017 §8.2.1 with SHA-256): hashes, wraps
// in a DigestInfo and signs. For CRLs, test CAs and tests. Codes as SignPkcs1Raw.
Result<Bytes> SignPkcs1Sha256(const EVP_PKEY& key, ByteView message);

// Verifies a sha256WithRSAEncryption signature of `message` (RFC 8017 §8.2.2).
// kUnauthenticated "signature does not verify" if it does not (including a signature whose
// length is not the modulus size); kInvalidArgument if `public_key` is not an RSA key.
Status VerifyPkcs1Sha256(const EVP_PKEY& public_key, ByteView message, ByteView signature);

}  // namespace sekisho::pki
