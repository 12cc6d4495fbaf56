#include "pki/certificate_builder.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "pki/asn1_values.h"

namespace sekisho::pki {
namespace {

Status BuilderFailure(std::string_view what) {
  return InternalError("certificate builder: " + std::string(what) + ": " + OpenSslErrorText());
}

// X.680 §41.4: A-Z a-z 0-9 space ' ( ) + , - . / : = ?
bool IsPrintableString(std::string_view value) {
  for (char c : value) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view(" '()+,-./:=?").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

Result<X509NamePtr> MakeName(std::initializer_list<Rdn> rdns) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return BuilderFailure("name");
  for (const auto& [field, value] : rdns) {
    const std::string attribute(field);
    if (OBJ_txt2nid(attribute.c_str()) == NID_undef) {
      OpenSslErrorText();
      return InvalidArgumentError("certificate builder: unknown name attribute " + attribute);
    }
    if (value.empty()) {
      return InvalidArgumentError("certificate builder: empty value for " + attribute);
    }
    const int type = IsPrintableString(value) ? V_ASN1_PRINTABLESTRING : MBSTRING_UTF8;
    if (X509_NAME_add_entry_by_txt(name.get(), attribute.c_str(), type,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      return InvalidArgumentError("certificate builder: bad value for " + attribute + ": " +
                                  OpenSslErrorText());
    }
  }
  return name;
}

Result<Certificate> BuildCertificate(const CertificateTemplate& spec) {
  if (spec.subject == nullptr || spec.subject_key == nullptr || spec.signing_key == nullptr) {
    return InvalidArgumentError(
        "certificate builder: subject, subject key and signing key are "
        "required");
  }
  if (spec.not_after <= spec.not_before) {
    return InvalidArgumentError("certificate builder: notAfter must be after notBefore");
  }
  X509Ptr x509(X509_new());
  if (!x509) return BuilderFailure("certificate");
  ASSIGN_OR_RETURN(Asn1IntegerPtr serial, IntegerFromMagnitude(spec.serial));
  X509* issuer = spec.issuer != nullptr ? spec.issuer->get() : nullptr;
  const X509_NAME* issuer_name = issuer != nullptr ? X509_get_subject_name(issuer) : spec.subject;
  // X509_set_pubkey takes a non-const key only to count a reference; it encodes the public
  // part alone.
  if (X509_set_version(x509.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(x509.get(), serial.get()) != 1 ||
      X509_set_issuer_name(x509.get(), issuer_name) != 1 ||
      X509_set_subject_name(x509.get(), spec.subject) != 1 ||
      X509_set_pubkey(x509.get(), const_cast<EVP_PKEY*>(spec.subject_key)) != 1) {
    return BuilderFailure("certificate");
  }
  RETURN_IF_ERROR(SetAsn1Time(*X509_getm_notBefore(x509.get()), spec.not_before));
  RETURN_IF_ERROR(SetAsn1Time(*X509_getm_notAfter(x509.get()), spec.not_after));

  X509V3_CTX ctx{};
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x509.get(), x509.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext) {
      return InvalidArgumentError(std::string("certificate builder: extension ") + OBJ_nid2sn(nid) +
                                  ": " + OpenSslErrorText());
    }
    if (X509_add_ext(x509.get(), ext.get(), -1) != 1) {
      return BuilderFailure(std::string("extension ") + OBJ_nid2sn(nid));
    }
  }
  if (!spec.policies.empty()) {
    using PoliciesPtr = OpenSslPtr<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>;
    PoliciesPtr policies(CERTIFICATEPOLICIES_new());
    if (!policies) return BuilderFailure("certificatePolicies");
    for (const std::string& oid : spec.policies) {
      Asn1ObjectPtr id(OBJ_txt2obj(oid.c_str(), /*no_name=*/1));
      if (!id) {
        OpenSslErrorText();
        return InvalidArgumentError("certificate builder: policy '" + oid + "' is not an OID");
      }
      POLICYINFO* info = POLICYINFO_new();
      if (info == nullptr) return BuilderFailure("certificatePolicies");
      ASN1_OBJECT_free(info->policyid);
      info->policyid = id.release();
      if (sk_POLICYINFO_push(policies.get(), info) <= 0) {
        POLICYINFO_free(info);
        return BuilderFailure("certificatePolicies");
      }
    }
    if (X509_add1_ext_i2d(x509.get(), NID_certificate_policies, policies.get(), 0,
                          X509V3_ADD_DEFAULT) != 1) {
      return BuilderFailure("certificatePolicies");
    }
  }
  if (spec.subject_alt_name != nullptr &&
      X509_add1_ext_i2d(x509.get(), NID_subject_alt_name,
                        const_cast<GENERAL_NAMES*>(spec.subject_alt_name), 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return BuilderFailure("subjectAltName");
  }
  if (X509_sign(x509.get(), const_cast<EVP_PKEY*>(spec.signing_key), EVP_sha256()) <= 0) {
    return InvalidArgumentError("certificate builder: cannot sign (no private key?): " +
                                OpenSslErrorText());
  }
  // Re-parse from DER: the in-memory object caches the subject's whole EVP_PKEY (possibly with
  // its private half), and the certificate must carry only what a relying party would see.
  unsigned char* der = nullptr;
  const int size = i2d_X509(x509.get(), &der);
  if (size <= 0 || der == nullptr) return BuilderFailure("encoding");
  Bytes encoded(der, der + size);
  OPENSSL_free(der);
  return Certificate::FromDer(encoded);
}

}  // namespace sekisho::pki
