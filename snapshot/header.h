// What every snapshot and delta states before its content (docs/formats/snapshot.md §3): the
// organisation key that signs it and the gate it is for, so that a snapshot made for gate A is
// refused by gate B, and when the server issued it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/ed25519.h"
#include "base/result.h"
#include "policy/model.h"
#include "snapshot/wire.h"

namespace sekisho::snapshot {

// Assigned by the server when a gate registers; never 0.
using GateId = std::uint32_t;

// Names the organisation's snapshot key: the first 8 bytes of SHA-256 over its 32 raw bytes.
inline constexpr std::size_t kOrgKeyIdSize = 8;
using OrgKeyId = std::array<std::uint8_t, kOrgKeyIdSize>;
OrgKeyId OrgKeyIdOf(const Ed25519PublicKey& key);

using Magic = std::array<std::uint8_t, 4>;
inline constexpr Magic kSnapshotMagic = {'S', 'K', 'S', 'N'};
inline constexpr Magic kDeltaMagic = {'S', 'K', 'D', 'L'};
// The only format version this build writes and reads.
inline constexpr std::uint8_t kFormatVersion = 1;

struct Header {
  OrgKeyId org_key_id{};
  GateId gate_id = 0;
  policy::UnixSeconds issued_at = 0;  // Unix seconds, >= 0
  friend bool operator==(const Header&, const Header&) = default;
};

// kInvalidArgument when gate_id is 0 or issued_at is negative.
Status CheckHeader(const Header& header);

// Writes magic, format version, org key id, gate id and issue time (25 bytes).
// Precondition: CheckHeader(header) is OK.
void WriteHeader(Writer& out, const Magic& magic, const Header& header);

// Reads what WriteHeader wrote. kInvalidArgument when the magic is not `magic` ("not a KIND"),
// the format version is not kFormatVersion, the gate id is 0, the issue time negative, or the
// input too short.
Result<Header> ReadHeader(Reader& in, const Magic& magic, std::string_view kind);

// The issue time rounded down to a whole minute: validity bounds are written relative to it.
constexpr policy::UnixSeconds IssueMinute(policy::UnixSeconds issued_at) {
  return issued_at - issued_at % 60;
}

}  // namespace sekisho::snapshot
