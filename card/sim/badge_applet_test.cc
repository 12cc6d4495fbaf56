// The badge applet and the gate's BadgeTerminal back to back (issue 7, properties 1-4).
#include "card/sim/badge_applet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "badge/badge_firewall.h"
#include "badge/badge_ids.h"
#include "badge/badge_terminal.h"
#include "badge/ec_key.h"
#include "badge/security_infos.h"
#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_channel.h"
#include "card/sim/test_badge_pace.h"
#include "card/tlv.h"

namespace sekisho::card::sim {
namespace {

using badge::BadgeTerminal;
using badge::PacePassword;
using badge::TerminalCredentials;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr badge::Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(28)};
constexpr char kCan[] = "123456";

// Wraps a channel: records every command and can corrupt one of them.
class TappedChannel final : public CardChannel {
 public:
  explicit TappedChannel(CardChannel& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    Bytes c(command.begin(), command.end());
    if (flip_index_ && *flip_index_ == commands_.size()) c[c.size() / 2] ^= 0x01;
    commands_.push_back(c);
    return inner_.Transmit(c);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }
  const std::vector<Bytes>& commands() const { return commands_; }
  void FlipCommand(std::size_t index) { flip_index_ = index; }

 private:
  CardChannel& inner_;
  std::vector<Bytes> commands_;
  std::optional<std::size_t> flip_index_;
};

class BadgeAppletTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_a_ =
        new badge::testing::TestOrganisation(badge::testing::MakeTestOrganisation("ORGA", kToday));
    org_b_ =
        new badge::testing::TestOrganisation(badge::testing::MakeTestOrganisation("ORGB", kToday));
    batch_ = new BadgeBatch(NewBadgeBatch(kCan).value());
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

  static TerminalCredentials Credentials(const badge::testing::TestOrganisation& org,
                                         const badge::EcKeyPair& sector) {
    return Credentials(org.dv.der(), org.terminal.der(), org.terminal_key, sector);
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

  std::unique_ptr<BadgeApplet> NewApplet(std::vector<const Bytes*> trust_points = {},
                                         std::optional<std::string> pin = std::nullopt) {
    if (trust_points.empty()) trust_points = {&org_a_->cvca.der()};
    BadgeProfile profile = NewBadgeProfile(*batch_, *trust_points[0], std::move(pin)).value();
    for (std::size_t i = 1; i < trust_points.size(); ++i) {
      profile.trust_points.push_back(*trust_points[i]);
    }
    return BadgeApplet::Create(std::move(profile), clock_, random_).value();
  }

  Result<Bytes> Read(BadgeApplet& applet, const TerminalCredentials& credentials,
                     std::string_view password = kCan, PacePassword kind = PacePassword::kCan,
                     std::vector<ResponseApdu>* transcript = nullptr) {
    SimChannel channel(applet);
    BadgeTerminal terminal(channel, credentials);
    terminal.set_transcript(transcript);
    return terminal.ReadIdentifier(SecretBytes(password), kind);
  }

  // The card-only order: CA first in plain, then TA and RI (no PACE).
  Result<Bytes> ReadCardOnly(BadgeApplet& applet, const TerminalCredentials& credentials,
                             std::vector<ResponseApdu>* transcript = nullptr) {
    SimChannel channel(applet);
    BadgeTerminal terminal(channel, credentials);
    terminal.set_transcript(transcript);
    return terminal.ReadIdentifierWithoutPassword();
  }

  static badge::testing::TestOrganisation* org_a_;
  static badge::testing::TestOrganisation* org_b_;
  static BadgeBatch* batch_;
  static badge::EcKeyPair* sector_a_;
  static badge::EcKeyPair* sector_b_;
  FakeClock clock_{std::chrono::sys_days(kToday) + std::chrono::hours(10)};
  SeededRandom random_{7};
};
badge::testing::TestOrganisation* BadgeAppletTest::org_a_ = nullptr;
badge::testing::TestOrganisation* BadgeAppletTest::org_b_ = nullptr;
BadgeBatch* BadgeAppletTest::batch_ = nullptr;
badge::EcKeyPair* BadgeAppletTest::sector_a_ = nullptr;
badge::EcKeyPair* BadgeAppletTest::sector_b_ = nullptr;

TEST_F(BadgeAppletTest, FullSequenceYieldsTheSectorIdentifier) {
  auto applet = NewApplet();
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  auto id = Read(*applet, credentials);
  ASSERT_THAT(id, IsOk());
  ASSERT_EQ(id->size(), badge::kRestrictedIdentifierSize);
  // The value RI defines (TR-03110-2 §3.5), computed from the chip's key outside the applet.
  auto expected =
      badge::RestrictedIdentifier(applet->profile().ri_private_pkcs8, sector_a_->public_point);
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*id, *expected);
  // A second session gives the same identifier.
  auto again = Read(*applet, credentials);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *id);
}

