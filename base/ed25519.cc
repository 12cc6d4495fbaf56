#include "base/ed25519.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <string>

namespace sekisho {
namespace {

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string LengthError(std::string_view what, std::size_t expected, std::size_t got) {
  return std::string(what) + ": expected " + std::to_string(expected) + " bytes, got " +
         std::to_string(got);
}

}  // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::FromBytes(ByteView raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return Status(StatusCode::kInvalidArgument,
                  LengthError("Ed25519 public key", kEd25519PublicKeySize, raw.size()));
  }
  auto key = Own(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
  if (key == nullptr) {
    return Status(StatusCode::kInvalidArgument, "Ed25519 public key: not a valid curve point");
  }
  return Ed25519PublicKey(Bytes(raw.begin(), raw.end()), std::move(key));
}

Status Ed25519PublicKey::Verify(ByteView message, ByteView signature) const {
  if (signature.size() == kEd25519SignatureSize) {
    MdCtx ctx(EVP_MD_CTX_new());
    if (ctx != nullptr &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                         message.size()) == 1) {
      return Status();
    }
  }
  return Status(StatusCode::kUnauthenticated, "Ed25519 signature does not verify");
}

Ed25519PrivateKey Ed25519PrivateKey::Generate(Random& random) {
  SecretBytes seed(random.Generate(kEd25519SeedSize));
  auto key = FromSeed(seed.view());
  if (!key.ok()) std::abort();  // a 32-byte seed is always a valid key
  return std::move(key).value();
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) {
    return Status(StatusCode::kInvalidArgument,
                  LengthError("Ed25519 seed", kEd25519SeedSize, seed.size()));
  }
  auto key = Own(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (key == nullptr) return Status(StatusCode::kInternal, "Ed25519: cannot load the seed");
  Bytes raw(kEd25519PublicKeySize);
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &len) != 1 || len != raw.size()) {
    return Status(StatusCode::kInternal, "Ed25519: cannot derive the public key");
  }
  auto public_key = Ed25519PublicKey::FromBytes(raw);
  if (!public_key.ok()) return public_key.status();
  return Ed25519PrivateKey(SecretBytes(seed), std::move(key), std::move(public_key).value());
}

Bytes Ed25519PrivateKey::Sign(ByteView message) const {
  Bytes signature(kEd25519SignatureSize);
  std::size_t len = signature.size();
  MdCtx ctx(EVP_MD_CTX_new());
  // Signing with a loaded Ed25519 key fails only on allocation failure.
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &len, message.data(), message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    std::abort();
  }
  return signature;
}

}  // namespace sekisho
