// HMAC-SHA256 (RFC 2104, FIPS 198-1) through OpenSSL's EVP_MAC, over a message given in parts,
// and for many messages that share a prefix.
#pragma once

#include <openssl/evp.h>

#include <initializer_list>
#include <memory>

#include "base/bytes.h"

namespace sekisho::identity {

inline constexpr std::size_t kHmacSha256Size = 32;

// HMAC-SHA256(key, parts[0] || parts[1] || ...). Any key length (RFC 2104 §2). Aborts only if
// OpenSSL cannot allocate, as there is no meaningful value to return then.
Bytes HmacSha256(ByteView key, std::initializer_list<ByteView> parts);

// HMAC-SHA256(key, prefix || suffix) for many suffixes: the state after the key and the prefix is
// computed once and copied for each suffix (EVP_MAC_CTX_dup), which spares the fetch, the key
// schedule and the prefix every time. Same values as HmacSha256. Movable; const methods may be
// called from several threads at once. The state is key material: it is wiped when freed.
class HmacSha256Prefixed {
 public:
  HmacSha256Prefixed(ByteView key, std::initializer_list<ByteView> prefix_parts);

  Bytes Of(ByteView suffix) const;

 private:
  struct Free {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MAC_CTX, Free> state_;
};

}  // namespace sekisho::identity