// Property 1: before TA, two badges of a batch give the same answers apart from PACE's fresh
// randomness (same status words, same lengths, identical non-random data).
TEST_F(BadgeAppletTest, BadgesOfABatchAreIndistinguishableBeforeTerminalAuthentication) {
  auto first = NewApplet();
  auto second = NewApplet();
  ASSERT_NE(first->profile().ri_private_pkcs8.view().size(), 0u);
  EXPECT_EQ(first->Atr(), second->Atr());
  // A terminal whose certificate the badges refuse (expired at the card's date) and a terminal
  // of a foreign CVCA: neither gets past TA, and neither can tell the badges apart.
  badge::EcKeyPair expired_key;
  const badge::CvCertificate expired = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM010", badge::testing::AddDays(kToday, -5),
      badge::testing::AddDays(kToday, -1), badge::rights::kGate, &expired_key);
  const TerminalCredentials refused[] = {
      Credentials(org_a_->dv.der(), expired.der(), expired_key, *sector_a_),
      Credentials(*org_b_, *sector_b_)};
  for (const TerminalCredentials& credentials : refused) {
    std::vector<ResponseApdu> t1;
    std::vector<ResponseApdu> t2;
    EXPECT_THAT(Read(*first, credentials, kCan, PacePassword::kCan, &t1),
                StatusIs(StatusCode::kUnauthenticated));
    EXPECT_THAT(Read(*second, credentials, kCan, PacePassword::kCan, &t2),
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
}

// PACE or CA by hand (testing::EstablishBadgePace, EstablishBadgeChipFirst), to send what
// BadgeTerminal never sends (malformed certificates, commands out of order).
std::uint16_t SendProtected(SimChannel& channel, badge::SmSession& sm, const CommandApdu& c) {
  const Bytes raw = channel.Transmit(sm.WrapCommand(c).value()).value();
  if (raw.size() == 2) return ReadU16(raw[0], raw[1]);
  return sm.UnwrapResponse(raw).value().sw;
}

TEST_F(BadgeAppletTest, CardOnlyOrderYieldsTheSameIdentifierWithoutPace) {
  auto applet = NewApplet();
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  auto card_only = ReadCardOnly(*applet, credentials);
  ASSERT_THAT(card_only, IsOk());
  EXPECT_EQ(*card_only,
            badge::RestrictedIdentifier(applet->profile().ri_private_pkcs8, sector_a_->public_point)
                .value());
  // The EAC2 order gives the same identifier: RI does not depend on how the channel was made.
  auto with_pace = Read(*applet, credentials);
  ASSERT_THAT(with_pace, IsOk());
  EXPECT_EQ(*with_pace, *card_only);
  EXPECT_EQ(applet->profile().pin_tries, kMaxBadgePinTries);
}

// Property 1 in the card-only order: before TA, two badges of a batch answer SELECT and CA alike
// (the same status words and lengths; CA's nonce and token are fresh randomness and a MAC under
// the batch key), and TA's refusals do not depend on the badge.
TEST_F(BadgeAppletTest, BadgesOfABatchAreIndistinguishableBeforeTerminalAuthenticationCardOnly) {
  auto first = NewApplet();
  auto second = NewApplet();
  badge::EcKeyPair expired_key;
  const badge::CvCertificate expired = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM013", badge::testing::AddDays(kToday, -5),
      badge::testing::AddDays(kToday, -1), badge::rights::kGate, &expired_key);
  const TerminalCredentials refused[] = {
      Credentials(org_a_->dv.der(), expired.der(), expired_key, *sector_a_),
      Credentials(*org_b_, *sector_b_)};
  for (const TerminalCredentials& credentials : refused) {
    std::vector<ResponseApdu> t1;
    std::vector<ResponseApdu> t2;
    EXPECT_THAT(ReadCardOnly(*first, credentials, &t1), StatusIs(StatusCode::kUnauthenticated));
    EXPECT_THAT(ReadCardOnly(*second, credentials, &t2), StatusIs(StatusCode::kUnauthenticated));
    ASSERT_EQ(t1.size(), t2.size());
    ASSERT_GE(t1.size(), 4u);  // SELECT, MSE:SET AT (CA), GA (CA), then TA's first refusal
    for (std::size_t i = 0; i < t1.size(); ++i) {
      EXPECT_EQ(t1[i].sw, t2[i].sw) << "response " << i;
      EXPECT_EQ(t1[i].data.size(), t2[i].data.size()) << "response " << i;
      if (i != 2) {  // 2: CA's randomness
        EXPECT_EQ(t1[i].data, t2[i].data) << "response " << i;
      }
    }
    EXPECT_NE(t1[2].data, t2[2].data);  // fresh nonces: no two sessions alike
  }
  // Each badge's CA answer verifies under the batch key, the same for both: nothing per chip.
  for (BadgeApplet* applet : {first.get(), second.get()}) {
    SimChannel channel(*applet);
    testing::EstablishBadgeChipFirst(channel, batch_->ca_public_point);
  }
}

