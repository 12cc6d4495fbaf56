// BadgeAuthenticator against the simulated badge (card::sim::BadgeApplet) and the simulated My
// Number Card, through SimChannel.
#include "gate/badge_authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "badge/badge_ids.h"
#include "badge/security_infos.h"
#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "card/counting_channel.h"
#include "card/sim/badge_applet.h"
#include "card/sim/badge_profile.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "gate/scripted_keypad.h"
#include "identity/pseudonym.h"

namespace sekisho::gate {
namespace {

using card::sim::BadgeApplet;
using card::sim::BadgeBatch;
using card::sim::BadgeProfile;
using policy::Assurance;
using policy::Reason;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr badge::Date kBadgeDoorToday{std::chrono::year(2026), std::chrono::November,
                                      std::chrono::day(28)};
constexpr char kBadgeDoorCan[] = "123456";
constexpr char kPin[] = "246810";

// Stops answering (kUnavailable, a card pulled out) from the N-th command on.
class RemovedAt final : public card::CardChannel {
 public:
  RemovedAt(card::CardChannel& inner, std::optional<int> at) : inner_(inner), at_(at) {}
  int commands = 0;
  Result<Bytes> Transmit(ByteView command) override {
    if (at_ && commands >= *at_) return UnavailableError("card removed");
    ++commands;
    return inner_.Transmit(command);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

 private:
  card::CardChannel& inner_;
  std::optional<int> at_;
};

class BadgeAuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_a_ = new badge::testing::TestOrganisation(
        badge::testing::MakeTestOrganisation("ORGA", kBadgeDoorToday));
    org_b_ = new badge::testing::TestOrganisation(
        badge::testing::MakeTestOrganisation("ORGB", kBadgeDoorToday));
    batch_ = new BadgeBatch(card::sim::NewBadgeBatch(kBadgeDoorCan).value());
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

  static badge::TerminalCredentials Credentials(const Bytes& dv, const Bytes& terminal,
                                                const badge::EcKeyPair& terminal_key,
                                                const badge::EcKeyPair& sector) {
    badge::TerminalCredentials c;
    c.dv_certificate = dv;
    c.terminal_certificate = terminal;
    c.terminal_private_pkcs8 = SecretBytes(terminal_key.private_pkcs8.view());
    c.trusted_chip_keys = {batch_->ca_public_point};
    c.sector_public_point = sector.public_point;
    return c;
  }
  static badge::TerminalCredentials Credentials(const badge::testing::TestOrganisation& org,
                                                const badge::EcKeyPair& sector) {
    return Credentials(org.dv.der(), org.terminal.der(), org.terminal_key, sector);
  }

  BadgeProfile Profile(std::optional<std::string> pin = kPin, int tries = 3, bool trust_b = false) {
    BadgeProfile profile =
        card::sim::NewBadgeProfile(*batch_, org_a_->cvca.der(), std::move(pin)).value();
    if (trust_b) profile.trust_points.push_back(org_b_->cvca.der());
    profile.pin_tries = tries;
    return profile;
  }
  std::unique_ptr<BadgeApplet> NewBadge(std::optional<std::string> pin = kPin, int tries = 3,
                                        bool trust_b = false) {
    return BadgeApplet::Create(Profile(std::move(pin), tries, trust_b), clock_, card_random_)
        .value();
  }

  std::unique_ptr<BadgeAuthenticator> NewAuthenticator(
      const badge::TerminalCredentials& credentials, const identity::OrgKey& k_org,
      Keypad& keypad) {
    return BadgeAuthenticator::Create(credentials, k_org, keypad).value();
  }

  // The credential key the badge must be known by in `k_org`'s organisation with `sector`.
  static policy::CredentialKey ExpectedKey(const BadgeApplet& applet, const identity::OrgKey& k_org,
                                           const badge::EcKeyPair& sector) {
    const Bytes identifier =
        badge::RestrictedIdentifier(applet.profile().ri_private_pkcs8, sector.public_point).value();
    return policy::CredentialKeyOf(identity::RiPseudonym(k_org, identifier));
  }

