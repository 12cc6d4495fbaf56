// The JPKI client behind the APDU firewall against the simulated My Number Card: the whole
// user-authentication flow, the lean door path's budget, PIN safety and card removal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "base/random.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/jpki_client.h"
#include "card/sim/card_factory.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"
#include "pki/test_pki.h"
#include "pki/verify.h"

namespace sekisho::card {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

constexpr TimePoint kNow = FromUnixSeconds(1743465600);  // 2025-04-01T00:00:00Z
constexpr std::uint64_t kPkiSeed = 11;
constexpr std::uint64_t kCardSeed = 2024;

struct World {
  pki::TestPki pki;
  sim::CardProfile profile;  // auth PIN "1234"
};

// One PKI and one card per process: RSA key generation is slow in Debug builds.
const World& TheWorld() {
  static const World* const world = [] {
    SeededRandom random(kPkiSeed);
    auto pki = pki::CreateTestPki(random, kNow);
    if (!pki.ok()) {
      std::cerr << "test PKI: " << pki.status().ToString() << "\n";
      std::abort();
    }
    auto profile = sim::NewCard(*pki, kCardSeed, kNow);
    if (!profile.ok()) {
      std::cerr << "test card: " << profile.status().ToString() << "\n";
      std::abort();
    }
    return new World{std::move(pki).value(), std::move(profile).value()};
  }();
  return *world;
}

// Records what passes between the firewall and the card, and can pull the card out just before
// the n-th command.
class RecordingChannel : public CardChannel {
 public:
  explicit RecordingChannel(sim::SimChannel& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    if (++count_ == remove_before_) inner_.Remove();
    sent.emplace_back(command.begin(), command.end());
    return inner_.Transmit(command);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  void RemoveBeforeCommand(int n) { remove_before_ = count_ + n; }
  // VERIFY commands with a data field: each one can spend a try.
  int VerifiesWithPin() const {
    int n = 0;
    for (const Bytes& c : sent) n += c.size() > 4 && c[1] == 0x20 ? 1 : 0;
    return n;
  }
  std::vector<Bytes> sent;

 private:
  sim::SimChannel& inner_;
  int count_ = 0;
  int remove_before_ = -1;
};

class JpkiConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(TheWorld().profile); }

  void Build(sim::CardProfile profile, JpkiClientOptions options = {}) {
    client_.reset();
    firewall_.reset();
    recorder_.reset();
    channel_.reset();
    auto card = sim::SimulatedCard::Create(std::move(profile));
    ASSERT_THAT(card, IsOk());
    card_ = std::move(*card);
    channel_ = std::make_unique<sim::SimChannel>(*card_);
    recorder_ = std::make_unique<RecordingChannel>(*channel_);
    auto firewall = ApduFirewall::Create(*recorder_, JpkiUserAuthenticationPolicy());
    ASSERT_THAT(firewall, IsOk());
    firewall_ = std::move(*firewall);
    client_ = std::make_unique<JpkiClient>(*firewall_, options);
  }

  int AuthPinTries() const { return card_->profile().counters.auth_pin; }

  std::unique_ptr<sim::SimulatedCard> card_;
  std::unique_ptr<sim::SimChannel> channel_;
  std::unique_ptr<RecordingChannel> recorder_;
  std::unique_ptr<ApduFirewall> firewall_;
  std::unique_ptr<JpkiClient> client_;
};

void ExpectFullFlow(JpkiClient& client, const World& world) {
  EXPECT_EQ(client.DetectToken().value_or(TokenKind::kUnknown), TokenKind::kMyNumberCard);
  auto der = client.ReadAuthCertificate(CertificateRead::kFull);
  ASSERT_THAT(der, IsOk());
  EXPECT_EQ(*der, world.profile.auth_certificate);
  auto ca_der = client.ReadAuthCaCertificate();
  ASSERT_THAT(ca_der, IsOk());
  EXPECT_EQ(*ca_der, world.profile.auth_ca_certificate);

  auto certificate = pki::Certificate::FromDer(*der);
  ASSERT_THAT(certificate, IsOk());
  auto ca = pki::Certificate::FromDer(*ca_der);
  ASSERT_THAT(ca, IsOk());
  const pki::Certificate anchors[] = {std::move(*ca)};
  EXPECT_THAT(pki::VerifyCertificate(*certificate, anchors, {.at = kNow}), IsOk());

  EXPECT_EQ(client.QueryAuthPinStatus().value_or(PinStatus{}), (PinStatus{3, false}));
  ASSERT_THAT(client.VerifyAuthPin(SecretBytes("1234")), IsOk());
  const Bytes challenge = ToBytes("sekisho door 7, challenge 0123456789abcdef");
  auto signature = client.SignWithAuthKey(challenge);
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->size(), 256u);
  EXPECT_THAT(pki::VerifyPkcs1Sha256(certificate->PublicKey(), challenge, *signature), IsOk());
  // A signature does not verify for another challenge.
  EXPECT_THAT(pki::VerifyPkcs1Sha256(certificate->PublicKey(), ToBytes("another"), *signature),
              ::testing::Not(IsOk()));
}