// The card-only order's refusals, with their status words.
TEST_F(BadgeAppletTest, CardSideStatusWordsInTheCardOnlyOrder) {
  auto applet = NewApplet();
  SimChannel channel(*applet);
  auto plain = [&](const CommandApdu& c) {
    const Bytes raw = channel.Transmit(c.Encode().value()).value();
    return ReadU16(raw[raw.size() - 2], raw.back());
  };
  Bytes ca_oid = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kCa));
  Bytes ri_oid = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kRi));
  ASSERT_EQ(channel.Transmit(testing::SelectByAid(badge::kBadgeAid)).value(), (Bytes{0x90, 0x00}));
  // TA before CA: its commands need a secure channel (6982); a challenge or a GENERAL
  // AUTHENTICATE without MSE:SET AT is out of order (6985); RI needs CA and TA (6982).
  EXPECT_EQ(plain({.cla = 0,
                   .ins = 0x22,
                   .p1 = 0x81,
                   .p2 = 0xB6,
                   .data = card::EncodeTlv(0x83, ToBytes(org_a_->cvca.chr()))}),
            0x6982);
  EXPECT_EQ(plain({.cla = 0, .ins = 0x84, .p1 = 0, .p2 = 0, .ne = 8}), 0x6985);
  EXPECT_EQ(
      plain(
          {.cla = 0, .ins = 0x86, .p1 = 0, .p2 = 0, .data = card::EncodeTlv(0x7C, {}), .ne = 256}),
      0x6985);
  EXPECT_EQ(plain({.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ri_oid}), 0x6982);
  // MSE:SET AT (CA) twice in plain: the second is out of order.
  EXPECT_EQ(plain({.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ca_oid}), 0x9000);
  EXPECT_EQ(plain({.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ca_oid}), 0x6985);

  // Now the whole CA, by hand.
  testing::BadgeChipFirst ca = testing::EstablishBadgeChipFirst(channel, batch_->ca_public_point);
  badge::SmSession& sm = ca.sm;
  // A second CA, RI and EF.CardSecurity before TA.
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ca_oid}),
      0x6985);
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ri_oid}),
      0x6982);
  EXPECT_EQ(SendProtected(channel, sm, {.cla = 0, .ins = 0xB0, .p1 = 0x9D, .p2 = 0, .ne = 256}),
            0x6982);
  // The chain, verified: still no RI without EXTERNAL AUTHENTICATE.
  for (const badge::CvCertificate* cert : {&org_a_->dv, &org_a_->terminal}) {
    ASSERT_EQ(SendProtected(channel, sm,
                            {.cla = 0,
                             .ins = 0x22,
                             .p1 = 0x81,
                             .p2 = 0xB6,
                             .data = card::EncodeTlv(0x83, ToBytes(cert->car()))}),
              0x9000);
    Bytes pso = cert->body_der();
    Append(pso, card::EncodeTlv(0x5F37, cert->signature()));
    ASSERT_EQ(
        SendProtected(channel, sm, {.cla = 0, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE, .data = pso}),
        0x9000);
  }
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ri_oid}),
      0x6982);
  // TA must sign CA's ephemeral key: another key in MSE:SET AT (TA) is incorrect data.
  auto set_at_ta = [&](const Bytes& comp) {
    Bytes data = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kTa));
    Append(data, card::EncodeTlv(0x83, ToBytes(org_a_->terminal.chr())));
    Append(data, card::EncodeTlv(0x91, comp));
    return SendProtected(channel, sm,
                         {.cla = 0, .ins = 0x22, .p1 = 0x81, .p2 = 0xA4, .data = data});
  };
  Bytes other = ca.comp_ephemeral;
  other[0] ^= 0x01;
  EXPECT_EQ(set_at_ta(other), 0x6A80);
  ASSERT_EQ(set_at_ta(ca.comp_ephemeral), 0x9000);
  // A signature over another ID_PICC (as if after PACE) does not verify: 6300.
  const Bytes wrapped_challenge =
      channel.Transmit(sm.WrapCommand({.cla = 0, .ins = 0x84, .p1 = 0, .p2 = 0, .ne = 8}).value())
          .value();
  const ResponseApdu challenge = sm.UnwrapResponse(wrapped_challenge).value();
  ASSERT_EQ(challenge.data.size(), 8u);
  const Bytes wrong_id(badge::kFieldSize, 0x5A);
  const Bytes signature = badge::SignPlain(org_a_->terminal_key.private_pkcs8,
                                           badge::TerminalAuthenticationMessage(
                                               wrong_id, challenge.data, ca.comp_ephemeral))
                              .value();
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x82, .p1 = 0, .p2 = 0, .data = signature}),
      0x6300);
  // One signature per challenge: EXTERNAL AUTHENTICATE again is out of order.
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x82, .p1 = 0, .p2 = 0, .data = signature}),
      0x6985);
  EXPECT_EQ(
      SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ri_oid}),
      0x6982);
}

