// BadgeKeys: an organisation's badge PKI and issuance secrets in DIR/orgs/<slug>/badge/: the CVCA,
// the DV (renewed from the CVCA as it nears its end), the Restricted Identification sector key
// and the current issuance batch. Format: docs/formats/data-directory.md "orgs/<slug>/badge/";
// roles of the keys: docs/decisions/badge-eac-sequence.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "access/data_dir.h"
#include "badge/badge_terminal.h"
#include "badge/cv_certificate.h"
#include "badge/ec_key.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/sim/badge_profile.h"

namespace sekisho::access {

inline constexpr std::string_view kBadgeKeysDir = "badge";
inline constexpr std::string_view kCvcaFile = "cvca.json";
inline constexpr std::string_view kDvFile = "dv.json";
inline constexpr std::string_view kSectorFile = "sector.json";
inline constexpr std::string_view kBatchFile = "batch.json";

inline constexpr std::chrono::days kCvcaValidity{3 * 365};
inline constexpr std::chrono::days kDvValidity{90};
// A DV with fewer days than this left is replaced at the next use of the keys.
inline constexpr std::chrono::days kDvRenewalMargin{30};

// The holder mnemonic of the organisation's certificate holder references (TR-03110-3
// App. A.6.1): the first five letters and digits of `slug` in upper case, then the first four
// hex digits (upper case) of SHA-256(slug), so organisations whose slugs share a prefix still get
// different references ("acme-corp" -> "ACMEC" + 4 hex digits).
std::string BadgeMnemonic(std::string_view slug);

// The certificate holder reference "JP" + mnemonic + sequence, where the sequence is `kind`
// (two letters: "CV", "DV", "TM") and a three-digit number.
std::string BadgeChr(std::string_view mnemonic, std::string_view kind, int number);

// The day `t` falls on (UTC), as CV certificates count dates.
badge::Date DateOf(TimePoint t);

class BadgeKeys {
 public:
  // Creates orgs/<slug>/badge/ (mode 0700) for `org_name` with a fresh CVCA (valid from `today`
  // for kCvcaValidity), a DV (kDvValidity), a sector key pair and batch 1 (the CAN `can` when
  // given, otherwise six random digits from `random`, and a fresh Chip Authentication key). Each
  // file mode 0600, written once. Errors, with nothing left behind:
  //   kFailedPrecondition  the organisation has no folder (orgs/<slug>/org.json naming it);
  //   kAlreadyExists       the badge folder exists (keys are never replaced: every badge issued
  //                        trusts this CVCA and answers this sector key);
  //   kInvalidArgument     a `can` that is not 6 digits;
  //   kUnavailable         I/O errors.
  static Result<BadgeKeys> Create(const DataDir& dir, std::string_view org_name, badge::Date today,
                                  Random& random, std::optional<std::string> can = std::nullopt);

  // Loads the keys of `org_name`. When the DV has fewer than kDvRenewalMargin days left at
  // `today` (or has expired), a new DV key and certificate (next sequence number, valid for
  // kDvValidity but not beyond the CVCA) replace it atomically first, and dv_renewed() is true.
  // Errors:
  //   kNotFound            no badge folder ("run `sekisho badge init --org NAME`");
  //   kFailedPrecondition  the organisation's folder names another organisation, or the CVCA is
  //                        not valid at `today`;
  //   kPermissionDenied    a key file that is a link or readable by group or others (the fix);
  //   kDataLoss            a file that is malformed or whose key and certificate do not match;
  //   kUnavailable         I/O errors.
  static Result<BadgeKeys> Load(const DataDir& dir, std::string_view org_name, badge::Date today);

  const badge::CvCertificate& cvca() const { return *cvca_; }
  const badge::CvCertificate& dv() const { return *dv_; }
  // The sector public key gates send in RI; the private half never leaves this folder.
  const Bytes& sector_public_point() const { return sector_public_point_; }
  const card::sim::BadgeBatch& batch() const { return batch_; }
  int batch_number() const { return batch_number_; }
  bool dv_renewed() const { return dv_renewed_; }
  const std::filesystem::path& path() const { return path_; }

  // The badge's identifier in this organisation's sector, computed from the chip's RI public
  // point and the sector private key: ECDH is symmetric, so this equals what the chip answers in
  // RI (badge::RestrictedIdentifier; TR-03110-2 §3.5). 32 bytes. kInvalidArgument for a point
  // not on brainpoolP256r1.
  Result<Bytes> IdentifierOf(ByteView chip_ri_public_point) const;

  // What an authorised terminal of this organisation holds: a fresh key and a terminal
  // certificate from the DV with `rights`, valid from `today` for `validity` (whole days, at most
  // badge::kMaxTerminalValidity, never beyond the DV), the DV certificate, the current batch's
  // CA key as the trusted chip key and the sector public key. kInvalidArgument for a validity of
  // less than one day or more than kMaxTerminalValidity, a malformed `sequence` (two letters),
  // or rights beyond the DV's.
  Result<badge::TerminalCredentials> IssueTerminal(badge::Date today, std::chrono::days validity,
                                                   std::uint64_t rights,
                                                   std::string_view sequence = "TM") const;

  // A terminal certificate from the DV for a key the terminal generated itself (its uncompressed
  // brainpoolP256r1 `public_point`; the private key never leaves the terminal): holder reference
  // BadgeChr(mnemonic, sequence, number), `rights`, valid from `today` for `validity` (whole days,
  // never beyond the DV). kInvalidArgument for a point not on the curve, a validity of less than
  // one day or more than badge::kMaxTerminalValidity, a malformed `sequence` (two capital
  // letters), a `number` outside 0..999, or rights beyond the DV's; kFailedPrecondition when the
  // DV is not valid at `today`.
  Result<badge::CvCertificate> IssueTerminalCertificate(badge::Date today,
                                                        std::chrono::days validity,
                                                        std::uint64_t rights, ByteView public_point,
                                                        std::string_view sequence = "TM",
                                                        int number = 1) const;

 private:
  BadgeKeys() = default;

  std::filesystem::path path_;
  std::optional<badge::CvCertificate> cvca_;  // always set once built
  std::optional<badge::CvCertificate> dv_;
  SecretBytes dv_private_pkcs8_;
  SecretBytes sector_private_pkcs8_;
  Bytes sector_public_point_;
  card::sim::BadgeBatch batch_;
  int batch_number_ = 1;
  bool dv_renewed_ = false;
};

}  // namespace sekisho::access
