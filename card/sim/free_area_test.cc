// The free-area variant (DESIGN.md §2 `free-area`): the badge applet inside the simulated My Number
// Card, read through the gate's firewall, next to the card's untouched JPKI application.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "badge/badge_firewall.h"
#include "badge/badge_ids.h"
#include "badge/badge_terminal.h"
#include "badge/eac_session.h"
#include "badge/secure_messaging.h"
#include "badge/security_infos.h"
#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/mynumber_card.h"
#include "card/sim/badge_applet.h"
#include "card/sim/card_profile.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/simulated_card.h"
#include "card/sim/test_badge_pace.h"
#include "card/tlv.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

using badge::BadgeTerminal;
using badge::PacePassword;
using badge::TerminalCredentials;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::kTestCardPin;
using testing::World;

constexpr badge::Date kFreeAreaToday{std::chrono::year(2026), std::chrono::November,
                                     std::chrono::day(28)};
constexpr char kFreeAreaCan[] = "123456";
constexpr char kBadgePin[] = "246810";

class FreeAreaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_a_ = new badge::testing::TestOrganisation(
        badge::testing::MakeTestOrganisation("ORGA", kFreeAreaToday));
    org_b_ = new badge::testing::TestOrganisation(
        badge::testing::MakeTestOrganisation("ORGB", kFreeAreaToday));
    batch_ = new BadgeBatch(NewBadgeBatch(kFreeAreaCan).value());
    sector_a_ = new badge::EcKeyPair(badge::GenerateEcKeyPair().value());
    sector_b_ = new badge::EcKeyPair(badge::GenerateEcKeyPair().value());
  }
  static void TearDownTestSuite() {
    delete org_a_;
    delete org_b_;
    delete batch_;
    delete sector_a_;
    delete sector_b_;
  }

  static TerminalCredentials Credentials(const Bytes& dv, const Bytes& terminal,
                                         const badge::EcKeyPair& terminal_key,
                                         const badge::EcKeyPair& sector) {
    TerminalCredentials c;
    c.dv_certificate = dv;
    c.terminal_certificate = terminal;
    c.terminal_private_pkcs8 = SecretBytes(terminal_key.private_pkcs8.view());
    c.trusted_chip_keys = {batch_->ca_public_point};
    c.sector_public_point = sector.public_point;
    return c;
  }
  static TerminalCredentials Credentials(const badge::testing::TestOrganisation& org,
                                         const badge::EcKeyPair& sector) {
    return Credentials(org.dv.der(), org.terminal.der(), org.terminal_key, sector);
  }

  static CardProfile WithBadge(BadgeProfile badge) {
    CardProfile profile = World().profile;
    profile.badge.value = std::make_shared<const BadgeProfile>(std::move(badge));
    return profile;
  }
  std::unique_ptr<SimulatedCard> FreeAreaCard() {
    return FreeAreaCard(NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value());
  }
  std::unique_ptr<SimulatedCard> FreeAreaCard(BadgeProfile badge) {
    return SimulatedCard::Create(WithBadge(std::move(badge)), nullptr, clock_, random_).value();
  }

  // BadgeTerminal through the gate's firewall (badge::BadgeGatePolicy()).
  Result<Bytes> ReadThroughFirewall(CardChannel& channel, const TerminalCredentials& credentials,
                                    std::string_view password = kFreeAreaCan,
                                    PacePassword kind = PacePassword::kCan,
                                    std::vector<ResponseApdu>* transcript = nullptr) {
    auto firewall = ApduFirewall::Create(channel, badge::BadgeGatePolicy());
    if (!firewall.ok()) return firewall.status();
    BadgeTerminal terminal(**firewall, credentials);
    terminal.set_transcript(transcript);
    auto id = terminal.ReadIdentifier(SecretBytes(password), kind);
    EXPECT_EQ((*firewall)->stats().refused, 0u);
    return id;
  }

  static badge::testing::TestOrganisation* org_a_;
  static badge::testing::TestOrganisation* org_b_;
  static BadgeBatch* batch_;
  static badge::EcKeyPair* sector_a_;
  static badge::EcKeyPair* sector_b_;
  FakeClock clock_{std::chrono::sys_days(kFreeAreaToday) + std::chrono::hours(10)};
  SeededRandom random_{7};
};
badge::testing::TestOrganisation* FreeAreaTest::org_a_ = nullptr;
badge::testing::TestOrganisation* FreeAreaTest::org_b_ = nullptr;
BadgeBatch* FreeAreaTest::batch_ = nullptr;
badge::EcKeyPair* FreeAreaTest::sector_a_ = nullptr;
badge::EcKeyPair* FreeAreaTest::sector_b_ = nullptr;

