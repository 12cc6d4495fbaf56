#include "bench/door_path_figures.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/digest.h"
#include "pki/openssl_types.h"
#include "pki/rsa_key.h"

namespace sekisho::bench {

void ReportChannelCounts(benchmark::State& state, const card::ChannelCounts& counts) {
  state.counters["apdus"] = static_cast<double>(counts.commands);
  state.counters["bytes_read"] = static_cast<double>(counts.bytes_received);
  state.counters["bytes_sent"] = static_cast<double>(counts.bytes_sent);
}

void RawRsa2048Verify(benchmark::State& state, ByteView spki, ByteView message,
                      ByteView signature) {
  auto key = pki::PublicKeyFromDer(spki);
  if (!key.ok()) {
    state.SkipWithError(key.status().ToString().c_str());
    return;
  }
  const Bytes digest = Sha256(message);
  for (auto _ : state) {
    pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr));
    const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
                    EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                                    digest.size()) == 1;
    if (!ok) {
      state.SkipWithError("OpenSSL verify failed");
      break;
    }
  }
}

void RawEcdsaVerify(benchmark::State& state, const char* curve) {
  const Bytes digest = Sha256(ToBytes("sekisho badge baseline"));
  pki::EvpPkeyPtr pair(EVP_EC_gen(curve));
  Bytes signature;
  pki::EvpPkeyPtr key;
  if (pair) {
    pki::EvpPkeyCtxPtr sign(EVP_PKEY_CTX_new(pair.get(), nullptr));
    std::size_t size = 0;
    if (sign && EVP_PKEY_sign_init(sign.get()) == 1 &&
        EVP_PKEY_sign(sign.get(), nullptr, &size, digest.data(), digest.size()) == 1) {
      signature.resize(size);
      if (EVP_PKEY_sign(sign.get(), signature.data(), &size, digest.data(), digest.size()) == 1) {
        signature.resize(size);
      } else {
        signature.clear();
      }
    }
    // The public half alone, as a verifier holds it.
    const int spki_size = i2d_PUBKEY(pair.get(), nullptr);
    if (spki_size > 0) {
      Bytes spki(static_cast<std::size_t>(spki_size));
      unsigned char* out = spki.data();
      const unsigned char* in = spki.data();
      if (i2d_PUBKEY(pair.get(), &out) == spki_size) key.reset(d2i_PUBKEY(nullptr, &in, spki_size));
    }
  }
  if (!key || signature.empty()) {
    state.SkipWithError("OpenSSL could not make the EC key or signature");
    return;
  }
  for (auto _ : state) {
    pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                                    digest.size()) == 1;
    if (!ok) {
      state.SkipWithError("OpenSSL verify failed");
      break;
    }
  }
}

}  // namespace sekisho::bench
