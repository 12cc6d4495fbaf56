#include "identity/pseudonym.h"

#include <gtest/gtest.h>

#include <set>

#include "base/random.h"
#include "base/status_matchers.h"
#include "identity/base32.h"

namespace sekisho::identity {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

// Known-answer vectors, computed with the openssl command-line tool (see
// docs/formats/identifiers.md, "Worked example"), not with this code:
//   { printf 'sekisho/psn/v1'; echo -n $SPKI | xxd -r -p; } |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:$K
constexpr char kKey[] = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
// SubjectPublicKeyInfo of the Ed25519 public key of RFC 8032 §7.1 test 1.
constexpr char kSpki[] =
    "302A300506032B6570032100D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A";
constexpr char kRi[] = "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F";
// DER of C=JP, O=JPKI-TEST, OU=JPKI for user authentication, OU=Japan Agency for Local
// Authority Information Systems (PrintableString values), made with `openssl asn1parse -genconf`.
constexpr char kIssuerDn[] =
    "308187310B3009060355040613024A5031123010060355040A13094A504B492D5445535431253023060355040B"
    "131C4A504B4920666F7220757365722061757468656E7469636174696F6E313D303B060355040B13344A617061"
    "6E204167656E637920666F72204C6F63616C20417574686F7269747920496E666F726D6174696F6E2053797374"
    "656D73";
constexpr char kSerial[] = "0123456789ABCDEF";

constexpr char kExpectedPsn[] = "F78CE0E270B662D1E9D5D5C745941FF96670BC93F320820426B3ABB19B92DAB0";
constexpr char kExpectedRiPsn[] =
    "36518EFB4C85A457B2EFD0B221EADD5D9C723FB4284764666E46F10746CC354E";
constexpr char kExpectedKeyedSerial[] =
    "6E274A3A2C5C0452DD80FE3BCE3A5B42BC52FAAC9A98E3F98A969E57D7BD45E2";
constexpr char kExpectedDisplay[] = "66GO-BYTQ-WZRN-D2OV-Y";

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

OrgKey TestKey() { return *OrgKey::FromBytes(Hex(kKey)); }

TEST(PseudonymTest, KnownAnswers) {
  const OrgKey key = TestKey();
  EXPECT_EQ(ToHex(Pseudonym(key, Hex(kSpki))), kExpectedPsn);
  EXPECT_EQ(ToHex(RiPseudonym(key, Hex(kRi))), kExpectedRiPsn);
  EXPECT_EQ(ToHex(KeyedSerial(key, Hex(kIssuerDn), Hex(kSerial))), kExpectedKeyedSerial);
  EXPECT_EQ(Pseudonym(key, Hex(kSpki)).size(), kPseudonymSize);
}

TEST(PseudonymTest, KeyedSerialIgnoresLeadingZeroBytes) {
  const OrgKey key = TestKey();
  EXPECT_EQ(ToHex(KeyedSerial(key, Hex(kIssuerDn), Hex(std::string("0000") + kSerial))),
            kExpectedKeyedSerial);
  // A zero serial keeps its one byte.
  EXPECT_EQ(KeyedSerial(key, Hex(kIssuerDn), Bytes{0x00, 0x00}),
            KeyedSerial(key, Hex(kIssuerDn), Bytes{0x00}));
  EXPECT_NE(KeyedSerial(key, Hex(kIssuerDn), Bytes{0x00}),
            KeyedSerial(key, Hex(kIssuerDn), Bytes{}));
}

TEST(PseudonymTest, KeyedSerialHasherGivesTheSameValues) {
  const OrgKey key = TestKey();
  const KeyedSerialHasher hasher(key, Hex(kIssuerDn));
  EXPECT_EQ(ToHex(hasher.Of(Hex(kSerial))), kExpectedKeyedSerial);
  EXPECT_EQ(ToHex(hasher.Of(Hex(std::string("00") + kSerial))), kExpectedKeyedSerial);
  for (const Bytes& serial : {Bytes{0x00}, Bytes{0x00, 0x00}, Bytes{0x7F}, Bytes{0x01, 0x00}}) {
    EXPECT_EQ(hasher.Of(serial), KeyedSerial(key, Hex(kIssuerDn), serial)) << ToHex(serial);
  }
  EXPECT_NE(KeyedSerialHasher(key, Hex(kSpki)).Of(Hex(kSerial)), hasher.Of(Hex(kSerial)));
}

TEST(PseudonymTest, DependsOnEveryInput) {
  const OrgKey key = TestKey();
  SeededRandom random(9);
  const OrgKey other = OrgKey::Generate(random);
  // Two organisations cannot link a card (DESIGN.md P2).
  EXPECT_NE(Pseudonym(key, Hex(kSpki)), Pseudonym(other, Hex(kSpki)));
  // The labels separate the three derivations even for the same input bytes.
  EXPECT_NE(Pseudonym(key, Hex(kRi)), RiPseudonym(key, Hex(kRi)));
  // The issuer is part of the keyed serial.
  EXPECT_NE(KeyedSerial(key, Hex(kIssuerDn), Hex(kSerial)),
            KeyedSerial(key, Hex(kSpki), Hex(kSerial)));
  Bytes spki = Hex(kSpki);
  spki.back() ^= 0x01;
  EXPECT_NE(Pseudonym(key, spki), Pseudonym(key, Hex(kSpki)));
}

TEST(DisplayPseudonymTest, KnownAnswer) {
  const Bytes psn = Hex(kExpectedPsn);
  EXPECT_EQ(DisplayPseudonym(psn), kExpectedDisplay);
  // Only the first 10 bytes matter.
  EXPECT_EQ(DisplayPseudonym(ByteView(psn).first(10)), kExpectedDisplay);
  EXPECT_EQ(DisplayPseudonym(Hex(kExpectedRiPsn)), "GZIY-562M-QWSF-PMXP-N");
}

TEST(DisplayPseudonymTest, ParsesWhatPeopleType) {
  const Bytes expected = Hex("F78CE0E270B662D1E9D5");
  for (const char* text : {"66GO-BYTQ-WZRN-D2OV-Y", "66gobytqwzrnd2ovy", "66GO BYTQ WZRN D2OV Y",
                           "66G-OBYTQW-ZRND2OV-y"}) {
    Result<Bytes> parsed = ParseDisplayPseudonym(text);
    ASSERT_THAT(parsed, IsOk()) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(DisplayPseudonymTest, RoundTrips) {
  SeededRandom random(11);
  for (int i = 0; i < 500; ++i) {
    const Bytes psn = random.Generate(kPseudonymSize);
    Result<Bytes> parsed = ParseDisplayPseudonym(DisplayPseudonym(psn));
    ASSERT_THAT(parsed, IsOk());
    ASSERT_EQ(*parsed, Bytes(psn.begin(), psn.begin() + kDisplayBytes));
  }
}

TEST(DisplayPseudonymTest, RejectsMalformedText) {
  EXPECT_THAT(ParseDisplayPseudonym("66GO-BYTQ-WZRN-D2OV"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 17 characters")));
  EXPECT_THAT(ParseDisplayPseudonym("66GO-BYTQ-WZRN-D2OV-YY"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("got 18")));
  EXPECT_THAT(ParseDisplayPseudonym(""), StatusIs(StatusCode::kInvalidArgument));
  // 0 and 1 are not in the alphabet (O and I are).
  EXPECT_THAT(
      ParseDisplayPseudonym("66G0-BYTQ-WZRN-D2OV-Y"),
      StatusIs(StatusCode::kInvalidArgument,
               "display pseudonym: '0' at position 4 is not a base32 character (A-Z, 2-7)"));
  EXPECT_THAT(ParseDisplayPseudonym("66GO-BYTQ-WZRN-D2OV-\xE3"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("byte 0xE3 at position 21")));
  EXPECT_THAT(ParseDisplayPseudonym("66GO-BYTQ-WZRN-D2OV-Z"),
              StatusIs(StatusCode::kInvalidArgument,
                       "display pseudonym: check character does not match (a character is "
                       "mistyped)"));
}

// The 17 symbols of a display pseudonym, dashes removed.
std::string Symbols(std::string_view display) {
  std::string out;
  for (char c : display) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

// Every one of the 17 x 31 single-symbol substitutions of `display` is rejected.
void ExpectEverySubstitutionRejected(const std::string& display) {
  const std::string symbols = Symbols(display);
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    for (char c : kBase32Alphabet) {
      if (c == symbols[i]) continue;
      std::string typo = symbols;
      typo[i] = c;
      ASSERT_THAT(ParseDisplayPseudonym(typo), StatusIs(StatusCode::kInvalidArgument))
          << display << " -> " << typo;
    }
  }
}

// Swaps adjacent symbols i and i+1 (including the check character) for each i where they differ.
// Returns the pairs the check did not catch.
std::set<std::string> UndetectedTranspositions(const std::string& display) {
  std::set<std::string> missed;
  const std::string symbols = Symbols(display);
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (symbols[i] == symbols[i + 1]) continue;  // swapping equal symbols changes nothing
    std::string typo = symbols;
    std::swap(typo[i], typo[i + 1]);
    if (ParseDisplayPseudonym(typo).ok()) missed.insert(symbols.substr(i, 2));
  }
  return missed;
}

TEST(DisplayPseudonymTest, WorkedExampleCatchesEverySubstitutionAndTransposition) {
  ExpectEverySubstitutionRejected(kExpectedDisplay);
  EXPECT_TRUE(UndetectedTranspositions(kExpectedDisplay).empty());
}

// Luhn mod N catches every single substitution, and every adjacent transposition except of the
// symbols with values 0 and N-1 ('A' and '7'), like 09 <-> 90 in the decimal Luhn check.
TEST(DisplayPseudonymTest, ManyPseudonymsCatchTyposExceptTheKnownPair) {
  SeededRandom random(12);
  for (int i = 0; i < 300; ++i) {
    const std::string display = DisplayPseudonym(random.Generate(kPseudonymSize));
    ExpectEverySubstitutionRejected(display);
    for (const std::string& pair : UndetectedTranspositions(display)) {
      EXPECT_TRUE(pair == "A7" || pair == "7A") << display << " misses " << pair;
    }
  }
}

TEST(DisplayPseudonymTest, TheKnownBlindSpotIsRealAndDocumented) {
  // 16 symbols with 'A' and '7' adjacent; swapping them keeps the Luhn sum.
  const std::string data = "A7BCDEFGHIJKLMNO";
  const std::string display = data + LuhnMod32CheckCharacter(data);
  ASSERT_THAT(ParseDisplayPseudonym(display), IsOk());
  EXPECT_EQ(UndetectedTranspositions(display), std::set<std::string>{"A7"});
}

TEST(DisplayPseudonymTest, CheckCharacterIsLuhnModN) {
  // Worked by hand in docs/formats/identifiers.md.
  EXPECT_EQ(LuhnMod32CheckCharacter("66GOBYTQWZRND2OV"), 'Y');
  EXPECT_EQ(LuhnMod32CheckCharacter("AAAAAAAAAAAAAAAA"), 'A');
  EXPECT_EQ(LuhnMod32CheckCharacter("B"), '6');  // 2*1 = 2, check (32 - 2) % 32 = 30 -> '6'
}

}  // namespace
}  // namespace sekisho::identity
