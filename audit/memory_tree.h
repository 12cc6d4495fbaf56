// An in-memory Merkle tree that keeps every perfect subtree hash: the reference back-end for
// tests, fuzzing and benchmarks, with the same proof builder as the SQLite log.
#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle.h"
#include "audit/proof.h"
#include "audit/proof_builder.h"
#include "base/result.h"

namespace sekisho::audit {

class MemoryTree {
 public:
  void Append(const Hash& leaf_hash);
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // kInvalidArgument "tree size S is beyond the N leaves of the tree" for S > size().
  Result<Hash> RootAt(std::uint64_t tree_size) const;
  Hash Root() const;
  // BuildInclusionProof / BuildConsistencyProof over this tree; sizes beyond size() are
  // kInvalidArgument as for RootAt.
  Result<InclusionProof> ProveInclusion(std::uint64_t index, std::uint64_t tree_size) const;
  Result<ConsistencyProof> ProveConsistency(std::uint64_t first, std::uint64_t second) const;

  // Reads stored nodes; kInvalidArgument for a node that is not complete in this tree.
  NodeReader Reader() const;

 private:
  Status CheckSize(std::uint64_t tree_size) const;

  std::vector<std::vector<Hash>> levels_;  // levels_[l][i]: the perfect subtree NodeId{l, i}
};

}  // namespace sekisho::audit
