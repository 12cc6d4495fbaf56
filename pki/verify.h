// Certificate path validation (RFC 5280 §6.1) against configured trust anchors, at an injected
// time, with an optional CRL, plus the JPKI relying-party rules (RSA size, key usage).
#pragma once

#include <span>

#include "base/clock.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace sekisho::pki {

struct VerifyOptions {
  TimePoint at;  // validity (and CRL currency) are judged at this time, never the system clock
  int min_rsa_bits = 2048;
  bool require_digital_signature = true;  // the leaf must assert keyUsage digitalSignature
};

// Verifies that `leaf` chains to one of `anchors` (self-signed roots, trusted as given; several
// may share a DN, like the three JPKI root generations: the issuer is matched by key), that every
// certificate on the path is valid at `options.at`, and, when `crl` is given, that the CRL is
// the issuer's, current at `options.at`, and does not list the leaf (RFC 5280 §6.3).
// Then applies policy to the leaf: an RSA key of at least min_rsa_bits, and keyUsage
// digitalSignature if required.
// Errors (messages never contain certificate data):
//   kInvalidArgument    no anchors.
//   kUnauthenticated    the path does not hold; the message contains the reason words
//                       "expired", "not yet valid", "unknown issuer", "bad signature",
//                       "revoked", or OpenSSL's reason for anything rarer.
//   kFailedPrecondition the CRL cannot be used (not the issuer's, bad signature, expired or not
//                       yet valid): get a current CRL, then retry.
//   kPermissionDenied   the path holds but policy refuses the leaf: "RSA key of N bits ...",
//                       "not an RSA key", "key usage ...".
Status VerifyCertificate(const Certificate& leaf, std::span<const Certificate> anchors,
                         const VerifyOptions& options, const Crl* crl = nullptr);

}  // namespace sekisho::pki
