// Conformance of the simulated input-assist application: spec mynumber-card.md §6 layout
// (parsed with card/tlv.h in tolerant mode) and §3.1 sequence 6.
#include "card/sim/input_assist_application.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_test_card.h"
#include "card/tlv.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;
using ::sekisho::card::sim::testing::DataOf;
using ::sekisho::card::sim::testing::NewTestCard;
using ::sekisho::card::sim::testing::ReadAll;
using ::sekisho::card::sim::testing::SelectAidApdu;
using ::sekisho::card::sim::testing::SelectAndVerify;
using ::sekisho::card::sim::testing::SelectEfApdu;
using ::sekisho::card::sim::testing::Send;
using ::sekisho::card::sim::testing::SwOf;
using ::sekisho::card::sim::testing::World;

Bytes AssistAid() { return Bytes(my::kInputAssistAid.begin(), my::kInputAssistAid.end()); }

TEST(InputAssistLayoutTest, MyNumberEf) {
  const Bytes ef = InputAssistMyNumberEf("537686677188");
  EXPECT_EQ(ef, FromHex("FF 10 0C 35 33 37 36 38 36 36 37 37 31 38 38 FF FF").value());
}

TEST(InputAssistLayoutTest, BasicFourOffsetsMatchAPublishedCard) {
  // The field sizes of a published test card's EF 0002 (soltia48/myna-card test fixture):
  // a 15-byte name, a 54-byte address; its offset table reads 000E 0020 0059 0064 and the
  // outer length 65.
  CardIdentity identity;
  identity.name = "黒桐\u3000幹也";
  identity.address = "東京都清瀬市観布子南１２－７－２０２";
  identity.birth_date = "19800217";
  identity.sex = '1';
  ASSERT_EQ(identity.name.size(), 15u);
  ASSERT_EQ(identity.address.size(), 54u);
  const Bytes tlv = InputAssistBasicFourTlv(identity);
  EXPECT_EQ(Bytes(tlv.begin(), tlv.begin() + 14),
            FromHex("FF 20 65 DF 21 08 00 0E 00 20 00 59 00 64").value());
  EXPECT_EQ(tlv.size(), 3u + 0x65);
}

TEST(InputAssistLayoutTest, IntegrityEfRejectsAMalformedBasicFour) {
  auto key = pki::PrivateKeyFromPem(World().profile.input_assist_key_pem);
  ASSERT_TRUE(key.ok());
  const Bytes my_number = InputAssistMyNumberEf("537686677188");
  EXPECT_FALSE(InputAssistIntegrityEf(my_number, FromHex("FF 30 00").value(), **key).ok());
  EXPECT_FALSE(InputAssistIntegrityEf(my_number, FromHex("FF 20 03 DF 22 00").value(), **key).ok());
}

class InputAssistCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card_ = NewTestCard();
    ASSERT_NE(card_, nullptr);
    ASSERT_EQ(SwOf(card_->Process(SelectAidApdu(AssistAid()))), 0x9000);
  }
  Bytes ReadEf(std::uint16_t fid) {
    EXPECT_EQ(SwOf(card_->Process(SelectEfApdu(fid))), 0x9000);
    return ReadAll(*card_);
  }
  void VerifyPin() {
    ASSERT_EQ(SelectAndVerify(*card_, my::kInputAssistPin, World().profile.input_assist_pin),
              0x9000);
  }
  std::unique_ptr<SimulatedCard> card_;
};

TEST_F(InputAssistCardTest, MyNumberEfParses) {
  VerifyPin();
  const Bytes ef = ReadEf(my::kInputAssistMyNumber);
  ASSERT_EQ(ef.size(), 17u);
  EXPECT_EQ(ef[15], 0xFF);
  EXPECT_EQ(ef[16], 0xFF);
  auto tlvs = ParseTlvSequence(ef, TlvMode::kCardTolerant);
  ASSERT_TRUE(tlvs.ok()) << tlvs.status().ToString();
  ASSERT_EQ(tlvs->size(), 1u);
  EXPECT_EQ((*tlvs)[0].header.tag, 0xFF10u);
  EXPECT_EQ(ToString((*tlvs)[0].value), World().profile.my_number);
  // Strict DER parsing refuses the long-form tag (spec §6).
  EXPECT_FALSE(ParseTlv(ef, TlvMode::kStrict).ok());
}

