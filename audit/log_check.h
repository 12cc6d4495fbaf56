// The full check of a stored audit log (`sekisho audit verify`): every leaf hash and every
// stored node recomputed from the records up, every checkpoint's signature, root and consistency
// with the latest one (RFC 9162 §2.1.4.2), and every erasure accounted for.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "audit/checkpoint.h"
#include "audit/log_store.h"
#include "audit/merkle.h"
#include "base/ed25519.h"
#include "base/result.h"

namespace sekisho::audit {

struct LogCheckReport {
  std::uint64_t tree_size = 0;
  Hash root{};                  // recomputed from the leaf hashes
  std::uint64_t erased = 0;     // records whose content was erased (their leaf hash remains)
  std::size_t checkpoints = 0;  // stored checkpoints, all verified
  std::optional<Checkpoint> latest_checkpoint;
};

// Reads the whole file once, in O(n) time and O(log n) memory (plus the erased indices).
// kDataLoss with the first problem found, naming the record, node or checkpoint:
//   "record N is missing", "record N: its leaf hash does not match its salt, kind and content",
//   "node (level L, index I) differs from the hash recomputed from the leaves",
//   "node ... is missing", "node ... is stored but not part of a tree of N records",
//   "record M's content is erased but no erasure record names it",
//   "erasure record N names record M, which ...",
//   "checkpoint #K: <why its text or signature is refused>",
//   "checkpoint #K covers S records but the log holds N",
//   "checkpoint #K: its root differs from the root recomputed at size S",
//   "checkpoint #K has a smaller tree size than the earlier checkpoint #J",
//   VerifyConsistency's errors between each checkpoint and the latest.
// Reading errors of the store keep their codes.
Result<LogCheckReport> CheckLog(LogStore& store, const Ed25519PublicKey& checkpoint_key);
// The same for a log whose checkpoint key was rotated: each checkpoint is checked with the key
// of `checkpoint_keys` (current and retired, not empty) its signature names.
Result<LogCheckReport> CheckLog(LogStore& store, std::span<const Ed25519PublicKey> checkpoint_keys);

}  // namespace sekisho::audit
