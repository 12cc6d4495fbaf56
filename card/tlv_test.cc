#include "card/tlv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::card {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

using ::sekisho::testing::H;

Bytes Cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}

Bytes Filler(std::size_t n) { return Bytes(n, 0xFF); }

// Offset of a TLV inside `file`, from its value view.
std::size_t OffsetIn(const Bytes& file, const Tlv& tlv) {
  return static_cast<std::size_t>(tlv.value.data() - file.data()) - tlv.header.header_length;
}

// ---- My Number Card, 券面事項入力補助AP (spec §6) ----

// EF 0001: FF 10 0C + 12 ASCII digits + FF FF filler (17 bytes physical).
Bytes Ef0001() { return Cat({H("FF 10 0C"), ToBytes("123456789018"), H("FF FF")}); }

TEST(TlvTest, MyNumberEf0001TolerantIsOnePrivateTlv) {
  const Bytes file = Ef0001();
  ASSERT_EQ(file.size(), 17u);
  auto tlvs = ParseTlvSequence(file, TlvMode::kCardTolerant);
  ASSERT_THAT(tlvs, IsOk());
  ASSERT_EQ(tlvs->size(), 1u);
  const Tlv& t = (*tlvs)[0];
  EXPECT_EQ(t.header.tag, 0xFF10u);
  EXPECT_EQ(t.header.tag_number, 16u);
  EXPECT_EQ(t.header.tag_class, TagClass::kPrivate);
  EXPECT_TRUE(t.header.constructed);
  EXPECT_EQ(t.header.header_length, 3u);
  EXPECT_EQ(t.header.length, 12u);
  EXPECT_EQ(ToString(t.value), "123456789018");
  EXPECT_EQ(t.value.data(), file.data() + 3);  // a view into the caller's buffer
}

TEST(TlvTest, MyNumberEf0001StrictRejectsLongFormTag) {
  const Bytes file = Ef0001();
  EXPECT_THAT(ParseTlvSequence(file, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument,
                       "TLV at offset 0: tag FF10 writes tag number 16 in the long form; one "
                       "octet is required below 31"));
  EXPECT_THAT(ParseTlv(file, TlvMode::kStrict), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseTlvHeader(file, TlvMode::kStrict), StatusIs(StatusCode::kInvalidArgument));
}

// EF 0002 basic four: FF 20 82 00 56 { DF 21 08 offsets, DF 22 name, DF 23 address,
// DF 24 08 DOB, DF 25 01 sex } followed by filler. The offsets count from the file start.
const std::string kName = "山田\u3000太郎";                 // 15 bytes of UTF-8
const std::string kAddress = "東京都千代田区千代田１－１";  // 39 bytes of UTF-8

Bytes Ef0002() {
  return Cat({H("FF 20 82 00 56"),                    // outer, non-minimal length 86
              H("DF 21 08 00 10 00 22 00 4C 00 57"),  // at 5: DF22@16 DF23@34 ...
              H("DF 22 0F"), ToBytes(kName),          // at 16, 18 bytes
              H("DF 23 27"), ToBytes(kAddress),       // at 34, 42 bytes
              H("DF 24 08"), ToBytes("19800101"),     // at 76, 11 bytes
              H("DF 25 01"), ToBytes("1"),            // at 87, 4 bytes
              Filler(5)});
}

TEST(TlvTest, MyNumberEf0002BasicFourNestedParse) {
  ASSERT_EQ(kName.size(), 15u);
  ASSERT_EQ(kAddress.size(), 39u);
  const Bytes file = Ef0002();
  ASSERT_EQ(file.size(), 96u);

  auto top = ParseTlvSequence(file, TlvMode::kCardTolerant);
  ASSERT_THAT(top, IsOk());
  ASSERT_EQ(top->size(), 1u);
  const Tlv& outer = (*top)[0];
  EXPECT_EQ(outer.header.tag, 0xFF20u);
  EXPECT_EQ(outer.header.tag_number, 32u);
  EXPECT_EQ(outer.header.header_length, 5u);
  EXPECT_EQ(outer.header.length, 0x56u);

  auto children = ParseChildren(outer, TlvMode::kCardTolerant);
  ASSERT_THAT(children, IsOk());
  ASSERT_EQ(children->size(), 5u);
  const std::uint32_t want_tags[] = {0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*children)[i].header.tag, want_tags[i]);
    EXPECT_EQ((*children)[i].header.tag_number, 33u + i);
    EXPECT_EQ((*children)[i].header.tag_class, TagClass::kPrivate);
    EXPECT_FALSE((*children)[i].header.constructed);
  }

  const Tlv* name = FindTag(*children, 0xDF22);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(ToString(name->value), kName);
  const Tlv* address = FindTag(*children, 0xDF23);
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(ToString(address->value), kAddress);
  EXPECT_EQ(ToString(FindTag(*children, 0xDF24)->value), "19800101");
  EXPECT_EQ(ToString(FindTag(*children, 0xDF25)->value), "1");

  // The DF21 offset table points at the DF22..DF25 TLVs in the file.
  const Tlv* table = FindTag(*children, 0xDF21);
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->value.size(), 8u);
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t offset = ReadU16(table->value[2 * i], table->value[2 * i + 1]);
    EXPECT_EQ(offset, OffsetIn(file, (*children)[i + 1])) << "field " << i;
  }
}