TEST_F(FreeAreaTest, GateReadsTheSameIdentifierAsFromADerivedBadge) {
  const BadgeProfile badge = NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value();
  auto card = FreeAreaCard(CopyBadgeProfile(badge));
  auto derived = BadgeApplet::Create(CopyBadgeProfile(badge), clock_, random_).value();
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);

  SimChannel card_channel(*card);
  auto from_card = ReadThroughFirewall(card_channel, credentials);
  ASSERT_THAT(from_card, IsOk());
  SimChannel derived_channel(*derived);
  auto from_derived = ReadThroughFirewall(derived_channel, credentials);
  ASSERT_THAT(from_derived, IsOk());
  EXPECT_EQ(*from_card, *from_derived);
  // The value RI defines (TR-03110-2 §3.5), from the chip's key outside the card.
  EXPECT_EQ(*from_card,
            badge::RestrictedIdentifier(badge.ri_private_pkcs8, sector_a_->public_point).value());
  // With the badge PIN as well (a new presentation: the card powered up afresh).
  SimChannel again(*card);
  auto with_pin = ReadThroughFirewall(again, credentials, kBadgePin, PacePassword::kPin);
  ASSERT_THAT(with_pin, IsOk());
  EXPECT_EQ(*with_pin, *from_card);
  // And as at a card-only door: CA first, no PACE, through the same firewall.
  SimChannel card_only_channel(*card);
  auto firewall = ApduFirewall::Create(card_only_channel, badge::BadgeGatePolicy());
  ASSERT_THAT(firewall, IsOk());
  BadgeTerminal terminal(**firewall, credentials);
  auto card_only = terminal.ReadIdentifierWithoutPassword();
  ASSERT_THAT(card_only, IsOk());
  EXPECT_EQ(*card_only, *from_card);
  EXPECT_EQ((*firewall)->stats().refused, 0u);
}

// The free-area applet's PIN retry counter is the card's state like the JPKI counters: a wrong
// badge PIN is saved through the card's persist callback before the answer leaves the card, so
// a card loaded again from what was saved still has one try fewer; a card that cannot save it
// answers 6581 (memory failure).
TEST_F(FreeAreaTest, WrongBadgePinIsSavedWithTheCard) {
  std::optional<CardProfile> saved;
  auto card = SimulatedCard::Create(
                  WithBadge(NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value()),
                  [&](const CardProfile& p) {
                    saved = p;
                    return OkStatus();
                  },
                  clock_, random_)
                  .value();
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  SimChannel channel(*card);
  EXPECT_THAT(ReadThroughFirewall(channel, credentials, "000000", PacePassword::kPin),
              StatusIs(StatusCode::kUnauthenticated));
  ASSERT_TRUE(saved.has_value());
  ASSERT_TRUE(saved->badge);
  EXPECT_EQ((*saved->badge).pin_tries, kMaxBadgePinTries - 1);
  EXPECT_EQ((*card->profile().badge).pin_tries, kMaxBadgePinTries - 1);

  // Loaded again from what was saved: the card still reports the spent try, and the right PIN
  // restores the counter, saved again.
  auto reloaded = SimulatedCard::Create(
                      *saved,
                      [&](const CardProfile& p) {
                        saved = p;
                        return OkStatus();
                      },
                      clock_, random_)
                      .value();
  SimChannel again(*reloaded);
  ASSERT_THAT(again.Transmit(testing::SelectByAid(badge::kBadgeAid)), IsOk());
  Bytes mse = EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kPace));
  Append(mse, EncodeTlv(0x83, Bytes{0x03}));  // the PIN (TR-03110-3 App. B.11.1)
  auto set_at = again.Transmit(
      CommandApdu{.cla = 0, .ins = 0x22, .p1 = 0xC1, .p2 = 0xA4, .data = mse}.Encode().value());
  ASSERT_THAT(set_at, IsOk());
  EXPECT_EQ(*set_at, (Bytes{0x63, 0xC2}));
  SimChannel fresh(*reloaded);
  ASSERT_THAT(ReadThroughFirewall(fresh, credentials, kBadgePin, PacePassword::kPin), IsOk());
  EXPECT_EQ((*saved->badge).pin_tries, kMaxBadgePinTries);

  // A card that cannot save the counter does not go on as if it had.
  auto failing =
      SimulatedCard::Create(
          WithBadge(NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value()),
          [](const CardProfile&) { return UnavailableError("disk full"); }, clock_, random_)
          .value();
  SimChannel broken(*failing);
  const Result<Bytes> refused =
      ReadThroughFirewall(broken, credentials, "000000", PacePassword::kPin);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("6581"));
  EXPECT_EQ((*failing->profile().badge).pin_tries, kMaxBadgePinTries);
}

