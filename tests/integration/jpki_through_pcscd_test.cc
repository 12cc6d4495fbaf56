// The simulated My Number Card behind the real pcscd: the JPKI user-authentication flow with raw
// APDUs and through the product path (ApduFirewall + JpkiClient over PcscChannel), and a card
// pulled out in the middle of reading the certificate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "base/digest.h"
#include "base/secret.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/jpki_client.h"
#include "card/mynumber_card.h"
#include "card/pcsc/pcsc_channel.h"
#include "card/sim/simulated_card.h"
#include "card/transceive.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"
#include "pki/verify.h"
#include "tests/integration/test_card.h"
#include "tests/integration/virtual_reader.h"

namespace sekisho::integration {
namespace {

namespace my = card::mynumber;
using card::pcsc::PcscChannel;
using card::pcsc::PcscContext;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

class JpkiThroughPcscdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SEKISHO_CONNECT_TO_PCSCD_OR_SKIP(context_);
    ASSERT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
    auto card = card::sim::SimulatedCard::Create(World().profile);
    ASSERT_THAT(card, IsOk());
    card_ = std::move(card).value();
  }

  // Inserts `card` (the simulator unless given) and connects to it.
  void InsertAndConnect(card::VirtualCard* card = nullptr) {
    auto inserted = InsertedCard::Insert(card != nullptr ? *card : *card_);
    ASSERT_THAT(inserted, IsOk());
    inserted_ = std::move(inserted).value();
    ASSERT_THAT(context_->WaitForCard(kReader, kCardEventTimeout), IsOk());
    auto channel = PcscChannel::Connect(*context_, kReader);
    ASSERT_THAT(channel, IsOk());
    channel_ = std::move(channel).value();
  }

  std::vector<pki::Certificate> AuthAnchors() const {
    std::vector<pki::Certificate> anchors;
    anchors.push_back(World().pki.auth_ca.Clone());
    return anchors;
  }

  std::unique_ptr<PcscContext> context_;
  std::unique_ptr<card::sim::SimulatedCard> card_;
  std::unique_ptr<InsertedCard> inserted_;
  std::unique_ptr<PcscChannel> channel_;  // destroyed before inserted_, which is before card_
};

const Bytes kChallenge = ToBytes("sekisho integration challenge: door 7, 2025-04-01");

Bytes Sha256DigestInfo(ByteView message) {
  Bytes info(my::kSha256DigestInfoPrefix.begin(), my::kSha256DigestInfoPrefix.end());
  Append(info, Sha256(message));
  return info;
}

// Spec §3.1 sequences 1, 2, 5 and 4 with raw APDUs through PC/SC.
TEST_F(JpkiThroughPcscdTest, RawApdusDetectReadVerifyAndSign) {
  InsertAndConnect();
  card::CardChannel& ch = *channel_;

  // Seq 1: the token.
  auto r = Send(ch, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  r = Send(ch, "00 A4 02 0C 02 00 06");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  r = Send(ch, "00 B0 00 00 20");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  std::string label = ToString(r->data);
  label.erase(label.find_last_not_of(' ') + 1);
  EXPECT_EQ(label, "JPKIAPICCTOKEN2");

  // Seq 2: the auth certificate in chunks, equal to the card's, chaining to the test auth CA.
  auto der = ReadCertificateRaw(ch, my::kJpkiAuthCert);
  ASSERT_THAT(der, IsOk());
  EXPECT_EQ(*der, World().profile.auth_certificate);
  auto cert = pki::Certificate::FromDer(*der);
  ASSERT_THAT(cert, IsOk());
  const auto anchors = AuthAnchors();
  EXPECT_THAT(pki::VerifyCertificate(*cert, anchors, {.at = kTestNow + std::chrono::hours(24)}),
              IsOk());
  std::vector<pki::Certificate> wrong_anchor;
  wrong_anchor.push_back(World().pki.sign_ca.Clone());
  EXPECT_THAT(
      pki::VerifyCertificate(*cert, wrong_anchor, {.at = kTestNow + std::chrono::hours(24)}),
      StatusIs(StatusCode::kUnauthenticated));

  // Seq 5: tries left, without spending one.
  r = Send(ch, "00 A4 02 0C 02 00 18");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  r = Send(ch, "00 20 00 80");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->sw, 0x63C3);

  // Seq 4: VERIFY, then COMPUTE DIGITAL SIGNATURE over a SHA-256 DigestInfo with key 0017.
  r = Send(ch, "00 20 00 80 04 31 32 33 34");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  r = Send(ch, "00 A4 02 0C 02 00 17");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->sw, 0x9000);
  const card::CommandApdu sign{0x80, my::kInsComputeSignature,     0x00,
                               0x80, Sha256DigestInfo(kChallenge), 256};
  auto signature = card::Transceive(ch, sign);
  ASSERT_THAT(signature, IsOk());
  ASSERT_EQ(signature->sw, 0x9000);
  ASSERT_EQ(signature->data.size(), 256u);
  EXPECT_THAT(pki::VerifyPkcs1Sha256(cert->PublicKey(), kChallenge, signature->data), IsOk());
  Bytes tampered = signature->data;
  tampered[100] ^= 0x01;
  EXPECT_THAT(pki::VerifyPkcs1Sha256(cert->PublicKey(), kChallenge, tampered),
              StatusIs(StatusCode::kUnauthenticated));
}

