#include "audit/log_check.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "audit/frontier.h"
#include "audit/proof.h"
#include "audit/proof_builder.h"
#include "audit/record.h"

namespace sekisho::audit {
namespace {

struct VerifiedCheckpoint {
  std::int64_t id = 0;
  Checkpoint checkpoint;
};

std::string CheckpointName(const VerifiedCheckpoint& c) {
  return "checkpoint #" + std::to_string(c.id);
}

// Parses and verifies every stored checkpoint; sizes never decrease from one to the next.
Result<std::vector<VerifiedCheckpoint>> ReadCheckpoints(LogStore& store,
                                                        std::span<const Ed25519PublicKey> keys) {
  ASSIGN_OR_RETURN(const std::vector<StoredCheckpoint> stored, store.Checkpoints());
  std::vector<VerifiedCheckpoint> out;
  for (const StoredCheckpoint& s : stored) {
    const std::string name = "checkpoint #" + std::to_string(s.id);
    auto opened = OpenCheckpoint(s.text, store.origin(), keys);
    if (!opened.ok()) return DataLossError(name + ": " + opened.status().message());
    if (opened->tree_size != s.tree_size) {
      return DataLossError(name + " is stored for tree size " + std::to_string(s.tree_size) +
                           " but signs tree size " + std::to_string(opened->tree_size));
    }
    if (!out.empty() && opened->tree_size < out.back().checkpoint.tree_size) {
      return DataLossError(name + " has a smaller tree size than the earlier " +
                           CheckpointName(out.back()));
    }
    out.push_back({s.id, std::move(opened).value()});
  }
  return out;
}

// Accounts for erased records and the erasure records that name them.
class ErasureLedger {
 public:
  void Erased(std::uint64_t index) { pending_.insert(index); }
  Status Named(std::uint64_t erasure_index, ByteView record) {
    auto named = ParseErasureRecord(record);
    if (!named.ok()) {
      return DataLossError("erasure record " + std::to_string(erasure_index) +
                           " does not name a record");
    }
    const std::string what = "erasure record " + std::to_string(erasure_index) + " names record " +
                             std::to_string(*named);
    if (*named >= erasure_index) return DataLossError(what + ", which is not an earlier record");
    if (pending_.erase(*named) == 0) {
      return DataLossError(what + ", which still holds its content or was named before");
    }
    return OkStatus();
  }
  Status Finish() const {
    if (!pending_.empty()) {
      return DataLossError("record " + std::to_string(*pending_.begin()) +
                           "'s content is erased but no erasure record names it");
    }
    return OkStatus();
  }

 private:
  std::set<std::uint64_t> pending_;
};

}  // namespace

Result<LogCheckReport> CheckLog(LogStore& store, const Ed25519PublicKey& checkpoint_key) {
  return CheckLog(store, std::span(&checkpoint_key, 1));
}

Result<LogCheckReport> CheckLog(LogStore& store,
                                std::span<const Ed25519PublicKey> checkpoint_keys) {
  ASSIGN_OR_RETURN(const std::vector<VerifiedCheckpoint> checkpoints,
                   ReadCheckpoints(store, checkpoint_keys));
  // The root recomputed at every size a checkpoint covers.
  std::map<std::uint64_t, Hash> roots;
  for (const VerifiedCheckpoint& c : checkpoints) roots.emplace(c.checkpoint.tree_size, Hash{});
  if (auto it = roots.find(0); it != roots.end()) it->second = EmptyTreeRoot();

  LogCheckReport report;
  ErasureLedger erasures;
  Frontier frontier;
  ASSIGN_OR_RETURN(LogStore::EntryCursor entries, store.ScanEntries());
  ASSIGN_OR_RETURN(LogStore::NodeCursor nodes, store.ScanNodes());
  Status node_status;
  // Each node the rebuild completes must be the next stored one, with the same hash.
  auto check_node = [&](NodeId node, const Hash& hash) {
    if (!node_status.ok()) return;
    auto stored = nodes.Next();
    if (!stored.ok()) {
      node_status = stored.status();
    } else if (!stored->has_value() || NodeKey((*stored)->first) > NodeKey(node)) {
      node_status = DataLossError(NodeName(node) + " is missing from the audit log");
    } else if ((*stored)->first != node) {
      node_status = DataLossError(NodeName((*stored)->first) +
                                  " is stored but not part of a "
                                  "tree of " +
                                  std::to_string(node.end()) + " records");
    } else if ((*stored)->second != hash) {
      node_status =
          DataLossError(NodeName(node) + " differs from the hash recomputed from the leaves");
    }
  };
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<StoredEntry> entry, entries.Next());
    if (!entry) break;
    const std::uint64_t index = frontier.size();
    if (entry->index != index)
      return DataLossError("record " + std::to_string(index) + " is missing");
    if (entry->erased()) {
      erasures.Erased(index);
      ++report.erased;
    } else {
      if (entry->salt->size() != kSaltSize ||
          RecordLeafHash(*entry->salt, entry->kind, *entry->record) != entry->leaf_hash) {
        return DataLossError("record " + std::to_string(index) +
                             ": its leaf hash does not match its salt, kind and content");
      }
      if (entry->kind == RecordKind::kErasure)
        RETURN_IF_ERROR(erasures.Named(index, *entry->record));
    }
    frontier.Append(entry->leaf_hash, check_node);
    RETURN_IF_ERROR(node_status);
    if (auto it = roots.find(frontier.size()); it != roots.end()) it->second = frontier.Root();
  }
  ASSIGN_OR_RETURN(const auto extra, nodes.Next());
  if (extra) {
    return DataLossError(NodeName(extra->first) + " is stored but not part of a tree of " +
                         std::to_string(frontier.size()) + " records");
  }
  report.tree_size = frontier.size();
  report.root = frontier.Root();

  for (const VerifiedCheckpoint& c : checkpoints) {
    const std::uint64_t size = c.checkpoint.tree_size;
    if (size > report.tree_size) {
      return DataLossError(CheckpointName(c) + " covers " + std::to_string(size) +
                           " records but the log holds " + std::to_string(report.tree_size));
    }
    if (roots.at(size) != c.checkpoint.root) {
      return DataLossError(CheckpointName(c) +
                           ": its root differs from the root recomputed at "
                           "size " +
                           std::to_string(size));
    }
  }
  // After the checkpoints: records lost at the end take their erasure records with them.
  RETURN_IF_ERROR(erasures.Finish());
  if (!checkpoints.empty()) {
    // Consistency of each checkpoint with the latest, from the stored nodes: what a remote
    // verifier holding the two checkpoints would be sent (RFC 9162 §2.1.4).
    const Checkpoint& latest = checkpoints.back().checkpoint;
    for (const VerifiedCheckpoint& c : checkpoints) {
      ASSIGN_OR_RETURN(
          const ConsistencyProof proof,
          BuildConsistencyProof(c.checkpoint.tree_size, latest.tree_size, store.Reader()));
      RETURN_IF_ERROR(VerifyConsistency(proof, c.checkpoint.root, latest.root)
                          .WithContext(CheckpointName(c) + " and the latest checkpoint"));
    }
    report.latest_checkpoint = latest;
  }
  report.checkpoints = checkpoints.size();
  return report;
}

}  // namespace sekisho::audit
