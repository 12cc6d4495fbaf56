#include "card/vpcd/vpcd_frame.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::card::vpcd {
namespace {

using ::sekisho::testing::StatusIs;

TEST(VpcdFrameTest, EncodesBigEndianLengthThenPayload) {
  auto frame = EncodeFrame(*FromHex("00A4040C"));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, *FromHex("000400A4040C"));
}

TEST(VpcdFrameTest, EncodesEmptyAndLargestPayload) {
  EXPECT_EQ(*EncodeFrame({}), *FromHex("0000"));
  const Bytes big(kMaxFramePayload, 0xAB);
  auto frame = EncodeFrame(big);
  ASSERT_TRUE(frame.ok());
  ASSERT_EQ(frame->size(), kMaxFramePayload + 2);
  EXPECT_EQ((*frame)[0], 0xFF);
  EXPECT_EQ((*frame)[1], 0xFF);
  EXPECT_EQ((*frame)[2], 0xAB);
  // 300 = 0x012C: the high byte is first.
  EXPECT_EQ((*EncodeFrame(Bytes(300, 0)))[0], 0x01);
  EXPECT_EQ((*EncodeFrame(Bytes(300, 0)))[1], 0x2C);
}

TEST(VpcdFrameTest, RefusesPayloadLongerThanTheLengthFieldCarries) {
  EXPECT_THAT(EncodeFrame(Bytes(kMaxFramePayload + 1, 0)), StatusIs(StatusCode::kInvalidArgument));
}

TEST(VpcdFrameTest, ControlValuesAreThoseOfTheDriver) {
  EXPECT_EQ(ParseControl(0x00), Control::kPowerOff);
  EXPECT_EQ(ParseControl(0x01), Control::kPowerOn);
  EXPECT_EQ(ParseControl(0x02), Control::kReset);
  EXPECT_EQ(ParseControl(0x04), Control::kGetAtr);
  for (int v : {0x03, 0x05, 0x08, 0x80, 0xFF}) {
    EXPECT_EQ(ParseControl(static_cast<std::uint8_t>(v)), std::nullopt) << v;
  }
  EXPECT_STREQ(ControlName(Control::kGetAtr), "get ATR");
}

}  // namespace
}  // namespace sekisho::card::vpcd
