#include "server/auth_password.h"

#include <sodium.h>

#include <string>

namespace sekisho::server {
namespace {

// The number of code points of valid UTF-8 (RFC 3629 §3, §4), or -1 when it is malformed.
long long CountCodePoints(std::string_view text) {
  long long count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    char32_t min = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = b & 0x07;
    } else {
      return -1;
    }
    if (i + extra >= text.size() && extra > 0) return -1;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += extra + 1;
    ++count;
  }
  return count;
}

}  // namespace

PasswordHashParams ProductPasswordParams() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashParams TestOnlyPasswordParams() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Status ValidatePassword(std::string_view password) {
  const long long length = CountCodePoints(password);
  if (length < 0) return InvalidArgumentError("password is not valid UTF-8");
  if (length < static_cast<long long>(kMinPasswordLength)) {
    return InvalidArgumentError("password must be at least " + std::to_string(kMinPasswordLength) +
                                " characters long");
  }
  if (length > static_cast<long long>(kMaxPasswordLength)) {
    return InvalidArgumentError("password must be at most " + std::to_string(kMaxPasswordLength) +
                                " characters long");
  }
  return OkStatus();
}

Status InitPasswordHashing() {
  // sodium_init is thread-safe and returns 1 when already initialised.
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  return OkStatus();
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashParams& params) {
  RETURN_IF_ERROR(ValidatePassword(password));
  RETURN_IF_ERROR(InitPasswordHashing());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.opslimit, params.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("Argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (!InitPasswordHashing().ok()) return false;
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  // crypto_pwhash_str_verify wants a NUL-terminated string.
  char stored[crypto_pwhash_STRBYTES] = {};
  encoded_hash.copy(stored, encoded_hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

}  // namespace sekisho::server
