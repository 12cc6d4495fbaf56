// The door's trail, end to end and in-process: a simulated My Number Card at a gate (JPKI
// authentication, policy decision, durable hash-chained queue), a lost card refused after a
// signed delta, the gate's signed batch verified as the server does, every event appended to the
// audit log, a signed checkpoint, and an inclusion proof for each event. Then the privacy check
// (C3) over everything the gate and the log wrote: no card data, no PIN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "access/test_site.h"
#include "audit/audit_log.h"
#include "audit/proof.h"
#include "audit/record.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/log.h"
#include "base/random.h"
#include "base/status_matchers.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "gate/batch.h"
#include "gate/batch_verifier.h"
#include "gate/door_controller.h"
#include "gate/event_queue.h"
#include "gate/jpki_authenticator.h"
#include "gate/policy_updater.h"
#include "gate/scripted_keypad.h"
#include "gate/simulated_door.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"
#include "snapshot/delta.h"
#include "snapshot/signed.h"
#include "tests/privacy/card_data.h"

namespace sekisho::privacy {
namespace {

using access::testing::kEnrolTime;
using access::testing::kTestPin;
using access::testing::TempDir;
using policy::Reason;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::IsEmpty;

constexpr gate::GateId kGate = 7;
constexpr policy::ObjectId kSite = 1;
constexpr policy::ObjectId kLobby = 2;
constexpr policy::ObjectId kStaffLevel = 3;
constexpr policy::ObjectId kEntrance = 10;

policy::CredentialKey KeyOf(const identity::OrgKey& org_key, const card::sim::CardProfile& p) {
  auto cert = pki::Certificate::FromDer(p.auth_certificate);
  EXPECT_THAT(cert, IsOk());
  return policy::CredentialKeyOf(identity::Pseudonym(org_key, cert->SubjectPublicKeyInfoDer()));
}

// One site, one lobby, one door; staff of kStaffLevel may enter at any time.
policy::Snapshot SiteWith(const policy::CredentialKey& holder, std::uint64_t version) {
  policy::Snapshot s;
  s.version = version;
  s.sites = {policy::Site{.id = kSite, .utc_offset_minutes = 540}};
  s.zones = {policy::Zone{.id = kLobby, .site = kSite}};
  s.doors = {policy::Door{.id = kEntrance, .site = kSite, .to_zone = kLobby}};
  s.levels = {policy::AccessLevel{.id = kStaffLevel, .rules = {policy::LevelRule{.zone = kLobby}}}};
  policy::Credential credential{.key = holder, .levels = {{.level = kStaffLevel}}};
  credential.staff.fill(0x5A);
  s.credentials = {credential};
  return s;
}

class Card {
 public:
  explicit Card(card::sim::CardProfile profile) {
    auto card = card::sim::SimulatedCard::Create(std::move(profile));
    EXPECT_THAT(card, IsOk());
    card_ = std::move(card).value();
    channel_ = std::make_unique<card::sim::SimChannel>(*card_);
  }
  card::CardChannel& channel() { return *channel_; }