  AuthenticationOutcome Authenticate(card::VirtualCard& card, Assurance required) {
    card::sim::SimChannel sim(card);
    return authenticator_->Authenticate(sim, required);
  }

  static badge::testing::TestOrganisation* org_a_;
  static badge::testing::TestOrganisation* org_b_;
  static BadgeBatch* batch_;
  static badge::EcKeyPair* sector_a_;
  static badge::EcKeyPair* sector_b_;

  FakeClock clock_{std::chrono::sys_days(kBadgeDoorToday) + std::chrono::hours(10)};
  SeededRandom card_random_{7};
  identity::OrgKey k_org_ = [] {
    SeededRandom random(11);
    return identity::OrgKey::Generate(random);
  }();
  const badge::TerminalCredentials credentials_ = Credentials(*org_a_, *sector_a_);
  ScriptedKeypad keypad_;
  std::unique_ptr<BadgeAuthenticator> authenticator_ =
      NewAuthenticator(credentials_, k_org_, keypad_);
};
badge::testing::TestOrganisation* BadgeAuthenticatorTest::org_a_ = nullptr;
badge::testing::TestOrganisation* BadgeAuthenticatorTest::org_b_ = nullptr;
BadgeBatch* BadgeAuthenticatorTest::batch_ = nullptr;
badge::EcKeyPair* BadgeAuthenticatorTest::sector_a_ = nullptr;
badge::EcKeyPair* BadgeAuthenticatorTest::sector_b_ = nullptr;

TEST_F(BadgeAuthenticatorTest, CardDoorIsOpenedWithoutPaceAndNoPin) {
  auto badge = NewBadge();
  card::sim::SimChannel sim(*badge);
  card::CountingChannel counting(sim);
  keypad_.AddPin(kPin);  // there to be noticed if asked
  const AuthenticationOutcome outcome = authenticator_->Authenticate(counting, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_THAT(outcome.status, IsOk());
  EXPECT_EQ(outcome.reason, Reason::kGranted);
  EXPECT_EQ(outcome.assurance, Assurance::kCard);
  EXPECT_EQ(outcome.credential, ExpectedKey(*badge, k_org_, *sector_a_));
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(badge->profile().pin_tries, 3);
  // The 12 commands of the card-only door (docs/decisions/badge-eac-sequence.md): SELECT, CA in
  // plain, TA and RI under CA's secure messaging; no PACE, no file read.
  EXPECT_EQ(counting.counts().commands, 12u);
}

TEST_F(BadgeAuthenticatorTest, CardAndPinDoorIsOpenedWithThePin) {
  auto badge = NewBadge();
  card::sim::SimChannel sim(*badge);
  card::CountingChannel counting(sim);
  keypad_.AddPin(kPin);
  const AuthenticationOutcome outcome =
      authenticator_->Authenticate(counting, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.credential, ExpectedKey(*badge, k_org_, *sector_a_));
  EXPECT_EQ(keypad_.reads(), 1);
  EXPECT_EQ(badge->profile().pin_tries, 3);
  // SELECT of the JPKI application (none on a derived badge, so no Chip Authentication probe),
  // then the 17 commands of the sequence, whose MSE:SET AT tells the tries before the PIN is asked.
  EXPECT_EQ(counting.counts().commands, 18u);
}

TEST_F(BadgeAuthenticatorTest, WrongPinIsAnAuthenticationFailureThatSaysTheTriesLeft) {
  auto badge = NewBadge();
  keypad_.AddPin("000000");
  const AuthenticationOutcome outcome = Authenticate(*badge, Assurance::kCardAndPin);
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("2 tries left")));
  EXPECT_FALSE(outcome.credential.has_value());
  EXPECT_EQ(badge->profile().pin_tries, 2);
  EXPECT_EQ(outcome.status.message().find("000000"), std::string::npos);
  EXPECT_EQ(outcome.status.message().find(kBadgeDoorCan), std::string::npos);

  // Never retried: one wrong PIN spends one try, and the next presentation asks again.
  keypad_.AddPin("000000");
  const AuthenticationOutcome second = Authenticate(*badge, Assurance::kCardAndPin);
  EXPECT_THAT(second.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("1 try left")));
  EXPECT_EQ(badge->profile().pin_tries, 1);
  EXPECT_EQ(keypad_.reads(), 2);
}

