// Ed25519 signatures (RFC 8032 §5.1, PureEdDSA) through OpenSSL: the organisation's snapshot key,
// the audit log's checkpoint key and each gate's event-batch key.
#pragma once

#include <cstddef>
#include <memory>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "base/secret.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sekisho {

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;

// A public key (32 bytes, RFC 8032 §5.1.5). Copies share one parsed key; thread-safe to use.
class Ed25519PublicKey {
 public:
  // kInvalidArgument "Ed25519 public key: expected 32 bytes, got N", or when the bytes do not
  // decode to a curve point.
  static Result<Ed25519PublicKey> FromBytes(ByteView raw);

  // OK when `signature` is a valid signature of `message` under this key (RFC 8032 §5.1.7).
  // kUnauthenticated "Ed25519 signature does not verify" otherwise, including a signature of the
  // wrong length.
  Status Verify(ByteView message, ByteView signature) const;

  const Bytes& bytes() const { return raw_; }
  friend bool operator==(const Ed25519PublicKey& a, const Ed25519PublicKey& b) {
    return a.raw_ == b.raw_;
  }

 private:
  Ed25519PublicKey(Bytes raw, std::shared_ptr<EVP_PKEY> key)
      : raw_(std::move(raw)), key_(std::move(key)) {}
  friend class Ed25519PrivateKey;

  Bytes raw_;
  std::shared_ptr<EVP_PKEY> key_;
};

// A private key, held as its 32-byte seed (RFC 8032 §5.1.5). Move-only; the seed is wiped on
// destruction.
class Ed25519PrivateKey {
 public:
  // A fresh key from `random` (OsRandom in production; SeededRandom gives reproducible test keys).
  static Ed25519PrivateKey Generate(Random& random);
  // kInvalidArgument "Ed25519 seed: expected 32 bytes, got N".
  static Result<Ed25519PrivateKey> FromSeed(ByteView seed);

  Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept = default;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) noexcept = default;

  // The 64-byte signature of `message` (deterministic: the same message gives the same bytes).
  Bytes Sign(ByteView message) const;
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // The seed, for the key file only; never log it.
  ByteView seed() const { return seed_.view(); }

 private:
  Ed25519PrivateKey(SecretBytes seed, std::shared_ptr<EVP_PKEY> key, Ed25519PublicKey public_key)
      : seed_(std::move(seed)), key_(std::move(key)), public_key_(std::move(public_key)) {}

  SecretBytes seed_;
  std::shared_ptr<EVP_PKEY> key_;
  Ed25519PublicKey public_key_;
};

}  // namespace sekisho
