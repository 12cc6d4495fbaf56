// Password hashing for the server's users: Argon2id (RFC 9106) through libsodium's
// crypto_pwhash_str, whose output string carries the algorithm, its parameters and the salt.
// Passwords are never logged, stored or put into an error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sekisho::server {

// Password length in Unicode code points (UTF-8 input).
inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 256;

struct PasswordHashParams {
  unsigned long long opslimit = 0;
  std::size_t memlimit = 0;
};

// The product's parameters: libsodium's INTERACTIVE set (2 passes over 64 MiB, RFC 9106 §4's
// second recommended option with a smaller memory). MODERATE (256 MiB, about 0.7 s) would let a
// few concurrent logins exhaust a small server's memory and both cores; the login rate limiter
// and the 12-character minimum carry the rest of the load against guessing.
PasswordHashParams ProductPasswordParams();
// libsodium's minimum (1 pass over 8 KiB): FOR TESTS ONLY, so that a test suite hashing dozens of
// passwords runs in milliseconds. Never use it for a stored password.
PasswordHashParams TestOnlyPasswordParams();

// OK for valid UTF-8 of kMinPasswordLength..kMaxPasswordLength code points; kInvalidArgument
// "password must be at least 12 characters long" / "... at most 256 ..." / "password is not
// valid UTF-8" otherwise. The message never contains the password.
Status ValidatePassword(std::string_view password);

// Initialises libsodium (once per process; thread-safe). kInternal when it cannot.
Status InitPasswordHashing();

// The encoded Argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") of a password that
// ValidatePassword accepts, with a fresh random salt. kInvalidArgument from ValidatePassword;
// kInternal when libsodium fails (out of memory).
Result<std::string> HashPassword(std::string_view password, const PasswordHashParams& params);

// True when `password` matches `encoded_hash` (constant time in the password's content, via
// crypto_pwhash_str_verify). False for a malformed hash.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace sekisho::server