TEST(TlvTest, MyNumberEf0002StrictRejectsNonMinimalLength) {
  // FF 20 is tag 32, a legal long form; the 82 00 55 length is what DER refuses.
  EXPECT_THAT(ParseTlvSequence(Ef0002(), TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("TLV at offset 0: non-minimal length: 82 is followed by a "
                                 "leading 00 octet")));
}

TEST(TlvTest, EveryTruncationOfEf0002IsRejected) {
  const Bytes file = Ef0002();
  for (std::size_t n = 0; n < 91; ++n) {  // 91 = the TLV without filler
    EXPECT_THAT(ParseTlv(ByteView(file).first(n), TlvMode::kCardTolerant),
                StatusIs(StatusCode::kInvalidArgument))
        << n;
  }
  EXPECT_THAT(ParseTlv(ByteView(file).first(91), TlvMode::kCardTolerant), IsOk());
}

// EF 0005 AP basic info: FF 40 82 00 9F { DF 41 04, DF 42 10, DF 43 82 00 80 } + filler to 256.
TEST(TlvTest, MyNumberEf0005NonMinimalLengths) {
  Bytes df43_value = H("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
  Append(df43_value, Filler(96));
  const Bytes file =
      Cat({H("FF 40 82 00 9F"), H("DF 41 04 01 03 0E 01"),
           H("DF 42 10 00112233445566778899AABBCCDDEEFF"), H("DF 43 82 00 80"), df43_value});
  ASSERT_EQ(file.size(), 5u + 0x9Fu);
  const Bytes padded = Cat({file, Filler(256 - file.size())});

  auto top = ParseTlvSequence(padded, TlvMode::kCardTolerant);
  ASSERT_THAT(top, IsOk());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].header.tag, 0xFF40u);
  EXPECT_EQ((*top)[0].header.length, 0x9Fu);
  auto children = ParseChildren((*top)[0], TlvMode::kCardTolerant);
  ASSERT_THAT(children, IsOk());
  ASSERT_EQ(children->size(), 3u);
  EXPECT_EQ(Bytes((*children)[0].value.begin(), (*children)[0].value.end()), H("01030E01"));
  EXPECT_EQ((*children)[1].header.length, 16u);
  const Tlv& df43 = (*children)[2];
  EXPECT_EQ(df43.header.tag, 0xDF43u);
  EXPECT_EQ(df43.header.header_length, 5u);
  EXPECT_EQ(df43.header.length, 128u);
  EXPECT_EQ(Bytes(df43.value.begin(), df43.value.end()), df43_value);

  EXPECT_THAT(ParseTlvSequence(padded, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("non-minimal length")));
}

TEST(TlvTest, TolerantSequenceSkipsZeroPaddingAndStopsAtFiller) {
  const Bytes input = H("00 00 04 01 AA 00 04 02 BB CC FF FF FF");
  auto tlvs = ParseTlvSequence(input, TlvMode::kCardTolerant);
  ASSERT_THAT(tlvs, IsOk());
  ASSERT_EQ(tlvs->size(), 2u);
  EXPECT_EQ((*tlvs)[0].value[0], 0xAA);
  EXPECT_EQ((*tlvs)[1].value.size(), 2u);
  EXPECT_EQ(OffsetIn(input, (*tlvs)[1]), 6u);

  EXPECT_THAT(ParseTlvSequence(input, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument,
                       "TLV at offset 0: tag octet 00 is not a valid first tag octet"));
}

