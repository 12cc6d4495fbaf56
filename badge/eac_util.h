// Owners and error text for the OpenSSL and OpenPACE objects the badge library uses. Internal to
// badge/: nothing outside this folder includes an OpenPACE header.
#pragma once

#include <eac/cv_cert.h>
#include <eac/eac.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace sekisho::badge::internal {

template <auto kFree>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

inline void FreeOpenSslBytes(unsigned char* p) { OPENSSL_free(p); }
using OpenSslBytesPtr = std::unique_ptr<unsigned char, Deleter<FreeOpenSslBytes>>;
using CvcCertPtr = std::unique_ptr<CVC_CERT, Deleter<CVC_CERT_free>>;
using EacCtxPtr = std::unique_ptr<EAC_CTX, Deleter<EAC_CTX_clear_free>>;
using BufMemPtr = std::unique_ptr<BUF_MEM, Deleter<BUF_MEM_clear_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;

// Calls EAC_init() once per process (it registers the BSI object identifiers with OpenSSL).
void EnsureEacInitialized();

// A Status with `code` and "what: <first OpenSSL/OpenPACE error text>"; drains the error queue.
Status LibraryError(StatusCode code, std::string_view what);

// A BUF_MEM holding a copy of `bytes` (nullptr only if memory runs out).
BufMemPtr ToBufMem(ByteView bytes);
// The bytes of `buf` (empty for nullptr).
Bytes FromBufMem(const BUF_MEM* buf);

}  // namespace sekisho::badge::internal
