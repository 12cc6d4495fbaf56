// Builds and signs X.509 v3 certificates (RFC 5280 §4.1) in memory: for the test PKI, tests and
// demos. Sekisho never issues certificates that protect anything real.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "pki/certificate.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

// One relative distinguished name: a short attribute name OpenSSL knows ("C", "O", "OU", "CN")
// and its value.
using Rdn = std::pair<std::string_view, std::string_view>;

// A Name of single-attribute RDNs in the given order, values as PrintableString when they fit
// its character set and UTF8String otherwise (RFC 5280 §4.1.2.4). kInvalidArgument for an
// attribute OpenSSL does not know or an empty value.
Result<X509NamePtr> MakeName(std::initializer_list<Rdn> rdns);

struct CertificateTemplate {
  const X509_NAME* subject = nullptr;
  const Certificate* issuer = nullptr;  // null: self-issued (issuer = subject)
  Bytes serial;                         // magnitude; encoded as a positive INTEGER
  TimePoint not_before;
  TimePoint not_after;
  const EVP_PKEY* subject_key = nullptr;  // only its public part is encoded
  const EVP_PKEY* signing_key = nullptr;  // the issuer's private key (the subject's if self-signed)
  // Extensions in order, as OpenSSL configuration values for X509V3_EXT_nconf_nid
  // ({NID_key_usage, "critical,digitalSignature"}, {NID_certificate_policies, "1.2.3"}).
  std::vector<std::pair<int, std::string>> extensions;
  // Policy OIDs (dotted) for a non-critical certificatePolicies without qualifiers
  // (RFC 5280 §4.2.1.4), after `extensions`; none when empty.
  std::vector<std::string> policies;
  const GENERAL_NAMES* subject_alt_name = nullptr;  // non-critical when given
};

// A v3 certificate signed with SHA-256 (sha256WithRSAEncryption, or ecdsa-with-SHA256 for an EC
// key), returned as a relying party would see it (re-parsed from DER, so no private key travels
// with it). kInvalidArgument if a field is missing, not_after <= not_before, the serial is empty,
// an extension value is not understood (naming the extension) or a policy is not an OID; kInternal
// if OpenSSL fails.
Result<Certificate> BuildCertificate(const CertificateTemplate& spec);

}  // namespace sekisho::pki
