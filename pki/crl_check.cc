#include "pki/crl_check.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <string>

#include "identity/pseudonym.h"
#include "pki/asn1_values.h"

namespace sekisho::pki {
namespace {

constexpr std::string_view kCrlCheckPrefix = "CRL check: ";

using IssuingDistPointPtr = OpenSslPtr<ISSUING_DIST_POINT, ISSUING_DIST_POINT_free>;
using AuthorityKeyIdPtr = OpenSslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;

Status Fail(StatusCode code, std::string_view reason) {
  return Status(code, std::string(kCrlCheckPrefix) + std::string(reason));
}

std::string OidText(const ASN1_OBJECT* object) {
  char text[128];
  const int n = OBJ_obj2txt(text, sizeof text, object, /*no_name=*/1);
  if (n <= 0) return "(unreadable OID)";
  if (static_cast<std::size_t>(n) >= sizeof text) return "(a long OID)";
  return text;
}

// RFC 5280 §5.2.5: the scope an issuingDistributionPoint gives the CRL.
Status CheckScope(const ISSUING_DIST_POINT& idp) {
  if (idp.indirectCRL != 0) {
    return Fail(StatusCode::kFailedPrecondition, "indirect CRLs are not supported");
  }
  if (idp.onlysomereasons != nullptr) {
    return Fail(StatusCode::kFailedPrecondition,
                "the CRL covers only some revocation reasons (onlySomeReasons)");
  }
  if (idp.onlyCA != 0 || idp.onlyattr != 0) {
    return Fail(StatusCode::kFailedPrecondition,
                "the CRL does not cover user certificates (onlyContainsCACerts or "
                "onlyContainsAttributeCerts)");
  }
  return OkStatus();
}

}  // namespace

Status CheckCrlScope(const Crl& crl) {
  X509_CRL* c = crl.get();
  for (int i = 0; i < X509_CRL_get_ext_count(c); ++i) {
    X509_EXTENSION* ext = X509_CRL_get_ext(c, i);
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (nid == NID_delta_crl) {
      return Fail(StatusCode::kFailedPrecondition,
                  "delta CRLs are not supported: import the complete CRL");
    }
    if (nid == NID_issuing_distribution_point) {
      IssuingDistPointPtr idp(static_cast<ISSUING_DIST_POINT*>(X509V3_EXT_d2i(ext)));
      if (!idp) {
        OpenSslErrorText();
        return Fail(StatusCode::kFailedPrecondition,
                    "malformed issuingDistributionPoint extension");
      }
      RETURN_IF_ERROR(CheckScope(*idp));
      continue;
    }
    if (X509_EXTENSION_get_critical(ext) != 0 && nid != NID_authority_key_identifier &&
        nid != NID_crl_number) {
      return Fail(StatusCode::kFailedPrecondition,
                  "unsupported critical CRL extension " + OidText(X509_EXTENSION_get_object(ext)));
    }
  }
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(c);
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    const STACK_OF(X509_EXTENSION)* exts =
        X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(entries, i));
    for (int j = 0; j < sk_X509_EXTENSION_num(exts); ++j) {
      // X509_EXTENSION_get_object takes a non-const pointer but does not modify the extension.
      X509_EXTENSION* ext = const_cast<X509_EXTENSION*>(sk_X509_EXTENSION_value(exts, j));
      const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
      if (nid == NID_certificate_issuer) {
        return Fail(StatusCode::kFailedPrecondition,
                    "indirect CRLs are not supported (an entry names a certificate issuer)");
      }
      if (X509_EXTENSION_get_critical(ext) != 0) {
        return Fail(StatusCode::kFailedPrecondition, "unsupported critical CRL entry extension " +
                                                         OidText(X509_EXTENSION_get_object(ext)));
      }
    }
  }
  return OkStatus();
}

