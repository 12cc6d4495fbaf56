// AuthenticatorRouter with the real authenticators: derived badges, My Number Cards with and
// without the badge in their free area, and a gate with and without badge credentials.
#include "gate/authenticator_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "badge/badge_ids.h"
#include "badge/security_infos.h"
#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "card/sim/badge_applet.h"
#include "card/sim/badge_profile.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "gate/badge_authenticator.h"
#include "gate/door_controller.h"
#include "gate/jpki_authenticator.h"
#include "gate/scripted_keypad.h"
#include "gate/simulated_door.h"
#include "gate/test_events.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"
#include "policy/compiled_policy.h"

namespace sekisho::gate {
namespace {

using card::sim::testing::kTestCardPin;
using card::sim::testing::World;
using policy::Assurance;
using policy::Reason;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr badge::Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(28)};
constexpr char kRouterCan[] = "123456";

// Records the commands that reach the card.
class Recorder final : public card::CardChannel {
 public:
  explicit Recorder(card::CardChannel& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    commands.emplace_back(command.begin(), command.end());
    return inner_.Transmit(command);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }
  std::vector<Bytes> commands;

 private:
  card::CardChannel& inner_;
};

bool SelectsTheBadge(const Bytes& command) {
  Bytes aid(badge::kBadgeAid.begin(), badge::kBadgeAid.end());
  return command.size() > 5 && command[1] == 0xA4 &&
         std::search(command.begin(), command.end(), aid.begin(), aid.end()) != command.end();
}

class AuthenticatorRouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_ =
        new badge::testing::TestOrganisation(badge::testing::MakeTestOrganisation("ORGA", kToday));
    batch_ = new card::sim::BadgeBatch(card::sim::NewBadgeBatch(kRouterCan).value());
    sector_ = new badge::EcKeyPair(badge::GenerateEcKeyPair().value());
  }
  static void TearDownTestSuite() {
    delete org_;
    delete batch_;
    delete sector_;
  }

  static badge::TerminalCredentials Credentials() {
    badge::TerminalCredentials c;
    c.dv_certificate = org_->dv.der();
    c.terminal_certificate = org_->terminal.der();
    c.terminal_private_pkcs8 = SecretBytes(org_->terminal_key.private_pkcs8.view());
    c.trusted_chip_keys = {batch_->ca_public_point};
    c.sector_public_point = sector_->public_point;
    return c;
  }

  // A badge of `batch` (default: this gate's), issued under this organisation's CVCA.
  static card::sim::BadgeProfile BadgeProfile(const card::sim::BadgeBatch* batch = nullptr) {
    return card::sim::NewBadgeProfile(batch != nullptr ? *batch : *batch_, org_->cvca.der(),
                                      "246810")
        .value();
  }

  // A My Number Card with a badge of `batch` (default: this gate's) in its free area.
  std::unique_ptr<card::sim::SimulatedCard> FreeAreaCard(
      const card::sim::BadgeBatch* batch = nullptr) {
    card::sim::CardProfile profile = World().profile;
    profile.badge.value = std::make_shared<const card::sim::BadgeProfile>(BadgeProfile(batch));
    return card::sim::SimulatedCard::Create(std::move(profile), nullptr, clock_, card_random_)
        .value();
  }

  policy::CredentialKey BadgeKey(const card::sim::BadgeProfile& profile) const {
    const Bytes identifier =
        badge::RestrictedIdentifier(profile.ri_private_pkcs8, sector_->public_point).value();
    return policy::CredentialKeyOf(identity::RiPseudonym(k_org_, identifier));
  }
  policy::CredentialKey JpkiKey() const {
    auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
    EXPECT_TRUE(cert.ok());
    return policy::CredentialKeyOf(identity::Pseudonym(k_org_, cert->SubjectPublicKeyInfoDer()));
  }

  static badge::testing::TestOrganisation* org_;
  static card::sim::BadgeBatch* batch_;
  static badge::EcKeyPair* sector_;

  FakeClock clock_{std::chrono::sys_days(kToday) + std::chrono::hours(10)};
  SeededRandom card_random_{7};
  SeededRandom random_{12};
  identity::OrgKey k_org_ = [] {
    SeededRandom random(11);
    return identity::OrgKey::Generate(random);
  }();
  const badge::TerminalCredentials credentials_ = Credentials();
  ScriptedKeypad keypad_;
  JpkiAuthenticator jpki_{k_org_, keypad_, random_};
  std::unique_ptr<BadgeAuthenticator> badge_ =
      BadgeAuthenticator::Create(credentials_, k_org_, keypad_).value();
  AuthenticatorRouter router_{jpki_, badge_.get()};
  AuthenticatorRouter jpki_only_{jpki_, nullptr};
};
badge::testing::TestOrganisation* AuthenticatorRouterTest::org_ = nullptr;
card::sim::BadgeBatch* AuthenticatorRouterTest::batch_ = nullptr;
badge::EcKeyPair* AuthenticatorRouterTest::sector_ = nullptr;

