#include "gate/jpki_authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "card/counting_channel.h"
#include "card/pcsc/pinpad_channel.h"
#include "card/pcsc/pinpad_fake_reader.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/simulated_card.h"
#include "gate/scripted_keypad.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"

namespace sekisho::gate {
namespace {

using card::pcsc::testing::FakePinPadReader;
using card::sim::testing::NewTestCard;
using card::sim::testing::World;
using policy::Assurance;
using policy::Reason;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::card::sim::testing::kTestCardPin;

// A channel that fails or lies on purpose: it stops answering (kUnavailable, as a card pulled
// out) from the N-th command on, or flips a bit of the signature the card returns.
class FaultyChannel final : public card::CardChannel {
 public:
  explicit FaultyChannel(card::CardChannel& inner) : inner_(inner) {}

  std::optional<int> remove_at;  // 0-based index of the first command that fails
  bool damage_signature = false;
  int commands = 0;

  Result<Bytes> Transmit(ByteView command) override {
    if (remove_at && commands >= *remove_at) return UnavailableError("card removed");
    ++commands;
    ASSIGN_OR_RETURN(Bytes response, inner_.Transmit(command));
    if (damage_signature && command.size() >= 2 && command[1] == 0x2A && response.size() > 2) {
      response[10] ^= 0x01;
    }
    return response;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

 private:
  card::CardChannel& inner_;
};

// Answers 6A82 (file or application not found) to everything: a card without JPKI.
class NotMyNumberChannel final : public card::CardChannel {
 public:
  Result<Bytes> Transmit(ByteView) override { return Bytes{0x6A, 0x82}; }
  Result<Bytes> Atr() override { return Bytes{0x3B, 0x00}; }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }
};

// A card in a reader with a PIN pad (the fake reader in front of the simulated card), connected as
// PcscCardReader connects: the channel is a PinPadChannel when the reader offers the feature.
struct PinPadReaderBench {
  explicit PinPadReaderBench(card::VirtualCard& card, bool offers_pin_pad = true) {
    auto owned = std::make_unique<card::sim::SimChannel>(card);
    sim = owned.get();
    reader = std::make_unique<FakePinPadReader>(*sim);
    if (!offers_pin_pad) reader->feature_error = FailedPreconditionError("no features");
    channel = card::pcsc::PinPadChannel::WrapIfOffered(std::move(owned), *reader);
  }
  card::sim::SimChannel* sim = nullptr;
  std::unique_ptr<FakePinPadReader> reader;
  std::unique_ptr<card::CardChannel> channel;
};

class JpkiAuthenticatorTest : public ::testing::Test {
 protected:
  // The credential key the test card must be known by: the first 16 bytes of its pseudonym.
  policy::CredentialKey ExpectedKey() const {
    auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
    EXPECT_TRUE(cert.ok());
    return policy::CredentialKeyOf(identity::Pseudonym(k_org_, cert->SubjectPublicKeyInfoDer()));
  }

  std::unique_ptr<card::sim::SimulatedCard> CardWithTries(int tries) {
    card::sim::CardProfile profile = World().profile;
    profile.counters.auth_pin = tries;
    return NewTestCard(profile);
  }

  int TriesLeft(const card::sim::SimulatedCard& card) const {
    return card.profile().counters.auth_pin;
  }

  identity::OrgKey k_org_ = [] {
    SeededRandom random(11);
    return identity::OrgKey::Generate(random);
  }();
  SeededRandom random_{12};
  ScriptedKeypad keypad_;
  JpkiAuthenticator authenticator_{k_org_, keypad_, random_};
};

TEST_F(JpkiAuthenticatorTest, AuthenticatesWithPin) {
  auto card = NewTestCard();
  card::sim::SimChannel sim(*card);
  card::CountingChannel counting(sim);
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = authenticator_.Authenticate(counting, Assurance::kCard);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, ExpectedKey());
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_THAT(outcome.status, ::sekisho::testing::IsOk());
  EXPECT_EQ(keypad_.reads(), 1);
  EXPECT_EQ(TriesLeft(*card), 3);
  // The lean path: SELECT, two short certificate reads, the tries query, the VERIFY (with its
  // own tries query) and the signature.
  EXPECT_LE(counting.counts().commands, 8u);
  EXPECT_LT(counting.counts().bytes_received, 1024u + 256u);
}

TEST_F(JpkiAuthenticatorTest, EachAuthenticationSignsAFreshChallenge) {
  auto card = NewTestCard();
  card::sim::SimChannel sim(*card);
  keypad_.AddPin(kTestCardPin);
  keypad_.AddPin(kTestCardPin);
  EXPECT_TRUE(authenticator_.Authenticate(sim, Assurance::kCardAndPin).ok());
  EXPECT_TRUE(authenticator_.Authenticate(sim, Assurance::kCardAndPin).ok());
}

TEST_F(JpkiAuthenticatorTest, WrongPinFailsWithTheClaimedKey) {
  auto card = NewTestCard();
  card::sim::SimChannel sim(*card);
  keypad_.AddPin("9999");
  const AuthenticationOutcome outcome = authenticator_.Authenticate(sim, Assurance::kCardAndPin);
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("2 tries left")));
  EXPECT_EQ(outcome.credential, ExpectedKey());
  EXPECT_EQ(TriesLeft(*card), 2);
}

