#include "base/bytes.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho {
namespace {

using testing::StatusIs;

TEST(HexTest, RoundTrip) {
  const Bytes b = {0x00, 0xA4, 0x04, 0x0C, 0xFF};
  EXPECT_EQ(ToHex(b), "00A4040CFF");
  EXPECT_EQ(ToHex(b, true), "00 A4 04 0C FF");
  EXPECT_EQ(*FromHex("00 a4:04\n0cFF"), b);
  EXPECT_EQ(*FromHex(""), Bytes{});
}

TEST(HexTest, RejectsMalformed) {
  EXPECT_THAT(FromHex("0"), StatusIs(StatusCode::kInvalidArgument, "hex: odd number of digits"));
  EXPECT_THAT(FromHex("0g"), StatusIs(StatusCode::kInvalidArgument,
                                      "hex: not a hex digit at position 1"));
  EXPECT_THAT(FromHex("0 0"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(BytesTest, HelpersAgree) {
  Bytes b = ToBytes("JPKI");
  Append(b, Bytes{0x20});
  EXPECT_EQ(ToString(b), "JPKI ");
  EXPECT_EQ(ReadU16(0x90, 0x00), 0x9000);
}

}  // namespace
}  // namespace sekisho