TEST_F(JpkiConformanceTest, FullFlowDetectReadVerifySign) {
  ExpectFullFlow(*client_, TheWorld());
  EXPECT_EQ(firewall_->stats().refused, 0u);
  for (const std::string& line : firewall_->AllowedLog()) {
    EXPECT_THAT(line, HasSubstr("JPKI application (公的個人認証AP)")) << line;
  }
}

TEST_F(JpkiConformanceTest, FullFlowWithSelectForms) {
  Build(TheWorld().profile, {.use_sfi = false});
  ExpectFullFlow(*client_, TheWorld());
  EXPECT_EQ(firewall_->stats().refused, 0u);
}

TEST_F(JpkiConformanceTest, UntilPublicKeyReadsLessAndHasTheSameKey) {
  channel_->ResetStats();
  auto full = client_->ReadAuthCertificate(CertificateRead::kFull);
  ASSERT_THAT(full, IsOk());
  const std::size_t full_bytes = channel_->stats().bytes_received;

  Build(TheWorld().profile);
  channel_->ResetStats();
  auto prefix = client_->ReadAuthCertificate(CertificateRead::kUntilPublicKey);
  ASSERT_THAT(prefix, IsOk());
  const std::size_t prefix_bytes = channel_->stats().bytes_received;
  EXPECT_LT(prefix_bytes, full_bytes);
  EXPECT_LT(prefix->size(), full->size());
  EXPECT_EQ(prefix_bytes, prefix->size());  // nothing read beyond the SPKI

  auto certificate = pki::Certificate::FromDer(*full);
  ASSERT_THAT(certificate, IsOk());
  const Bytes spki = certificate->SubjectPublicKeyInfoDer();
  ASSERT_GE(prefix->size(), spki.size());
  EXPECT_TRUE(std::equal(spki.begin(), spki.end(),
                         prefix->end() - static_cast<std::ptrdiff_t>(spki.size())));
  EXPECT_TRUE(std::equal(prefix->begin(), prefix->end(), full->begin()));
  auto extracted = SubjectPublicKeyInfoFromPrefix(*prefix);
  ASSERT_THAT(extracted, IsOk());
  EXPECT_TRUE(std::equal(extracted->begin(), extracted->end(), spki.begin(), spki.end()));
}

// The door: SELECT JPKI; READ by SFI 0A up to the SPKI; empty VERIFY 98; VERIFY 98; SIGN 97.
TEST_F(JpkiConformanceTest, LeanDoorPathFitsEightApdusAndOneKilobyte) {
  channel_->ResetStats();
  ASSERT_THAT(client_->SelectApplication(), IsOk());
  auto prefix = client_->ReadAuthCertificate(CertificateRead::kUntilPublicKey);
  ASSERT_THAT(prefix, IsOk());
  ASSERT_THAT(client_->VerifyAuthPin(SecretBytes("1234")), IsOk());
  const Bytes challenge = ToBytes("door challenge");
  auto signature = client_->SignWithAuthKey(challenge);
  ASSERT_THAT(signature, IsOk());

  EXPECT_LE(channel_->stats().commands, 8u);
  EXPECT_LE(channel_->stats().bytes_received, 1024u);
  EXPECT_EQ(firewall_->stats().refused, 0u);
  // No SELECT of an EF on this path.
  for (const Bytes& c : recorder_->sent) {
    EXPECT_FALSE(c[1] == 0xA4 && c[2] == 0x02) << ToHex(c);
  }

  // The signature verifies with the key from the prefix alone.
  auto end = SubjectPublicKeyInfoEnd(*prefix);
  ASSERT_THAT(end, IsOk());
  ASSERT_TRUE(end->has_value());
  auto certificate = pki::Certificate::FromDer(TheWorld().profile.auth_certificate);
  ASSERT_THAT(certificate, IsOk());
  const Bytes spki = certificate->SubjectPublicKeyInfoDer();
  auto key = pki::PublicKeyFromDer(ByteView(*prefix).subspan(**end - spki.size(), spki.size()));
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(pki::VerifyPkcs1Sha256(**key, challenge, *signature), IsOk());
}

