#include "audit/frontier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/memory_tree.h"
#include "audit/test_vectors.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FrontierTest, ReportsEveryCompletedNodeOnceInKeyOrderWithItsHash) {
  const std::vector<Hash> leaves = testing::SampleLeafHashes(70);
  MemoryTree tree;
  Frontier frontier;
  std::size_t completed = 0;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    tree.Append(leaves[i]);
    int last_level = 0;
    frontier.Append(leaves[i], [&](NodeId node, const Hash& hash) {
      // Lowest level first, and the node ends at the new size.
      EXPECT_EQ(node.level, last_level + 1);
      last_level = node.level;
      EXPECT_EQ(node.end(), i + 1);
      EXPECT_EQ(hash, (*tree.Reader()(std::vector{node}))[0]);
      ++completed;
    });
    EXPECT_EQ(frontier.Root(), tree.Root()) << i + 1 << " leaves";
    EXPECT_EQ(frontier.size(), i + 1);
  }
  // A tree of n leaves has n - popcount(n) internal perfect subtrees.
  EXPECT_EQ(completed, 70u - 3u);
}

TEST(FrontierTest, RestoresFromTheEdgeSubtrees) {
  const std::vector<Hash> leaves = testing::SampleLeafHashes(23);
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.Append(leaf);
  auto edge = tree.Reader()(SubtreesOf(0, 21));
  ASSERT_THAT(edge, IsOk());
  auto frontier = Frontier::FromSubtrees(21, *edge);
  ASSERT_THAT(frontier, IsOk());
  EXPECT_EQ(frontier->Root(), *tree.RootAt(21));
  frontier->Append(leaves[21]);
  frontier->Append(leaves[22]);
  EXPECT_EQ(frontier->Root(), tree.Root());
  EXPECT_THAT(Frontier::FromSubtrees(21, std::vector<Hash>(2)),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("a tree of 21 leaves has 3 edge subtrees, got 2 hashes")));
}

}  // namespace
}  // namespace sekisho::audit