TEST_F(AuthenticatorRouterTest, DerivedBadgeTakesTheBadgePath) {
  auto applet = card::sim::BadgeApplet::Create(BadgeProfile(), clock_, card_random_).value();
  card::sim::SimChannel sim(*applet);
  EXPECT_EQ(router_.Route(sim).value(), CardRoute::kBadge);
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCard);
  EXPECT_EQ(outcome.credential, BadgeKey(applet->profile()));
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(AuthenticatorRouterTest, MyNumberCardWithoutABadgeTakesTheJpkiPath) {
  auto card = card::sim::testing::NewTestCard();
  card::sim::SimChannel sim(*card);
  EXPECT_EQ(router_.Route(sim).value(), CardRoute::kJpki);
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.credential, JpkiKey());
  EXPECT_EQ(keypad_.reads(), 1);
}

TEST_F(AuthenticatorRouterTest, FreeAreaCardTakesTheBadgePathWithoutAPin) {
  auto card = FreeAreaCard();
  card::sim::SimChannel sim(*card);
  EXPECT_EQ(router_.Route(sim).value(), CardRoute::kBadge);
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCard);
  EXPECT_EQ(outcome.credential, BadgeKey(*card->profile().badge));
  EXPECT_NE(outcome.credential, JpkiKey());
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(card->profile().counters.auth_pin, 3);
}

TEST_F(AuthenticatorRouterTest, FreeAreaCardAtACardAndPinDoorAsksForTheBadgePin) {
  auto card = FreeAreaCard();
  card::sim::SimChannel sim(*card);
  keypad_.AddPin("246810");
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.credential, BadgeKey(*card->profile().badge));
}

// A My Number Card carrying another organisation's badge in its free area: at a card-only door
// Chip Authentication shows the badge is none of this gate's batches before anything is asked,
// and the card is read by JPKI instead (the holder may be enrolled here with the national card).
// A derived badge of another batch has no JPKI application and keeps the badge's refusal.
TEST_F(AuthenticatorRouterTest, AnotherOrganisationsFreeAreaBadgeIsReadByJpkiAtACardDoor) {
  const card::sim::BadgeBatch other_batch = card::sim::NewBadgeBatch("654321").value();
  auto card = FreeAreaCard(&other_batch);
  {
    card::sim::SimChannel sim(*card);
    keypad_.AddPin(kTestCardPin);
    const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
    ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
    EXPECT_EQ(outcome.credential, JpkiKey());
    EXPECT_EQ(keypad_.reads(), 1);  // the JPKI PIN only
  }

  auto derived =
      card::sim::BadgeApplet::Create(BadgeProfile(&other_batch), clock_, card_random_).value();
  card::sim::SimChannel sim(*derived);
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
  EXPECT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.not_ours);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status.message(), HasSubstr("no trusted batch key"));
  EXPECT_EQ(keypad_.reads(), 1);  // nothing more was asked
}

// At a card+PIN door the same card is found out before the PIN is asked: the PIN the holder
// types goes to JPKI, and the other organisation's badge keeps every try of its PIN.
TEST_F(AuthenticatorRouterTest, AnotherOrganisationsFreeAreaBadgeIsReadByJpkiAtACardAndPinDoor) {
  const card::sim::BadgeBatch other_batch = card::sim::NewBadgeBatch("654321").value();
  auto card = FreeAreaCard(&other_batch);
  const int badge_tries = (*card->profile().badge).pin_tries;
  card::sim::SimChannel sim(*card);
  Recorder recorder(sim);
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = router_.Authenticate(recorder, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.credential, JpkiKey());
  EXPECT_EQ(keypad_.reads(), 1);  // the JPKI PIN only
  EXPECT_EQ((*card->profile().badge).pin_tries, badge_tries);
  EXPECT_EQ(card->profile().counters.auth_pin, 3);
  // Nothing of PACE reached the other organisation's badge.
  for (const Bytes& command : recorder.commands) {
    EXPECT_FALSE(command.size() >= 4 && command[1] == badge::kInsManageSecurityEnvironment &&
                 command[2] == (badge::kMseSetAtPace >> 8) &&
                 command[3] == (badge::kMseSetAtPace & 0xFF))
        << "MSE:SET AT for PACE was sent: " << ToHex(command);
  }
}

