// Signed checkpoints: (origin, tree size, root hash, time) in the text form of a C2SP
// tlog-checkpoint with one Ed25519 signed-note signature. Format: docs/formats/audit-log.md
// "Checkpoints".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "audit/merkle.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/result.h"

namespace sekisho::audit {

struct Checkpoint {
  std::string origin;  // the log's name; also the signing key's name
  std::uint64_t tree_size = 0;
  Hash root{};
  TimePoint time;  // whole seconds since the Unix epoch
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The largest tree size a checkpoint carries (SQLite integers are signed 64-bit).
inline constexpr std::uint64_t kMaxTreeSize = (std::uint64_t{1} << 63) - 1;

// OK for 1-255 printable ASCII characters without spaces and '+' (a signed-note key name);
// kInvalidArgument naming the rule otherwise.
Status CheckOrigin(std::string_view origin);

// The signed text: "<origin>\n<tree size>\n<base64 root>\ntime <Unix seconds>\n".
// Precondition: CheckOrigin(origin) is OK and time is not before the epoch.
std::string CheckpointBody(const Checkpoint& checkpoint);

// The 4-byte key ID of the signed-note format: the first four bytes of
// SHA-256(origin || "\n" || 0x01 || public key), big-endian.
std::uint32_t CheckpointKeyId(std::string_view origin, const Ed25519PublicKey& key);
// A key ID as 8 lower-case hex digits, as messages and records show it.
std::string KeyIdHex(std::uint32_t id);

// The body, a blank line and "— <origin> <base64(key ID || Ed25519 signature of the body)>\n".
// kInvalidArgument for an invalid origin, a time before the epoch, or a tree size above
// kMaxTreeSize.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const Ed25519PrivateKey& key);

// A checkpoint as written, before its signature is checked.
struct ParsedCheckpoint {
  Checkpoint checkpoint;
  std::string body;  // the signed text
  std::string key_name;
  std::uint32_t key_id = 0;
  Bytes signature;  // 64 bytes
};

// Reads the text form strictly: exactly the four body lines, a blank line and one signature
// line, printable ASCII apart from the signature line's em dash, canonical decimal numbers and
// canonical base64; nothing before or after. kInvalidArgument "checkpoint: ..." naming the first
// rule broken.
Result<ParsedCheckpoint> ParseCheckpoint(std::string_view text);

// ParseCheckpoint, then the signature. kUnauthenticated
//   "checkpoint is for log 'x', not 'y'" when the origin differs from `origin`;
//   "checkpoint is signed by key 'x' (ID ...), not by this log's key" when the key name or ID
//   differs;
//   "checkpoint of tree size N: Ed25519 signature does not verify" otherwise.
Result<Checkpoint> OpenCheckpoint(std::string_view text, std::string_view origin,
                                  const Ed25519PublicKey& key);
// The same for a log whose key was rotated (docs/audit.md "Keys"): the signature is checked with
// whichever of `keys` its key ID names; "not by this log's key" names the first (current) key
// when none does. Precondition: `keys` is not empty.
Result<Checkpoint> OpenCheckpoint(std::string_view text, std::string_view origin,
                                  std::span<const Ed25519PublicKey> keys);

}  // namespace sekisho::audit