// Properties 2 and 4 in the card-only order.
TEST_F(BadgeAppletTest, CardOnlyOrderRefusesWhatTheEac2OrderRefuses) {
  // A clone with its own CA key: its token verifies under no trusted key.
  const BadgeBatch rogue = NewBadgeBatch(kCan).value();
  auto clone =
      BadgeApplet::Create(NewBadgeProfile(rogue, org_a_->cvca.der()).value(), clock_, random_)
          .value();
  EXPECT_THAT(ReadCardOnly(*clone, Credentials(*org_a_, *sector_a_)),
              StatusIs(StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("chip authentication"), HasSubstr("trusted batch key"))));
  auto applet = NewApplet();
  EXPECT_THAT(ReadCardOnly(*applet, Credentials(*org_b_, *sector_b_)),
              StatusIs(StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("terminal authentication"), HasSubstr("6A88"))));
  badge::EcKeyPair key;
  const badge::CvCertificate no_ri = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM014", kToday, badge::testing::AddDays(kToday, 1),
      badge::rights::kCanAllowed, &key);
  EXPECT_THAT(ReadCardOnly(*applet, Credentials(org_a_->dv.der(), no_ri.der(), key, *sector_a_)),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("6982")));
  // Without the PIN the terminal needs the CAN-allowed right as well.
  const badge::CvCertificate no_can = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM015", kToday, badge::testing::AddDays(kToday, 1),
      badge::rights::kRestrictedIdentification, &key);
  EXPECT_THAT(ReadCardOnly(*applet, Credentials(org_a_->dv.der(), no_can.der(), key, *sector_a_)),
              StatusIs(StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("restricted identification"), HasSubstr("6982"))));
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  ASSERT_THAT(ReadCardOnly(*applet, credentials), IsOk());
  clock_.Advance(std::chrono::days(3));  // the terminal certificate ran out yesterday
  EXPECT_THAT(ReadCardOnly(*applet, credentials),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("6300")));
}

// Property 2 in the card-only order: tampering with the first protected command ends the
// session (6988); a recorded session replayed gets CA's fresh keys wrong and nothing after.
TEST_F(BadgeAppletTest, CardOnlyOrderRefusesTamperingAndReplay) {
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  {
    auto applet = NewApplet();
    SimChannel sim(*applet);
    TappedChannel tapped(sim);
    tapped.FlipCommand(3);  // MSE:SET DST, the first command under CA's keys
    BadgeTerminal terminal(tapped, credentials);
    EXPECT_THAT(terminal.ReadIdentifierWithoutPassword(),
                StatusIs(StatusCode::kDataLoss, HasSubstr("6988")));
  }
  auto applet = NewApplet();
  SimChannel sim(*applet);
  TappedChannel tapped(sim);
  BadgeTerminal terminal(tapped, credentials);
  ASSERT_THAT(terminal.ReadIdentifierWithoutPassword(), IsOk());
  const std::vector<Bytes> recorded = tapped.commands();
  ASSERT_EQ(recorded.size(), 12u);
  ASSERT_THAT(sim.Reset(), IsOk());
  std::vector<std::uint16_t> words;
  for (const Bytes& command : recorded) {
    const Bytes response = sim.Transmit(command).value();
    ASSERT_GE(response.size(), 2u);
    words.push_back(ReadU16(response[response.size() - 2], response.back()));
  }
  // SELECT and CA replay (they prove nothing: the badge answers with a fresh nonce, so new
  // keys); every protected command after them fails to unwrap.
  EXPECT_EQ(words[2], 0x9000);
  for (std::size_t i = 3; i < words.size(); ++i) {
    EXPECT_NE(words[i], 0x9000) << "command " << i;
  }
  EXPECT_EQ(words[3], badge::kSwSmObjectsIncorrect);
}

