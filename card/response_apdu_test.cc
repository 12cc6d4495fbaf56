#include "card/response_apdu.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::card {
namespace {

using testing::IsOk;
using testing::StatusIs;

using ::sekisho::testing::H;

TEST(ResponseApduTest, ParseSplitsDataAndStatusWord) {
  auto r = ResponseApdu::Parse(H("0102 0304 6282"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->data, H("01020304"));
  EXPECT_EQ(r->sw, 0x6282);
  EXPECT_EQ(r->sw1(), 0x62);
  EXPECT_EQ(r->sw2(), 0x82);
  EXPECT_TRUE(r->Is(StatusWord::kWarningEndOfFile));
  EXPECT_FALSE(r->ok());
}

TEST(ResponseApduTest, StatusWordOnly) {
  auto r = ResponseApdu::Parse(H("9000"));
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->data.empty());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(*r, ResponseApdu::Of(StatusWord::kOk));
}

TEST(ResponseApduTest, EncodeParseRoundTrip) {
  const ResponseApdu cases[] = {
      ResponseApdu::Of(StatusWord::kOk),
      ResponseApdu::Of(StatusWord::kOk, H("3082051F")),
      ResponseApdu::Of(StatusWord::kFileNotFound),
      ResponseApdu{Bytes(256, 0xA5), 0x6110},
      ResponseApdu{{}, 0x63C2},
      ResponseApdu{H("90 00"), 0x9000},  // data that looks like a status word
  };
  for (const ResponseApdu& c : cases) {
    const Bytes encoded = c.Encode();
    ASSERT_EQ(encoded.size(), c.data.size() + 2);
    EXPECT_EQ(encoded[encoded.size() - 2], c.sw1());
    EXPECT_EQ(encoded[encoded.size() - 1], c.sw2());
    auto parsed = ResponseApdu::Parse(encoded);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, c);
  }
}

TEST(ResponseApduTest, KnownEncoding) {
  EXPECT_EQ(ResponseApdu::Of(StatusWord::kSecurityStatusNotSatisfied, H("AB")).Encode(),
            H("AB 69 82"));
}

TEST(ResponseApduTest, FewerThanTwoBytesIsDataLoss) {
  EXPECT_THAT(ResponseApdu::Parse({}),
              StatusIs(StatusCode::kDataLoss, "response of 0 bytes has no status word"));
  EXPECT_THAT(ResponseApdu::Parse(H("90")),
              StatusIs(StatusCode::kDataLoss, "response of 1 bytes has no status word"));
}

}  // namespace
}  // namespace sekisho::card