TEST(TlvTest, AllFillerIsAnEmptyFileWhenTolerant) {
  // EF 0008 is 16 x FF (spec §6).
  auto tlvs = ParseTlvSequence(Filler(16), TlvMode::kCardTolerant);
  ASSERT_THAT(tlvs, IsOk());
  EXPECT_TRUE(tlvs->empty());
  EXPECT_THAT(ParseTlvSequence(Filler(16), TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(TlvTest, EmptySequenceIsEmpty) {
  for (TlvMode mode : {TlvMode::kStrict, TlvMode::kCardTolerant}) {
    auto tlvs = ParseTlvSequence({}, mode);
    ASSERT_THAT(tlvs, IsOk());
    EXPECT_TRUE(tlvs->empty());
  }
}

TEST(TlvTest, TolerantAcceptsWhatStrictRefuses) {
  // Non-minimal lengths and a zero-led subsequent tag octet (X.690 §8.1.2.4.2 c).
  struct Case {
    const char* hex;
    std::uint32_t tag;
    std::uint32_t tag_number;
    std::size_t length;
    const char* strict_reason;
  };
  const Case cases[] = {
      {"04 81 05 0102030405", 0x04, 4, 5, "81 05 for a length below 128"},
      {"04 82 00 02 AABB", 0x04, 4, 2, "leading 00 octet"},
      {"04 84 00 00 00 01 AA", 0x04, 4, 1, "leading 00 octet"},
      {"DF 11 01 AA", 0xDF11, 17, 1, "writes tag number 17 in the long form"},
      {"9F 80 21 01 AA", 0x9F8021, 33, 1, "leading zero subsequent octet"},
  };
  for (const Case& c : cases) {
    const Bytes input = H(c.hex);
    auto tlv = ParseTlv(input, TlvMode::kCardTolerant);
    ASSERT_THAT(tlv, IsOk()) << c.hex;
    EXPECT_EQ(tlv->header.tag, c.tag) << c.hex;
    EXPECT_EQ(tlv->header.tag_number, c.tag_number) << c.hex;
    EXPECT_EQ(tlv->header.length, c.length) << c.hex;
    EXPECT_EQ(tlv->header.total_length(), input.size()) << c.hex;
    EXPECT_THAT(ParseTlv(input, TlvMode::kStrict),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.strict_reason)))
        << c.hex;
  }
}

// ---- X.690 known answers ----

struct KnownHeader {
  const char* hex;
  std::uint32_t tag;
  TagClass tag_class;
  bool constructed;
  std::uint32_t tag_number;
  std::size_t header_length;
  std::size_t length;
};

class TlvKnownHeaders : public ::testing::TestWithParam<KnownHeader> {};

TEST_P(TlvKnownHeaders, BothModesDecodeAndEncodeRoundTrips) {
  const KnownHeader& k = GetParam();
  const Bytes header = H(k.hex);
  Bytes value(k.length);
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<std::uint8_t>(i * 7);
  const Bytes whole = Cat({header, value});
  for (TlvMode mode : {TlvMode::kStrict, TlvMode::kCardTolerant}) {
    auto tlv = ParseTlv(whole, mode);
    ASSERT_THAT(tlv, IsOk()) << k.hex;
    EXPECT_EQ(tlv->header.tag, k.tag);
    EXPECT_EQ(tlv->header.tag_class, k.tag_class);
    EXPECT_EQ(tlv->header.constructed, k.constructed);
    EXPECT_EQ(tlv->header.tag_number, k.tag_number);
    EXPECT_EQ(tlv->header.header_length, k.header_length);
    EXPECT_EQ(tlv->header.length, k.length);
    EXPECT_EQ(tlv->header.total_length(), whole.size());
  }
  EXPECT_EQ(EncodeTlv(k.tag, value), whole);
}

INSTANTIATE_TEST_SUITE_P(
    X690, TlvKnownHeaders,
    ::testing::Values(
        // SEQUENCE of 266 bytes (an RSA-2048 public key).
        KnownHeader{"30 82 01 0A", 0x30, TagClass::kUniversal, true, 16, 4, 0x10A},
        KnownHeader{"02 01", 0x02, TagClass::kUniversal, false, 2, 2, 1},
        KnownHeader{"04 7F", 0x04, TagClass::kUniversal, false, 4, 2, 127},
        KnownHeader{"04 81 80", 0x04, TagClass::kUniversal, false, 4, 3, 128},
        KnownHeader{"04 82 01 00", 0x04, TagClass::kUniversal, false, 4, 4, 256},
        KnownHeader{"04 83 01 00 00", 0x04, TagClass::kUniversal, false, 4, 5, 65536},
        KnownHeader{"A0 03", 0xA0, TagClass::kContextSpecific, true, 0, 2, 3},
        // CV certificate of EF 0004 (spec §6): 7F21 { 5F4E 297 bytes, 5F37 256 bytes }.
        KnownHeader{"5F 4E 82 01 29", 0x5F4E, TagClass::kApplication, false, 78, 5, 297},
        KnownHeader{"7F 21 82 02 33", 0x7F21, TagClass::kApplication, true, 33, 5, 563},
        KnownHeader{"5F 1F 00", 0x5F1F, TagClass::kApplication, false, 31, 3, 0},
        KnownHeader{"FF 81 00 00", 0xFF8100, TagClass::kPrivate, true, 128, 4, 0},
        KnownHeader{"9F FF 7F 00", 0x9FFF7F, TagClass::kContextSpecific, false, 16383, 4, 0}));

TEST(TlvTest, CertificateHeaderFromFirstFourBytes) {
  const Bytes first = H("30 82 05 1F");
  auto h = ParseTlvHeader(first, TlvMode::kStrict);
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->tag, 0x30u);
  EXPECT_EQ(h->header_length, 4u);
  EXPECT_EQ(h->length, 0x51Fu);
  EXPECT_EQ(h->total_length(), 0x51Fu + 4);
  // The value is not there, so a complete parse fails.
  EXPECT_THAT(ParseTlv(first, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument,
                       "TLV at offset 0: length 1311 exceeds the 0 remaining bytes"));
}

