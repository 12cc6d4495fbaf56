#include "card/command_apdu.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::card {
namespace {

using testing::StatusIs;

using ::sekisho::testing::H;

// Known-answer vectors: ISO/IEC 7816-4:2020 §5.1 Table 2/3 encodings of each case.
struct Vector {
  const char* hex;
  ApduCase apdu_case;
  std::size_t nc;
  std::optional<std::size_t> ne;
};

class CommandApduVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(CommandApduVectors, ParseAndEncodeAreInverse) {
  const Vector& v = GetParam();
  auto parsed = CommandApdu::Parse(H(v.hex));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Case(), v.apdu_case);
  EXPECT_EQ(parsed->data.size(), v.nc);
  EXPECT_EQ(parsed->ne, v.ne);
  EXPECT_EQ(*parsed->Encode(), H(v.hex));
}

INSTANTIATE_TEST_SUITE_P(
    Iso7816, CommandApduVectors,
    ::testing::Values(
        Vector{"00A4000C", ApduCase::k1, 0, std::nullopt},                    // case 1
        Vector{"00B0000020", ApduCase::k2, 0, 32},                           // case 2S
        Vector{"00B0000000", ApduCase::k2, 0, 256},                          // case 2S, Le=00
        Vector{"00B00000000000", ApduCase::k2, 0, 65536},                    // case 2E, 0000
        Vector{"00B0000000012C", ApduCase::k2, 0, 300},                      // case 2E
        Vector{"00A4040C0AD392F000260100000001", ApduCase::k3, 10, std::nullopt},  // case 3S
        Vector{"802A00800331323300", ApduCase::k4, 3, 256},                  // case 4S
        Vector{"00A4040C0AD392F00026010000000110", ApduCase::k4, 10, 16}));  // case 4S

TEST(CommandApduTest, ExtendedCase3And4RoundTrip) {
  CommandApdu c{0x80, 0xA2, 0x00, 0xC1, Bytes(307, 0xAB), std::nullopt};
  Bytes e = *c.Encode();
  ASSERT_EQ(e.size(), 4u + 3u + 307u);
  EXPECT_EQ(e[4], 0x00);
  EXPECT_EQ(ReadU16(e[5], e[6]), 307);
  EXPECT_EQ(*CommandApdu::Parse(e), c);
  c.ne = 65536;
  e = *c.Encode();
  EXPECT_EQ(e.size(), 4u + 3u + 307u + 2u);
  EXPECT_EQ(e[e.size() - 2], 0x00);
  EXPECT_EQ(e[e.size() - 1], 0x00);
  EXPECT_EQ(*CommandApdu::Parse(e), c);
  EXPECT_EQ(CommandApdu::Parse(e)->Case(), ApduCase::k4);
}

TEST(CommandApduTest, ShortDataWithLongNeUsesExtendedForBoth) {
  CommandApdu c{0x00, 0xB0, 0x00, 0x00, {0x01}, 1000};
  EXPECT_TRUE(c.NeedsExtendedLength());
  EXPECT_EQ(ToHex(*c.Encode()), "00B00000000001" "01" "03E8");
}

TEST(CommandApduTest, RejectsMalformedWithReason) {
  EXPECT_THAT(CommandApdu::Parse(H("00A404")),
              StatusIs(StatusCode::kInvalidArgument, "malformed APDU: 3 bytes, header needs 4"));
  EXPECT_THAT(CommandApdu::Parse(H("00A4040C05D392")),
              StatusIs(StatusCode::kInvalidArgument,
                       "malformed APDU: Lc 5 disagrees with 3 body bytes"));
  EXPECT_THAT(CommandApdu::Parse(H("00A4040C0000")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CommandApdu::Parse(H("00A4040C000000")),  // case 2E with Ne 65536 is fine
              StatusIs(StatusCode::kOk));
  EXPECT_THAT(CommandApdu::Parse(H("00A4040C00000001")),  // extended Lc = 0
              StatusIs(StatusCode::kInvalidArgument, "malformed APDU: extended Lc is zero"));
  EXPECT_THAT(CommandApdu::Parse(H("00A4040C000002AA")),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(CommandApduTest, EncodeRejectsImpossibleLengths) {
  EXPECT_THAT((CommandApdu{0, 0xB0, 0, 0, {}, 0}).Encode(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT((CommandApdu{0, 0xB0, 0, 0, {}, 65537}).Encode(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT((CommandApdu{0, 0xD6, 0, 0, Bytes(65536, 0), std::nullopt}).Encode(),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::card
