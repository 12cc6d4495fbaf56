#include "base/random.h"

#include <gtest/gtest.h>

namespace sekisho {
namespace {

TEST(SeededRandomTest, SameSeedSameStreamDifferentSeedDifferentStream) {
  SeededRandom a(42), b(42), c(43);
  const Bytes x = a.Generate(100), y = b.Generate(100), z = c.Generate(100);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_NE(a.Generate(32), x.size() >= 32 ? Bytes(x.begin(), x.begin() + 32) : Bytes{});
}

TEST(SeededRandomTest, KnownAnswer) {
  // First block = SHA-256(seed 0 as 8 BE bytes || counter 0 as 8 BE bytes) = SHA-256(16 zeros).
  SeededRandom r(0);
  EXPECT_EQ(ToHex(r.Generate(4)), "374708FF");
}

TEST(OsRandomTest, FillsAndDiffers) {
  OsRandom r;
  EXPECT_NE(r.Generate(32), r.Generate(32));
}

}  // namespace
}  // namespace sekisho