TEST_F(JpkiAuthenticatorTest, LastTryIsNeverSpentAndThePinNotAsked) {
  auto card = CardWithTries(1);
  card::sim::SimChannel sim(*card);
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = authenticator_.Authenticate(sim, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.reason, Reason::kPinRefused);
  EXPECT_THAT(outcome.status,
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("only one try is left")));
  EXPECT_EQ(outcome.credential, ExpectedKey());
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(TriesLeft(*card), 1);
}

TEST_F(JpkiAuthenticatorTest, BlockedPinIsRefused) {
  auto card = CardWithTries(0);
  card::sim::SimChannel sim(*card);
  const AuthenticationOutcome outcome = authenticator_.Authenticate(sim, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.reason, Reason::kPinRefused);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kFailedPrecondition, HasSubstr("locked")));
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(JpkiAuthenticatorTest, KeypadOutcomes) {
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
      {"not four digits", [](ScriptedKeypad& k) { k.AddPin("12a4"); },
       Reason::kAuthenticationFailed, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    auto card = NewTestCard();
    card::sim::SimChannel sim(*card);
    ScriptedKeypad keypad;
    c.script(keypad);
    JpkiAuthenticator authenticator(k_org_, keypad, random_);
    const AuthenticationOutcome outcome = authenticator.Authenticate(sim, Assurance::kCardAndPin);
    EXPECT_EQ(outcome.reason, c.reason) << c.name;
    EXPECT_THAT(outcome.status, StatusIs(c.code)) << c.name;
    EXPECT_EQ(outcome.credential, ExpectedKey()) << c.name;
    EXPECT_EQ(TriesLeft(*card), 3) << c.name << ": no try may be spent";
  }
}

TEST_F(JpkiAuthenticatorTest, CardRemovedAtEveryStep) {
  // Count the commands of a whole authentication, then pull the card before each of them.
  int total = 0;
  {
    auto card = NewTestCard();
    card::sim::SimChannel sim(*card);
    FaultyChannel counting(sim);
    keypad_.AddPin(kTestCardPin);
    ASSERT_TRUE(authenticator_.Authenticate(counting, Assurance::kCard).ok());
    total = counting.commands;
  }
  ASSERT_GT(total, 4);
  for (int at = 0; at < total; ++at) {
    auto card = NewTestCard();
    card::sim::SimChannel sim(*card);
    FaultyChannel faulty(sim);
    faulty.remove_at = at;
    ScriptedKeypad keypad;
    keypad.AddPin(kTestCardPin);
    JpkiAuthenticator authenticator(k_org_, keypad, random_);
    const AuthenticationOutcome outcome = authenticator.Authenticate(faulty, Assurance::kCard);
    EXPECT_FALSE(outcome.ok()) << at;
    EXPECT_EQ(outcome.reason, Reason::kCardError) << at;
    EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnavailable, HasSubstr("card removed")))
        << at;
  }
}

TEST_F(JpkiAuthenticatorTest, SignatureThatDoesNotMatchTheCertificate) {
  auto card = NewTestCard();
  card::sim::SimChannel sim(*card);
  FaultyChannel faulty(sim);
  faulty.damage_signature = true;
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome = authenticator_.Authenticate(faulty, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("does not verify")));
  EXPECT_EQ(outcome.credential, ExpectedKey());
}

