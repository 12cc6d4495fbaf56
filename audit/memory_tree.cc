#include "audit/memory_tree.h"

#include <string>

namespace sekisho::audit {

void MemoryTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Each level gains a node whenever the level below reaches an even count.
  for (std::size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const std::vector<Hash>& below = levels_[level];
    levels_[level + 1].push_back(HashChildren(below[below.size() - 2], below.back()));
  }
}

Status MemoryTree::CheckSize(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgumentError("tree size " + std::to_string(tree_size) + " is beyond the " +
                                std::to_string(size()) + " leaves of the tree");
  }
  return OkStatus();
}

NodeReader MemoryTree::Reader() const {
  return [this](std::span<const NodeId> nodes) -> Result<std::vector<Hash>> {
    std::vector<Hash> out;
    out.reserve(nodes.size());
    for (const NodeId& node : nodes) {
      if (static_cast<std::size_t>(node.level) >= levels_.size() ||
          node.index >= levels_[node.level].size()) {
        return InvalidArgumentError("node (level " + std::to_string(node.level) + ", index " +
                                    std::to_string(node.index) + ") is not in the tree");
      }
      out.push_back(levels_[node.level][node.index]);
    }
    return out;
  };
}

Result<Hash> MemoryTree::RootAt(std::uint64_t tree_size) const {
  RETURN_IF_ERROR(CheckSize(tree_size));
  return BuildRoot(tree_size, Reader());
}

Hash MemoryTree::Root() const {
  if (size() == 0) return EmptyTreeRoot();
  std::vector<Hash> edge;
  for (const NodeId& node : SubtreesOf(0, size())) edge.push_back(levels_[node.level][node.index]);
  return FoldSubtrees(edge);
}

Result<InclusionProof> MemoryTree::ProveInclusion(std::uint64_t index,
                                                  std::uint64_t tree_size) const {
  RETURN_IF_ERROR(CheckSize(tree_size));
  return BuildInclusionProof(index, tree_size, Reader());
}

Result<ConsistencyProof> MemoryTree::ProveConsistency(std::uint64_t first,
                                                      std::uint64_t second) const {
  RETURN_IF_ERROR(CheckSize(second));
  return BuildConsistencyProof(first, second, Reader());
}

}  // namespace sekisho::audit