// DESIGN.md P6: the badge reports its tries to MSE:SET AT (63Cx, TR-03110-3 App. B.11.1), so the
// gate never spends the last one.
TEST_F(BadgeAuthenticatorTest, LastTryIsNeverSpentAndThePinNotAsked) {
  auto badge = NewBadge(kPin, /*tries=*/1);
  card::sim::SimChannel sim(*badge);
  keypad_.AddPin(kPin);
  const AuthenticationOutcome outcome = authenticator_->Authenticate(sim, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.reason, Reason::kPinRefused);
  EXPECT_THAT(outcome.status,
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("only one try is left")));
  EXPECT_FALSE(outcome.credential.has_value());
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(badge->profile().pin_tries, 1);
  // With two tries left the holder is asked as usual (63C2 is a warning, not a refusal), and the
  // right PIN opens and resets the counter.
  auto two = NewBadge(kPin, /*tries=*/2);
  card::sim::SimChannel sim_two(*two);
  const AuthenticationOutcome asked = authenticator_->Authenticate(sim_two, Assurance::kCardAndPin);
  EXPECT_EQ(keypad_.reads(), 1);
  EXPECT_TRUE(asked.ok()) << asked.status.ToString();
  EXPECT_EQ(asked.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(two->profile().pin_tries, card::sim::kMaxBadgePinTries);
}

TEST_F(BadgeAuthenticatorTest, BlockedPinIsRefusedAndThePinNotAsked) {
  auto badge = NewBadge(kPin, /*tries=*/0);
  keypad_.AddPin(kPin);
  const AuthenticationOutcome outcome = Authenticate(*badge, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.reason, Reason::kPinRefused);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kFailedPrecondition, HasSubstr("blocked")));
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(badge->profile().pin_tries, 0);
}

TEST_F(BadgeAuthenticatorTest, KeypadOutcomesSpendNoTry) {
  struct Case {
    const char* name;
    void (*script)(ScriptedKeypad&);
    Reason reason;
    StatusCode code;
  };
  const Case cases[] = {
      {"cancelled", [](ScriptedKeypad& k) { k.AddCancel(); }, Reason::kAuthenticationFailed,
       StatusCode::kUnauthenticated},
      {"timed out", [](ScriptedKeypad&) {}, Reason::kAuthenticationFailed,
       StatusCode::kDeadlineExceeded},
      {"keypad broken", [](ScriptedKeypad& k) { k.AddFailure(UnavailableError("no keypad")); },
       Reason::kCardError, StatusCode::kUnavailable},
      {"five digits", [](ScriptedKeypad& k) { k.AddPin("24681"); }, Reason::kAuthenticationFailed,
       StatusCode::kInvalidArgument},
      {"not digits", [](ScriptedKeypad& k) { k.AddPin("2468a0"); }, Reason::kAuthenticationFailed,
       StatusCode::kInvalidArgument},
      {"the JPKI PIN's length", [](ScriptedKeypad& k) { k.AddPin("1234"); },
       Reason::kAuthenticationFailed, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    auto badge = NewBadge();
    card::sim::SimChannel sim(*badge);
    ScriptedKeypad keypad;
    c.script(keypad);
    auto authenticator = NewAuthenticator(credentials_, k_org_, keypad);
    const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCardAndPin);
    EXPECT_EQ(outcome.reason, c.reason) << c.name;
    EXPECT_THAT(outcome.status, StatusIs(c.code)) << c.name;
    EXPECT_FALSE(outcome.credential.has_value()) << c.name;
    EXPECT_EQ(keypad.reads(), 1) << c.name;
    EXPECT_EQ(badge->profile().pin_tries, 3) << c.name << ": no try may be spent";
    // Only the look for JPKI and the sequence's SELECT and MSE:SET AT reached the card.
    EXPECT_EQ(sim.stats().commands, 3u) << c.name;
  }
}