TEST_F(AuthenticatorRouterTest, WithoutBadgeCredentialsEveryCardTakesTheJpkiPath) {
  auto card = FreeAreaCard();
  card::sim::SimChannel sim(*card);
  Recorder recorder(sim);
  EXPECT_EQ(jpki_only_.Route(recorder).value(), CardRoute::kJpki);
  EXPECT_TRUE(recorder.commands.empty());
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = jpki_only_.Authenticate(recorder, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.credential, JpkiKey());
  ASSERT_FALSE(recorder.commands.empty());
  for (const Bytes& command : recorder.commands) {
    EXPECT_FALSE(SelectsTheBadge(command)) << "the badge was asked for";
  }
}

TEST_F(AuthenticatorRouterTest, TheBadgeSelectGoesThroughTheFirewallOnce) {
  auto card = FreeAreaCard();
  card::sim::SimChannel sim(*card);
  Recorder recorder(sim);
  ASSERT_EQ(router_.Route(recorder).value(), CardRoute::kBadge);
  ASSERT_EQ(recorder.commands.size(), 1u);
  EXPECT_TRUE(SelectsTheBadge(recorder.commands[0]));
}

// At a card-only door the card sees the decision record's 12 commands and no more: the router's
// SELECT is the sequence's (docs/decisions/badge-eac-sequence.md, docs/performance.md).
TEST_F(AuthenticatorRouterTest, ACardOnlyDoorSelectsTheBadgeOnce) {
  auto applet = card::sim::BadgeApplet::Create(BadgeProfile(), clock_, card_random_).value();
  card::sim::SimChannel derived(*applet);
  auto free_area = FreeAreaCard();
  card::sim::SimChannel national(*free_area);
  for (card::CardChannel* card :
       {static_cast<card::CardChannel*>(&derived), static_cast<card::CardChannel*>(&national)}) {
    Recorder recorder(*card);
    const AuthenticationOutcome outcome = router_.Authenticate(recorder, Assurance::kCard);
    ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
    EXPECT_EQ(recorder.commands.size(), 12u);
    EXPECT_EQ(std::count_if(recorder.commands.begin(), recorder.commands.end(), SelectsTheBadge),
              1);
    ASSERT_FALSE(recorder.commands.empty());
    EXPECT_TRUE(SelectsTheBadge(recorder.commands.front()));
  }
}

TEST_F(AuthenticatorRouterTest, CardRemovedBeforeTheChoiceIsACardError) {
  auto card = FreeAreaCard();
  card::sim::SimChannel sim(*card);
  sim.Remove();
  EXPECT_THAT(router_.Route(sim), StatusIs(StatusCode::kUnavailable));
  const AuthenticationOutcome outcome = router_.Authenticate(sim, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kCardError);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnavailable, HasSubstr("looking for a badge")));
  EXPECT_FALSE(outcome.credential.has_value());
}

