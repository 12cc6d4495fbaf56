#include "audit/proof_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>

#include "audit/memory_tree.h"
#include "audit/test_vectors.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Counts the nodes read, to show that proofs are O(log n) reads.
struct CountingReader {
  const MemoryTree& tree;
  std::size_t* reads;
  Result<std::vector<Hash>> operator()(std::span<const NodeId> nodes) const {
    *reads += nodes.size();
    return tree.Reader()(nodes);
  }
};

TEST(ProofBuilderTest, PlansNameTheSiblingSubtreesLeafToRoot) {
  // Leaf 6 of 7: siblings leaf 4-5 (level 1), then leaves 0-3 (level 2).
  EXPECT_THAT(InclusionProofPlan(6, 7),
              ElementsAre(ElementsAre(NodeId{1, 2}), ElementsAre(NodeId{2, 0})));
  // Leaf 0 of 7: leaf 1, leaves 2-3, then MTH(D[4:7]) folded from leaves 4-5 and leaf 6.
  EXPECT_THAT(InclusionProofPlan(0, 7),
              ElementsAre(ElementsAre(NodeId{0, 1}), ElementsAre(NodeId{1, 1}),
                          ElementsAre(NodeId{1, 2}, NodeId{0, 6})));
  EXPECT_TRUE(InclusionProofPlan(0, 1).empty());
  // RFC 9162 §2.1.4.1's example: PROOF(3, D[7]) = [c, d, g, l] in the figure's names.
  EXPECT_THAT(ConsistencyProofPlan(3, 7),
              ElementsAre(ElementsAre(NodeId{0, 2}), ElementsAre(NodeId{0, 3}),
                          ElementsAre(NodeId{1, 0}), ElementsAre(NodeId{1, 2}, NodeId{0, 6})));
  // PROOF(4, D[7]) = [l]: the old tree is a subtree on the left edge.
  EXPECT_THAT(ConsistencyProofPlan(4, 7), ElementsAre(ElementsAre(NodeId{1, 2}, NodeId{0, 6})));
  EXPECT_TRUE(ConsistencyProofPlan(0, 7).empty());
  EXPECT_TRUE(ConsistencyProofPlan(7, 7).empty());
}

TEST(ProofBuilderTest, ProofsReadLogarithmicallyManyNodes) {
  const std::uint64_t size = 3000;
  MemoryTree tree;
  for (const Hash& leaf : testing::SampleLeafHashes(size)) tree.Append(leaf);
  const int depth = std::bit_width(size);  // 12
  for (const std::uint64_t index : {std::uint64_t{0}, std::uint64_t{1234}, size - 1}) {
    std::size_t reads = 0;
    auto proof = BuildInclusionProof(index, size, CountingReader{tree, &reads});
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, static_cast<std::size_t>(2 * depth)) << "leaf " << index;
    const Hash leaf = (*tree.Reader()(std::vector{NodeId{0, index}}))[0];
    EXPECT_THAT(VerifyInclusion(leaf, *proof, tree.Root()), IsOk());
  }
  for (const std::uint64_t first : {std::uint64_t{1}, std::uint64_t{1000}, std::uint64_t{2999}}) {
    std::size_t reads = 0;
    auto proof = BuildConsistencyProof(first, size, CountingReader{tree, &reads});
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, static_cast<std::size_t>(3 * depth)) << "from " << first;
    EXPECT_THAT(VerifyConsistency(*proof, *tree.RootAt(first), tree.Root()), IsOk());
  }
  std::size_t reads = 0;
  ASSERT_THAT(BuildRoot(size, CountingReader{tree, &reads}), IsOk());
  EXPECT_LE(reads, static_cast<std::size_t>(depth));
}

TEST(ProofBuilderTest, RefusesImpossibleRequestsAndPassesReaderErrorsOn) {
  MemoryTree tree;
  for (const Hash& leaf : testing::SampleLeafHashes(5)) tree.Append(leaf);
  EXPECT_THAT(BuildInclusionProof(5, 5, tree.Reader()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("leaf index 5 is not below the tree size 5")));
  EXPECT_THAT(BuildConsistencyProof(6, 5, tree.Reader()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("first size 6 is larger than the second size 5")));
  // The memory tree refuses nodes it does not hold.
  EXPECT_THAT(BuildInclusionProof(0, 9, tree.Reader()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is not in the tree")));
  EXPECT_THAT(tree.ProveInclusion(0, 6),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("beyond the 5 leaves")));
  const NodeReader failing = [](std::span<const NodeId>) -> Result<std::vector<Hash>> {
    return DataLossError("disk on fire");
  };
  EXPECT_THAT(BuildRoot(5, failing), StatusIs(StatusCode::kDataLoss, HasSubstr("disk on fire")));
  EXPECT_THAT(BuildRoot(0, failing), IsOk());  // the empty tree reads nothing
  const NodeReader short_reader = [](std::span<const NodeId>) -> Result<std::vector<Hash>> {
    return std::vector<Hash>{};
  };
  EXPECT_THAT(BuildRoot(5, short_reader), StatusIs(StatusCode::kInternal));
}

}  // namespace
}  // namespace sekisho::audit