TEST_F(JpkiAuthenticatorTest, NotAMyNumberCard) {
  NotMyNumberChannel channel;
  const AuthenticationOutcome outcome = authenticator_.Authenticate(channel, Assurance::kCard);
  EXPECT_EQ(outcome.reason, Reason::kCardError);
  EXPECT_THAT(outcome.status,
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a My Number Card")));
  EXPECT_FALSE(outcome.credential.has_value());
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(JpkiAuthenticatorTest, APinPadReaderIsUsedAndTheKeypadNeverAsked) {
  auto card = NewTestCard();
  PinPadReaderBench bench(*card);
  keypad_.AddPin(kTestCardPin);  // there to be noticed if asked
  bench.reader->HolderTypes(kTestCardPin);
  const AuthenticationOutcome outcome =
      authenticator_.Authenticate(*bench.channel, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.credential, ExpectedKey());
  EXPECT_EQ(outcome.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(keypad_.reads(), 0);
  EXPECT_EQ(bench.reader->verify_requests().size(), 1u);
  EXPECT_EQ(bench.reader->verifies_sent_to_card(), 1u);
  EXPECT_EQ(TriesLeft(*card), 3);
  // The same lean path: the card sees no more commands than with a keypad.
  EXPECT_LE(bench.sim->stats().commands, 8u);
}

// The PIN pad's VERIFY template passes the APDU firewall like every APDU (the firewall logs what
// it lets through at debug level), and nothing the host logs holds the PIN.
TEST_F(JpkiAuthenticatorTest, ThePinPadsTemplateGoesThroughTheFirewall) {
  auto card = NewTestCard();
  PinPadReaderBench bench(*card);
  bench.reader->HolderTypes(kTestCardPin);
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("pin_pad_test", sink);
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  const AuthenticationOutcome outcome =
      authenticator_.Authenticate(*bench.channel, Assurance::kCardAndPin);
  spdlog::set_default_logger(previous);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  int templates = 0;
  for (const auto& message : sink->last_raw()) {
    const std::string line(message.payload.begin(), message.payload.end());
    if (line.starts_with("APDU firewall: allowed VERIFY by SFI of the authentication PIN")) {
      ++templates;
    }
    EXPECT_EQ(line.find("31323334"), std::string::npos) << line;
    EXPECT_EQ(line.find("31 32 33 34"), std::string::npos) << line;
  }
  EXPECT_EQ(templates, 1);
}

TEST_F(JpkiAuthenticatorTest, AWrongPinOnThePinPadFailsWithTheClaimedKey) {
  auto card = NewTestCard();
  PinPadReaderBench bench(*card);
  bench.reader->HolderTypes("9999");
  const AuthenticationOutcome outcome =
      authenticator_.Authenticate(*bench.channel, Assurance::kCardAndPin);
  EXPECT_EQ(outcome.reason, Reason::kAuthenticationFailed);
  EXPECT_THAT(outcome.status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("2 tries left")));
  EXPECT_EQ(outcome.credential, ExpectedKey());
  EXPECT_EQ(TriesLeft(*card), 2);
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(JpkiAuthenticatorTest, PinPadOutcomesThatSpendNoTry) {
  struct Case {
    const char* name;
    void (*script)(FakePinPadReader&);
    Reason reason;
    StatusCode code;
  };
  const Case cases[] = {
      {"cancelled", [](FakePinPadReader& r) { r.HolderCancels(); }, Reason::kAuthenticationFailed,
       StatusCode::kUnauthenticated},
      {"timed out", [](FakePinPadReader& r) { r.HolderWalksAway(); }, Reason::kAuthenticationFailed,
       StatusCode::kDeadlineExceeded},
      // No silent fall back to the keypad: the door stays shut and says why.
      {"request refused",
       [](FakePinPadReader& r) {
         r.refuse_every_request = true;
         r.HolderTypes(kTestCardPin);
       },
       Reason::kCardError, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    auto card = NewTestCard();
    PinPadReaderBench bench(*card);
    c.script(*bench.reader);
    ScriptedKeypad keypad;
    keypad.AddPin(kTestCardPin);
    JpkiAuthenticator authenticator(k_org_, keypad, random_);
    const AuthenticationOutcome outcome =
        authenticator.Authenticate(*bench.channel, Assurance::kCardAndPin);
    EXPECT_EQ(outcome.reason, c.reason) << c.name;
    EXPECT_THAT(outcome.status, StatusIs(c.code)) << c.name;
    EXPECT_EQ(outcome.credential, ExpectedKey()) << c.name;
    EXPECT_EQ(keypad.reads(), 0) << c.name;
    EXPECT_EQ(bench.reader->verifies_sent_to_card(), 0u) << c.name;
    EXPECT_EQ(TriesLeft(*card), 3) << c.name << ": no try may be spent";
  }
}

TEST_F(JpkiAuthenticatorTest, ThePinPadIsNotOfferedTheLastTry) {
  for (int tries : {1, 0}) {
    auto card = CardWithTries(tries);
    PinPadReaderBench bench(*card);
    bench.reader->HolderTypes(kTestCardPin);
    const AuthenticationOutcome outcome =
        authenticator_.Authenticate(*bench.channel, Assurance::kCardAndPin);
    EXPECT_EQ(outcome.reason, Reason::kPinRefused) << tries;
    EXPECT_TRUE(bench.reader->verify_requests().empty()) << tries;
    EXPECT_EQ(TriesLeft(*card), tries);
  }
  EXPECT_EQ(keypad_.reads(), 0);
}

TEST_F(JpkiAuthenticatorTest, AReaderWithoutAPinPadUsesTheKeypad) {
  auto card = NewTestCard();
  PinPadReaderBench bench(*card, /*offers_pin_pad=*/false);
  keypad_.AddPin(kTestCardPin);
  const AuthenticationOutcome outcome =
      authenticator_.Authenticate(*bench.channel, Assurance::kCardAndPin);
  ASSERT_TRUE(outcome.ok()) << outcome.status.ToString();
  EXPECT_EQ(keypad_.reads(), 1);
  EXPECT_EQ(bench.reader->control_calls(), 1u);  // the feature query only
}

}  // namespace
}  // namespace sekisho::gate
