#include "card/pcsc/pinpad_part10.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/test_apdus.h"

namespace sekisho::card::pcsc {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ::sekisho::testing::H;
using ::sekisho::testing::kAuthPinTemplate;

TEST(GetFeatureRequestTest, IsScardCtlCode3400FromReaderH) {
  // SCARD_CTL_CODE(code) is 0x42000000 + code in pcsc-lite; 3400 = 0xD48.
  EXPECT_EQ(kGetFeatureRequestCode, 0x42000D48u);
  EXPECT_EQ(kGetFeatureRequestCode, static_cast<std::uint32_t>(SCARD_CTL_CODE(3400)));
  EXPECT_EQ(kFeatureVerifyPinDirect, 0x06);
  EXPECT_EQ(FeatureName(kFeatureVerifyPinDirect), "FEATURE_VERIFY_PIN_DIRECT");
  EXPECT_EQ(FeatureName(0x7F), "unknown feature");
}

TEST(ParseFeatureListTest, KnownAnswer) {
  // A CCID PIN pad reader: VERIFY_PIN_DIRECT 42330006, MODIFY_PIN_DIRECT 42330007,
  // IFD_PIN_PROPERTIES 4233000A, GET_TLV_PROPERTIES 42330012; values big-endian (§2.2).
  auto features = ParseFeatureList(
      H("06 04 42 33 00 06  07 04 42 33 00 07  0A 04 42 33 00 0A  12 04 42 33 00 12"));
  ASSERT_THAT(features, IsOk());
  EXPECT_EQ(
      *features,
      (FeatureMap{{0x06, 0x42330006}, {0x07, 0x42330007}, {0x0A, 0x4233000A}, {0x12, 0x42330012}}));
  const std::string_view list =
      "06 04 42 33 00 06  07 04 42 33 00 07  0A 04 42 33 00 0A  12 04 42 33 00 12";
  EXPECT_EQ(EncodeFeatureList(*features), H(list));
}

TEST(ParseFeatureListTest, EncodeIsTheReverse) {
  const FeatureMap features{{0x06, 0x42330006}, {0x12, 0x01020304}};
  EXPECT_EQ(EncodeFeatureList(features), H("0604 42330006 1204 01020304"));
  auto parsed = ParseFeatureList(EncodeFeatureList(features));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, features);
}

TEST(ParseFeatureListTest, AnEmptyAnswerIsNoFeatures) {
  auto features = ParseFeatureList({});
  ASSERT_THAT(features, IsOk());
  EXPECT_THAT(*features, IsEmpty());
}

TEST(ParseFeatureListTest, MalformedListsAreRefusedPrecisely) {
  struct Case {
    std::string_view hex;
    std::string_view message;
  };
  const Case cases[] = {
      {"06", "feature 06 (FEATURE_VERIFY_PIN_DIRECT) at offset 0 has no length byte"},
      {"06 03 42 33 00", "at offset 0 has length 3"},
      {"06 05 42 33 00 06 00", "has length 5"},
      {"06 00", "has length 0"},
      {"06 04 42 33 00", "cut short: 3 of its 4 value bytes"},
      {"06 04 42 33 00 06  12 04", "feature 12 (FEATURE_GET_TLV_PROPERTIES) at offset 6 is cut"},
      {"06 04 42 33 00 06  06 04 42 33 00 06", "at offset 6 is repeated"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseFeatureList(H(c.hex)),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.hex;
  }
}

// The JPKI authentication PIN: 4 ASCII digits, no padding (spec §2), with the default options.
TEST(PinVerifyStructureTest, KnownAnswerForTheJpkiAuthPin) {
  auto s = PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat, PinPadOptions{});
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(EncodePinVerifyStructure(*s),
            H("1E"           // bTimeOut 30 s
              "0F"           // bTimeOut2 15 s
              "82"           // bmFormatString: bytes, position 0, left, ASCII
              "04"           // bmPINBlockString: no length field, 4-byte block
              "00"           // bmPINLengthFormat
              "04 04"        // wPINMaxExtraDigit 0x0404, little-endian
              "02"           // bEntryValidationCondition: OK key
              "01"           // bNumberMessage
              "09 04"        // wLangId 0x0409, little-endian
              "00"           // bMsgIndex
              "00 00 00"     // bTeoPrologue
              "09 00 00 00"  // ulDataLength 9, little-endian
              "00 20 00 98 04 FF FF FF FF"));
}

TEST(PinVerifyStructureTest, MultiByteFieldsAreLittleEndian) {
  // min 4, max 8 digits tell XX from YY; 0x0411 (Japanese) tells the bytes of wLangId apart; a
  // 261-byte abData puts a byte in the second place of ulDataLength.
  PinVerifyStructure s;
  s.min_pin_digits = 4;
  s.max_pin_digits = 8;
  s.language_id = 0x0411;
  s.apdu = Bytes(261, 0xAB);
  const Bytes encoded = EncodePinVerifyStructure(s);
  ASSERT_EQ(encoded.size(), kPinVerifyStructureHeaderSize + 261);
  EXPECT_EQ(Bytes(encoded.begin() + 5, encoded.begin() + 7), H("08 04"));
  EXPECT_EQ(Bytes(encoded.begin() + 9, encoded.begin() + 11), H("11 04"));
  EXPECT_EQ(Bytes(encoded.begin() + 15, encoded.begin() + 19), H("05 01 00 00"));
}

