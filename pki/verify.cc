#include "pki/verify.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <string>
#include <vector>

namespace sekisho::pki {
namespace {

constexpr std::string_view kVerifyPrefix = "certificate verification: ";

Status Reject(StatusCode code, std::string_view reason) {
  return Status(code, std::string(kVerifyPrefix) + std::string(reason));
}

// Maps X509_verify_cert's error (x509_vfy.h) to a code and a message a person can act on.
Status MapVerifyError(int error, int depth) {
  const std::string whose = depth == 0 ? "certificate" : "issuer certificate";
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Reject(StatusCode::kUnauthenticated, whose + " expired");
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Reject(StatusCode::kUnauthenticated, whose + " not yet valid");
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
      return Reject(StatusCode::kUnauthenticated, whose + " has a malformed validity period");
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return Reject(StatusCode::kUnauthenticated,
                    "unknown issuer: no trust anchor issued this certificate");
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return Reject(StatusCode::kUnauthenticated,
                    "bad signature: the " + whose + " does not verify with its issuer's key");
    case X509_V_ERR_CERT_REVOKED:
      return Reject(StatusCode::kUnauthenticated, whose + " revoked (listed in the CRL)");
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
      return Reject(StatusCode::kPermissionDenied,
                    whose + ": " + X509_verify_cert_error_string(error));
    case X509_V_ERR_NO_EXPLICIT_POLICY:
      return Reject(StatusCode::kPermissionDenied,
                    "certificate policies: the certificate names none of the required policies");
    case X509_V_ERR_INVALID_POLICY_EXTENSION:
      return Reject(StatusCode::kUnauthenticated,
                    whose + " has a malformed certificate policy extension");
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
      return Reject(StatusCode::kFailedPrecondition,
                    "the CRL is not from the certificate's issuer");
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
      return Reject(StatusCode::kFailedPrecondition,
                    "the CRL's signature does not verify with the issuer's key");
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return Reject(StatusCode::kFailedPrecondition,
                    "the CRL is out of date (nextUpdate has passed): get a current CRL");
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return Reject(StatusCode::kFailedPrecondition, "the CRL is not yet valid");
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
      return Reject(StatusCode::kFailedPrecondition,
                    std::string("the CRL cannot be used: ") + X509_verify_cert_error_string(error));
    default:
      return Reject(StatusCode::kUnauthenticated,
                    whose + " rejected: " + X509_verify_cert_error_string(error));
  }
}

Status CheckLeafPolicy(const Certificate& leaf, const VerifyOptions& options) {
  const EVP_PKEY& key = leaf.PublicKey();
  if (EVP_PKEY_is_a(&key, "RSA") != 1) {
    return Reject(StatusCode::kPermissionDenied, "the certificate's key is not an RSA key");
  }
  const int bits = EVP_PKEY_get_bits(&key);
  if (bits < options.min_rsa_bits) {
    return Reject(StatusCode::kPermissionDenied, "RSA key of " + std::to_string(bits) +
                                                     " bits is below the minimum of " +
                                                     std::to_string(options.min_rsa_bits));
  }
  if (options.require_digital_signature) {
    // RFC 5280 §4.2.1.3. An absent extension would allow any use; JPKI certificates always
    // carry one, so its absence is refused too.
    if ((X509_get_extension_flags(leaf.get()) & EXFLAG_KUSAGE) == 0) {
      return Reject(StatusCode::kPermissionDenied,
                    "the certificate has no key usage extension; digitalSignature is required");
    }
    if ((X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE) == 0) {
      return Reject(StatusCode::kPermissionDenied,
                    "the certificate's key usage does not include digitalSignature");
    }
  }
  return OkStatus();
}

// The reason no anchor issued `leaf`: "unknown issuer" when none is named as its issuer (or
// none has its authorityKeyIdentifier), "bad signature" when one could have issued it.
Status NoIssuer(const Certificate& leaf, std::span<const Certificate* const> anchors) {
  const X509_NAME* issuer = X509_get_issuer_name(leaf.get());
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(leaf.get());
  bool named = false;
  for (const Certificate* anchor : anchors) {
    if (X509_NAME_cmp(issuer, X509_get_subject_name(anchor->get())) != 0) continue;
    named = true;
    const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(anchor->get());
    if (akid == nullptr || skid == nullptr || ASN1_OCTET_STRING_cmp(akid, skid) == 0) {
      return Reject(StatusCode::kUnauthenticated,
                    "bad signature: the certificate does not verify with the key of any trust "
                    "anchor named as its issuer");
    }
  }
  return Reject(StatusCode::kUnauthenticated,
                named ? "unknown issuer: no trust anchor has the key that issued this certificate"
                      : "unknown issuer: no trust anchor issued this certificate");
}

// RFC 5280 §6.1 by OpenSSL, with `anchor` as the only trusted certificate.
Status ValidatePath(const Certificate& leaf, const Certificate& anchor,
                    const VerifyOptions& options, const Crl* crl) {
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx) return InternalError(std::string(kVerifyPrefix) + OpenSslErrorText());
  if (X509_STORE_add_cert(store.get(), anchor.get()) != 1) {
    return InternalError(std::string(kVerifyPrefix) + "adding the anchor: " + OpenSslErrorText());
  }
  if (crl != nullptr && X509_STORE_add_crl(store.get(), crl->get()) != 1) {
    return InternalError(std::string(kVerifyPrefix) + "adding the CRL: " + OpenSslErrorText());
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) != 1) {
    return InternalError(std::string(kVerifyPrefix) + OpenSslErrorText());
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  const auto seconds =
      std::chrono::floor<std::chrono::seconds>(options.at.time_since_epoch()).count();
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));  // sets USE_CHECK_TIME
  if (crl != nullptr) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
  if (!options.required_policies.empty()) {
    for (const std::string& oid : options.required_policies) {
      Asn1ObjectPtr policy(OBJ_txt2obj(oid.c_str(), /*no_name=*/1));
      if (!policy || X509_VERIFY_PARAM_add0_policy(param, policy.get()) != 1) {
        return InternalError(std::string(kVerifyPrefix) + OpenSslErrorText());
      }
      policy.release();  // owned by `param` now
    }
    // RFC 5280 §6.1.1 (e)-(g): initial-explicit-policy and initial-any-policy-inhibit.
    X509_VERIFY_PARAM_set_flags(
        param, X509_V_FLAG_POLICY_CHECK | X509_V_FLAG_EXPLICIT_POLICY | X509_V_FLAG_INHIBIT_ANY);
  }

  const int verified = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (verified != 1) {
    if (X509_STORE_CTX_get_error(ctx.get()) == X509_V_OK) {
      return InternalError(std::string(kVerifyPrefix) + "OpenSSL failed without a reason");
    }
    return MapVerifyError(X509_STORE_CTX_get_error(ctx.get()),
                          X509_STORE_CTX_get_error_depth(ctx.get()));
  }
  return OkStatus();
}

