#include "audit/proof.h"

#include <bit>
#include <string>

namespace sekisho::audit {
namespace {

std::string N(std::uint64_t n) { return std::to_string(n); }

bool Equal(const Hash& a, const Hash& b) { return a == b; }

}  // namespace

std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size) {
  // The recursion of RFC 9162 §2.1.3.1: one hash per level on the way down to the leaf.
  std::size_t length = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = size;
  while (end - begin > 1) {
    const std::uint64_t k = SplitPoint(end - begin);
    if (index < begin + k) {
      end = begin + k;
    } else {
      begin += k;
    }
    ++length;
  }
  return length;
}

std::size_t ConsistencyProofLength(std::uint64_t first, std::uint64_t second) {
  if (first == 0 || first == second) return 0;
  // The recursion of RFC 9162 §2.1.4.1 (SUBPROOF), one hash per step, plus MTH(D[m]) at the end
  // when the old tree is not a subtree on the left edge (b = false).
  std::size_t length = 0;
  std::uint64_t m = first;
  std::uint64_t n = second;
  bool on_left_edge = true;
  while (m != n) {
    const std::uint64_t k = SplitPoint(n);
    if (m <= k) {
      n = k;
    } else {
      m -= k;
      n -= k;
      on_left_edge = false;
    }
    ++length;
  }
  return on_left_edge ? length : length + 1;
}

Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, const InclusionProof& proof) {
  // RFC 9162 §2.1.3.2.
  if (proof.leaf_index >= proof.tree_size) {
    return InvalidArgumentError("inclusion proof: leaf index " + N(proof.leaf_index) +
                                " is not below the tree size " + N(proof.tree_size));
  }
  const std::size_t expected = InclusionProofLength(proof.leaf_index, proof.tree_size);
  if (proof.path.size() != expected) {
    return InvalidArgumentError("inclusion proof: " + N(proof.path.size()) + " hashes for leaf " +
                                N(proof.leaf_index) + " of a tree of size " + N(proof.tree_size) +
                                ", expected " + N(expected));
  }
  std::uint64_t fn = proof.leaf_index;
  std::uint64_t sn = proof.tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof.path) {
    if (sn == 0) return InternalError("inclusion proof: path longer than the tree is deep");
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InternalError("inclusion proof: path shorter than the tree is deep");
  return r;
}

Status VerifyInclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root) {
  ASSIGN_OR_RETURN(const Hash computed, RootFromInclusionProof(leaf_hash, proof));
  if (!Equal(computed, root)) {
    return UnauthenticatedError("inclusion proof of leaf " + N(proof.leaf_index) +
                                " does not reproduce the root of the tree of size " +
                                N(proof.tree_size));
  }
  return OkStatus();
}

Status VerifyConsistency(const ConsistencyProof& proof, const Hash& first_root,
                         const Hash& second_root) {
  const std::uint64_t first = proof.first_size;
  const std::uint64_t second = proof.second_size;
  if (first > second) {
    return InvalidArgumentError("consistency proof: first size " + N(first) +
                                " is larger than the second size " + N(second));
  }
  const std::size_t expected = ConsistencyProofLength(first, second);
  if (proof.path.size() != expected) {
    return InvalidArgumentError("consistency proof: " + N(proof.path.size()) +
                                " hashes for sizes " + N(first) + " and " + N(second) +
                                ", expected " + N(expected));
  }
  if (first == second) {
    if (!Equal(first_root, second_root)) {
      return DataLossError("log fork: two different roots for tree size " + N(first));
    }
    return OkStatus();
  }
  if (first == 0) {
    // Every tree extends the empty one, whose root is fixed (RFC 9162 §2.1.1).
    if (!Equal(first_root, EmptyTreeRoot())) {
      return DataLossError(
          "log fork: the root of the empty tree is not SHA-256 of the empty string");
    }
    return OkStatus();
  }

  // RFC 9162 §2.1.4.2, steps 2-7. When the first tree is a perfect subtree on the left edge,
  // its root is the first hash of the path (step 2).
  const bool prepend = std::has_single_bit(first);
  const std::size_t count = proof.path.size() + (prepend ? 1 : 0);
  auto at = [&](std::size_t j) -> const Hash& {
    if (!prepend) return proof.path[j];
    return j == 0 ? first_root : proof.path[j - 1];
  };

  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = at(0);
  Hash sr = fr;
  for (std::size_t j = 1; j < count; ++j) {
    const Hash& c = at(j);
    if (sn == 0) return InternalError("consistency proof: path longer than the tree is deep");
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InternalError("consistency proof: path shorter than the tree is deep");
  if (!Equal(fr, first_root)) {
    return DataLossError("consistency proof from " + N(first) + " to " + N(second) +
                         " does not reproduce the first root: the log forked or the proof is "
                         "corrupt");
  }
  if (!Equal(sr, second_root)) {
    return DataLossError("consistency proof from " + N(first) + " to " + N(second) +
                         " does not reproduce the second root: the log forked or the proof is "
                         "corrupt");
  }
  return OkStatus();
}

}  // namespace sekisho::audit