TEST_F(FreeAreaTest, JpkiStillWorksAfterABadgeSession) {
  auto card = FreeAreaCard();
  SimChannel sim(*card);
  ASSERT_THAT(ReadThroughFirewall(sim, Credentials(*org_a_, *sector_a_)), IsOk());

  // The card's own JPKI user authentication, through the same kind of firewall.
  auto firewall = ApduFirewall::Create(sim, badge::BadgeGatePolicy());
  ASSERT_THAT(firewall, IsOk());
  JpkiClient jpki(**firewall);
  ASSERT_THAT(jpki.SelectApplication(), IsOk());
  auto certificate = jpki.ReadAuthCertificate(CertificateRead::kFull);
  ASSERT_THAT(certificate, IsOk());
  EXPECT_EQ(*certificate, World().profile.auth_certificate);
  ASSERT_THAT(jpki.VerifyAuthPin(SecretBytes(kTestCardPin)), IsOk());
  const Bytes challenge(32, 0x5A);
  auto signature = jpki.SignWithAuthKey(challenge);
  ASSERT_THAT(signature, IsOk());
  auto cert = pki::Certificate::FromDer(*certificate);
  ASSERT_THAT(cert, IsOk());
  auto key = pki::PublicKeyFromDer(cert->SubjectPublicKeyInfoDer());
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(pki::VerifyPkcs1Sha256(**key, challenge, *signature), IsOk());
  EXPECT_EQ(card->profile().counters.auth_pin, mynumber::kAuthPinMaxTries);
  EXPECT_EQ((*firewall)->stats().refused, 0u);
}

TEST_F(FreeAreaTest, SelectingJpkiEndsTheBadgeSession) {
  auto card = FreeAreaCard();
  SimChannel sim(*card);
  badge::SmSession sm = testing::EstablishBadgePace(sim, kFreeAreaCan);
  const CommandApdu read_access{.cla = 0, .ins = 0xB0, .p1 = 0x9C, .p2 = 0, .ne = 256};
  // Under the session, a protected command works.
  {
    const Bytes raw = sim.Transmit(sm.WrapCommand(read_access).value()).value();
    ASSERT_GT(raw.size(), 2u);
    EXPECT_EQ(sm.UnwrapResponse(raw).value().sw, 0x9000);
  }
  // SELECT of the JPKI application goes to the national card, which answers it.
  EXPECT_EQ(sim.Transmit(testing::SelectByAid(mynumber::kJpkiAid)).value(), (Bytes{0x90, 0x00}));
  // A protected command now reaches the national card, not the badge: it is refused in clear.
  const Bytes after_jpki = sim.Transmit(sm.WrapCommand(read_access).value()).value();
  EXPECT_EQ(after_jpki.size(), 2u);
  EXPECT_NE(after_jpki, (Bytes{0x90, 0x00}));
  // Back in the badge, the old session is gone: a plain SELECT under a live session would have
  // been 6987; it is 9000, and the old session's protected commands are 6988.
  EXPECT_EQ(sim.Transmit(testing::SelectByAid(badge::kBadgeAid)).value(), (Bytes{0x90, 0x00}));
  EXPECT_EQ(sim.Transmit(sm.WrapCommand(read_access).value()).value(), (Bytes{0x69, 0x88}));
  // And the badge works again from the start.
  EXPECT_THAT(ReadThroughFirewall(sim, Credentials(*org_a_, *sector_a_)), IsOk());
}