TEST_F(BadgeAuthenticatorTest, BadgeWithoutAPinAtACardAndPinDoorIsReadAsAtACardOnlyDoor) {
  auto badge = NewBadge(/*pin=*/std::nullopt);
  keypad_.AddPin(kPin);
  const AuthenticationOutcome outcome = Authenticate(*badge, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  // Only the card: the policy denies the door (kInsufficientAssurance) for a known holder.
  EXPECT_EQ(outcome.assurance, Assurance::kCard);
  EXPECT_EQ(outcome.credential, ExpectedKey(*badge, k_org_, *sector_a_));
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(BadgeAuthenticatorTest, ExpiredTerminalCertificateGetsNoCredential) {
  auto badge = NewBadge();
  ASSERT_TRUE(Authenticate(*badge, Assurance::kCard).ok());
  clock_.Advance(std::chrono::days(3));  // the terminal certificate ran out yesterday
  const AuthenticationOutcome outcome = Authenticate(*badge, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status,
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("terminal authentication")));
  EXPECT_FALSE(outcome.credential.has_value());

  // A certificate the badge refuses at its date, presented with the PIN: no try is spent on it
  // (PACE succeeded; TA fails after).
  badge::EcKeyPair expired_key;
  const badge::CvCertificate expired = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM010", badge::testing::AddDays(kBadgeDoorToday, -5),
      badge::testing::AddDays(kBadgeDoorToday, -1), badge::rights::kGate, &expired_key);
  const badge::TerminalCredentials old =
      Credentials(org_a_->dv.der(), expired.der(), expired_key, *sector_a_);
  auto with_old = NewAuthenticator(old, k_org_, keypad_);
  keypad_.AddPin(kPin);
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome pin_outcome = with_old->Authenticate(sim, Assurance::kCardAndPin);
  EXPECT_EQ(pin_outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(pin_outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("6300")));
  EXPECT_FALSE(pin_outcome.credential.has_value());
  EXPECT_EQ(badge->profile().pin_tries, 3);
}

TEST_F(BadgeAuthenticatorTest, ForeignOrganisationsTerminalGetsNoCredential) {
  auto badge = NewBadge();
  const badge::TerminalCredentials foreign = Credentials(*org_b_, *sector_b_);
  auto authenticator = NewAuthenticator(foreign, k_org_, keypad_);
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("6A88")));
  EXPECT_FALSE(outcome.credential.has_value());
}

TEST_F(BadgeAuthenticatorTest, TerminalWithoutTheRiRightGetsNoCredential) {
  auto badge = NewBadge();
  badge::EcKeyPair key;
  const badge::CvCertificate no_ri = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM011", kBadgeDoorToday, badge::testing::AddDays(kBadgeDoorToday, 1),
      badge::rights::kCanAllowed, &key);
  const badge::TerminalCredentials credentials =
      Credentials(org_a_->dv.der(), no_ri.der(), key, *sector_a_);
  auto authenticator = NewAuthenticator(credentials, k_org_, keypad_);
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kPermissionDenied, HasSubstr("6982")));
}

TEST_F(BadgeAuthenticatorTest, BadgeOfAnUntrustedBatchIsNotGenuineAtEitherDoor) {
  // A batch whose CA key the gate does not hold: its token verifies under no trusted key.
  const BadgeBatch other = card::sim::NewBadgeBatch(kBadgeDoorCan).value();
  for (const Assurance required : {Assurance::kCard, Assurance::kCardAndPin}) {
    auto badge =
        BadgeApplet::Create(card::sim::NewBadgeProfile(other, org_a_->cvca.der(), kPin).value(),
                            clock_, card_random_)
            .value();
    keypad_.AddPin(kPin);
    const AuthenticationOutcome outcome = Authenticate(*badge, required);
    EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
    EXPECT_THAT(outcome.status,
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("trusted batch key")));
    EXPECT_FALSE(outcome.credential.has_value());
    // Only the card-only door found that out before asking the holder for anything.
    EXPECT_EQ(outcome.not_ours, required == Assurance::kCard);
  }
}

