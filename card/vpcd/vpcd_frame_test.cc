#include "card/vpcd/vpcd_frame.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::card::vpcd {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

using ::sekisho::testing::H;

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

TEST(VpcdFrameTest, DecodesTheHeaderTheEncoderWrites) {
  for (std::size_t size : {std::size_t{1}, std::size_t{5}, std::size_t{300}, kMaxFramePayload}) {
    const Bytes frame = *EncodeFrame(Bytes(size, 0x5A));
    auto length = DecodeFrameHeader(
        std::span<const std::uint8_t, kFrameHeaderSize>(frame.data(), kFrameHeaderSize));
    ASSERT_THAT(length, IsOk());
    EXPECT_EQ(*length, size);
  }
  const std::uint8_t zero[kFrameHeaderSize] = {0x00, 0x00};
  EXPECT_THAT(
      DecodeFrameHeader(zero),
      StatusIs(StatusCode::kDataLoss, "zero-length frame from the driver (the protocol has none)"));
}

TEST(VpcdFrameTest, OneBytePayloadsAreControlMessagesLongerOnesCommands) {
  const Bytes get_atr = H("04");
  DriverMessage m = ParseDriverMessage(get_atr);
  EXPECT_TRUE(m.is_control);
  EXPECT_EQ(m.control, Control::kGetAtr);
  EXPECT_TRUE(m.command.empty());

  m = ParseDriverMessage(H("03"));
  EXPECT_TRUE(m.is_control);
  EXPECT_EQ(m.control, std::nullopt);

  const Bytes select = H("00A4040C0AD392F000260100000001");
  m = ParseDriverMessage(select);
  EXPECT_FALSE(m.is_control);
  EXPECT_EQ(m.control, std::nullopt);
  EXPECT_EQ(m.command.data(), select.data());  // a view, not a copy
  EXPECT_EQ(m.command.size(), select.size());
  // Two bytes are already a command (an APDU too short to be valid is the card's to refuse).
  EXPECT_FALSE(ParseDriverMessage(H("0004")).is_control);
}

}  // namespace
}  // namespace sekisho::card::vpcd