TEST_F(FreeAreaTest, FirewallRefusesTheNationalCardsOtherDataWithTheBadgePresent) {
  auto card = FreeAreaCard();
  SimChannel sim(*card);
  CountingChannel counted(sim);
  auto firewall = ApduFirewall::Create(counted, badge::BadgeGatePolicy());
  ASSERT_THAT(firewall, IsOk());
  ASSERT_EQ((*firewall)->Transmit(testing::SelectByAid(badge::kBadgeAid)).value(),
            (Bytes{0x90, 0x00}));
  ASSERT_EQ((*firewall)->Transmit(testing::SelectByAid(mynumber::kJpkiAid)).value(),
            (Bytes{0x90, 0x00}));
  const std::size_t reached = counted.counts().commands;
  const char* refused[] = {
      "00 A4 02 0C 02 00 1A",        // SELECT EF of the JPKI signature key
      "00 A4 02 0C 02 00 01",        // SELECT EF of the signature certificate
      "80 2A 00 9A 03 01 02 03 00",  // COMPUTE DIGITAL SIGNATURE with the signature key (SFI 1A)
      "00 20 00 9B 00",              // VERIFY of the signature password (SFI 1B)
      "00 B0 81 00 00",              // READ BINARY by SFI 01: the signature certificate
  };
  for (const char* hex : refused) {
    EXPECT_THAT((*firewall)->Transmit(FromHex(hex).value()),
                StatusIs(StatusCode::kPermissionDenied))
        << hex;
  }
  for (const mynumber::Aid& aid : {mynumber::kInputAssistAid, mynumber::kCardFaceAid,
                                   mynumber::kResidenceAid, mynumber::kCommonAid}) {
    EXPECT_THAT((*firewall)->Transmit(testing::SelectByAid(aid)),
                StatusIs(StatusCode::kPermissionDenied));
  }
  EXPECT_EQ(counted.counts().commands, reached);
  // The badge does not open a way to the input-assist application's My Number file either.
  ASSERT_EQ((*firewall)->Transmit(testing::SelectByAid(badge::kBadgeAid)).value(),
            (Bytes{0x90, 0x00}));
  EXPECT_THAT((*firewall)->Transmit(FromHex("00 B0 81 00 00").value()),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT((*firewall)->Transmit(FromHex("00 A4 02 0C 02 00 01").value()),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(counted.counts().commands, reached + 1);
}

// Property 1 of the decision on the national card: before TA, two free-area badges of a batch
// answer alike apart from PACE's fresh randomness.
TEST_F(FreeAreaTest, FreeAreaBadgesOfABatchAreIndistinguishableBeforeTerminalAuthentication) {
  auto first = FreeAreaCard();
  auto second = FreeAreaCard();
  ASSERT_NE((*first->profile().badge).ri_private_pkcs8.view().size(), 0u);
  ASSERT_FALSE(first->profile().badge == second->profile().badge);
  badge::EcKeyPair expired_key;
  const badge::CvCertificate expired = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM010", badge::testing::AddDays(kFreeAreaToday, -5),
      badge::testing::AddDays(kFreeAreaToday, -1), badge::rights::kGate, &expired_key);
  const TerminalCredentials refused[] = {
      Credentials(org_a_->dv.der(), expired.der(), expired_key, *sector_a_),
      Credentials(*org_b_, *sector_b_)};
  for (const TerminalCredentials& credentials : refused) {
    SimChannel c1(*first);
    SimChannel c2(*second);
    std::vector<ResponseApdu> t1;
    std::vector<ResponseApdu> t2;
    EXPECT_THAT(ReadThroughFirewall(c1, credentials, kFreeAreaCan, PacePassword::kCan, &t1),
                StatusIs(StatusCode::kUnauthenticated));
    EXPECT_THAT(ReadThroughFirewall(c2, credentials, kFreeAreaCan, PacePassword::kCan, &t2),
                StatusIs(StatusCode::kUnauthenticated));
    ASSERT_EQ(t1.size(), t2.size());
    ASSERT_GE(t1.size(), 7u);  // SELECT, MSE, GA x4, then TA's first refusal
    for (std::size_t i = 0; i < t1.size(); ++i) {
      EXPECT_EQ(t1[i].sw, t2[i].sw) << "response " << i;
      EXPECT_EQ(t1[i].data.size(), t2[i].data.size()) << "response " << i;
      const bool pace_randomness = i >= 2 && i <= 5;  // GENERAL AUTHENTICATE 1-4
      if (!pace_randomness) {
        EXPECT_EQ(t1[i].data, t2[i].data) << "response " << i;
      }
    }
  }
  EXPECT_EQ(first->Atr(), second->Atr());
}

TEST_F(FreeAreaTest, CardProfileJsonRoundTripKeepsTheBadge) {
  CardProfile profile = WithBadge(NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value());
  const std::string json = CardProfileToJson(profile);
  ASSERT_TRUE(nlohmann::json::parse(json).contains("badge"));
  auto parsed = CardProfileFromJson(json);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->badge);
  EXPECT_TRUE(*parsed->badge == *profile.badge);
  EXPECT_TRUE(*parsed == profile);
  EXPECT_EQ(CardProfileToJson(*parsed), json);
  // The parsed card serves the same badge.
  auto card = SimulatedCard::Create(std::move(parsed).value(), nullptr, clock_, random_);
  ASSERT_THAT(card, IsOk());
  SimChannel sim(**card);
  auto id = ReadThroughFirewall(sim, Credentials(*org_a_, *sector_a_));
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id,
            badge::RestrictedIdentifier((*profile.badge).ri_private_pkcs8, sector_a_->public_point)
                .value());
  // Without a badge (absent or null), none.
  nlohmann::json doc = nlohmann::json::parse(json);
  doc["badge"] = nullptr;
  auto null_badge = CardProfileFromJson(doc.dump());
  ASSERT_THAT(null_badge, IsOk());
  EXPECT_FALSE(null_badge->badge);
  doc.erase("badge");
  auto absent = CardProfileFromJson(doc.dump());
  ASSERT_THAT(absent, IsOk());
  EXPECT_FALSE(absent->badge);
}

