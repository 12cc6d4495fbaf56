#include "audit/proof.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/memory_tree.h"
#include "audit/test_vectors.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::FromHexOrDie;
using ::testing::HasSubstr;

constexpr std::uint64_t kMaxSize = 64;

MemoryTree TreeOf(std::span<const Hash> leaves) {
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.Append(leaf);
  return tree;
}

MemoryTree CtTree() {
  MemoryTree tree;
  for (const Bytes& leaf : testing::CtLeaves()) tree.Append(HashLeaf(leaf));
  return tree;
}

std::vector<Hash> Hashes(std::initializer_list<const char*> hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(FromHexOrDie(h));
  return out;
}

// Flips bits of every hash of `path` and expects `verify` to refuse each time with `code`:
// every one of the 256 bits when `all_bits`, else four bits per hash, at positions that move with
// `seed` so that the proofs of a tree together cover every byte and bit position.
template <typename Verify>
void ExpectFlipsRefused(std::vector<Hash>& path, bool all_bits, std::uint64_t seed, StatusCode code,
                        Verify&& verify) {
  for (std::size_t j = 0; j < path.size(); ++j) {
    for (std::size_t position = 0; position < 8 * kHashSize; ++position) {
      const std::size_t sampled = (seed * 97 + j * 31) % 64;
      if (!all_bits && position % 64 != sampled) continue;
      const auto mask = static_cast<std::uint8_t>(1 << (position % 8));
      path[j][position / 8] ^= mask;
      const Status status = verify();
      path[j][position / 8] ^= mask;
      ASSERT_EQ(status.code(), code)
          << "hash " << j << " bit " << position << ": " << status.ToString();
    }
  }
}

TEST(ProofTest, InclusionKnownAnswersFromTheCtVectors) {
  const MemoryTree tree = CtTree();
  const std::vector<Bytes> leaves = testing::CtLeaves();
  const Hash root = tree.Root();
  const InclusionProof leaf0{
      0, 8,
      Hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})};
  const InclusionProof leaf5{
      5, 8,
      Hashes({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})};
  for (const InclusionProof* known : {&leaf0, &leaf5}) {
    EXPECT_THAT(VerifyInclusion(HashLeaf(leaves[known->leaf_index]), *known, root), IsOk());
    auto built = tree.ProveInclusion(known->leaf_index, 8);
    ASSERT_THAT(built, IsOk());
    EXPECT_EQ(built->path, known->path);
  }
}