// Credentials prepared once serve every tap with the same credentials, and only those.
TEST_F(BadgeAppletTest, PreparedCredentialsAreUsedOnlyWhileTheyMatch) {
  const TerminalCredentials a = Credentials(*org_a_, *sector_a_);
  const TerminalCredentials b = Credentials(*org_b_, *sector_b_);
  auto prepared_a = badge::PreparedCredentials::Prepare(a);
  ASSERT_THAT(prepared_a, IsOk());
  EXPECT_TRUE(prepared_a->Matches(a));
  EXPECT_FALSE(prepared_a->Matches(b));
  auto applet = NewApplet({&org_a_->cvca.der(), &org_b_->cvca.der()});
  const Bytes expected_a =
      badge::RestrictedIdentifier(applet->profile().ri_private_pkcs8, sector_a_->public_point)
          .value();
  const Bytes expected_b =
      badge::RestrictedIdentifier(applet->profile().ri_private_pkcs8, sector_b_->public_point)
          .value();
  for (const auto& [credentials, expected] :
       {std::pair<const TerminalCredentials*, const Bytes*>{&a, &expected_a}, {&b, &expected_b}}) {
    SimChannel channel(*applet);
    BadgeTerminal terminal(channel, *credentials);
    terminal.set_prepared(&*prepared_a);  // A's: ignored for B, whose own are parsed
    auto id = terminal.ReadIdentifierWithoutPassword();
    ASSERT_THAT(id, IsOk());
    EXPECT_EQ(*id, *expected);
  }
  TerminalCredentials broken = Credentials(*org_a_, *sector_a_);
  broken.terminal_certificate.resize(broken.terminal_certificate.size() / 2);
  EXPECT_FALSE(prepared_a->Matches(broken));
  EXPECT_THAT(badge::PreparedCredentials::Prepare(broken),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("terminal certificate")));
}

TEST_F(BadgeAppletTest, CardSecurityIsUnreadableBeforeTerminalAuthentication) {
  auto applet = NewApplet();
  SimChannel channel(*applet);
  const Bytes select = CommandApdu{.cla = 0,
                                   .ins = 0xA4,
                                   .p1 = 0x04,
                                   .p2 = 0x0C,
                                   .data = Bytes(badge::kBadgeAid.begin(), badge::kBadgeAid.end())}
                           .Encode()
                           .value();
  ASSERT_EQ(channel.Transmit(select).value(), (Bytes{0x90, 0x00}));
  const Bytes read_security = FromHex("00 B0 9D 00 00").value();
  EXPECT_EQ(channel.Transmit(read_security).value(), (Bytes{0x69, 0x82}));
  // Asking for CA or RI before anything: security status not satisfied, nothing revealed.
  EXPECT_EQ(channel.Transmit(FromHex("00 84 00 00 08").value()).value(), (Bytes{0x69, 0x85}));
  const Bytes ga = FromHex("00 86 00 00 02 7C 00 00").value();
  EXPECT_EQ(channel.Transmit(ga).value(), (Bytes{0x69, 0x85}));
}

// Property 2: a clone with its own CA key (claiming nothing it can prove) is not genuine.
TEST_F(BadgeAppletTest, BadgeWithAnUntrustedChipKeyIsNotGenuine) {
  const BadgeBatch rogue = NewBadgeBatch(kCan).value();
  auto applet =
      BadgeApplet::Create(NewBadgeProfile(rogue, org_a_->cvca.der()).value(), clock_, random_)
          .value();
  EXPECT_THAT(Read(*applet, Credentials(*org_a_, *sector_a_)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("no trusted batch key")));
}

// Property 2: a tampered protected APDU is refused with 6988 and ends the session.
TEST_F(BadgeAppletTest, TamperedSecureMessagingIsRefused) {
  auto applet = NewApplet();
  SimChannel sim(*applet);
  TappedChannel tapped(sim);
  tapped.FlipCommand(6);  // the first protected command (MSE:SET DST)
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  BadgeTerminal terminal(tapped, credentials);
  EXPECT_THAT(terminal.ReadIdentifier(SecretBytes(std::string_view(kCan)), PacePassword::kCan),
              StatusIs(StatusCode::kDataLoss, HasSubstr("6988")));
}

// Property 2: a recorded session replayed to the same badge gets nothing.
TEST_F(BadgeAppletTest, ReplayedSessionIsRefused) {
  auto applet = NewApplet();
  SimChannel sim(*applet);
  TappedChannel tapped(sim);
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  BadgeTerminal terminal(tapped, credentials);
  ASSERT_THAT(terminal.ReadIdentifier(SecretBytes(std::string_view(kCan)), PacePassword::kCan),
              IsOk());
  const std::vector<Bytes> recorded = tapped.commands();
  ASSERT_THAT(sim.Reset(), IsOk());
  std::vector<std::uint16_t> words;
  for (const Bytes& command : recorded) {
    const Bytes response = sim.Transmit(command).value();
    ASSERT_GE(response.size(), 2u);
    words.push_back(ReadU16(response[response.size() - 2], response.back()));
  }
  // SELECT, MSE and the first PACE steps replay fine (they carry no proof); the mutual
  // authentication fails because the badge chose a fresh nonce, and no protected command after it
  // is accepted.
  ASSERT_GT(words.size(), 6u);
  EXPECT_EQ(words[5], badge::kSwVerificationFailed);
  for (std::size_t i = 6; i < words.size(); ++i) {
    EXPECT_NE(words[i], 0x9000) << "command " << i;
  }
}