TEST_F(FreeAreaTest, MalformedBadgeObjectIsDataLossNamingTheField) {
  const CardProfile profile =
      WithBadge(NewBadgeProfile(*batch_, org_a_->cvca.der(), kBadgePin).value());
  const nlohmann::json good = nlohmann::json::parse(CardProfileToJson(profile));
  struct Case {
    const char* field;
    nlohmann::json value;
    const char* named;
  };
  const Case cases[] = {
      {nullptr, 42, "badge"},
      {nullptr, "not an object", "badge"},
      {"can", "12345", "can"},
      {"pin", "12a456", "pin"},
      {"pin_tries", 4, "pin_tries"},
      {"ca_private_key", "00", "ca_private_key"},
      {"ca_public_key", "zz", "ca_public_key"},
      {"ri_private_key", "", "ri_private_key"},
      {"trust_points", nlohmann::json::array({"00"}), "trust_points"},
      {"format_version", 2, "format_version"},
  };
  for (const Case& c : cases) {
    nlohmann::json doc = good;
    if (c.field == nullptr) {
      doc["badge"] = c.value;
    } else {
      doc["badge"][c.field] = c.value;
    }
    EXPECT_THAT(CardProfileFromJson(doc.dump()),
                StatusIs(StatusCode::kDataLoss, AllOf(HasSubstr("badge"), HasSubstr(c.named))))
        << (c.field == nullptr ? "badge" : c.field);
  }
  // The message never carries the badge's secrets.
  nlohmann::json doc = good;
  doc["badge"]["can"] = "12345";
  const Status status = CardProfileFromJson(doc.dump()).status();
  EXPECT_EQ(status.message().find("12345"), std::string::npos);
}

}  // namespace
}  // namespace sekisho::card::sim