TEST_F(JpkiConformanceTest, OneTryLeftIsRefusedBeforeAnyVerifyWithAPin) {
  sim::CardProfile profile = TheWorld().profile;
  profile.counters.auth_pin = 1;
  Build(profile);
  EXPECT_EQ(client_->QueryAuthPinStatus().value_or(PinStatus{}), (PinStatus{1, false}));
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("1234")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("municipal office")));
  EXPECT_EQ(recorder_->VerifiesWithPin(), 0);
  EXPECT_EQ(AuthPinTries(), 1);

  // The holder, at a desk, chooses to use the last try with the right PIN.
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("1234"), PinSafety::kAllowLastTry), IsOk());
  EXPECT_EQ(recorder_->VerifiesWithPin(), 1);
  EXPECT_EQ(AuthPinTries(), 3);
}

TEST_F(JpkiConformanceTest, ABlockedPinIsReportedAndNeverSent) {
  sim::CardProfile profile = TheWorld().profile;
  profile.counters.auth_pin = 0;
  Build(profile);
  EXPECT_EQ(client_->QueryAuthPinStatus().value_or(PinStatus{}), (PinStatus{0, true}));
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("1234"), PinSafety::kAllowLastTry),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("locked")));
  EXPECT_EQ(recorder_->VerifiesWithPin(), 0);
}

TEST_F(JpkiConformanceTest, AWrongPinSpendsExactlyOneTry) {
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("9999")),
              StatusIs(StatusCode::kUnauthenticated, "wrong PIN, 2 tries left"));
  EXPECT_EQ(recorder_->VerifiesWithPin(), 1);
  EXPECT_EQ(AuthPinTries(), 2);
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("9999")),
              StatusIs(StatusCode::kUnauthenticated, "wrong PIN, 1 try left"));
  EXPECT_EQ(AuthPinTries(), 1);
  // Now the gate stops: the last try is the holder's to spend at the municipal office.
  EXPECT_THAT(client_->VerifyAuthPin(SecretBytes("1234")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(recorder_->VerifiesWithPin(), 2);
  EXPECT_EQ(AuthPinTries(), 1);
}

TEST_F(JpkiConformanceTest, SigningWithoutThePinIsAFailedPrecondition) {
  EXPECT_THAT(client_->SignWithAuthKey(ToBytes("challenge")),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("PIN not verified")));
}

TEST_F(JpkiConformanceTest, RemovalMidReadIsUnavailable) {
  ASSERT_THAT(client_->SelectApplication(), IsOk());
  recorder_->RemoveBeforeCommand(2);  // after the first chunk of the certificate
  EXPECT_THAT(client_->ReadAuthCertificate(CertificateRead::kFull),
              StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(client_->QueryAuthPinStatus(), StatusIs(StatusCode::kUnavailable));
  // Back in the reader, the card has lost its selection; the client selects again.
  channel_->Insert();
  auto der = client_->ReadAuthCertificate(CertificateRead::kFull);
  ASSERT_THAT(der, IsOk());
  EXPECT_EQ(*der, TheWorld().profile.auth_certificate);
}

TEST_F(JpkiConformanceTest, FirewallKeepsEverythingElseFromTheCard) {
  ASSERT_THAT(client_->SelectApplication(), IsOk());
  channel_->ResetStats();
  for (const char* hex : {"00A4040C0AD3921000310001010408",  // input-assist application
                          "00A4020C020001",                  // signature certificate
                          "00B0810000",                      // signature certificate by SFI
                          "0020009B",                        // signature password tries
                          "00CA004500",                      // GET DATA
                          "0084000008"}) {                   // GET CHALLENGE
    EXPECT_THAT(firewall_->Transmit(*FromHex(hex)), StatusIs(StatusCode::kPermissionDenied)) << hex;
  }
  EXPECT_EQ(channel_->stats().commands, 0u);
}

}  // namespace
}  // namespace sekisho::card