 private:
  std::unique_ptr<card::sim::SimulatedCard> card_;
  std::unique_ptr<card::sim::SimChannel> channel_;
};

TEST(DoorFlowTest, EveryDecisionIsChainedSignedLoggedAndProvableWithoutCardData) {
  TempDir temp;
  FakeClock clock(kEnrolTime + std::chrono::hours(1));
  SeededRandom random(404);
  const identity::OrgKey org_key = identity::OrgKey::Generate(random);
  const Ed25519PrivateKey snapshot_key = Ed25519PrivateKey::Generate(random);
  Ed25519PrivateKey gate_key = Ed25519PrivateKey::Generate(random);
  const Ed25519PublicKey gate_public = gate_key.public_key();
  const Ed25519PrivateKey checkpoint_key = Ed25519PrivateKey::Generate(random);

  const card::sim::CardProfile holder_profile = access::testing::TestProfile();
  const card::sim::CardProfile stranger_profile = access::testing::RenewedProfile();
  const policy::CredentialKey holder = KeyOf(org_key, holder_profile);

  // The gate: its queue in its own directory, its log there at debug level (the most it ever
  // logs), the door, the keypad, the JPKI authenticator.
  const std::filesystem::path gate_dir = temp.path() / "gate";
  std::filesystem::create_directories(gate_dir);
  LogOptions log_options;
  log_options.level = spdlog::level::debug;
  log_options.file = gate_dir / "gate.log";
  log_options.to_stderr = false;
  InitLogging(log_options);
  auto queue = gate::EventQueue::Open(gate_dir / gate::kEventQueueFile, kGate, std::move(gate_key));
  ASSERT_THAT(queue, IsOk());
  gate::SimulatedDoor door(clock, std::chrono::seconds(30));
  gate::ScriptedKeypad keypad;
  gate::JpkiAuthenticator authenticator(org_key, keypad, random);
  auto controller = gate::DoorController::Create(**queue, authenticator, clock,
                                                 {{kEntrance, &door}});
  ASSERT_THAT(controller, IsOk());
  auto updater =
      gate::PolicyUpdater::Create(**controller, kGate, snapshot_key.public_key());
  ASSERT_THAT(updater, IsOk());
  const policy::UnixSeconds now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  const policy::Snapshot v1 = SiteWith(holder, 1);
  auto signed_v1 = snapshot::SignSnapshot(snapshot_key, kGate, now, v1);
  ASSERT_THAT(signed_v1, IsOk());
  ASSERT_THAT((*updater)->ApplySnapshot(*signed_v1), IsOk());

  // The holder enters; a stranger's card is unknown here; the holder reports the card lost and
  // the server's delta reaches the gate; the card is refused from then on.
  std::vector<Reason> reasons;
  auto present = [&](const card::sim::CardProfile& profile) {
    keypad.AddPin(kTestPin);
    Card card(profile);
    auto event = (*controller)->OnCard(kEntrance, card.channel());
    EXPECT_THAT(event, IsOk());
    if (event.ok()) reasons.push_back(*event->reason);
    clock.Advance(std::chrono::seconds(10));
  };
  present(holder_profile);
  present(stranger_profile);
  policy::Snapshot v2 = v1;
  v2.version = 2;
  v2.credentials[0].flags = policy::kCredentialRevoked;
  auto delta = snapshot::Diff(v1, v2);
  ASSERT_THAT(delta, IsOk());
  auto signed_delta = snapshot::SignDelta(snapshot_key, kGate, now + 15, *delta);
  ASSERT_THAT(signed_delta, IsOk());
  EXPECT_LE(signed_delta->size(), 512u);
  ASSERT_THAT((*updater)->ApplyDelta(*signed_delta), IsOk());
  present(holder_profile);
  EXPECT_EQ(reasons, (std::vector<Reason>{Reason::kGranted, Reason::kUnknownCredential,
                                          Reason::kRevoked}));
  EXPECT_EQ(door.unlock_count(), 1);

  // The gate seals a batch; the server decodes it from the wire and verifies signature, sequence
  // and chain from the gate's genesis.
  auto batch = (*queue)->SealBatch(100);
  ASSERT_THAT(batch, IsOk());
  ASSERT_TRUE(batch->has_value());
  auto wire = gate::EncodeBatch(**batch);
  ASSERT_THAT(wire, IsOk());
  auto received = gate::DecodeBatch(*wire);
  ASSERT_THAT(received, IsOk());
  auto verified =
      gate::VerifyBatch(*received, gate_public, gate::GateChainState::Genesis(kGate));
  ASSERT_THAT(verified, IsOk());
  ASSERT_EQ(verified->events.size(), 3u);
  EXPECT_EQ(verified->events[2].snapshot_version, 2u);
  // The same batch again is a duplicate, not three more events.
  EXPECT_THAT(gate::VerifyBatch(*received, gate_public, verified->next).status(),
              StatusIs(StatusCode::kAlreadyExists));

  // The server appends each event's record to the audit log, durably, then acknowledges.
  std::filesystem::create_directories(temp.path() / "server");
  auto log = audit::AuditLog::Open(temp.path() / "server" / "audit.db", "sekisho-audit/test",
                                   checkpoint_key.public_key(), random, clock);
  ASSERT_THAT(log, IsOk());
  std::vector<audit::NewRecord> records;
  for (const Bytes& record : received->records) {
    records.push_back(audit::NewRecord{audit::RecordKind::kGateEvent, record});
  }
  auto first = (*log)->Append(records);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT((*queue)->Acknowledge(received->last_sequence), IsOk());
  auto checkpoint = (*log)->AddCheckpoint(checkpoint_key);
  ASSERT_THAT(checkpoint, IsOk());

  // Every event is provably in the signed tree; a proof for the wrong record is refused.
  for (std::uint64_t i = 0; i < records.size(); ++i) {
    auto entry = (*log)->GetRecord(*first + i);
    ASSERT_THAT(entry, IsOk());
    ASSERT_TRUE(entry->record.has_value());
    EXPECT_EQ(*entry->record, received->records[i]);
    auto proof = (*log)->ProveInclusion(*first + i, checkpoint->checkpoint.tree_size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_THAT(audit::VerifyInclusion(entry->leaf_hash, *proof, checkpoint->checkpoint.root),
                IsOk());
    auto other = (*log)->GetRecord(*first + (i + 1) % records.size());
    ASSERT_THAT(other, IsOk());
    EXPECT_THAT(audit::VerifyInclusion(other->leaf_hash, *proof, checkpoint->checkpoint.root),
                StatusIs(StatusCode::kUnauthenticated));
  }

  // C3 for the door: the gate's queue and log and the server's audit log hold keyed values only.
  spdlog::default_logger()->flush();
  ASSERT_GT(std::filesystem::file_size(gate_dir / "gate.log"), 0u);
  LeakScanner scanner = CardDataScanner(holder_profile, {kTestPin});
  LeakScanner stranger = CardDataScanner(stranger_profile, {});
  auto files = scanner.Files(temp.path());
  ASSERT_THAT(files, IsOk());
  EXPECT_GE(files->size(), 3u);  // gate-queue.db, gate.log, audit.db (and WAL files)
  auto findings = scanner.ScanTree(temp.path());
  ASSERT_THAT(findings, IsOk());
  EXPECT_THAT(*findings, IsEmpty());
  auto stranger_findings = stranger.ScanTree(temp.path());
  ASSERT_THAT(stranger_findings, IsOk());
  EXPECT_THAT(*stranger_findings, IsEmpty());
}

}  // namespace
}  // namespace sekisho::privacy
