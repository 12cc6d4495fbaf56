// RevokedSerials: what the issuer CRLs imported for one organisation said, kept as keyed serials
// (DESIGN.md §3) so that enrolment can refuse a revoked certificate without any raw serial being
// stored. One list per issuing trust anchor. Format: docs/formats/data-directory.md
// "orgs/<slug>/revoked-serials.json".
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"

namespace sekisho::access {

inline constexpr int kRevokedSerialsFormatVersion = 1;

// The keyed form of one imported CRL.
struct KeyedCrl {
  std::string issuer;              // DN text of the trust anchor that signed the CRL
  std::string issuer_fingerprint;  // AnchorFingerprint of that anchor
  TimePoint this_update;
  TimePoint next_update;
  TimePoint imported_at;
  std::vector<Bytes> keyed_serials;  // identity::KeyedSerial of every entry; 32 bytes each

  friend bool operator==(const KeyedCrl&, const KeyedCrl&) = default;
};

class RevokedSerials {
 public:
  RevokedSerials() = default;

  // Reads the file; an absent file is an empty state. kDataLoss naming the problem for a file
  // that is not valid (malformed JSON, a serial that is not 64 hex digits ...);
  // kFailedPrecondition for a newer format version.
  static Result<RevokedSerials> Load(const std::filesystem::path& path);
  // Writes the file atomically, mode 0600. kUnavailable on I/O errors.
  Status Save(const std::filesystem::path& path) const;

  // kFailedPrecondition when a CRL of the same issuer with a later thisUpdate was imported
  // before: replaying an older CRL would forget newer revocations.
  Status CheckNotOlder(const KeyedCrl& crl) const;
  // Replaces the list of `crl`'s issuer (or adds it). Serials are sorted and deduplicated.
  void Replace(KeyedCrl crl);

  // Whether any imported CRL lists this keyed serial.
  bool Contains(ByteView keyed_serial) const;

  // OK when at least one CRL was imported and every imported CRL is current at `now`: its
  // nextUpdate has not passed and its thisUpdate is at most `max_age` old. kFailedPrecondition
  // otherwise, saying which and what to do ("run `sekisho revocation import-crl`").
  Status CheckCurrent(TimePoint now, std::chrono::hours max_age) const;

  const std::vector<KeyedCrl>& crls() const { return crls_; }

 private:
  std::vector<KeyedCrl> crls_;
};

}  // namespace sekisho::access
