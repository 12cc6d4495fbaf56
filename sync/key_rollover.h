// Snapshot-key rollover (docs/formats/sync-protocol.md §3.4): the organisation's chain of
// rollover statements, each naming the next snapshot key and signed with the key before it
// (Ed25519, RFC 8032 §5.1.6), so a gate that trusts any key of the chain can follow it to the
// newest without registering again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"

namespace sekisho::sync {

// The domain label of a rollover statement's signed bytes: no other signed Sekisho message starts
// with it (snapshot/signed.h uses "sekisho/snapshot/v1" and "sekisho/delta/v1").
inline constexpr std::string_view kKeyRolloverDomain = "sekisho snapshot key rollover v1";
// The longest organisation name a chain carries (the data directory's folder name, its slug).
inline constexpr std::size_t kMaxChainOrganisationSize = 64;
// The most statements a chain holds (a key rotated every day for almost three years).
inline constexpr std::size_t kMaxKeyRollovers = 1000;

// "The key that signed statement `sequence` - 1 hands over to `key`": statement 1 is signed by
// the chain's first key, statement n by the key statement n - 1 named.
struct KeyRollover {
  std::uint64_t sequence = 0;  // 1, 2, ... in chain order
  Bytes key;                   // the new key: 32 bytes (RFC 8032 §5.1.5)
  Bytes signature;             // 64 bytes, by the previous key
  friend bool operator==(const KeyRollover&, const KeyRollover&) = default;
};

struct KeyChain {
  std::string organisation;  // the server's name for the organisation: its data folder (slug)
  Bytes first_key;           // the organisation's first snapshot key (32 bytes)
  std::vector<KeyRollover> rollovers;
  friend bool operator==(const KeyChain&, const KeyChain&) = default;
};

// What the previous key signs: kKeyRolloverDomain || u8 length || organisation || u64 sequence
// (big-endian) || the new key's 32 bytes.
Bytes RolloverSignedBytes(std::string_view organisation, std::uint64_t sequence, ByteView key);

// The statement handing over from `previous` to `next` as number `sequence`.
KeyRollover SignRollover(const Ed25519PrivateKey& previous, std::string_view organisation,
                         std::uint64_t sequence, const Ed25519PublicKey& next);

// kInvalidArgument "key chain: ..." when the chain breaks a structural rule: an organisation name
// that is empty, longer than kMaxChainOrganisationSize or not of [a-z0-9-], a key that is not 32
// bytes, a signature that is not 64, no statement or more than kMaxKeyRollovers.
Status CheckKeyChain(const KeyChain& chain);

// "1a2b3c4d5e6f7a8b": the snapshot format's key id of `key` (snapshot::OrgKeyIdOf: the first 8
// bytes of SHA-256 over it) in hex, for logs and messages; public.
std::string SnapshotKeyIdHex(const Ed25519PublicKey& key);

// Where following a chain ends.
struct ChainEnd {
  Ed25519PublicKey key;        // the newest key of the chain
  std::uint64_t sequence = 0;  // the statement that named it (0: the first key)
  std::size_t followed = 0;    // statements verified on the way: 0 when `trusted` was the newest
};

// Follows `chain` from `trusted`, the key the caller holds (the first key or one a statement
// names): the statements up to the one naming `trusted` are skipped, every later one must verify
// under the key before it. `organisation`, when given, must be the chain's. Errors, each starting
// "key chain: " and leaving the caller's trust as it was:
//   kInvalidArgument    CheckKeyChain's; a statement whose sequence is not its place in the
//                       chain ("statement 2 has sequence 4"); a key that is not a curve point.
//   kPermissionDenied   another organisation's chain; `trusted` is neither the first key nor
//                       named by any statement.
//   kUnauthenticated    a statement whose signature does not verify under the key before it
//                       (a forged or altered chain).
Result<ChainEnd> FollowKeyChain(const KeyChain& chain, const Ed25519PublicKey& trusted,
                                std::optional<std::string_view> organisation = std::nullopt);

}  // namespace sekisho::sync
