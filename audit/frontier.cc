#include "audit/frontier.h"

#include <bit>
#include <string>

namespace sekisho::audit {

Result<Frontier> Frontier::FromSubtrees(std::uint64_t size, std::vector<Hash> hashes) {
  const auto expected = static_cast<std::size_t>(std::popcount(size));
  if (hashes.size() != expected) {
    return InvalidArgumentError("a tree of " + std::to_string(size) + " leaves has " +
                                std::to_string(expected) + " edge subtrees, got " +
                                std::to_string(hashes.size()) + " hashes");
  }
  Frontier frontier;
  frontier.size_ = size;
  frontier.hashes_ = std::move(hashes);
  return frontier;
}

Hash Frontier::Root() const {
  if (hashes_.empty()) return EmptyTreeRoot();
  return FoldSubtrees(hashes_);
}

}  // namespace sekisho::audit