TEST(TlvTest, CvCertificateNestedStrict) {
  Bytes body = EncodeTlv(0x5F4E, Bytes(297, 0x11));
  Append(body, EncodeTlv(0x5F37, Bytes(256, 0x22)));
  const Bytes cert = EncodeTlv(0x7F21, body);
  ASSERT_EQ(cert.size(), 568u);
  EXPECT_EQ(Bytes(cert.begin(), cert.begin() + 5), H("7F 21 82 02 33"));
  auto tlv = ParseTlv(cert, TlvMode::kStrict);
  ASSERT_THAT(tlv, IsOk());
  auto children = ParseChildren(*tlv, TlvMode::kStrict);
  ASSERT_THAT(children, IsOk());
  ASSERT_EQ(children->size(), 2u);
  EXPECT_EQ(FindTag(*children, 0x5F37)->header.length, 256u);
  EXPECT_EQ(FindTag(*children, 0x7F21), nullptr);
}

// ---- Negative cases: each with its code and message ----

struct Malformed {
  const char* name;
  const char* hex;
  const char* message;
};

class TlvMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(TlvMalformed, RejectedInBothModes) {
  const Malformed& m = GetParam();
  const Bytes input = H(m.hex);
  for (TlvMode mode : {TlvMode::kStrict, TlvMode::kCardTolerant}) {
    EXPECT_THAT(ParseTlv(input, mode), StatusIs(StatusCode::kInvalidArgument, m.message));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TlvMalformed,
    ::testing::Values(
        Malformed{"Empty", "", "TLV at offset 0: input is empty, expected a tag octet"},
        Malformed{"TruncatedTag", "5F",
                  "TLV at offset 0: truncated tag: tag starting 5F needs a subsequent octet "
                  "after 1 octet(s), input ends"},
        Malformed{"TruncatedTagContinuation", "DF 81",
                  "TLV at offset 0: truncated tag: tag starting DF needs a subsequent octet "
                  "after 2 octet(s), input ends"},
        Malformed{"TagTooLong", "DF 81 81 01 00",
                  "TLV at offset 0: tag starting DF is longer than 3 octets"},
        Malformed{"NoLength", "30",
                  "TLV at offset 0: truncated length: no length octet after "
                  "tag 30"},
        Malformed{"TruncatedLength", "30 82 01",
                  "TLV at offset 0: truncated length: 82 announces 2 length octets, 1 present"},
        Malformed{"LengthTooLong", "04 05 01 02",
                  "TLV at offset 0: length 5 exceeds the 2 remaining bytes"},
        Malformed{"HugeLength", "04 84 FF FF FF FF 00",
                  "TLV at offset 0: length 4294967295 exceeds the 1 remaining bytes"},
        Malformed{"IndefiniteLength", "30 80 02 01 05 00 00",
                  "TLV at offset 0: indefinite length (80) after tag 30 is not allowed"},
        Malformed{"FiveByteLength", "04 85 00 00 00 00 01 AA",
                  "TLV at offset 0: length octet 85 announces 5 length octets, at most 4 are "
                  "supported"},
        Malformed{"ReservedLength", "04 FF",
                  "TLV at offset 0: reserved length octet FF after tag 04"},
        Malformed{"ZeroTag", "00 00",
                  "TLV at offset 0: tag octet 00 is not a valid first tag octet"}),
    [](const ::testing::TestParamInfo<Malformed>& p) { return std::string(p.param.name); });

TEST(TlvTest, SequenceErrorNamesTheOffset) {
  // 12 bytes of good TLVs, then a TLV announcing 400 bytes with 37 left after its header.
  const Bytes input =
      Cat({H("04 04 01020304"), H("04 04 05060708"), H("04 82 01 90"), Bytes(37, 0xAB)});
  for (TlvMode mode : {TlvMode::kStrict, TlvMode::kCardTolerant}) {
    EXPECT_THAT(ParseTlvSequence(input, mode),
                StatusIs(StatusCode::kInvalidArgument,
                         "TLV at offset 12: length 400 exceeds the 37 remaining bytes"));
  }
}

TEST(TlvTest, ChildErrorsNameTheParent) {
  const Bytes input = H("30 04 04 05 01 02");
  auto tlv = ParseTlv(input, TlvMode::kStrict);
  ASSERT_THAT(tlv, IsOk());
  EXPECT_THAT(ParseChildren(*tlv, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument,
                       "in the value of tag 30: TLV at offset 0: length 5 exceeds the 2 "
                       "remaining bytes"));
}

TEST(TlvTest, StrictChildrenOfPrimitiveRefused) {
  const Bytes input = H("04 03 02 01 05");
  auto tlv = ParseTlv(input, TlvMode::kStrict);
  ASSERT_THAT(tlv, IsOk());
  EXPECT_THAT(ParseChildren(*tlv, TlvMode::kStrict),
              StatusIs(StatusCode::kInvalidArgument, "tag 04 is primitive and has no children"));
  // The card marks primitive data as constructed and vice versa; tolerant mode parses anyway.
  auto children = ParseChildren(*tlv, TlvMode::kCardTolerant);
  ASSERT_THAT(children, IsOk());
  ASSERT_EQ(children->size(), 1u);
  EXPECT_EQ((*children)[0].header.tag, 0x02u);
}

TEST(TlvTest, ParseTlvIgnoresTrailingBytes) {
  const Bytes input = H("02 01 05 FF FF");
  auto tlv = ParseTlv(input, TlvMode::kStrict);
  ASSERT_THAT(tlv, IsOk());
  EXPECT_EQ(tlv->header.total_length(), 3u);
}

TEST(TlvTest, FindTagReturnsFirstMatchOrNull) {
  const Bytes input = H("04 01 01 05 01 02 04 01 03");
  auto tlvs = ParseTlvSequence(input, TlvMode::kStrict);
  ASSERT_THAT(tlvs, IsOk());
  const Tlv* first = FindTag(*tlvs, 0x04);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->value[0], 0x01);
  EXPECT_EQ(FindTag(*tlvs, 0x05)->value[0], 0x02);
  EXPECT_EQ(FindTag(*tlvs, 0x06), nullptr);
  EXPECT_EQ(FindTag({}, 0x04), nullptr);
}

TEST(TlvTest, EncodeTlvUsesMinimalLengths) {
  EXPECT_EQ(EncodeTlv(0x04, {}), H("04 00"));
  EXPECT_EQ(EncodeTlv(0xFF10, ToBytes("123456789018")),
            Cat({H("FF 10 0C"), ToBytes("123456789018")}));
  const Bytes v300(300, 0x5A);
  const Bytes e = EncodeTlv(0xDF23, v300);
  EXPECT_EQ(Bytes(e.begin(), e.begin() + 5), H("DF 23 82 01 2C"));
  EXPECT_EQ(e.size(), 305u);
  const Bytes big = EncodeTlv(0x04, Bytes(0x10000));
  EXPECT_EQ(Bytes(big.begin(), big.begin() + 5), H("04 83 01 00 00"));
}

}  // namespace
}  // namespace sekisho::card
