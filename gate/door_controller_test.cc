#include "gate/door_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "gate/batch_sender.h"
#include "gate/event_queue.h"
#include "gate/in_memory_batch_sender.h"
#include "gate/jpki_authenticator.h"
#include "gate/scripted_keypad.h"
#include "gate/simulated_door.h"
#include "gate/test_events.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"

namespace sekisho::gate {
namespace {

using policy::Assurance;
using policy::Reason;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::FakeAuthenticator;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::MemorySink;
using testing::NoCard;
using testing::TempDir;
using testing::TestGateKey;

constexpr policy::ObjectId kSite = 1;
constexpr policy::ObjectId kOffice = 2;      // zone
constexpr policy::ObjectId kServerRoom = 3;  // zone, hard anti-passback
constexpr policy::ObjectId kLevel = 5;
constexpr policy::ObjectId kEntrance = 12;    // door into the office, card
constexpr policy::ObjectId kPinDoor = 13;     // door into the office, card + PIN
constexpr policy::ObjectId kServerDoor = 14;  // door from outside into the server room
constexpr policy::ObjectId kSpareDoor = 15;   // wired to this gate, not in the snapshot
constexpr std::uint64_t kVersion = 41;
// 2026-06-01T09:00:00Z.
constexpr TimePoint kNow = FromUnixSeconds(1780304400);

policy::CredentialKey Key(std::uint8_t b) {
  policy::CredentialKey key;
  key.fill(b);
  return key;
}
policy::StaffRef Staff(std::uint8_t b) {
  policy::StaffRef staff;
  staff.fill(b);
  return staff;
}

const policy::CredentialKey kAlice = Key(0xA1);
const policy::CredentialKey kRevokedCard = Key(0xB2);
const policy::CredentialKey kStranger = Key(0xC3);

policy::Credential CredentialFor(const policy::CredentialKey& key, std::uint8_t staff) {
  policy::Credential c;
  c.key = key;
  c.staff = Staff(staff);
  c.levels = {policy::LevelAssignment{kLevel}};
  return c;
}

// One site: an office (a card door and a card+PIN door) and a server room with hard
// anti-passback, and one level that opens both at all times.
policy::Snapshot TestSnapshot(std::vector<policy::Credential> credentials) {
  policy::Snapshot s;
  s.version = kVersion;
  s.sites = {policy::Site{.id = kSite, .utc_offset_minutes = 540}};
  s.zones = {
      policy::Zone{.id = kOffice, .site = kSite},
      policy::Zone{.id = kServerRoom, .site = kSite, .anti_passback = policy::AntiPassback::kHard}};
  s.doors = {policy::Door{kEntrance, kSite, kOffice, policy::kNone, Assurance::kCard},
             policy::Door{kPinDoor, kSite, kOffice, policy::kNone, Assurance::kCardAndPin},
             policy::Door{kServerDoor, kSite, kServerRoom, policy::kNone, Assurance::kCard}};
  s.levels = {
      policy::AccessLevel{kLevel, {policy::LevelRule{kOffice}, policy::LevelRule{kServerRoom}}}};
  std::sort(credentials.begin(), credentials.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  s.credentials = std::move(credentials);
  return s;
}

std::unique_ptr<policy::CompiledPolicy> Compile(policy::Snapshot snapshot) {
  auto compiled = policy::CompiledPolicy::Create(std::move(snapshot));
  EXPECT_THAT(compiled.status(), IsOk());
  return compiled.ok() ? std::move(compiled).value() : nullptr;
}

std::unique_ptr<policy::CompiledPolicy> DefaultPolicy() {
  policy::Credential revoked = CredentialFor(kRevokedCard, 0x02);
  revoked.flags = policy::kCredentialRevoked;
  return Compile(TestSnapshot({CredentialFor(kAlice, 0x01), revoked}));
}

class DoorControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto controller = DoorController::Create(sink_, auth_, clock_,
                                             {{kEntrance, &entrance_},
                                              {kPinDoor, &pin_door_},
                                              {kServerDoor, &server_door_},
                                              {kSpareDoor, &spare_door_}},
                                             {.unlock_duration = std::chrono::seconds(5)});
    ASSERT_THAT(controller.status(), IsOk());
    controller_ = std::move(controller).value();
  }