Status VerifyByKey(const Certificate& leaf, std::span<const Certificate* const> anchors,
                   const VerifyOptions& options, const Crl* crl) {
  if (anchors.empty()) return Reject(StatusCode::kInvalidArgument, "no trust anchors given");
  for (const std::string& oid : options.required_policies) {
    Asn1ObjectPtr policy(OBJ_txt2obj(oid.c_str(), /*no_name=*/1));
    if (!policy) {
      OpenSslErrorText();
      return Reject(StatusCode::kInvalidArgument,
                    "required policy '" + oid + "' is not a dotted OID");
    }
  }
  Status first_failure;
  bool issued = false;
  for (const Certificate* anchor : anchors) {
    if (!IsIssuedBy(leaf, *anchor)) continue;
    issued = true;
    Status status = ValidatePath(leaf, *anchor, options, crl);
    if (status.ok()) return CheckLeafPolicy(leaf, options);
    if (first_failure.ok()) first_failure = std::move(status);
  }
  if (!issued) return NoIssuer(leaf, anchors);
  return first_failure;
}

}  // namespace

Status VerifyCertificate(const Certificate& leaf, const TrustAnchorSet& anchors,
                         const VerifyOptions& options, const Crl* crl) {
  std::vector<const Certificate*> certificates;
  for (const TrustAnchor& anchor : anchors.anchors()) certificates.push_back(&anchor.certificate);
  return VerifyByKey(leaf, certificates, options, crl);
}

Status VerifyCertificate(const Certificate& leaf, std::span<const Certificate> anchors,
                         const VerifyOptions& options, const Crl* crl) {
  std::vector<const Certificate*> certificates;
  for (const Certificate& anchor : anchors) certificates.push_back(&anchor);
  return VerifyByKey(leaf, certificates, options, crl);
}

}  // namespace sekisho::pki
