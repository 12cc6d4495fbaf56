// EC keys on brainpoolP256r1: generation, PKCS#8, plain-format ECDSA (BSI TR-03111 §5.2.1).
#include "badge/ec_key.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <string>

#include "badge/eac_util.h"

namespace sekisho::badge {
namespace {

using internal::BignumPtr;
using internal::EcdsaSigPtr;
using internal::EvpMdCtxPtr;
using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;
using internal::LibraryError;

using PkcS8InfoPtr =
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, internal::Deleter<PKCS8_PRIV_KEY_INFO_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, internal::Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, internal::Deleter<OSSL_PARAM_free>>;

Status CheckCurve(EVP_PKEY* key) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
      EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1 ||
      std::string_view(name, len) != kCurveName) {
    return InvalidArgumentError("key is not an EC key on brainpoolP256r1");
  }
  return OkStatus();
}

Result<Bytes> PointOf(EVP_PKEY* key) {
  Bytes point(kPointSize);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &len) != 1 ||
      len != kPointSize) {
    return LibraryError(StatusCode::kInternal, "cannot encode the public point");
  }
  return point;
}

Result<EvpPkeyPtr> LoadPrivate(const SecretBytes& private_pkcs8) {
  const std::uint8_t* p = private_pkcs8.view().data();
  EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(private_pkcs8.size())));
  if (!key) return LibraryError(StatusCode::kInvalidArgument, "private key is not PKCS#8 DER");
  RETURN_IF_ERROR(CheckCurve(key.get()));
  return key;
}

Result<EvpPkeyPtr> LoadPublic(ByteView point) {
  if (point.size() != kPointSize || point[0] != 0x04) {
    return InvalidArgumentError("public key is not an uncompressed point of " +
                                std::to_string(kPointSize) + " bytes");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kCurveName.data(),
                                      kCurveName.size()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot build key parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "public point is not on brainpoolP256r1");
  }
  EvpPkeyPtr key(raw);
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "public point is not on brainpoolP256r1");
  }
  return key;
}

}  // namespace

Result<EcKeyPair> GenerateEcKeyPair() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kCurveName.data()));
  if (!key) return LibraryError(StatusCode::kInternal, "EC key generation failed");
  PkcS8InfoPtr info(EVP_PKEY2PKCS8(key.get()));
  unsigned char* der = nullptr;
  const int len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
  if (len <= 0) return LibraryError(StatusCode::kInternal, "cannot encode the private key");
  EcKeyPair pair;
  pair.private_pkcs8 = SecretBytes(ByteView(der, static_cast<std::size_t>(len)));
  OPENSSL_clear_free(der, static_cast<std::size_t>(len));
  ASSIGN_OR_RETURN(pair.public_point, PointOf(key.get()));
  return pair;
}

Result<Bytes> PublicPointOf(const SecretBytes& private_pkcs8) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, LoadPrivate(private_pkcs8));
  return PointOf(key.get());
}

Status CheckPublicPoint(ByteView point) { return LoadPublic(point).status(); }

Result<Bytes> SignPlain(const SecretBytes& private_pkcs8, ByteView message) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, LoadPrivate(private_pkcs8));
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  std::size_t der_len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, message.data(), message.size()) != 1) {
    return LibraryError(StatusCode::kInternal, "ECDSA signing failed");
  }
  Bytes der(der_len);
  if (EVP_DigestSign(md.get(), der.data(), &der_len, message.data(), message.size()) != 1) {
    return LibraryError(StatusCode::kInternal, "ECDSA signing failed");
  }
  const std::uint8_t* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return LibraryError(StatusCode::kInternal, "ECDSA signature does not decode");
  Bytes plain(kPlainSignatureSize);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), plain.data(), kFieldSize) != kFieldSize ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), plain.data() + kFieldSize, kFieldSize) !=
          kFieldSize) {
    return InternalError("ECDSA signature component too long");
  }
  return plain;
}

Status VerifyPlain(ByteView public_point, ByteView message, ByteView signature) {
  if (signature.size() != kPlainSignatureSize) {
    return InvalidArgumentError("signature is " + std::to_string(signature.size()) +
                                " bytes, expected " + std::to_string(kPlainSignatureSize));
  }
  ASSIGN_OR_RETURN(EvpPkeyPtr key, LoadPublic(public_point));
  BignumPtr r(BN_bin2bn(signature.data(), kFieldSize, nullptr));
  BignumPtr s(BN_bin2bn(signature.data() + kFieldSize, kFieldSize, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot build the ECDSA signature");
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return LibraryError(StatusCode::kInternal, "cannot encode the signature");
  internal::OpenSslBytesPtr der_owner(der);
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot start ECDSA verification");
  }
  const int ok = EVP_DigestVerify(md.get(), der, static_cast<std::size_t>(der_len), message.data(),
                                  message.size());
  ERR_clear_error();
  if (ok != 1) return UnauthenticatedError("ECDSA signature does not verify");
  return OkStatus();
}

}  // namespace sekisho::badge
