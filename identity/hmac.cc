#include "identity/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace sekisho::identity {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// An HMAC-SHA256 context without a key, made once per process: fetching the HMAC implementation
// and SHA-256 by name costs more than the MAC of a public key. Each use duplicates it.
const EVP_MAC_CTX& Unkeyed() {
  static const EVP_MAC_CTX* const unkeyed = [] {
    std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) std::abort();
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac.get());  // holds its own reference to `mac`
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) std::abort();
    return ctx;
  }();
  return *unkeyed;
}

// A context keyed with `key` that has absorbed `parts`.
std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> Started(ByteView key,
                                                    std::initializer_list<ByteView> parts) {
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(
      EVP_MAC_CTX_dup(&Unkeyed()));
  if (!ctx) std::abort();
  // EVP_MAC_init with a null key pointer fails, so an empty key is passed as a valid pointer.
  static const unsigned char kEmpty = 0;
  if (EVP_MAC_init(ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), nullptr) != 1) {
    std::abort();
  }
  for (ByteView part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) std::abort();
  }
  return ctx;
}

Bytes Finish(EVP_MAC_CTX& ctx) {
  Bytes out(kHmacSha256Size);
  std::size_t size = 0;
  if (EVP_MAC_final(&ctx, out.data(), &size, out.size()) != 1 || size != out.size()) {
    std::abort();
  }
  return out;
}

}  // namespace

Bytes HmacSha256(ByteView key, std::initializer_list<ByteView> parts) {
  return Finish(*Started(key, parts));
}

HmacSha256Prefixed::HmacSha256Prefixed(ByteView key, std::initializer_list<ByteView> prefix_parts)
    : state_(Started(key, prefix_parts).release()) {}

Bytes HmacSha256Prefixed::Of(ByteView suffix) const {
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_dup(state_.get()));
  if (!ctx) std::abort();
  if (!suffix.empty() && EVP_MAC_update(ctx.get(), suffix.data(), suffix.size()) != 1) {
    std::abort();
  }
  return Finish(*ctx);
}

}  // namespace sekisho::identity