TEST_F(BadgeAuthenticatorTest, CardOnlyDoorFindsTheBadgesBatchAmongTheTrustedKeys) {
  // The gate holds several batch keys and reads no EF.CardSecurity: the token picks the batch.
  const BadgeBatch other = card::sim::NewBadgeBatch(kBadgeDoorCan).value();
  badge::TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  credentials.trusted_chip_keys = {other.ca_public_point, batch_->ca_public_point};
  auto authenticator = NewAuthenticator(credentials, k_org_, keypad_);
  auto badge = NewBadge();
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, ExpectedKey(*badge, k_org_, *sector_a_));
}

// The authenticator parses its credentials once; renewed in place, they are parsed again.
TEST_F(BadgeAuthenticatorTest, RenewedCredentialsAreUsedAtTheNextTap) {
  badge::TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  auto authenticator = NewAuthenticator(credentials, k_org_, keypad_);
  auto badge = NewBadge();
  card::sim::SimChannel first(*badge);
  EXPECT_TRUE(authenticator->Authenticate(first, Assurance::kCard).ok());
  // An expired terminal certificate in place of the good one: the badge refuses it.
  badge::EcKeyPair expired_key;
  const badge::CvCertificate expired = badge::testing::IssueTestTerminal(
      *org_a_, "JPORGATM016", badge::testing::AddDays(kBadgeDoorToday, -5),
      badge::testing::AddDays(kBadgeDoorToday, -1), badge::rights::kGate, &expired_key);
  credentials.terminal_certificate = expired.der();
  credentials.terminal_private_pkcs8 = SecretBytes(expired_key.private_pkcs8.view());
  card::sim::SimChannel second(*badge);
  const AuthenticationOutcome refused = authenticator->Authenticate(second, Assurance::kCard);
  EXPECT_EQ(refused.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(refused.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("6300")));
  // Renewed again with a valid one: granted.
  credentials = Credentials(*org_a_, *sector_a_);
  card::sim::SimChannel third(*badge);
  const AuthenticationOutcome granted = authenticator->Authenticate(third, Assurance::kCard);
  ASSERT_TRUE(granted.ok()) << granted.status.ToString();
  EXPECT_EQ(granted.credential, ExpectedKey(*badge, k_org_, *sector_a_));
}

TEST_F(BadgeAuthenticatorTest, CardOnlyDoorWithNoTrustedBatchKeyIsAnInternalError) {
  badge::TerminalCredentials credentials = Credentials(*org_a_, *sector_a_);
  credentials.trusted_chip_keys.clear();
  auto authenticator = NewAuthenticator(credentials, k_org_, keypad_);
  auto badge = NewBadge();
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kInternalError);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("batch")));
  EXPECT_EQ(sim.stats().commands, 0u);
}

TEST_F(BadgeAuthenticatorTest, TwoOrganisationsGetDifferentKeysAndEachTheSameKeyTwice) {
  auto badge = NewBadge(kPin, 3, /*trust_b=*/true);
  identity::OrgKey k_org_b = [] {
    SeededRandom random(13);
    return identity::OrgKey::Generate(random);
  }();
  const badge::TerminalCredentials credentials_b = Credentials(*org_b_, *sector_b_);
  auto authenticator_b = NewAuthenticator(credentials_b, k_org_b, keypad_);

  const AuthenticationOutcome a1 = Authenticate(*badge, Assurance::kCard);
  const AuthenticationOutcome a2 = Authenticate(*badge, Assurance::kCard);
  // Each presentation powers the card up afresh (a new SimChannel), as a reader does.
  card::sim::SimChannel sim_b1(*badge);
  const AuthenticationOutcome b1 = authenticator_b->Authenticate(sim_b1, Assurance::kCard);
  card::sim::SimChannel sim_b2(*badge);
  const AuthenticationOutcome b2 = authenticator_b->Authenticate(sim_b2, Assurance::kCard);
  ASSERT_TRUE(a1.ok()) << a1.status.ToString();
  ASSERT_TRUE(a2.ok()) << a2.status.ToString();
  ASSERT_TRUE(b1.ok()) << b1.status.ToString();
  ASSERT_TRUE(b2.ok()) << b2.status.ToString();
  EXPECT_EQ(a1.credential, a2.credential);
  EXPECT_EQ(b1.credential, b2.credential);
  EXPECT_NE(a1.credential, b1.credential);
  EXPECT_EQ(a1.credential, ExpectedKey(*badge, k_org_, *sector_a_));
  EXPECT_EQ(b1.credential, ExpectedKey(*badge, k_org_b, *sector_b_));
  // The PIN reaches the same key as the CAN.
  keypad_.AddPin(kPin);
  const AuthenticationOutcome with_pin = Authenticate(*badge, Assurance::kCardAndPin);
  ASSERT_TRUE(with_pin.ok()) << with_pin.status.ToString();
  EXPECT_EQ(with_pin.credential, a1.credential);
  // Two badges of one batch: two keys.
  auto other = NewBadge();
  const AuthenticationOutcome other_outcome = Authenticate(*other, Assurance::kCard);
  ASSERT_TRUE(other_outcome.ok());
  EXPECT_NE(other_outcome.credential, a1.credential);
}

