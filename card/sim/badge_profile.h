// BadgeProfile: everything one simulated badge holds (the batch CAN and Chip Authentication key,
// its own Restricted Identification key, the organisation's CVCA trust points, an optional badge
// PIN and its retry counter), and its JSON form. Sequence: docs/decisions/badge-eac-sequence.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::card::sim {

inline constexpr int kBadgeProfileFormatVersion = 1;
inline constexpr int kMaxBadgePinTries = 3;

struct BadgeProfile {
  int format_version = kBadgeProfileFormatVersion;
  std::string can;                 // batch-wide card access number, 6 digits
  std::optional<std::string> pin;  // badge PIN, 6 digits, for card+pin doors
  int pin_tries = kMaxBadgePinTries;
  SecretBytes ca_private_pkcs8;  // batch Chip Authentication key (brainpoolP256r1)
  Bytes ca_public_point;
  SecretBytes ri_private_pkcs8;     // this chip's Restricted Identification key
  std::vector<Bytes> trust_points;  // the organisation's CVCA certificates (DER)

  // Field by field; the private keys in constant time.
  friend bool operator==(const BadgeProfile& a, const BadgeProfile& b);
};

// A copy with copies of the secrets (BadgeProfile does not copy implicitly).
BadgeProfile CopyBadgeProfile(const BadgeProfile& profile);

// The JSON card file: {"format_version":1,"can":"…","pin":"…","pin_tries":3,
// "ca_private_key":"<hex PKCS#8>","ca_public_key":"<hex>","ri_private_key":"<hex>",
// "trust_points":["<hex DER>",…]}.
std::string BadgeProfileToJson(const BadgeProfile& profile);
// kDataLoss naming the field for anything malformed: bad JSON, an unknown version, a CAN or PIN
// that is not 6 digits, tries outside 0..3, keys that do not load or do not match, a trust point
// that is not a CVCA certificate.
Result<BadgeProfile> BadgeProfileFromJson(std::string_view json);

// The secrets one issuance batch shares.
struct BadgeBatch {
  std::string can;
  SecretBytes ca_private_pkcs8;
  Bytes ca_public_point;
};
// A new batch with a fresh CA key and `can`. kInvalidArgument for a CAN that is not 6 digits.
Result<BadgeBatch> NewBadgeBatch(std::string_view can);
// A new badge of `batch`, with a fresh RI key, trusting `cvca_certificate`, and `pin` if given.
// kInvalidArgument for a malformed PIN or CVCA certificate.
Result<BadgeProfile> NewBadgeProfile(const BadgeBatch& batch, ByteView cvca_certificate,
                                     std::optional<std::string> pin = std::nullopt);

}  // namespace sekisho::card::sim