// The product path: ApduFirewall (JPKI user-authentication policy) + JpkiClient on PcscChannel,
// with and without short EF identifiers.
TEST_F(JpkiThroughPcscdTest, FirewallAndJpkiClientOverPcsc) {
  InsertAndConnect();
  for (const bool use_sfi : {true, false}) {
    SCOPED_TRACE(use_sfi ? "by SFI" : "with SELECT EF");
    ASSERT_THAT(channel_->Reset(), IsOk());
    auto firewall = card::ApduFirewall::Create(*channel_, card::JpkiUserAuthenticationPolicy());
    ASSERT_THAT(firewall, IsOk());
    card::JpkiClient jpki(**firewall, {.use_sfi = use_sfi});

    auto token = jpki.DetectToken();
    ASSERT_THAT(token, IsOk());
    EXPECT_EQ(*token, card::TokenKind::kMyNumberCard);
    auto der = jpki.ReadAuthCertificate(card::CertificateRead::kFull);
    ASSERT_THAT(der, IsOk());
    EXPECT_EQ(*der, World().profile.auth_certificate);
    auto ca = jpki.ReadAuthCaCertificate();
    ASSERT_THAT(ca, IsOk());
    EXPECT_EQ(*ca, World().pki.auth_ca.Der());
    auto cert = pki::Certificate::FromDer(*der);
    ASSERT_THAT(cert, IsOk());
    EXPECT_THAT(
        pki::VerifyCertificate(*cert, AuthAnchors(), {.at = kTestNow + std::chrono::hours(24)}),
        IsOk());

    auto pin = jpki.QueryAuthPinStatus();
    ASSERT_THAT(pin, IsOk());
    EXPECT_EQ(*pin, (card::PinStatus{my::kAuthPinMaxTries, false}));
    ASSERT_THAT(jpki.VerifyAuthPin(SecretBytes(kTestAuthPin)), IsOk());
    auto signature = jpki.SignWithAuthKey(kChallenge);
    ASSERT_THAT(signature, IsOk());
    EXPECT_THAT(pki::VerifyPkcs1Sha256(cert->PublicKey(), kChallenge, *signature), IsOk());

    // DESIGN.md P3 through PC/SC: the input-assist application (the My Number) never reaches
    // the card.
    const Bytes select_input_assist = *FromHex("00A4040C0AD3921000310001010408");
    EXPECT_THAT((*firewall)->Transmit(select_input_assist),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_EQ((*firewall)->stats().refused, 1u);
  }
  // Nothing above spent a try.
  EXPECT_EQ(card_->profile().counters.auth_pin, my::kAuthPinMaxTries);
}

// A wrong PIN through the product path spends exactly one try and says how many are left.
TEST_F(JpkiThroughPcscdTest, WrongPinThroughPcscSpendsOneTry) {
  InsertAndConnect();
  auto firewall = card::ApduFirewall::Create(*channel_, card::JpkiUserAuthenticationPolicy());
  ASSERT_THAT(firewall, IsOk());
  card::JpkiClient jpki(**firewall);
  EXPECT_THAT(jpki.VerifyAuthPin(SecretBytes(std::string_view("9999"))),
              StatusIs(StatusCode::kUnauthenticated, ::testing::HasSubstr("2 tries left")));
  auto pin = jpki.QueryAuthPinStatus();
  ASSERT_THAT(pin, IsOk());
  EXPECT_EQ(pin->tries_left, 2);
  // The right PIN restores the counter.
  ASSERT_THAT(jpki.VerifyAuthPin(SecretBytes(kTestAuthPin)), IsOk());
  channel_.reset();
  inserted_.reset();
  EXPECT_EQ(card_->profile().counters.auth_pin, my::kAuthPinMaxTries);
}

// The card leaves the reader after the client's second command, in the middle of reading the
// certificate: the client gets kUnavailable (no crash, no hang); the card put back works.
TEST_F(JpkiThroughPcscdTest, RemovalWhileReadingTheCertificateThenReinsertion) {
  RemovingCard leaving(*card_, /*commands=*/2);
  InsertAndConnect(&leaving);
  leaving.SetStop(&inserted_->stop_flag());
  {
    auto firewall = card::ApduFirewall::Create(*channel_, card::JpkiUserAuthenticationPolicy());
    ASSERT_THAT(firewall, IsOk());
    card::JpkiClient jpki(**firewall);
    EXPECT_THAT(jpki.ReadAuthCertificate(card::CertificateRead::kFull),
                StatusIs(StatusCode::kUnavailable));
    EXPECT_THAT(jpki.ReadAuthCertificate(card::CertificateRead::kFull),
                StatusIs(StatusCode::kUnavailable));
  }
  EXPECT_THAT(inserted_->Remove(), IsOk());
  ASSERT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
  EXPECT_FALSE(channel_->IsPresent());
  channel_.reset();
  inserted_.reset();

  // Put back: a new link is an insertion.
  InsertAndConnect();
  auto firewall = card::ApduFirewall::Create(*channel_, card::JpkiUserAuthenticationPolicy());
  ASSERT_THAT(firewall, IsOk());
  card::JpkiClient jpki(**firewall);
  auto der = jpki.ReadAuthCertificate(card::CertificateRead::kFull);
  ASSERT_THAT(der, IsOk());
  EXPECT_EQ(*der, World().profile.auth_certificate);
}

// The same with raw APDUs and a removal from the test thread between two chunks.
TEST_F(JpkiThroughPcscdTest, RemovalBetweenRawChunksIsUnavailable) {
  InsertAndConnect();
  auto r = Send(*channel_, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
  ASSERT_THAT(r, IsOk());
  r = Send(*channel_, "00 A4 02 0C 02 00 0A");
  ASSERT_THAT(r, IsOk());
  r = Send(*channel_, "00 B0 00 00 00");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->data.size(), 256u);
  ASSERT_THAT(inserted_->Remove(), IsOk());
  EXPECT_THAT(Send(*channel_, "00 B0 01 00 00"), StatusIs(StatusCode::kUnavailable));
}

}  // namespace
}  // namespace sekisho::integration
