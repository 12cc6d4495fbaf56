// Builds roots, inclusion proofs and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1) from the
// hashes of perfect subtrees, read through a callback: storage-independent, O(log n) node reads
// per proof and never a walk over the leaves.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "audit/merkle.h"
#include "audit/proof.h"
#include "base/result.h"

namespace sekisho::audit {

// Each proof hash is the MTH of one range, given as the perfect subtrees to fold (SubtreesOf).
using ProofPlan = std::vector<std::vector<NodeId>>;

// The ranges of PATH(index, D[size]), leaf to root. Precondition: index < size.
ProofPlan InclusionProofPlan(std::uint64_t index, std::uint64_t size);
// The ranges of PROOF(first, D[second]), deepest first; empty when first is 0 or equal to
// second. Precondition: first <= second.
ProofPlan ConsistencyProofPlan(std::uint64_t first, std::uint64_t second);

// Returns the hashes of `nodes`, in order, or the reader's error (a node that is not stored is
// kDataLoss or kInvalidArgument, as the reader decides).
using NodeReader = std::function<Result<std::vector<Hash>>(std::span<const NodeId> nodes)>;

// MTH(D[size]) from SubtreesOf(0, size); the empty tree's root for 0.
Result<Hash> BuildRoot(std::uint64_t size, const NodeReader& read);
// kInvalidArgument "leaf index I is not below the tree size N" when index >= size.
Result<InclusionProof> BuildInclusionProof(std::uint64_t index, std::uint64_t size,
                                           const NodeReader& read);
// kInvalidArgument "first size F is larger than the second size S" when first > second.
Result<ConsistencyProof> BuildConsistencyProof(std::uint64_t first, std::uint64_t second,
                                               const NodeReader& read);

}  // namespace sekisho::audit
