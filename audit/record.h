// What the log hashes for one record (DESIGN.md §5): a random salt, the record's kind and the
// caller's canonical record bytes, and the erasure record the log writes itself. Format:
// docs/formats/audit-log.md "Leaves".
#pragma once

#include <cstdint>
#include <string_view>

#include "audit/merkle.h"
#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::audit {

// Stored as its number; a number, once used, keeps its meaning.
enum class RecordKind : std::uint8_t {
  kGateEvent = 1,    // a gate's decision, forwarded in a signed batch
  kAdminAction = 2,  // an administrator's or HR's change to the registry
  kErasure = 3,      // written by the log: the content of an earlier record was erased
};

// The salt that makes a leaf hash of a short, guessable record unguessable.
inline constexpr std::size_t kSaltSize = 32;
// The largest record the log takes: audit records are short, canonical encodings.
inline constexpr std::size_t kMaxRecordSize = 64 * 1024;

// "gate", "admin", "erasure".
std::string_view RecordKindName(RecordKind kind);
// kInvalidArgument "unknown record kind 'x' (gate, admin or erasure)".
Result<RecordKind> ParseRecordKind(std::string_view name);
// kInvalidArgument "unknown record kind number N".
Result<RecordKind> RecordKindFromNumber(std::int64_t number);

// The leaf input: salt || kind (one byte) || record. Precondition: salt.size() == kSaltSize.
Bytes LeafInput(ByteView salt, RecordKind kind, ByteView record);
// The leaf hash of a record: HashLeaf(LeafInput(salt, kind, record)).
Hash RecordLeafHash(ByteView salt, RecordKind kind, ByteView record);

// The record of an erasure: "erased record N" in ASCII (N in decimal, no leading zeros).
Bytes ErasureRecord(std::uint64_t erased_index);
// The index an erasure record names. kInvalidArgument "not an erasure record" for anything that
// ErasureRecord does not produce.
Result<std::uint64_t> ParseErasureRecord(ByteView record);

}  // namespace sekisho::audit
