#include "gate/reader_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/simulated_card.h"
#include "gate/jpki_authenticator.h"
#include "gate/simulated_card_reader.h"
#include "gate/simulated_door.h"
#include "gate/test_events.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"

namespace sekisho::gate {
namespace {

using card::sim::testing::NewTestCard;
using card::sim::testing::World;
using policy::Reason;
using ::sekisho::card::sim::testing::kTestCardPin;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::MemorySink;

constexpr policy::ObjectId kReaderSite = 1;
constexpr policy::ObjectId kReaderZone = 2;
constexpr policy::ObjectId kReaderLevel = 3;
constexpr policy::ObjectId kReaderDoor = 4;
constexpr auto kWait = std::chrono::seconds(20);
// 2025-06-02T01:00:00Z: within the test card's certificate validity.
constexpr TimePoint kReaderNow = FromUnixSeconds(1748826000);

class ReaderLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto controller =
        DoorController::Create(sink_, authenticator_, clock_, {{kReaderDoor, &door_}});
    ASSERT_THAT(controller.status(), IsOk());
    controller_ = std::move(controller).value();
    loop_ = std::make_unique<ReaderLoop>(reader_, *controller_, kReaderDoor,
                                         [this](const Event& e) { observed_.push_back(e); });
    auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
    ASSERT_TRUE(cert.ok());
    card_key_ =
        policy::CredentialKeyOf(identity::Pseudonym(k_org_, cert->SubjectPublicKeyInfoDer()));
  }

  void Install(std::uint8_t flags) {
    policy::Snapshot s;
    s.version = 9;
    s.sites = {policy::Site{.id = kReaderSite, .utc_offset_minutes = 540}};
    s.zones = {policy::Zone{.id = kReaderZone, .site = kReaderSite}};
    s.doors = {policy::Door{kReaderDoor, kReaderSite, kReaderZone, policy::kNone,
                            policy::Assurance::kCardAndPin}};
    s.levels = {policy::AccessLevel{kReaderLevel, {policy::LevelRule{kReaderZone}}}};
    policy::Credential c;
    c.key = card_key_;
    c.staff.fill(0x5A);
    c.flags = flags;
    c.levels = {policy::LevelAssignment{kReaderLevel}};
    s.credentials = {c};
    auto compiled = policy::CompiledPolicy::Create(std::move(s));
    ASSERT_THAT(compiled.status(), IsOk());
    controller_->InstallPolicy(std::move(compiled).value());
  }

  // A holder presents `card` with `pin` while the loop serves one card on this thread.
  Result<Event> HolderPresents(card::VirtualCard& card, std::optional<std::string> pin) {
    Status presented;
    std::thread holder([&] { presented = reader_.Present(card, std::move(pin), kWait); });
    Result<Event> event = loop_->ServeOneCard(kWait);
    holder.join();
    EXPECT_THAT(presented, IsOk());
    return event;
  }

  identity::OrgKey k_org_ = [] {
    SeededRandom random(21);
    return identity::OrgKey::Generate(random);
  }();
  SeededRandom random_{22};
  FakeClock clock_{kReaderNow};
  SimulatedDoor door_{clock_, std::chrono::seconds(30)};
  MemorySink sink_{&door_};
  SimulatedCardReader reader_{"desk reader"};
  JpkiAuthenticator authenticator_{k_org_, reader_.keypad(), random_};
  std::unique_ptr<DoorController> controller_;
  std::vector<Event> observed_;
  std::unique_ptr<ReaderLoop> loop_;
  policy::CredentialKey card_key_{};
};

TEST_F(ReaderLoopTest, EnrolledCardWithPinOpensTheDoor) {
  Install(0);
  auto card = NewTestCard();
  Result<Event> event = HolderPresents(*card, std::string(kTestCardPin));
  ASSERT_THAT(event.status(), IsOk());
  EXPECT_EQ(event->reason, Reason::kGranted);
  EXPECT_EQ(event->credential, card_key_);
  EXPECT_EQ(door_.unlock_count(), 1);
  ASSERT_EQ(observed_.size(), 1u);
  EXPECT_EQ(observed_[0], *event);
  EXPECT_EQ(card->profile().counters.auth_pin, 3);  // a right PIN costs no try
}

TEST_F(ReaderLoopTest, RevokedCardIsDeniedAfterItsPin) {
  Install(policy::kCredentialRevoked);
  auto card = NewTestCard();
  Result<Event> event = HolderPresents(*card, std::string(kTestCardPin));
  ASSERT_THAT(event.status(), IsOk());
  EXPECT_EQ(event->reason, Reason::kRevoked);
  EXPECT_EQ(door_.unlock_count(), 0);
}

TEST_F(ReaderLoopTest, HolderWhoTypesNothingIsDeniedWithoutSpendingATry) {
  Install(0);
  auto card = NewTestCard();
  Result<Event> event = HolderPresents(*card, std::nullopt);
  ASSERT_THAT(event.status(), IsOk());
  EXPECT_EQ(event->reason, Reason::kAuthenticationFailed);
  EXPECT_EQ(door_.unlock_count(), 0);
  EXPECT_EQ(card->profile().counters.auth_pin, 3);
}

TEST_F(ReaderLoopTest, CardWithOneTryLeftIsRefusedBeforeThePin) {
  Install(0);
  card::sim::CardProfile profile = World().profile;
  profile.counters.auth_pin = 1;
  auto card = NewTestCard(profile);
  Result<Event> event = HolderPresents(*card, std::string("9999"));
  ASSERT_THAT(event.status(), IsOk());
  EXPECT_EQ(event->reason, Reason::kPinRefused);
  EXPECT_EQ(card->profile().counters.auth_pin, 1);
}

TEST_F(ReaderLoopTest, NoCardIsADeadlineAndRecordsNothing) {
  Install(0);
  EXPECT_THAT(loop_->ServeOneCard(std::chrono::milliseconds(1)).status(),
              StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_TRUE(observed_.empty());
}

TEST_F(ReaderLoopTest, RunServesCardsUntilStopped) {
  Install(0);
  std::atomic<bool> stop{false};
  Status ran = InternalError("not run");
  std::thread loop([&] { ran = loop_->Run(stop); });
  auto card = NewTestCard();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(reader_.Present(*card, std::string(kTestCardPin), kWait), IsOk());
  }
  stop = true;
  reader_.Cancel();
  loop.join();
  EXPECT_THAT(ran, IsOk());
  EXPECT_EQ(sink_.events.size(), 3u);
  EXPECT_EQ(door_.unlock_count(), 3);
  // After Cancel, holders are turned away at once.
  EXPECT_THAT(reader_.Present(*card, std::string(kTestCardPin), kWait),
              StatusIs(StatusCode::kUnavailable));
}

TEST_F(ReaderLoopTest, CardNotTakenInTimeIsWithdrawn) {
  auto card = NewTestCard();
  EXPECT_THAT(reader_.Present(*card, std::string(kTestCardPin), std::chrono::milliseconds(10)),
              StatusIs(StatusCode::kDeadlineExceeded));
  // The reader is free again: the next wait finds nothing.
  EXPECT_THAT(reader_.WaitForCard(std::chrono::milliseconds(1)).status(),
              StatusIs(StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace sekisho::gate
