#include "audit/merkle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>

#include "audit/frontier.h"
#include "audit/memory_tree.h"
#include "audit/test_vectors.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::StatusIs;
using testing::CtLeaves;
using testing::CtRoots;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::NaiveMth;

TEST(MerkleTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(HashHex(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MerkleTest, LeafHashPrefixesZero) {
  // MTH({""}) = SHA-256(0x00).
  EXPECT_EQ(HashHex(HashLeaf({})),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Bytes leaf = ToBytes("abc");
  EXPECT_EQ(HashLeaf(leaf), testing::NaiveLeafHash(leaf));
}

TEST(MerkleTest, NodeHashPrefixesOne) {
  const std::vector<Bytes> leaves = CtLeaves();
  // The two-leaf CT root is SHA-256(0x01 || leaf hash 0 || leaf hash 1).
  EXPECT_EQ(HashHex(HashChildren(HashLeaf(leaves[0]), HashLeaf(leaves[1]))), CtRoots()[2]);
}

TEST(MerkleTest, ComputedRootsMatchTheCtVectorsAndTheNaiveRecursion) {
  const std::vector<Bytes> leaves = CtLeaves();
  const std::vector<std::string> roots = CtRoots();
  MemoryTree tree;
  Frontier frontier;
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    const Hash naive = NaiveMth(std::span(leaves).first(n));
    EXPECT_EQ(HashHex(naive), roots[n]) << "naive MTH of " << n << " leaves";
    EXPECT_EQ(HashHex(tree.Root()), roots[n]) << "memory tree of " << n << " leaves";
    EXPECT_EQ(HashHex(frontier.Root()), roots[n]) << "frontier of " << n << " leaves";
    if (n < leaves.size()) {
      tree.Append(HashLeaf(leaves[n]));
      frontier.Append(HashLeaf(leaves[n]));
    }
  }
  // The 8-leaf root, hard-coded as published.
  EXPECT_EQ(HashHex(tree.Root()),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

TEST(MerkleTest, SplitPointIsTheLargestPowerOfTwoBelow) {
  EXPECT_EQ(SplitPoint(2), 1u);
  EXPECT_EQ(SplitPoint(3), 2u);
  EXPECT_EQ(SplitPoint(4), 2u);
  EXPECT_EQ(SplitPoint(5), 4u);
  EXPECT_EQ(SplitPoint(8), 4u);
  EXPECT_EQ(SplitPoint(9), 8u);
  EXPECT_EQ(SplitPoint(1000), 512u);
  EXPECT_EQ(SplitPoint((std::uint64_t{1} << 63) + 1), std::uint64_t{1} << 63);
}

TEST(MerkleTest, SubtreesOfARangeFollowTheSplits) {
  EXPECT_THAT(SubtreesOf(0, 1), ElementsAre(NodeId{0, 0}));
  EXPECT_THAT(SubtreesOf(0, 8), ElementsAre(NodeId{3, 0}));
  EXPECT_THAT(SubtreesOf(0, 7), ElementsAre(NodeId{2, 0}, NodeId{1, 2}, NodeId{0, 6}));
  EXPECT_THAT(SubtreesOf(8, 13), ElementsAre(NodeId{2, 2}, NodeId{0, 12}));
  EXPECT_TRUE(SubtreesOf(5, 5).empty());
  const NodeId node{2, 3};
  EXPECT_EQ(node.begin(), 12u);
  EXPECT_EQ(node.end(), 16u);
}

TEST(MerkleTest, FoldOfSubtreesIsTheMthOfEveryRange) {
  const std::vector<Hash> leaves = testing::SampleLeafHashes(40);
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.Append(leaf);
  // Every range the RFC recursion can visit: begin a multiple of a power of two >= its length.
  for (std::uint64_t begin = 0; begin < 40; ++begin) {
    for (std::uint64_t end = begin + 1; end <= 40; ++end) {
      const std::uint64_t length = end - begin;
      if (begin % std::bit_ceil(length) != 0) continue;
      const std::vector<NodeId> nodes = SubtreesOf(begin, end);
      auto hashes = tree.Reader()(nodes);
      ASSERT_TRUE(hashes.ok());
      EXPECT_EQ(FoldSubtrees(*hashes),
                testing::NaiveMthOfHashes(std::span(leaves).subspan(begin, length)))
          << "[" << begin << ", " << end << ")";
    }
  }
}

TEST(MerkleTest, HashFromBytesNeedsThirtyTwoBytes) {
  EXPECT_THAT(HashFromBytes(Bytes(31), "root"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("root: expected a 32-byte hash")));
  auto hash = HashFromBytes(Bytes(32, 0xAB), "root");
  ASSERT_TRUE(hash.ok());
  std::string expected;
  for (int i = 0; i < 32; ++i) expected += "ab";
  EXPECT_EQ(HashHex(*hash), expected);
}

}  // namespace
}  // namespace sekisho::audit
