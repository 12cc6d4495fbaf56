// SHA-256 (FIPS 180-4) through OpenSSL, for the few places below pki/ that need a digest.
#pragma once

#include "base/bytes.h"

namespace sekisho {

inline constexpr std::size_t kSha256Size = 32;

Bytes Sha256(ByteView data);

}  // namespace sekisho
