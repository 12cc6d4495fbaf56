// Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) and their verifier. The verifier is
// pure: it needs nothing but the proof, the leaf hash and the roots a checkpoint vouches for.
#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle.h"
#include "base/result.h"

namespace sekisho::audit {

// PATH(leaf_index, D[tree_size]) of RFC 9162 §2.1.3.1, leaf to root.
struct InclusionProof {
  std::uint64_t leaf_index = 0;
  std::uint64_t tree_size = 0;
  std::vector<Hash> path;
};

// PROOF(first_size, D[second_size]) of RFC 9162 §2.1.4.1, deepest first.
struct ConsistencyProof {
  std::uint64_t first_size = 0;
  std::uint64_t second_size = 0;
  std::vector<Hash> path;
};

// The number of hashes in PATH(index, D[size]). Precondition: index < size.
std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size);
// The number of hashes in PROOF(first, D[second]): 0 when first is 0 or equal to second.
// Precondition: first <= second.
std::size_t ConsistencyProofLength(std::uint64_t first, std::uint64_t second);

// The root that `proof` gives for `leaf_hash` (RFC 9162 §2.1.3.2 steps 1-4). kInvalidArgument
//   "inclusion proof: leaf index I is not below the tree size N" when I >= N;
//   "inclusion proof: N hashes for leaf I of a tree of size S, expected M" for a wrong length.
Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, const InclusionProof& proof);

// OK when `proof` shows that the leaf with hash `leaf_hash` is at proof.leaf_index in the tree of
// size proof.tree_size whose root is `root` (RFC 9162 §2.1.3.2). The errors of
// RootFromInclusionProof, and kUnauthenticated "inclusion proof of leaf I does not reproduce the
// root of the tree of size S" when any hash in the proof, the leaf hash or the root differs.
Status VerifyInclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root);

// OK when `proof` shows that the tree of size first_size with root `first_root` is a prefix of
// the tree of size second_size with root `second_root` (RFC 9162 §2.1.4.2). Equal sizes need an
// empty proof and equal roots; size 0 needs an empty proof and the empty tree's root.
// kInvalidArgument
//   "consistency proof: first size F is larger than the second size S";
//   "consistency proof: N hashes for sizes F and S, expected M" for a wrong length.
// kDataLoss when the two roots cannot belong to one append-only log (a fork, or a proof altered
// on the way):
//   "log fork: two different roots for tree size N";
//   "log fork: the root of the empty tree is not SHA-256 of the empty string";
//   "consistency proof from F to S does not reproduce the first root" / "the second root".
Status VerifyConsistency(const ConsistencyProof& proof, const Hash& first_root,
                         const Hash& second_root);

}  // namespace sekisho::audit
