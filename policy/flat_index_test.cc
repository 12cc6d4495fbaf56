#include "policy/flat_index.h"

#include <gtest/gtest.h>

#include <map>

#include "base/random.h"
#include "policy/test_policy.h"

namespace sekisho::policy {
namespace {

using Index = FlatIndex<ObjectId, ObjectIdHash>;

TEST(FlatIndexTest, EmptyFindsNothing) {
  Index index;
  EXPECT_EQ(index.Find(1), Index::kAbsent);
  EXPECT_FALSE(index.Erase(1));
  EXPECT_EQ(index.size(), 0u);
}

TEST(FlatIndexTest, SetFindReplaceErase) {
  Index index;
  index.Set(7, 70);
  index.Set(8, 80);
  EXPECT_EQ(index.Find(7), 70u);
  EXPECT_EQ(index.Find(8), 80u);
  EXPECT_EQ(index.Find(9), Index::kAbsent);
  index.Set(7, 71);
  EXPECT_EQ(index.Find(7), 71u);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_TRUE(index.Erase(7));
  EXPECT_FALSE(index.Erase(7));
  EXPECT_EQ(index.Find(7), Index::kAbsent);
  EXPECT_EQ(index.Find(8), 80u);
  EXPECT_EQ(index.size(), 1u);
  index.Clear();
  EXPECT_EQ(index.Find(8), Index::kAbsent);
  EXPECT_EQ(index.size(), 0u);
}

TEST(FlatIndexTest, LoadStaysAtMostHalf) {
  Index index;
  for (ObjectId id = 1; id <= 1000; ++id) {
    index.Set(id, id);
    EXPECT_LE(index.size() * 2, index.capacity());
  }
  Index reserved;
  reserved.Reserve(1000);
  const std::size_t capacity = reserved.capacity();
  EXPECT_GE(capacity, 2000u);
  for (ObjectId id = 1; id <= 1000; ++id) reserved.Set(id, id);
  EXPECT_EQ(reserved.capacity(), capacity);
}

// A hash with few distinct values piles keys into long probe runs that wrap around the end of
// the table: the worst case for backward-shift deletion.
struct FewValuesHash {
  std::uint64_t operator()(ObjectId id) const { return id % 3; }
};

template <typename Hash>
void CheckAgainstMap(std::uint64_t seed, int operations, ObjectId key_range) {
  SeededRandom random(seed);
  testing::Draw draw(random);
  // The extra value (here: position * 3 + 1) travels with its entry through growth and
  // backward shifts.
  FlatIndex<ObjectId, Hash, std::uint64_t> index;
  std::map<ObjectId, std::uint32_t> reference;
  for (int i = 0; i < operations; ++i) {
    const ObjectId key = static_cast<ObjectId>(draw.Below(key_range));
    switch (draw.Below(3)) {
      case 0:
      case 1: {
        const auto position = static_cast<std::uint32_t>(draw.Below(1000000));
        index.Set(key, position, std::uint64_t{position} * 3 + 1);
        reference[key] = position;
        break;
      }
      default:
        ASSERT_EQ(index.Erase(key), reference.erase(key) == 1) << "operation " << i;
    }
    ASSERT_EQ(index.size(), reference.size());
    // Every key in range, present or not, answers as the map does.
    if (i % 16 == 0) {
      for (ObjectId k = 0; k < key_range; ++k) {
        const auto it = reference.find(k);
        std::uint64_t extra = 0;
        ASSERT_EQ(index.Find(k, &extra), it == reference.end() ? Index::kAbsent : it->second)
            << "key " << k << " after operation " << i;
        if (it != reference.end()) {
          ASSERT_EQ(extra, std::uint64_t{it->second} * 3 + 1) << "key " << k;
        }
      }
    }
  }
}

TEST(FlatIndexTest, RandomOperationsMatchAMap) { CheckAgainstMap<ObjectIdHash>(1, 4000, 300); }

TEST(FlatIndexTest, RandomOperationsMatchAMapWithCollidingHashes) {
  CheckAgainstMap<FewValuesHash>(2, 3000, 60);
}

TEST(FlatIndexTest, CredentialKeysDifferingAfterTheFirstEightBytes) {
  FlatIndex<CredentialKey, CredentialKeyHash> index;
  CredentialKey a{};
  CredentialKey b{};
  b[15] = 1;  // same first 8 bytes: same hash, different keys
  index.Set(a, 1);
  index.Set(b, 2);
  EXPECT_EQ(index.Find(a), 1u);
  EXPECT_EQ(index.Find(b), 2u);
  CredentialKey c{};
  c[8] = 1;
  EXPECT_EQ(index.Find(c), (FlatIndex<CredentialKey, CredentialKeyHash>::kAbsent));
  EXPECT_TRUE(index.Erase(a));
  EXPECT_EQ(index.Find(b), 2u);
}

}  // namespace
}  // namespace sekisho::policy
