#include "base/secret.h"

#include <gtest/gtest.h>

namespace sekisho {
namespace {

TEST(SecretBytesTest, WipeEmptiesAndMoveTransfers) {
  SecretBytes pin("1234");
  EXPECT_EQ(pin.size(), 4u);
  SecretBytes moved(std::move(pin));
  EXPECT_TRUE(pin.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  EXPECT_EQ(ToString(moved.view()), "1234");
  moved.Wipe();
  EXPECT_TRUE(moved.empty());
}

TEST(SecretBytesTest, WipeBytesZeroesBeforeClearing) {
  Bytes apdu = {0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4'};
  const std::uint8_t* data = apdu.data();
  const std::size_t n = apdu.size();
  WipeBytes(apdu);
  EXPECT_TRUE(apdu.empty());
  // clear() keeps the allocation, so the old storage can be inspected.
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(data[i], 0) << i;
}

}  // namespace
}  // namespace sekisho
