#include "audit/proof_builder.h"

#include <algorithm>
#include <string>

namespace sekisho::audit {
namespace {

// Reads every node of `plan` at once and folds each element.
Result<std::vector<Hash>> Resolve(const ProofPlan& plan, const NodeReader& read) {
  std::vector<NodeId> nodes;
  for (const auto& element : plan) nodes.insert(nodes.end(), element.begin(), element.end());
  ASSIGN_OR_RETURN(const std::vector<Hash> hashes, read(nodes));
  if (hashes.size() != nodes.size()) {
    return InternalError("node reader returned " + std::to_string(hashes.size()) + " hashes for " +
                         std::to_string(nodes.size()) + " nodes");
  }
  std::vector<Hash> out;
  out.reserve(plan.size());
  std::size_t next = 0;
  for (const auto& element : plan) {
    out.push_back(FoldSubtrees(std::span(hashes).subspan(next, element.size())));
    next += element.size();
  }
  return out;
}

}  // namespace

ProofPlan InclusionProofPlan(std::uint64_t index, std::uint64_t size) {
  // RFC 9162 §2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, and
  // PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise. Collected root first, then reversed.
  ProofPlan plan;
  std::uint64_t begin = 0;
  std::uint64_t end = size;
  while (end - begin > 1) {
    const std::uint64_t split = begin + SplitPoint(end - begin);
    if (index < split) {
      plan.push_back(SubtreesOf(split, end));
      end = split;
    } else {
      plan.push_back(SubtreesOf(begin, split));
      begin = split;
    }
  }
  std::reverse(plan.begin(), plan.end());
  return plan;
}

ProofPlan ConsistencyProofPlan(std::uint64_t first, std::uint64_t second) {
  // RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], b) is {} when m = n and b, {MTH(D[n])} when m = n and
  // not b, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) when m <= k, and
  // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) otherwise. Collected outermost first.
  ProofPlan plan;
  if (first == 0 || first == second) return plan;
  std::uint64_t m = first;
  std::uint64_t begin = 0;
  std::uint64_t end = second;
  bool on_left_edge = true;
  while (end - begin != m) {
    const std::uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      plan.push_back(SubtreesOf(begin + k, end));
      end = begin + k;
    } else {
      plan.push_back(SubtreesOf(begin, begin + k));
      begin += k;
      m -= k;
      on_left_edge = false;
    }
  }
  if (!on_left_edge) plan.push_back(SubtreesOf(begin, end));
  std::reverse(plan.begin(), plan.end());
  return plan;
}

Result<Hash> BuildRoot(std::uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyTreeRoot();
  ASSIGN_OR_RETURN(const std::vector<Hash> root, Resolve({SubtreesOf(0, size)}, read));
  return root.front();
}

Result<InclusionProof> BuildInclusionProof(std::uint64_t index, std::uint64_t size,
                                           const NodeReader& read) {
  if (index >= size) {
    return InvalidArgumentError("leaf index " + std::to_string(index) +
                                " is not below the tree size " + std::to_string(size));
  }
  InclusionProof proof{index, size, {}};
  ASSIGN_OR_RETURN(proof.path, Resolve(InclusionProofPlan(index, size), read));
  return proof;
}

Result<ConsistencyProof> BuildConsistencyProof(std::uint64_t first, std::uint64_t second,
                                               const NodeReader& read) {
  if (first > second) {
    return InvalidArgumentError("first size " + std::to_string(first) +
                                " is larger than the second size " + std::to_string(second));
  }
  ConsistencyProof proof{first, second, {}};
  ASSIGN_OR_RETURN(proof.path, Resolve(ConsistencyProofPlan(first, second), read));
  return proof;
}

}  // namespace sekisho::audit