TEST_F(InputAssistCardTest, BasicFourEfParsesAndOffsetsPointAtTheFields) {
  VerifyPin();
  const Bytes ef = ReadEf(my::kInputAssistBasicFour);
  ASSERT_GE(ef.size(), 256u);
  auto tlvs = ParseTlvSequence(ef, TlvMode::kCardTolerant);  // stops at the FF filler
  ASSERT_TRUE(tlvs.ok()) << tlvs.status().ToString();
  ASSERT_EQ(tlvs->size(), 1u);
  const Tlv& outer = (*tlvs)[0];
  EXPECT_EQ(outer.header.tag, 0xFF20u);
  for (std::size_t i = outer.header.total_length(); i < ef.size(); ++i) {
    ASSERT_EQ(ef[i], 0xFF) << i;
  }
  auto children = ParseChildren(outer, TlvMode::kCardTolerant);
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->size(), 5u);
  const CardIdentity& id = World().profile.identity;
  EXPECT_EQ(ToString(FindTag(*children, 0xDF22)->value), id.name);
  EXPECT_EQ(ToString(FindTag(*children, 0xDF23)->value), id.address);
  EXPECT_EQ(ToString(FindTag(*children, 0xDF24)->value), id.birth_date);
  EXPECT_EQ(ToString(FindTag(*children, 0xDF25)->value), std::string(1, id.sex));
  const Tlv* table = FindTag(*children, 0xDF21);
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->value.size(), 8u);
  const std::uint32_t tags[4] = {0xDF22, 0xDF23, 0xDF24, 0xDF25};
  for (int i = 0; i < 4; ++i) {
    const std::size_t offset = ReadU16(table->value[2 * i], table->value[2 * i + 1]);
    auto field = ParseTlv(ByteView(ef).subspan(offset), TlvMode::kCardTolerant);
    ASSERT_TRUE(field.ok()) << i;
    EXPECT_EQ(field->header.tag, tags[i]) << "offset " << offset;
    EXPECT_EQ(field->value.data(), FindTag(*children, tags[i])->value.data());
  }
}

TEST_F(InputAssistCardTest, IntegrityEfHashesAndSignature) {
  VerifyPin();
  const Bytes my_number = ReadEf(my::kInputAssistMyNumber);
  const Bytes basic_four = ReadEf(my::kInputAssistBasicFour);
  const Bytes integrity = ReadEf(my::kInputAssistIntegrity);
  ASSERT_EQ(integrity.size(), 336u);
  EXPECT_EQ(Bytes(integrity.begin(), integrity.begin() + 5), FromHex("FF 30 82 01 4B").value());
  auto outer = ParseTlv(integrity, TlvMode::kCardTolerant);
  ASSERT_TRUE(outer.ok());
  auto fields = ParseChildren(*outer, TlvMode::kCardTolerant);
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->size(), 3u);
  EXPECT_EQ(Bytes(FindTag(*fields, 0xDF31)->value.begin(), FindTag(*fields, 0xDF31)->value.end()),
            Sha256(my_number));  // all 17 physical bytes
  // DF32: the outer value of EF 0002 from DF22 on (the offset table skipped, no filler).
  auto bf_outer = ParseTlv(basic_four, TlvMode::kCardTolerant);
  ASSERT_TRUE(bf_outer.ok());
  const ByteView from_name = bf_outer->value.subspan(11);
  EXPECT_EQ(from_name[0], 0xDF);
  EXPECT_EQ(from_name[1], 0x22);
  const Tlv* df32 = FindTag(*fields, 0xDF32);
  EXPECT_EQ(Bytes(df32->value.begin(), df32->value.end()), Sha256(from_name));
  // DF33: signature over the 70 bytes of DF31 and DF32, by the key EF 0004 certifies.
  const Tlv* df33 = FindTag(*fields, 0xDF33);
  ASSERT_EQ(df33->value.size(), 256u);
  EXPECT_EQ(Bytes(integrity.begin() + 5 + 70, integrity.begin() + 5 + 75),
            FromHex("DF 33 82 01 00").value());
  auto key = pki::PrivateKeyFromPem(World().profile.input_assist_key_pem);
  ASSERT_TRUE(key.ok());
  const ByteView signed_part = ByteView(integrity).subspan(5, 70);
  EXPECT_TRUE(pki::VerifyPkcs1Sha256(**key, signed_part, df33->value).ok());
  Bytes tampered(signed_part.begin(), signed_part.end());
  tampered[10] ^= 1;
  EXPECT_FALSE(pki::VerifyPkcs1Sha256(**key, tampered, df33->value).ok());
}