namespace {

// Which anchor signed `crl`, or why none did.
Status CheckIssuer(const Crl& crl, const TrustAnchorSet& anchors) {
  const std::vector<const TrustAnchor*> signers = anchors.MatchCrlIssuer(crl);
  if (signers.empty()) {
    const std::vector<const TrustAnchor*> named =
        anchors.WithSubject(*X509_CRL_get_issuer(crl.get()));
    if (named.empty()) {
      return Fail(StatusCode::kUnauthenticated,
                  "unknown issuer: no trust anchor is named as the CRL's issuer");
    }
    // RFC 5280 §5.2.1: with an authorityKeyIdentifier that no named anchor's subjectKeyIdentifier
    // equals, some other key signed it; otherwise a named anchor's key should have verified it.
    AuthorityKeyIdPtr akid(static_cast<AUTHORITY_KEYID*>(
        X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, nullptr, nullptr)));
    ERR_clear_error();
    bool could_have_signed = false;
    for (const TrustAnchor* anchor : named) {
      const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(anchor->certificate.get());
      if (!akid || akid->keyid == nullptr || skid == nullptr ||
          ASN1_OCTET_STRING_cmp(akid->keyid, skid) == 0) {
        could_have_signed = true;
      }
    }
    if (!could_have_signed) {
      return Fail(StatusCode::kUnauthenticated,
                  "unknown issuer: no trust anchor has the key that signed the CRL");
    }
    return Fail(StatusCode::kUnauthenticated,
                "bad signature: the CRL does not verify with the key of any trust anchor named "
                "as its issuer");
  }
  for (const TrustAnchor* signer : signers) {
    X509* a = signer->certificate.get();
    if ((X509_get_extension_flags(a) & EXFLAG_KUSAGE) == 0 ||
        (X509_get_key_usage(a) & KU_CRL_SIGN) != 0) {
      return OkStatus();
    }
  }
  return Fail(StatusCode::kUnauthenticated, "trust anchor '" + signers.front()->DisplayLabel() +
                                                "' may not sign CRLs (key usage lacks cRLSign)");
}

}  // namespace

Status CheckCrl(const Crl& crl, const TrustAnchorSet& anchors, TimePoint now,
                std::chrono::seconds max_age_beyond_next_update) {
  if (anchors.empty()) return Fail(StatusCode::kInvalidArgument, "no trust anchors given");
  if (max_age_beyond_next_update.count() < 0) {
    return Fail(StatusCode::kInvalidArgument, "negative grace after nextUpdate");
  }
  RETURN_IF_ERROR(CheckIssuer(crl, anchors));
  RETURN_IF_ERROR(CheckCrlScope(crl));
  if (now < crl.ThisUpdate()) {
    return Fail(StatusCode::kFailedPrecondition, "CRL not yet valid (thisUpdate " +
                                                     Iso8601Utc(crl.ThisUpdate()) + ", now " +
                                                     Iso8601Utc(now) + "): check the clock");
  }
  // Compared in seconds: a huge grace must not overflow the nanosecond time_point.
  if (now > crl.NextUpdate() && std::chrono::floor<std::chrono::seconds>(now - crl.NextUpdate()) >
                                    max_age_beyond_next_update) {
    std::string grace;
    if (max_age_beyond_next_update.count() > 0) {
      grace = " and the grace of " + std::to_string(max_age_beyond_next_update.count()) +
              " s has passed";
    }
    return Fail(StatusCode::kFailedPrecondition, "CRL expired at " + Iso8601Utc(crl.NextUpdate()) +
                                                     " (nextUpdate)" + grace +
                                                     ": get a current CRL");
  }
  return OkStatus();
}

std::vector<Bytes> KeyedRevokedSerials(const Crl& crl, const identity::OrgKey& k_org) {
  const identity::KeyedSerialHasher hasher(k_org, crl.IssuerNameDer());
  std::vector<Bytes> out;
  out.reserve(crl.RevokedSerials().size());
  for (const Bytes& serial : crl.RevokedSerials()) out.push_back(hasher.Of(serial));
  return out;
}

}  // namespace sekisho::pki
