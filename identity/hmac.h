// HMAC-SHA256 (RFC 2104, FIPS 198-1) through OpenSSL's EVP_MAC, over a message given in parts.
#pragma once

#include <initializer_list>

#include "base/bytes.h"

namespace sekisho::identity {

inline constexpr std::size_t kHmacSha256Size = 32;

// HMAC-SHA256(key, parts[0] || parts[1] || ...). Any key length (RFC 2104 §2). Aborts only if
// OpenSSL cannot allocate, as there is no meaningful value to return then.
Bytes HmacSha256(ByteView key, std::initializer_list<ByteView> parts);

}  // namespace sekisho::identity