TEST_F(BadgeAuthenticatorTest, MyNumberCardWithoutABadgeIsACardError) {
  auto card = card::sim::testing::NewTestCard();
  for (Assurance required : {Assurance::kCard, Assurance::kCardAndPin}) {
    keypad_.AddPin(kPin);
    const AuthenticationOutcome outcome = Authenticate(*card, required);
    EXPECT_EQ(outcome.reason, Reason::kCardError);
    EXPECT_THAT(outcome.status, StatusIs(StatusCode::kNotFound, HasSubstr("6A82")));
    EXPECT_FALSE(outcome.credential.has_value());
  }
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(BadgeAuthenticatorTest, CardRemovedAtEveryStep) {
  int total = 0;
  {
    auto badge = NewBadge();
    card::sim::SimChannel sim(*badge);
    RemovedAt counting(sim, std::nullopt);
    keypad_.AddPin(kPin);
    ASSERT_TRUE(authenticator_->Authenticate(counting, Assurance::kCardAndPin).ok());
    total = counting.commands;
  }
  ASSERT_EQ(total, 18);
  int card_only_total = 0;
  {
    auto badge = NewBadge();
    card::sim::SimChannel sim(*badge);
    RemovedAt counting(sim, std::nullopt);
    ASSERT_TRUE(authenticator_->Authenticate(counting, Assurance::kCard).ok());
    card_only_total = counting.commands;
  }
  ASSERT_EQ(card_only_total, 12);
  for (int at = 0; at < card_only_total; ++at) {
    auto badge = NewBadge();
    card::sim::SimChannel sim(*badge);
    RemovedAt removed(sim, at);
    const AuthenticationOutcome outcome = authenticator_->Authenticate(removed, Assurance::kCard);
    EXPECT_EQ(outcome.reason, Reason::kCardError) << at;
    EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnavailable, HasSubstr("card removed")))
        << at;
    EXPECT_FALSE(outcome.credential.has_value()) << at;
  }
  for (int at = 0; at < total; ++at) {
    auto badge = NewBadge();
    card::sim::SimChannel sim(*badge);
    RemovedAt removed(sim, at);
    ScriptedKeypad keypad;
    keypad.AddPin(kPin);
    auto authenticator = NewAuthenticator(credentials_, k_org_, keypad);
    const AuthenticationOutcome outcome =
        authenticator->Authenticate(removed, Assurance::kCardAndPin);
    EXPECT_EQ(outcome.reason, Reason::kCardError) << at;
    EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnavailable, HasSubstr("card removed")))
        << at;
    EXPECT_FALSE(outcome.credential.has_value()) << at;
  }
}

TEST_F(BadgeAuthenticatorTest, MalformedGateCredentialsAreAnInternalError) {
  auto badge = NewBadge();
  badge::TerminalCredentials broken = Credentials(*org_a_, *sector_a_);
  broken.terminal_certificate.resize(broken.terminal_certificate.size() / 2);
  auto authenticator = NewAuthenticator(broken, k_org_, keypad_);
  card::sim::SimChannel sim(*badge);
  const AuthenticationOutcome outcome = authenticator->Authenticate(sim, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kInternalError);
  EXPECT_THAT(outcome.status,
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("terminal certificate")));
  EXPECT_EQ(sim.stats().commands, 0u);
}

}  // namespace
}  // namespace sekisho::gate
