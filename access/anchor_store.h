// The trust anchors of a data directory (anchors/*.pem): the JPKI user-authentication roots that
// enrolment verifies card certificates against and that must sign imported CRLs (DESIGN.md §5;
// root generations share one DN and are told apart by key: pki::TrustAnchorSet). Test anchors
// are labelled in their file name and header. Format: docs/formats/data-directory.md "anchors/".
#pragma once

#include <filesystem>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "pki/certificate.h"
#include "pki/trust_anchors.h"

namespace sekisho::access {

enum class AnchorKind {
  kProduction,  // a real JPKI root: file "jpki-<fingerprint>.pem"
  kTest,        // a test root (O=JPKI-TEST): file "test-<fingerprint>.pem"
};

// Lower-case hex SHA-256 of the certificate's DER.
std::string AnchorFingerprint(const pki::Certificate& cert);

// Adds `cert` to `dir` (created if missing). kInvalidArgument naming the reason unless it is a
// usable anchor (pki::TrustAnchorSet::Add: a self-signed RSA CA of at least 2048 bits) valid at
// `now`; kInvalidArgument "... add it as a test anchor (--test)" for a test root
// (O=JPKI-TEST) added as kProduction; kAlreadyExists when the same certificate is there.
// The file holds a comment header (label, subject, validity, fingerprint) and the PEM.
// Returns the file written.
Result<std::filesystem::path> AddAnchor(const std::filesystem::path& dir,
                                        const pki::Certificate& cert, AnchorKind kind,
                                        TimePoint now);

// Every anchor of `dir` (pki::TrustAnchorSet::AddDirectory, labelled with the file names); an
// absent or empty folder gives an empty set. kDataLoss / kInvalidArgument naming the file that
// does not hold a usable certificate; kUnavailable for I/O errors.
Result<pki::TrustAnchorSet> LoadAnchors(const std::filesystem::path& dir);

}  // namespace sekisho::access