// Property 3: one chip, two organisations, two unrelated identifiers.
TEST_F(BadgeAppletTest, TwoOrganisationsGetUnrelatedIdentifiers) {
  auto applet = NewApplet({&org_a_->cvca.der(), &org_b_->cvca.der()});
  auto id_a = Read(*applet, Credentials(*org_a_, *sector_a_));
  auto id_b = Read(*applet, Credentials(*org_b_, *sector_b_));
  ASSERT_THAT(id_a, IsOk());
  ASSERT_THAT(id_b, IsOk());
  EXPECT_NE(*id_a, *id_b);
  // What org B holds (its sector key pair and its identifier) does not yield A's identifier.
  auto from_b = badge::RestrictedIdentifier(sector_b_->private_pkcs8, sector_a_->public_point);
  ASSERT_THAT(from_b, IsOk());
  EXPECT_NE(*from_b, *id_a);
  // A terminal of A asking with B's sector key gets B's identifier only if it has B's key
  // pair's public half; the chip answers per sector, never a global serial.
  auto a_with_b_sector = Read(*applet, Credentials(*org_a_, *sector_b_));
  ASSERT_THAT(a_with_b_sector, IsOk());
  EXPECT_NE(*a_with_b_sector, *id_a);
}

// Property 4: a foreign organisation's terminal gets nothing.
TEST_F(BadgeAppletTest, ForeignTerminalIsRefused) {
  auto applet = NewApplet();
  EXPECT_THAT(Read(*applet, Credentials(*org_b_, *sector_b_)),
              StatusIs(StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("terminal authentication"), HasSubstr("6A88"))));
  // B's DV that names A's CVCA but was signed by B's CVCA: the signature check refuses it.
  auto forged = badge::IssueCvCertificate({.car = org_a_->cvca.chr(),
                                           .chr = "JPORGBDV009",
                                           .role = badge::CvRole::kDvOfficial,
                                           .rights = badge::rights::kGate,
                                           .effective = kToday,
                                           .expiration = badge::testing::AddDays(kToday, 30),
                                           .public_point = org_b_->dv_key.public_point},
                                          org_b_->cvca_key.private_pkcs8);
  ASSERT_THAT(forged, IsOk());
  EXPECT_THAT(Read(*applet, Credentials(forged->der(), org_b_->terminal.der(), org_b_->terminal_key,
                                        *sector_b_)),
              StatusIs(StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("PSO:VERIFY CERTIFICATE"), HasSubstr("6300"))));
}

// Property 4: a terminal certificate expired at the card's current date gets nothing.
TEST_F(BadgeAppletTest, ExpiredTerminalCertificateIsRefused) {
  auto applet = NewApplet();
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  ASSERT_THAT(Read(*applet, credentials), IsOk());
  clock_.Advance(std::chrono::days(3));  // the terminal certificate ran out yesterday
  EXPECT_THAT(Read(*applet, credentials),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("6300")));
}

// Property 4: rights the certificate does not carry are not granted.
TEST_F(BadgeAppletTest, TerminalWithoutTheRiRightGetsNoIdentifier) {
  auto applet = NewApplet();
  badge::EcKeyPair key;
  const badge::CvCertificate no_ri = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM011", kToday, badge::testing::AddDays(kToday, 1),
      badge::rights::kCanAllowed, &key);
  EXPECT_THAT(Read(*applet, Credentials(org_a_->dv.der(), no_ri.der(), key, *sector_a_)),
              StatusIs(StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("restricted identification"), HasSubstr("6982"))));
  const badge::CvCertificate no_can = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM012", kToday, badge::testing::AddDays(kToday, 1),
      badge::rights::kRestrictedIdentification, &key);
  EXPECT_THAT(Read(*applet, Credentials(org_a_->dv.der(), no_can.der(), key, *sector_a_)),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("6982")));
}

TEST_F(BadgeAppletTest, WrongCanIsRefused) {
  auto applet = NewApplet();
  EXPECT_THAT(Read(*applet, Credentials(*org_a_, *sector_a_), "654321"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("6300")));
}

TEST_F(BadgeAppletTest, BadgePinCountsWrongTriesAndResetsOnSuccess) {
  auto applet = NewApplet({}, "246810");
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  EXPECT_THAT(Read(*applet, credentials, "000000", PacePassword::kPin),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("63C2")));
  EXPECT_EQ(applet->profile().pin_tries, 2);
  EXPECT_THAT(Read(*applet, credentials, "246810", PacePassword::kPin), IsOk());
  EXPECT_EQ(applet->profile().pin_tries, kMaxBadgePinTries);
  for (int i = 0; i < kMaxBadgePinTries; ++i) {
    EXPECT_FALSE(Read(*applet, credentials, "000000", PacePassword::kPin).ok());
  }
  EXPECT_THAT(Read(*applet, credentials, "246810", PacePassword::kPin),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("6983")));
}

