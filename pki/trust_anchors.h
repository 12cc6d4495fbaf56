// Trust anchors: the self-signed roots certificates must chain to. JPKI's user-authentication
// root generations share one DN, so an anchor is found by its key, never by its name alone.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace sekisho::pki {

// The organization (O) of the test PKI's roots (pki/test_pki.h); anchors with it are test anchors.
inline constexpr std::string_view kTestAnchorOrganization = "JPKI-TEST";
inline constexpr std::string_view kTestAnchorMark = " [TEST ANCHOR]";
// Below this an RSA anchor is refused (JPKI roots and card keys are RSA-2048).
inline constexpr int kMinAnchorRsaBits = 2048;

// True if `issuer`'s subject is `cert`'s issuer and `issuer`'s public key verifies `cert`'s
// signature: issuance judged by key. When both `cert`'s authorityKeyIdentifier and `issuer`'s
// subjectKeyIdentifier are present and differ, false without a signature check
// (RFC 5280 §4.2.1.1). Nothing else (validity, key usage) is looked at.
bool IsIssuedBy(const Certificate& cert, const Certificate& issuer);
// The same for a CRL (RFC 5280 §5.2.1 for the key identifier).
bool IsCrlIssuedBy(const Crl& crl, const Certificate& issuer);

struct TrustAnchor {
  Certificate certificate;
  std::string label;     // how people know it ("JPKI auth root 2024", a file name)
  bool is_test = false;  // the subject's O is kTestAnchorOrganization

  // `label`, followed by kTestAnchorMark for a test anchor: the form to show wherever an anchor
  // is shown (CLI, console, logs), so a test root can never pass for a real one.
  std::string DisplayLabel() const;
};

// An ordered set of trust anchors. Movable, not copyable. Const methods may be called from
// several threads at once; Add* may not run concurrently with anything else. Pointers returned
// by the Match* functions and anchors() stay valid until the set is changed, moved or destroyed.
class TrustAnchorSet {
 public:
  TrustAnchorSet() = default;
  TrustAnchorSet(TrustAnchorSet&&) noexcept = default;
  TrustAnchorSet& operator=(TrustAnchorSet&&) noexcept = default;

  // Adds `certificate` as an anchor. An empty label becomes the subject's RFC 2253 text.
  // kInvalidArgument, naming the label and the reason, unless it is an RSA key of at least
  // kMinAnchorRsaBits bits ("RSA key of 1024 bits is below the minimum of 2048", "not an RSA
  // key"), self-signed ("not self-signed: issuer and subject differ", "not self-signed: its
  // signature does not verify with its own key") and a CA (basicConstraints CA:TRUE, and
  // keyCertSign when keyUsage is present: RFC 5280 §4.2.1.9, §4.2.1.3).
  // kAlreadyExists if the same certificate is already an anchor. Validity times are not judged
  // here (there is no "now"): verification does that.
  Status Add(Certificate certificate, std::string label);

  // Adds every certificate of a PEM file (one or more "BEGIN CERTIFICATE" blocks), labelled with
  // the file name, then "#2", "#3" ... for further blocks. All or nothing: on error the set is
  // unchanged. kNotFound if the file does not exist; kDataLoss if it holds no certificate or a
  // block does not parse; Add's codes with the file name as context; kUnavailable for other I/O
  // errors. Files are limited to 1 MiB.
  Status AddPemFile(const std::filesystem::path& path);

  // AddPemFile for every regular file named *.pem in `dir`, in name order, skipping those that
  // contain no "BEGIN CERTIFICATE" block (private keys, CRLs). All or nothing. kNotFound if `dir`
  // does not exist or yields no anchor; AddPemFile's codes otherwise.
  Status AddDirectory(const std::filesystem::path& dir);

  // The anchors that issued `cert` (IsIssuedBy): those whose subject is `cert`'s issuer AND whose
  // public key verifies `cert`'s signature. The DN is necessary, never sufficient. Usually one
  // anchor; several only if the same key was certified more than once. In the set's order.
  std::vector<const TrustAnchor*> MatchIssuer(const Certificate& cert) const;
  // The same for a CRL (IsCrlIssuedBy): the anchors named as its issuer whose key verifies it.
  std::vector<const TrustAnchor*> MatchCrlIssuer(const Crl& crl) const;
  // The anchors whose subject is `issuer_name`, whatever their key (to tell "unknown issuer"
  // from "bad signature" after a failed match).
  std::vector<const TrustAnchor*> WithSubject(const X509_NAME& issuer_name) const;

  const std::vector<TrustAnchor>& anchors() const { return anchors_; }
  bool empty() const { return anchors_.empty(); }
  std::size_t size() const { return anchors_.size(); }

 private:
  Status AddPemText(std::string_view text, const std::filesystem::path& path);

  std::vector<TrustAnchor> anchors_;
};

}  // namespace sekisho::pki