// The door path with the router: a free-area card opens a card door with no PIN, a card+PIN door
// with the badge PIN, and is known by its badge credential, not by its JPKI one.
TEST_F(AuthenticatorRouterTest, FreeAreaCardThroughTheDoorController) {
  constexpr policy::ObjectId kSite = 1;
  constexpr policy::ObjectId kOffice = 2;
  constexpr policy::ObjectId kLevel = 5;
  constexpr policy::ObjectId kCardDoor = 12;
  constexpr policy::ObjectId kPinDoor = 13;
  auto card = FreeAreaCard();
  policy::Snapshot snapshot;
  snapshot.version = 1;
  snapshot.sites = {policy::Site{.id = kSite, .utc_offset_minutes = 540}};
  snapshot.zones = {policy::Zone{.id = kOffice, .site = kSite}};
  snapshot.doors = {policy::Door{kCardDoor, kSite, kOffice, policy::kNone, Assurance::kCard},
                    policy::Door{kPinDoor, kSite, kOffice, policy::kNone, Assurance::kCardAndPin}};
  snapshot.levels = {policy::AccessLevel{kLevel, {policy::LevelRule{kOffice}}}};
  policy::Credential badge_credential;
  badge_credential.key = BadgeKey(*card->profile().badge);
  badge_credential.staff.fill(0x07);
  badge_credential.levels = {policy::LevelAssignment{kLevel}};
  snapshot.credentials = {badge_credential};
  auto compiled = policy::CompiledPolicy::Create(snapshot);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();

  SimulatedDoor card_door(clock_, std::chrono::seconds(30));
  SimulatedDoor pin_door(clock_, std::chrono::seconds(30));
  testing::MemorySink events;
  auto controller = DoorController::Create(events, router_, clock_,
                                           {{kCardDoor, &card_door}, {kPinDoor, &pin_door}});
  ASSERT_TRUE(controller.ok()) << controller.status().ToString();
  (*controller)->InstallPolicy(std::move(compiled).value());

  {
    card::sim::SimChannel sim(*card);
    auto event = (*controller)->OnCard(kCardDoor, sim);
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    EXPECT_EQ(event->reason, Reason::kGranted);
    EXPECT_EQ(event->credential, badge_credential.key);
    EXPECT_EQ(card_door.unlock_count(), 1);
    EXPECT_EQ(keypad_.reads(), 0);
  }
  {
    card::sim::SimChannel sim(*card);
    keypad_.AddPin("246810");
    auto event = (*controller)->OnCard(kPinDoor, sim);
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    EXPECT_EQ(event->reason, Reason::kGranted);
    EXPECT_EQ(event->credential, badge_credential.key);
    EXPECT_EQ(pin_door.unlock_count(), 1);
  }
  {
    // The same card at a gate without badge credentials is read by JPKI: a credential the
    // snapshot does not hold.
    auto jpki_gate = DoorController::Create(events, jpki_only_, clock_, {{kCardDoor, &card_door}});
    ASSERT_TRUE(jpki_gate.ok());
    (*jpki_gate)->InstallPolicy(policy::CompiledPolicy::Create(snapshot).value());
    card::sim::SimChannel sim(*card);
    keypad_.AddPin(kTestCardPin);
    auto event = (*jpki_gate)->OnCard(kCardDoor, sim);
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    EXPECT_EQ(event->reason, Reason::kUnknownCredential);
    EXPECT_EQ(event->credential, JpkiKey());
    EXPECT_EQ(card_door.unlock_count(), 1);
  }
}

}  // namespace
}  // namespace sekisho::gate

namespace sekisho::gate {
namespace {

// Credentials that change while the gate runs: each tap reads what the holder holds then.
class HeldCredentialsRouterTest : public AuthenticatorRouterTest {
 protected:
  std::shared_ptr<const HeldBadgeCredentials> Held(std::optional<TimePoint> not_after) const {
    auto held = std::make_shared<HeldBadgeCredentials>();
    held->credentials.terminal = Credentials();
    held->not_after = not_after;
    return held;
  }

  BadgeCredentialsHolder holder_;
  AuthenticatorRouter held_router_{jpki_, holder_, k_org_, keypad_, clock_};
};

TEST_F(HeldCredentialsRouterTest, BadgesAreReadOnlyWhileTheHolderHoldsValidCredentials) {
  // Each tap is a badge coming fresh into the field.
  const auto tap = [&](std::optional<policy::CredentialKey>* key) {
    auto applet = card::sim::BadgeApplet::Create(BadgeProfile(), clock_, card_random_).value();
    card::sim::SimChannel sim(*applet);
    *key = BadgeKey(applet->profile());
    return held_router_.Authenticate(sim, Assurance::kCard);
  };
  std::optional<policy::CredentialKey> key;
  {
    // Nothing held: the badge is not even asked whether it is one.
    auto applet = card::sim::BadgeApplet::Create(BadgeProfile(), clock_, card_random_).value();
    card::sim::SimChannel sim(*applet);
    EXPECT_EQ(held_router_.Route(sim).value(), CardRoute::kJpki);
  }

  holder_.Set(Held(clock_.Now() + std::chrono::hours(1)));
  AuthenticationOutcome outcome = tap(&key);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, key);

  // The terminal certificate's end has passed: refused with the reason, nothing read.
  clock_.Advance(std::chrono::hours(1));
  outcome = tap(&key);
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.reason, Reason::kInternalError);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kFailedPrecondition,
                                       HasSubstr("badge terminal certificate expired")));
  EXPECT_FALSE(outcome.credential.has_value());

  // A renewal swapped in: the next tap reads the badge again.
  holder_.Set(Held(clock_.Now() + std::chrono::hours(24)));
  outcome = tap(&key);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, key);

  // Badges off again: a My Number Card is still read.
  holder_.Set(nullptr);
  auto card = card::sim::testing::NewTestCard();
  card::sim::SimChannel jpki_sim(*card);
  keypad_.AddPin(kTestCardPin);
  outcome = held_router_.Authenticate(jpki_sim, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, JpkiKey());
}

}  // namespace
}  // namespace sekisho::gate
