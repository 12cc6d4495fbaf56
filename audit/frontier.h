// The right edge of a Merkle tree: the hashes of the perfect subtrees SubtreesOf(0, size), from
// which the next leaf is appended in O(1) amortised hashes and the root computed in O(log n).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "audit/merkle.h"
#include "base/result.h"

namespace sekisho::audit {

class Frontier {
 public:
  // The frontier of the empty tree.
  Frontier() = default;
  // The frontier of a tree of `size` leaves from the hashes of SubtreesOf(0, size), in order.
  // kInvalidArgument when the number of hashes is not the number of those subtrees.
  static Result<Frontier> FromSubtrees(std::uint64_t size, std::vector<Hash> hashes);

  std::uint64_t size() const { return size_; }
  const std::vector<Hash>& hashes() const { return hashes_; }

  // Appends the leaf with hash `leaf_hash`; calls `completed(NodeId, const Hash&)` for each
  // internal node (level >= 1) the leaf completes, lowest level first.
  template <typename Completed>
  void Append(const Hash& leaf_hash, Completed&& completed) {
    Hash acc = leaf_hash;
    int level = 0;
    while (((size_ >> level) & 1) != 0) {
      acc = HashChildren(hashes_.back(), acc);
      hashes_.pop_back();
      ++level;
      completed(NodeId{level, ((size_ + 1) >> level) - 1}, std::as_const(acc));
    }
    hashes_.push_back(acc);
    ++size_;
  }
  void Append(const Hash& leaf_hash) {
    Append(leaf_hash, [](NodeId, const Hash&) {});
  }

  // MTH of the whole tree (the empty tree's root when size() is 0).
  Hash Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> hashes_;  // one per set bit of size_, the highest level first
};

}  // namespace sekisho::audit