// DESIGN.md P6: MSE:SET AT for the PIN tells a terminal the tries left (63Cx, a warning: the
// command is carried out) before it spends one; a fresh PIN answers 9000, a blocked one 6983.
TEST_F(BadgeAppletTest, MseSetAtForThePinReportsTheTriesLeft) {
  auto applet = NewApplet({}, "246810");
  auto set_at_pin = [&] {
    SimChannel channel(*applet);
    EXPECT_TRUE(
        ResponseApdu::Parse(channel
                                .Transmit(CommandApdu{
                                    .cla = 0,
                                    .ins = 0xA4,
                                    .p1 = 0x04,
                                    .p2 = 0x0C,
                                    .data = Bytes(badge::kBadgeAid.begin(), badge::kBadgeAid.end())}
                                              .Encode()
                                              .value())
                                .value())
            .value()
            .ok());
    Bytes mse = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kPace));
    Append(mse, card::EncodeTlv(0x83, Bytes{0x03}));
    const Bytes raw =
        channel
            .Transmit(CommandApdu{.cla = 0, .ins = 0x22, .p1 = 0xC1, .p2 = 0xA4, .data = mse}
                          .Encode()
                          .value())
            .value();
    return ReadU16(raw[0], raw[1]);
  };
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  EXPECT_EQ(set_at_pin(), 0x9000);
  EXPECT_FALSE(Read(*applet, credentials, "000000", PacePassword::kPin).ok());
  EXPECT_EQ(set_at_pin(), 0x63C2);
  EXPECT_FALSE(Read(*applet, credentials, "000000", PacePassword::kPin).ok());
  EXPECT_EQ(set_at_pin(), 0x63C1);
  EXPECT_EQ(applet->profile().pin_tries, 1);  // asking spends nothing
  EXPECT_FALSE(Read(*applet, credentials, "000000", PacePassword::kPin).ok());
  EXPECT_EQ(set_at_pin(), 0x6983);
}

TEST_F(BadgeAppletTest, CardSideStatusWordsAfterPace) {
  auto applet = NewApplet();
  SimChannel channel(*applet);
  badge::SmSession sm = testing::EstablishBadgePace(channel, kCan);
  const CommandApdu dst_unknown{.cla = 0,
                                .ins = 0x22,
                                .p1 = 0x81,
                                .p2 = 0xB6,
                                .data = card::EncodeTlv(0x83, ToBytes("JPNOBODYCV001"))};
  EXPECT_EQ(SendProtected(channel, sm, dst_unknown), 0x6A88);
  const CommandApdu pso_without_dst{
      .cla = 0, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE, .data = org_a_->dv.body_der()};
  EXPECT_EQ(SendProtected(channel, sm, pso_without_dst), 0x6985);
  const CommandApdu dst{.cla = 0,
                        .ins = 0x22,
                        .p1 = 0x81,
                        .p2 = 0xB6,
                        .data = card::EncodeTlv(0x83, ToBytes(org_a_->cvca.chr()))};
  ASSERT_EQ(SendProtected(channel, sm, dst), 0x9000);
  // A DV certificate body cut short: it does not parse.
  const Bytes& body = org_a_->dv.body_der();
  const CommandApdu malformed{
      .cla = 0, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE, .data = Bytes(body.begin(), body.end() - 3)};
  EXPECT_EQ(SendProtected(channel, sm, malformed), 0x6A80);
  // Out of order: a challenge before MSE:SET AT, CA and RI before TA, EF.CardSecurity too.
  EXPECT_EQ(SendProtected(channel, sm, {.cla = 0, .ins = 0x84, .p1 = 0, .p2 = 0, .ne = 8}), 0x6985);
  Bytes ca = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kCa));
  EXPECT_EQ(SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ca}),
            0x6982);
  Bytes ri = card::EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kRi));
  EXPECT_EQ(SendProtected(channel, sm, {.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = ri}),
            0x6982);
  EXPECT_EQ(SendProtected(channel, sm, {.cla = 0, .ins = 0xB0, .p1 = 0x9D, .p2 = 0, .ne = 256}),
            0x6982);
  // A plain command under SM: 6987, and the session is over (the next protected one gets 6988).
  EXPECT_EQ(channel.Transmit(FromHex("00 B0 9C 00 00").value()).value(), (Bytes{0x69, 0x87}));
  EXPECT_EQ(
      channel
          .Transmit(sm.WrapCommand({.cla = 0, .ins = 0xB0, .p1 = 0x9C, .p2 = 0, .ne = 256}).value())
          .value(),
      (Bytes{0x69, 0x88}));
}

