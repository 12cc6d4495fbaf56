#include "bench/door_path_figures.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

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

}  // namespace sekisho::bench
