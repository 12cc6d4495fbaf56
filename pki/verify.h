// Certificate path validation (RFC 5280 §6.1) against configured trust anchors, at an injected
// time, with an optional CRL, plus the JPKI relying-party rules (RSA size, key usage, policy).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/trust_anchors.h"

namespace sekisho::pki {

struct VerifyOptions {
  TimePoint at;  // validity (and CRL currency) are judged at this time, never the system clock
  int min_rsa_bits = 2048;
  bool require_digital_signature = true;  // the leaf must assert keyUsage digitalSignature
  // Certificate policy OIDs in dotted form; the leaf must name at least one of them in its
  // certificatePolicies (RFC 5280 §4.2.1.4, §6.1 with initial-explicit-policy set). anyPolicy
  // does not count (initial-any-policy-inhibit set). Empty: no policy check.
  std::vector<std::string> required_policies;
};

// Verifies that `leaf` was issued by one of `anchors` (self-signed roots, trusted as given), that
// every certificate on the path is valid at `options.at`, and, when `crl` is given, that the CRL
// is the issuer's, current at `options.at`, and does not list the leaf (RFC 5280 §6.3).
// The issuer is chosen by key (IsIssuedBy in trust_anchors.h), so several anchors may share a DN,
// like the JPKI root generations; OpenSSL then validates the path to that anchor alone (it does
// not itself try every root of one DN: without an authorityKeyIdentifier it takes the first).
// Then applies policy to the leaf: an RSA key of at least min_rsa_bits, keyUsage
// digitalSignature if required, and one of the required certificate policies if any.
// Errors (messages never contain certificate data):
//   kInvalidArgument    no anchors; a required policy that is not an OID.
//   kUnauthenticated    the path does not hold; the message contains the reason words
//                       "expired", "not yet valid", "unknown issuer", "bad signature",
//                       "revoked", or OpenSSL's reason for anything rarer.
//   kFailedPrecondition the CRL cannot be used (not the issuer's, bad signature, expired or not
//                       yet valid): get a current CRL, then retry.
//   kPermissionDenied   the path holds but policy refuses the leaf: "RSA key of N bits ...",
//                       "not an RSA key", "key usage ...", "certificate policies ...".
Status VerifyCertificate(const Certificate& leaf, const TrustAnchorSet& anchors,
                         const VerifyOptions& options, const Crl* crl = nullptr);
// The same with anchors given as certificates; they are used as given (TrustAnchorSet::Add's
// checks are not applied).
Status VerifyCertificate(const Certificate& leaf, std::span<const Certificate> anchors,
                         const VerifyOptions& options, const Crl* crl = nullptr);

}  // namespace sekisho::pki