TEST(ProofTest, ConsistencyKnownAnswersFromTheCtVectors) {
  const MemoryTree tree = CtTree();
  const std::vector<ConsistencyProof> known = {
      {2, 8,
       Hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8,
       Hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5,
       Hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  for (const ConsistencyProof& proof : known) {
    EXPECT_THAT(
        VerifyConsistency(proof, *tree.RootAt(proof.first_size), *tree.RootAt(proof.second_size)),
        IsOk());
    auto built = tree.ProveConsistency(proof.first_size, proof.second_size);
    ASSERT_THAT(built, IsOk());
    EXPECT_EQ(built->path, proof.path);
  }
}

TEST(ProofTest, EveryInclusionProofUpTo64VerifiesAndEveryFlippedBitIsRefused) {
  const std::vector<Hash> leaves = testing::SampleLeafHashes(kMaxSize);
  const MemoryTree tree = TreeOf(leaves);
  for (std::uint64_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = *tree.RootAt(size);
    ASSERT_EQ(root, testing::NaiveMthOfHashes(std::span(leaves).first(size)));
    for (std::uint64_t index = 0; index < size; ++index) {
      auto built = tree.ProveInclusion(index, size);
      ASSERT_THAT(built, IsOk());
      InclusionProof proof = *built;
      ASSERT_EQ(proof.path, testing::NaivePath(index, std::span(leaves).first(size)))
          << "leaf " << index << " of " << size;
      ASSERT_EQ(proof.path.size(), InclusionProofLength(index, size));
      ASSERT_THAT(VerifyInclusion(leaves[index], proof, root), IsOk())
          << "leaf " << index << " of " << size;
      ExpectFlipsRefused(proof.path, size <= 16, size * kMaxSize + index,
                         StatusCode::kUnauthenticated,
                         [&] { return VerifyInclusion(leaves[index], proof, root); });
    }
  }
}

TEST(ProofTest, EveryConsistencyProofUpTo64VerifiesAndEveryFlippedBitIsRefused) {
  const std::vector<Hash> leaves = testing::SampleLeafHashes(kMaxSize);
  const MemoryTree tree = TreeOf(leaves);
  for (std::uint64_t second = 0; second <= kMaxSize; ++second) {
    const Hash second_root = *tree.RootAt(second);
    for (std::uint64_t first = 0; first <= second; ++first) {
      const Hash first_root = *tree.RootAt(first);
      auto built = tree.ProveConsistency(first, second);
      ASSERT_THAT(built, IsOk());
      ConsistencyProof proof = *built;
      ASSERT_EQ(proof.path, testing::NaiveProof(first, std::span(leaves).first(second)))
          << first << " to " << second;
      ASSERT_EQ(proof.path.size(), ConsistencyProofLength(first, second));
      ASSERT_THAT(VerifyConsistency(proof, first_root, second_root), IsOk())
          << first << " to " << second;
      ExpectFlipsRefused(proof.path, second <= 16, second * kMaxSize + first, StatusCode::kDataLoss,
                         [&] { return VerifyConsistency(proof, first_root, second_root); });
    }
  }
}

class ProofErrorTest : public ::testing::Test {
 protected:
  ProofErrorTest() : leaves_(testing::SampleLeafHashes(13)), tree_(TreeOf(leaves_)) {}
  std::vector<Hash> leaves_;
  MemoryTree tree_;
};

TEST_F(ProofErrorTest, LeafIndexMustBeBelowTheTreeSize) {
  InclusionProof proof = *tree_.ProveInclusion(12, 13);
  proof.leaf_index = 13;
  EXPECT_THAT(VerifyInclusion(leaves_[12], proof, tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("leaf index 13 is not below the tree size 13")));
  proof.tree_size = 0;
  proof.leaf_index = 0;
  EXPECT_THAT(VerifyInclusion(leaves_[0], proof, tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not below the tree size 0")));
}

TEST_F(ProofErrorTest, InclusionProofOfTheWrongLengthIsRefused) {
  InclusionProof proof = *tree_.ProveInclusion(5, 13);
  ASSERT_EQ(proof.path.size(), 4u);
  proof.path.push_back(proof.path.back());
  EXPECT_THAT(VerifyInclusion(leaves_[5], proof, tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("5 hashes for leaf 5 of a tree of size 13, expected 4")));
  proof.path.resize(3);
  EXPECT_THAT(VerifyInclusion(leaves_[5], proof, tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("3 hashes")));
  // A proof for one tree size presented for another.
  InclusionProof other = *tree_.ProveInclusion(5, 13);
  other.tree_size = 8;
  EXPECT_THAT(VerifyInclusion(leaves_[5], other, *tree_.RootAt(8)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 3")));
}

TEST_F(ProofErrorTest, InclusionRootMismatchesAreUnauthenticated) {
  const InclusionProof proof = *tree_.ProveInclusion(5, 13);
  Hash leaf = leaves_[5];
  leaf[31] ^= 0x01;
  EXPECT_THAT(VerifyInclusion(leaf, proof, tree_.Root()),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("inclusion proof of leaf 5 does not reproduce the root of the "
                                 "tree of size 13")));
  Hash root = tree_.Root();
  root[0] ^= 0x80;
  EXPECT_THAT(VerifyInclusion(leaves_[5], proof, root), StatusIs(StatusCode::kUnauthenticated));
  // The right leaf and proof at another index of the same length.
  InclusionProof moved = proof;
  moved.leaf_index = 4;
  EXPECT_THAT(VerifyInclusion(leaves_[5], moved, tree_.Root()),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifyInclusion(leaves_[4], proof, tree_.Root()),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(ProofErrorTest, ConsistencyWithTheFirstSizeAboveTheSecondIsRefused) {
  const ConsistencyProof proof{9, 5, {}};
  EXPECT_THAT(VerifyConsistency(proof, tree_.Root(), tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("first size 9 is larger than the second size 5")));
}

TEST_F(ProofErrorTest, ConsistencyProofOfTheWrongLengthIsRefused) {
  ConsistencyProof proof = *tree_.ProveConsistency(5, 13);
  const std::size_t length = proof.path.size();
  proof.path.pop_back();
  EXPECT_THAT(VerifyConsistency(proof, *tree_.RootAt(5), tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(std::to_string(length - 1) +
                                                               " hashes for sizes 5 and 13, "
                                                               "expected " +
                                                               std::to_string(length))));
  const ConsistencyProof same{13, 13, {tree_.Root()}};
  EXPECT_THAT(VerifyConsistency(same, tree_.Root(), tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 0")));
  const ConsistencyProof from_empty{0, 13, {tree_.Root()}};
  EXPECT_THAT(VerifyConsistency(from_empty, EmptyTreeRoot(), tree_.Root()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 0")));
}

TEST_F(ProofErrorTest, TwoRootsForOneSizeAreAFork) {
  const ConsistencyProof same{13, 13, {}};
  EXPECT_THAT(VerifyConsistency(same, tree_.Root(), tree_.Root()), IsOk());
  EXPECT_THAT(
      VerifyConsistency(same, tree_.Root(), *tree_.RootAt(12)),
      StatusIs(StatusCode::kDataLoss, HasSubstr("log fork: two different roots for tree size 13")));
  const ConsistencyProof from_empty{0, 13, {}};
  EXPECT_THAT(VerifyConsistency(from_empty, EmptyTreeRoot(), tree_.Root()), IsOk());
  EXPECT_THAT(VerifyConsistency(from_empty, tree_.Root(), tree_.Root()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("root of the empty tree")));
}

TEST_F(ProofErrorTest, AConsistencyProofMustReproduceBothRoots) {
  const ConsistencyProof proof = *tree_.ProveConsistency(5, 13);
  // A log that showed a different tree of size 5 (a fork) cannot be proved consistent.
  std::vector<Hash> forked = leaves_;
  forked[2][0] ^= 0x01;
  const MemoryTree other = TreeOf(forked);
  EXPECT_THAT(VerifyConsistency(proof, *other.RootAt(5), tree_.Root()),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("consistency proof from 5 to 13 does not reproduce the first "
                                 "root")));
  EXPECT_THAT(VerifyConsistency(proof, *tree_.RootAt(5), other.Root()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("does not reproduce the second root")));
  // When the first tree is a perfect subtree its root starts both computations (RFC 9162
  // §2.1.4.2 step 2), so another first root shows in the second.
  const ConsistencyProof from_four = *tree_.ProveConsistency(4, 13);
  EXPECT_THAT(VerifyConsistency(from_four, *other.RootAt(4), tree_.Root()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("does not reproduce the second root")));
}

TEST(ProofLengthTest, MatchesTheRecursions) {
  EXPECT_EQ(InclusionProofLength(0, 1), 0u);
  EXPECT_EQ(InclusionProofLength(0, 8), 3u);
  EXPECT_EQ(InclusionProofLength(12, 13), 2u);
  EXPECT_EQ(InclusionProofLength(0, 100'000'000), 27u);
  EXPECT_EQ(ConsistencyProofLength(0, 8), 0u);
  EXPECT_EQ(ConsistencyProofLength(8, 8), 0u);
  EXPECT_EQ(ConsistencyProofLength(4, 8), 1u);
  EXPECT_EQ(ConsistencyProofLength(6, 8), 3u);
}

}  // namespace
}  // namespace sekisho::audit