  Event Present(policy::ObjectId door, AuthenticationOutcome outcome) {
    auth_.outcomes.push_back(std::move(outcome));
    auto event = controller_->OnCard(door, card_);
    EXPECT_THAT(event.status(), IsOk());
    return event.ok() ? *event : Event{};
  }

  static AuthenticationOutcome Card(const policy::CredentialKey& key,
                                    Assurance assurance = Assurance::kCardAndPin) {
    return AuthenticationOutcome::Success(key, assurance);
  }

  FakeClock clock_{kNow};
  SimulatedDoor entrance_{clock_, std::chrono::seconds(30)};
  SimulatedDoor pin_door_{clock_, std::chrono::seconds(30)};
  SimulatedDoor server_door_{clock_, std::chrono::seconds(30)};
  SimulatedDoor spare_door_{clock_, std::chrono::seconds(30)};
  MemorySink sink_{&entrance_};
  FakeAuthenticator auth_;
  NoCard card_;
  std::unique_ptr<DoorController> controller_;
};

TEST_F(DoorControllerTest, CreateChecksTheDoors) {
  EXPECT_THAT(DoorController::Create(sink_, auth_, clock_, {{0, &entrance_}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("door id 0")));
  EXPECT_THAT(DoorController::Create(sink_, auth_, clock_, {{3, nullptr}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("door 3 has no actuator")));
}

TEST_F(DoorControllerTest, GrantIsRecordedBeforeTheDoorOpens) {
  controller_->InstallPolicy(DefaultPolicy());
  const Event event = Present(kEntrance, Card(kAlice));
  EXPECT_EQ(event.kind, EventKind::kAccess);
  EXPECT_EQ(event.reason, Reason::kGranted);
  EXPECT_EQ(event.door, kEntrance);
  EXPECT_EQ(event.credential, kAlice);
  EXPECT_EQ(event.staff, Staff(0x01));
  EXPECT_EQ(event.assurance, Assurance::kCardAndPin);
  EXPECT_EQ(event.snapshot_version, kVersion);
  EXPECT_EQ(event.error, StatusCode::kOk);
  EXPECT_EQ(event.flags, 0);
  EXPECT_EQ(event.time, std::chrono::floor<std::chrono::milliseconds>(kNow));
  EXPECT_EQ(auth_.last_required, Assurance::kCard);
  EXPECT_EQ(entrance_.unlock_count(), 1);
  EXPECT_TRUE(entrance_.IsUnlocked());
  ASSERT_EQ(sink_.unlocked_at_append.size(), 1u);
  EXPECT_FALSE(sink_.unlocked_at_append[0]) << "the door opened before its event was recorded";
}

TEST_F(DoorControllerTest, PolicyDenialsKeepTheDoorLocked) {
  controller_->InstallPolicy(DefaultPolicy());
  const Event unknown = Present(kEntrance, Card(kStranger));
  EXPECT_EQ(unknown.reason, Reason::kUnknownCredential);
  EXPECT_EQ(unknown.credential, kStranger);
  EXPECT_FALSE(unknown.staff.has_value());
  const Event revoked = Present(kEntrance, Card(kRevokedCard));
  EXPECT_EQ(revoked.reason, Reason::kRevoked);
  EXPECT_EQ(revoked.staff, Staff(0x02));
  const Event card_only = Present(kPinDoor, Card(kAlice, Assurance::kCard));
  EXPECT_EQ(auth_.last_required, Assurance::kCardAndPin);
  EXPECT_EQ(card_only.reason, Reason::kInsufficientAssurance);
  EXPECT_EQ(entrance_.unlock_count() + pin_door_.unlock_count(), 0);
  EXPECT_EQ(sink_.events.size(), 3u);
}

TEST_F(DoorControllerTest, NoSnapshotDeniesWithoutTouchingTheCard) {
  const Event event = Present(kEntrance, Card(kAlice));
  EXPECT_EQ(event.reason, Reason::kNoSnapshot);
  EXPECT_EQ(event.error, StatusCode::kFailedPrecondition);
  EXPECT_EQ(event.snapshot_version, 0u);
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(entrance_.unlock_count(), 0);
}

TEST_F(DoorControllerTest, DoorsUnknownToThePolicyOrTheGate) {
  controller_->InstallPolicy(DefaultPolicy());
  const Event spare = Present(kSpareDoor, Card(kAlice));
  EXPECT_EQ(spare.reason, Reason::kUnknownDoor);
  EXPECT_EQ(spare.error, StatusCode::kOk);
  const Event foreign = Present(99, Card(kAlice));
  EXPECT_EQ(foreign.reason, Reason::kInternalError);
  EXPECT_EQ(foreign.error, StatusCode::kNotFound);
  EXPECT_EQ(foreign.door, 99u);
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(spare_door_.unlock_count(), 0);
  auth_.outcomes.clear();
  EXPECT_THAT(controller_->OnCard(0, card_), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(DoorControllerTest, AuthenticationFailuresAreRecordedWithTheirReasonAndCode) {
  controller_->InstallPolicy(DefaultPolicy());
  struct Case {
    Reason reason;
    Status status;
    std::optional<policy::CredentialKey> claimed;
  };
  const Case cases[] = {
      {Reason::kCardError, UnavailableError("card removed"), std::nullopt},
      {Reason::kPinRefused, PermissionDeniedError("only one try is left"), kAlice},
      {Reason::kAuthenticationFailed, UnauthenticatedError("wrong PIN"), kAlice},
      {Reason::kAuthenticationFailed, UnauthenticatedError("bad signature"), kStranger},
      {Reason::kInternalError, InternalError("firewall"), std::nullopt},
  };
  for (const Case& c : cases) {
    const Event event =
        Present(kEntrance, AuthenticationOutcome::Failure(c.reason, c.status, c.claimed));
    EXPECT_EQ(event.reason, c.reason);
    EXPECT_EQ(event.error, c.status.code());
    EXPECT_EQ(event.credential, c.claimed);
    // The staff reference is looked up for a claimed key the snapshot knows.
    EXPECT_EQ(event.staff.has_value(), c.claimed == kAlice);
    EXPECT_FALSE(event.assurance.has_value());
  }
  EXPECT_EQ(entrance_.unlock_count(), 0);
}

TEST_F(DoorControllerTest, EventSinkFailureKeepsTheDoorLockedAndRecordsNoPassage) {
  controller_->InstallPolicy(DefaultPolicy());
  sink_.failing = true;
  auth_.outcomes.push_back(Card(kAlice));
  EXPECT_THAT(controller_->OnCard(kServerDoor, card_),
              StatusIs(StatusCode::kUnavailable, "disk full"));
  EXPECT_EQ(server_door_.unlock_count(), 0);
  // Nothing was recorded as passed: with the disk back, the server room still lets Alice in
  // (hard anti-passback would refuse a second entry).
  sink_.failing = false;
  EXPECT_EQ(Present(kServerDoor, Card(kAlice)).reason, Reason::kGranted);
  const Event again = Present(kServerDoor, Card(kAlice));
  EXPECT_EQ(again.reason, Reason::kAntiPassback);
  EXPECT_EQ(again.flags & kEventFlagAntiPassback, kEventFlagAntiPassback);
}

TEST_F(DoorControllerTest, ActuatorFailureAfterAGrantIsRecordedToo) {
  controller_->InstallPolicy(DefaultPolicy());
  server_door_.set_actuator_failure(true);
  const Event event = Present(kServerDoor, Card(kAlice));
  EXPECT_EQ(event.reason, Reason::kInternalError);
  EXPECT_EQ(event.error, StatusCode::kUnavailable);
  EXPECT_EQ(event.credential, kAlice);
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].reason, Reason::kGranted);
  EXPECT_EQ(sink_.events[1].sequence, 2u);
  // Alice never got in, so no passage was recorded: the next try is granted.
  server_door_.set_actuator_failure(false);
  EXPECT_EQ(Present(kServerDoor, Card(kAlice)).reason, Reason::kGranted);
  EXPECT_EQ(server_door_.unlock_count(), 1);
}

TEST_F(DoorControllerTest, OfflineEventsAreFlaggedAndStillDecided) {
  controller_->InstallPolicy(DefaultPolicy());
  controller_->SetOnline(false);
  const Event event = Present(kEntrance, Card(kAlice));
  EXPECT_EQ(event.reason, Reason::kGranted);
  EXPECT_EQ(event.flags, kEventFlagOffline);
  controller_->SetOnline(true);
  EXPECT_EQ(Present(kEntrance, Card(kAlice)).flags, 0);
}

TEST_F(DoorControllerTest, PolicyUpdatesApplyToTheNextCard) {
  EXPECT_THAT(controller_->UpdatePolicy([](auto&) { return OkStatus(); }),
              StatusIs(StatusCode::kFailedPrecondition));
  controller_->InstallPolicy(DefaultPolicy());
  EXPECT_EQ(controller_->snapshot_version(), kVersion);
  EXPECT_EQ(Present(kEntrance, Card(kAlice)).reason, Reason::kGranted);
  // A lost card, pushed as a delta.
  ASSERT_THAT(controller_->UpdatePolicy([](std::unique_ptr<policy::CompiledPolicy>& p) {
    p->set_version(kVersion + 1);
    return p->RevokeCredential(kAlice);
  }),
              IsOk());
  const Event event = Present(kEntrance, Card(kAlice));
  EXPECT_EQ(event.reason, Reason::kRevoked);
  EXPECT_EQ(event.snapshot_version, kVersion + 1);
  controller_->InstallPolicy(nullptr);
  EXPECT_EQ(controller_->snapshot_version(), 0u);
  EXPECT_EQ(Present(kEntrance, Card(kAlice)).reason, Reason::kNoSnapshot);
}

TEST_F(DoorControllerTest, PolicyRemovedWhileTheCardIsRead) {
  controller_->InstallPolicy(DefaultPolicy());
  // Authentication runs outside the controller's lock, so a policy change can land meanwhile.
  auth_.during = [this] { controller_->InstallPolicy(nullptr); };
  const Event event = Present(kEntrance, Card(kAlice));
  EXPECT_EQ(event.reason, Reason::kNoSnapshot);
  EXPECT_EQ(entrance_.unlock_count(), 0);
}

TEST_F(DoorControllerTest, DoorAlarmsBecomeEvents) {
  controller_->InstallPolicy(DefaultPolicy());
  auto none = controller_->PollDoors();
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_TRUE(none->empty());

  spare_door_.Open();  // locked: forced
  ASSERT_EQ(Present(kEntrance, Card(kAlice)).reason, Reason::kGranted);
  entrance_.Open();  // unlocked: no alarm, but it stays open
  clock_.Advance(std::chrono::seconds(31));
  auto alarms = controller_->PollDoors();
  ASSERT_THAT(alarms.status(), IsOk());
  ASSERT_EQ(alarms->size(), 3u);
  // Doors are polled in id order: the entrance (12) before the spare door (15).
  EXPECT_EQ((*alarms)[0].kind, EventKind::kDoorHeldOpen);
  EXPECT_EQ((*alarms)[0].door, kEntrance);
  EXPECT_EQ((*alarms)[0].time,
            std::chrono::floor<std::chrono::milliseconds>(kNow + std::chrono::seconds(30)));
  EXPECT_EQ((*alarms)[1].kind, EventKind::kDoorForced);
  EXPECT_EQ((*alarms)[1].door, kSpareDoor);
  EXPECT_EQ((*alarms)[1].snapshot_version, kVersion);
  EXPECT_FALSE((*alarms)[1].reason.has_value());
  EXPECT_EQ((*alarms)[2].kind, EventKind::kDoorHeldOpen);  // and the forced door stayed open
  EXPECT_EQ((*alarms)[2].door, kSpareDoor);
  EXPECT_EQ(sink_.events.size(), 4u);
  EXPECT_TRUE(controller_->PollDoors()->empty());  // each alarm once

  sink_.failing = true;
  entrance_.Close();
  spare_door_.Close();
  spare_door_.Open();
  EXPECT_THAT(controller_->PollDoors(), StatusIs(StatusCode::kUnavailable));
}

// The whole door path with the real pieces: the simulated My Number Card, the JPKI
// authenticator, the durable queue, and the server's verification of what the gate sends.
class DoorPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = pki::Certificate::FromDer(card::sim::testing::World().profile.auth_certificate);
    ASSERT_THAT(cert.status(), IsOk());
    card_key_ =
        policy::CredentialKeyOf(identity::Pseudonym(k_org_, cert->SubjectPublicKeyInfoDer()));

    auto queue = EventQueue::Open(dir_.path() / kEventQueueFile, kTestGate, TestGateKey());
    ASSERT_THAT(queue.status(), IsOk());
    queue_ = std::move(queue).value();
    auto controller = DoorController::Create(*queue_, authenticator_, clock_, {{kPinDoor, &door_}});
    ASSERT_THAT(controller.status(), IsOk());
    controller_ = std::move(controller).value();
    controller_->InstallPolicy(Compile(TestSnapshot({CredentialFor(card_key_, 0x07)})));
  }

  identity::OrgKey k_org_ = [] {
    SeededRandom random(21);
    return identity::OrgKey::Generate(random);
  }();
  policy::CredentialKey card_key_{};
  TempDir dir_;
  FakeClock clock_{kNow};
  SeededRandom random_{22};
  ScriptedKeypad keypad_;
  JpkiAuthenticator authenticator_{k_org_, keypad_, random_};
  SimulatedDoor door_{clock_, std::chrono::seconds(30)};
  std::unique_ptr<EventQueue> queue_;
  std::unique_ptr<DoorController> controller_;
};

TEST_F(DoorPathTest, MyNumberCardOpensThePinDoorAndTheServerVerifiesTheEvents) {
  auto card = card::sim::testing::NewTestCard();
  card::sim::SimChannel channel(*card);

  keypad_.AddPin("1234");
  auto granted = controller_->OnCard(kPinDoor, channel);
  ASSERT_THAT(granted.status(), IsOk());
  EXPECT_EQ(granted->reason, Reason::kGranted);
  EXPECT_EQ(granted->credential, card_key_);
  EXPECT_EQ(granted->staff, Staff(0x07));
  EXPECT_EQ(granted->sequence, 1u);
  EXPECT_EQ(door_.unlock_count(), 1);

  keypad_.AddPin("0000");
  auto wrong_pin = controller_->OnCard(kPinDoor, channel);
  ASSERT_THAT(wrong_pin.status(), IsOk());
  EXPECT_EQ(wrong_pin->reason, Reason::kAuthenticationFailed);
  EXPECT_EQ(wrong_pin->error, StatusCode::kUnauthenticated);
  EXPECT_EQ(door_.unlock_count(), 1);

  channel.Remove();
  auto removed = controller_->OnCard(kPinDoor, channel);
  ASSERT_THAT(removed.status(), IsOk());
  EXPECT_EQ(removed->reason, Reason::kCardError);
  EXPECT_EQ(removed->error, StatusCode::kUnavailable);

  InMemoryBatchSender server(kTestGate, TestGateKey().public_key());
  ASSERT_THAT(ForwardEvents(*queue_, server, 10).status(), IsOk());
  ASSERT_EQ(server.events().size(), 3u);
  EXPECT_EQ(server.events()[0], *granted);
  EXPECT_EQ(server.events()[1], *wrong_pin);
  EXPECT_EQ(server.events()[2], *removed);
}

}  // namespace
}  // namespace sekisho::gate