TEST_F(InputAssistCardTest, CvCertificateEf) {
  const Bytes ef = ReadEf(my::kInputAssistCvCert);  // needs no credential
  ASSERT_EQ(ef.size(), 568u);
  EXPECT_EQ(Bytes(ef.begin(), ef.begin() + 5), FromHex("7F 21 82 02 33").value());
  auto outer = ParseTlv(ef, TlvMode::kCardTolerant);
  ASSERT_TRUE(outer.ok());
  auto parts = ParseChildren(*outer, TlvMode::kCardTolerant);
  ASSERT_TRUE(parts.ok());
  const Tlv* body = FindTag(*parts, 0x5F4E);
  ASSERT_NE(body, nullptr);
  ASSERT_EQ(body->value.size(), 297u);
  EXPECT_EQ(Bytes(body->value.begin(), body->value.begin() + 16),
            Bytes({'5', '0', '0', '0', '0', '3', '3', 0x08, 0x05, '0', '0', '1', 0, 0, 0, 0}));
  EXPECT_EQ(Bytes(body->value.begin() + 32, body->value.begin() + 41),
            FromHex("90 03 01 00 01 91 82 01 00").value());
  // The certified key is the one that signs EF 0003.
  auto key = pki::PrivateKeyFromPem(World().profile.input_assist_key_pem);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(Bytes(body->value.begin() + 41, body->value.end()), RsaModulus(**key, 256));
  ASSERT_NE(FindTag(*parts, 0x5F37), nullptr);
  EXPECT_EQ(FindTag(*parts, 0x5F37)->value.size(), 256u);
}

TEST_F(InputAssistCardTest, ApInfoEf) {
  const Bytes ef = ReadEf(my::kInputAssistApInfo);
  ASSERT_EQ(ef.size(), 256u);
  EXPECT_EQ(Bytes(ef.begin(), ef.begin() + 5), FromHex("FF 40 82 00 9F").value());
  auto outer = ParseTlv(ef, TlvMode::kCardTolerant);
  ASSERT_TRUE(outer.ok());
  auto parts = ParseChildren(*outer, TlvMode::kCardTolerant);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(Bytes(FindTag(*parts, 0xDF41)->value.begin(), FindTag(*parts, 0xDF41)->value.end()),
            FromHex("01 03 0E 01").value());
  EXPECT_EQ(FindTag(*parts, 0xDF42)->value.size(), 16u);
  const Tlv* df43 = FindTag(*parts, 0xDF43);
  ASSERT_EQ(df43->value.size(), 128u);
  for (std::size_t i = 32; i < 128; ++i) EXPECT_EQ(df43->value[i], 0xFF);
  for (std::size_t i = 164; i < 256; ++i) ASSERT_EQ(ef[i], 0xFF);
}

// §3.1 sequence 6: read all with the PIN, exact read sizes of the spec.
TEST_F(InputAssistCardTest, SequenceSixReadAll) {
  VerifyPin();
  ASSERT_EQ(SwOf(card_->Process(SelectEfApdu(0x0001))), 0x9000);
  Bytes r = Send(*card_, "00 B0 00 00 11");
  EXPECT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(DataOf(r), InputAssistMyNumberEf(World().profile.my_number));
  ASSERT_EQ(SwOf(card_->Process(SelectEfApdu(0x0002))), 0x9000);
  r = Send(*card_, "00 B0 00 00 03");  // header: FF 20 L (or FF 20 81 L)
  ASSERT_EQ(SwOf(r), 0x9000);
  auto header = ParseTlvHeader(DataOf(r), TlvMode::kCardTolerant);
  if (!header.ok()) {  // a longer length form: read a longer header
    r = Send(*card_, "00 B0 00 00 05");
    header = ParseTlvHeader(DataOf(r), TlvMode::kCardTolerant);
  }
  ASSERT_TRUE(header.ok());
  const Bytes full = Send(
      *card_, "00 B0 00 00 " + ToHex(Bytes{static_cast<std::uint8_t>(header->total_length())}));
  EXPECT_EQ(DataOf(full), InputAssistBasicFourTlv(World().profile.identity));
  ASSERT_EQ(SwOf(card_->Process(SelectEfApdu(0x0003))), 0x9000);
  EXPECT_EQ(DataOf(Send(*card_, "00 B0 00 00 00 01 50")).size(), 336u);
  // 0004 needs no credential: check on a fresh selection of the DF as well.
  card_->Reset();
  ASSERT_EQ(SwOf(card_->Process(SelectAidApdu(AssistAid()))), 0x9000);
  ASSERT_EQ(SwOf(card_->Process(SelectEfApdu(0x0004))), 0x9000);
  EXPECT_EQ(DataOf(Send(*card_, "00 B0 00 00 00 02 38")).size(), 568u);
}

TEST_F(InputAssistCardTest, SigningKeyIsNotSimulated) {
  VerifyPin();
  EXPECT_EQ(SwOf(Send(*card_, "80 2A 00 00 01 00 00")), 0x6A88);
  EXPECT_EQ(SwOf(Send(*card_, "80 2A 00 93 01 00 00")), 0x6A88);
}

}  // namespace
}  // namespace sekisho::card::sim