// The layout agrees with pcsc-lite's packed PIN_VERIFY_STRUCTURE (reader.h), field by field.
TEST(PinVerifyStructureTest, MatchesReaderH) {
  static_assert(sizeof(PIN_VERIFY_STRUCTURE) == kPinVerifyStructureHeaderSize);
  static_assert(offsetof(PIN_VERIFY_STRUCTURE, wPINMaxExtraDigit) == 5);
  static_assert(offsetof(PIN_VERIFY_STRUCTURE, bEntryValidationCondition) == 7);
  static_assert(offsetof(PIN_VERIFY_STRUCTURE, wLangId) == 9);
  static_assert(offsetof(PIN_VERIFY_STRUCTURE, bTeoPrologue) == 12);
  static_assert(offsetof(PIN_VERIFY_STRUCTURE, ulDataLength) == 15);
  auto s = PinVerifyStructureFor(H("0020008008FFFFFFFFFFFFFFFF"), PinFormat{6, 8},
                                 PinPadOptions{.language_id = 0x0411});
  ASSERT_THAT(s, IsOk());
  const Bytes encoded = EncodePinVerifyStructure(*s);
  PIN_VERIFY_STRUCTURE c{};
  std::memcpy(&c, encoded.data(), sizeof c);
  // reader.h's fields are in host order; Part 10 says little-endian. Equal on this host only if
  // it is little-endian, which every platform Sekisho builds for is.
  EXPECT_EQ(c.bmFormatString, 0x82);
  EXPECT_EQ(c.bmPINBlockString, 0x08);
  EXPECT_EQ(+c.wPINMaxExtraDigit, 0x0608);  // packed fields: compared by value
  EXPECT_EQ(+c.wLangId, 0x0411);
  EXPECT_EQ(+c.ulDataLength, 13u);
}

TEST(PinVerifyStructureTest, DecodeIsTheReverse) {
  auto s = PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat, PinPadOptions{});
  ASSERT_THAT(s, IsOk());
  auto decoded = DecodePinVerifyStructure(EncodePinVerifyStructure(*s));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, *s);
}

TEST(PinVerifyStructureTest, DecodeRefusesBrokenLengths) {
  auto s = PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat, PinPadOptions{});
  ASSERT_THAT(s, IsOk());
  Bytes encoded = EncodePinVerifyStructure(*s);
  EXPECT_THAT(DecodePinVerifyStructure(ByteView(encoded).first(18)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("18 bytes")));
  EXPECT_THAT(DecodePinVerifyStructure(ByteView(encoded).first(encoded.size() - 1)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("says 9 bytes of abData, 8")));
  encoded.push_back(0x00);
  EXPECT_THAT(DecodePinVerifyStructure(encoded),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("says 9 bytes of abData, 10")));
}

TEST(PinVerifyStructureTest, RefusesWhatAPinPadCannotDo) {
  const PinPadOptions ok;
  EXPECT_THAT(PinVerifyStructureFor(H("002000980431323334"), kJpkiAuthPinFormat, ok),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("placeholder")));
  EXPECT_THAT(PinVerifyStructureFor(H("0020009806FFFFFFFFFFFF"), kJpkiAuthPinFormat, ok),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("6 bytes")));
  EXPECT_THAT(PinVerifyStructureFor(H(kAuthPinTemplate), PinFormat{5, 4}, ok),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat,
                                    PinPadOptions{.timeout = std::chrono::seconds(256)}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("256 s")));
  EXPECT_THAT(
      PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat,
                            PinPadOptions{.timeout_after_first_key = std::chrono::seconds(-1)}),
      StatusIs(StatusCode::kInvalidArgument));
  auto longest = PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat,
                                       PinPadOptions{.timeout = std::chrono::seconds(255)});
  ASSERT_THAT(longest, IsOk());
  EXPECT_EQ(longest->timeout, 255);
}

TEST(PinVerifyAnswerTest, TheCardsStatusWord) {
  for (int sw : {0x9000, 0x63C2, 0x63C0, 0x6984, 0x6982}) {
    const Bytes answer = {static_cast<std::uint8_t>(sw >> 8), static_cast<std::uint8_t>(sw)};
    auto result = PinVerifyAnswer(answer);
    ASSERT_THAT(result, IsOk()) << std::hex << sw;
    EXPECT_EQ(*result, sw);
  }
}

TEST(PinVerifyAnswerTest, TheReadersOwnAnswersAreDistinctErrors) {
  EXPECT_THAT(PinVerifyAnswer(H("6400")),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("in time")));
  EXPECT_THAT(PinVerifyAnswer(H("6401")),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("cancelled")));
  EXPECT_THAT(PinVerifyAnswer(H("6B80")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("refused")));
}

TEST(PinVerifyAnswerTest, AnythingButAStatusWordIsDataLoss) {
  for (std::string_view hex : {"", "90", "019000", "3B E0 00 FF 81 31 FE 45 14"}) {
    EXPECT_THAT(PinVerifyAnswer(H(hex)), StatusIs(StatusCode::kDataLoss, Not(HasSubstr("3BE0"))))
        << hex;
  }
}

}  // namespace
}  // namespace sekisho::card::pcsc