TEST_F(BadgeAppletTest, TruncatedProtectedCommandIs6988) {
  auto applet = NewApplet();
  SimChannel channel(*applet);
  badge::SmSession sm = testing::EstablishBadgePace(channel, kCan);
  const Bytes wrapped =
      sm.WrapCommand({.cla = 0, .ins = 0xB0, .p1 = 0x9C, .p2 = 0, .ne = 256}).value();
  EXPECT_EQ(channel.Transmit(ByteView(wrapped).first(wrapped.size() - 4)).value(),
            (Bytes{0x69, 0x88}));
}

TEST_F(BadgeAppletTest, WrongAidIsNotFound) {
  auto applet = NewApplet();
  SimChannel channel(*applet);
  EXPECT_EQ(channel.Transmit(FromHex("00 A4 04 0C 05 D3 92 F0 00 4F").value()).value(),
            (Bytes{0x6A, 0x82}));
}

TEST_F(BadgeAppletTest, WholeSequencePassesTheGateFirewall) {
  auto applet = NewApplet();
  SimChannel sim(*applet);
  auto firewall = ApduFirewall::Create(sim, badge::BadgeGatePolicy());
  ASSERT_THAT(firewall, IsOk());
  const TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  BadgeTerminal terminal(**firewall, credentials);
  auto id = terminal.ReadIdentifier(SecretBytes(std::string_view(kCan)), PacePassword::kCan);
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id,
            badge::RestrictedIdentifier(applet->profile().ri_private_pkcs8, sector_a_->public_point)
                .value());
  EXPECT_EQ((*firewall)->stats().refused, 0u);
  EXPECT_GE((*firewall)->stats().allowed, 17u);
  // The card-only order too (a new tap): CA's MSE:SET AT and GENERAL AUTHENTICATE in plain are
  // named.
  ASSERT_THAT(sim.Reset(), IsOk());
  auto card_only = terminal.ReadIdentifierWithoutPassword();
  ASSERT_THAT(card_only, IsOk());
  EXPECT_EQ(*card_only, *id);
  EXPECT_EQ((*firewall)->stats().refused, 0u);
}

TEST_F(BadgeAppletTest, GateFirewallRefusesWhatTheBadgeRuleDoesNotName) {
  auto applet = NewApplet();
  SimChannel sim(*applet);
  CountingChannel counted(sim);
  auto firewall = ApduFirewall::Create(counted, badge::BadgeGatePolicy());
  ASSERT_THAT(firewall, IsOk());
  Bytes select_badge = FromHex("00 A4 04 0C 0B").value();
  select_badge.insert(select_badge.end(), badge::kBadgeAid.begin(), badge::kBadgeAid.end());
  ASSERT_EQ((*firewall)->Transmit(select_badge).value(), (Bytes{0x90, 0x00}));
  const std::uint64_t reached = counted.counts().commands;
  const char* refused[] = {
      "00 A4 02 0C 02 00 1A",  // SELECT EF of the JPKI signature key
      "00 B0 9D 00 00",        // EF.CardSecurity in clear
      "00 B0 81 00 00",        // another file by SFI under the badge AID
      "0C B0 9C 00 00",        // EF.CardAccess with the protected class
      "00 CA 01 01 00",        // GET DATA: not listed
      "0C 24 00 80 00",        // CHANGE REFERENCE DATA, protected: not listed
      "0C 22 C1 A4 00",        // MSE:SET AT for PACE with the wrong class
      "00 86 00 01 02 7C 00",  // GENERAL AUTHENTICATE with another P2
  };
  for (const char* hex : refused) {
    EXPECT_THAT((*firewall)->Transmit(FromHex(hex).value()),
                StatusIs(StatusCode::kPermissionDenied))
        << hex;
  }
  EXPECT_EQ(counted.counts().commands, reached);
  // The national card's input-assist AP stays outside the policy.
  Bytes select_input_assist = FromHex("00 A4 04 0C 0A").value();
  select_input_assist.insert(select_input_assist.end(), mynumber::kInputAssistAid.begin(),
                             mynumber::kInputAssistAid.end());
  EXPECT_THAT((*firewall)->Transmit(select_input_assist), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(counted.counts().commands, reached);
}

TEST_F(BadgeAppletTest, GateFirewallAddsOnlyTheBadgeToTheJpkiPolicy) {
  const FirewallPolicy& policy = badge::BadgeGatePolicy();
  EXPECT_THAT(policy.Validate(), IsOk()) << policy.Validate().message();
  ASSERT_EQ(policy.applications.size(), JpkiUserAuthenticationPolicy().applications.size() + 1);
  for (std::size_t i = 0; i + 1 < policy.applications.size(); ++i) {
    EXPECT_EQ(policy.applications[i], JpkiUserAuthenticationPolicy().applications[i]);
  }
  EXPECT_EQ(policy.applications.back(), badge::BadgeApplicationRule());
  EXPECT_TRUE(policy.applications.back().files.empty());
}

}  // namespace
}  // namespace sekisho::card::sim
