#include "gate/sync_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "base/random.h"
#include "base/status_matchers.h"
#include "gate/test_events.h"
#include "snapshot/delta.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"
#include "sync/message.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::TempDir;

constexpr policy::UnixSeconds kSyncNow = 1780272000;

class SyncSessionTest : public ::testing::Test {
 protected:
  SyncSessionTest() {
    v1_ = snapshot::testing::SmallRandomSnapshot(10, 1, random_);
    auto queue =
        EventQueue::Open(temp_.path() / kEventQueueFile, kTestGate, testing::TestGateKey());
    EXPECT_THAT(queue, IsOk());
    queue_ = std::move(queue).value();
    auto state = GateState::Open(temp_.path() / kGateStateFile, kTestGate);
    EXPECT_THAT(state, IsOk());
    state_ = std::move(state).value();
    auto controller = DoorController::Create(*queue_, auth_, clock_, {});
    EXPECT_THAT(controller, IsOk());
    controller_ = std::move(controller).value();
    auto updater = RestorePolicy(*controller_, *state_, org_key_.public_key());
    EXPECT_THAT(updater, IsOk());
    updater_ = std::move(updater).value();
    auto session = SyncSession::Create(*queue_, *updater_, *state_, *controller_,
                                       [this](Bytes wire) {
                                         if (!link_up_) return UnavailableError("link down");
                                         sent_.push_back(std::move(wire));
                                         return OkStatus();
                                       },
                                       {.max_batch_events = 2});
    EXPECT_THAT(session, IsOk());
    session_ = std::move(session).value();
  }

  static Ed25519PrivateKey OrgKey() {
    SeededRandom random(21);
    return Ed25519PrivateKey::Generate(random);
  }
  Bytes Wire(const sync::Message& message) {
    auto wire = sync::EncodeMessage(message);
    EXPECT_THAT(wire, IsOk());
    return wire.ok() ? *wire : Bytes{};
  }
  Bytes SnapshotWire(const policy::Snapshot& s) {
    auto signed_snapshot = snapshot::SignSnapshot(org_key_, kTestGate, kSyncNow, s);
    EXPECT_THAT(signed_snapshot, IsOk());
    return Wire(sync::SnapshotMessage{*signed_snapshot});
  }
  // What the session sent since the last call.
  std::vector<sync::Message> Sent() {
    std::vector<sync::Message> out;
    for (const Bytes& wire : sent_) {
      auto message = sync::DecodeMessage(wire);
      EXPECT_THAT(message, IsOk());
      if (message.ok()) out.push_back(*message);
    }
    sent_.clear();
    return out;
  }
  std::vector<std::uint64_t> SentBatchFirsts() {
    std::vector<std::uint64_t> firsts;
    for (const sync::Message& m : Sent()) {
      if (const auto* b = std::get_if<sync::BatchMessage>(&m)) {
        auto batch = DecodeBatch(b->batch);
        EXPECT_THAT(batch, IsOk());
        if (batch.ok()) firsts.push_back(batch->first_sequence);
      }
    }
    return firsts;
  }
  void AppendEvents(int n) {
    for (int i = 0; i < n; ++i) ASSERT_THAT(queue_->Append(testing::ForcedAlarmEvent()), IsOk());
  }

  TempDir temp_;
  SeededRandom random_{4};
  FakeClock clock_{FromUnixSeconds(kSyncNow)};
  Ed25519PrivateKey org_key_ = OrgKey();
  testing::FakeAuthenticator auth_;
  std::unique_ptr<EventQueue> queue_;
  std::unique_ptr<GateState> state_;
  std::unique_ptr<DoorController> controller_;
  std::unique_ptr<PolicyUpdater> updater_;
  std::unique_ptr<SyncSession> session_;
  std::vector<Bytes> sent_;
  bool link_up_ = true;
  policy::Snapshot v1_;
};

TEST_F(SyncSessionTest, HelloThenEveryPendingAndNewBatch) {
  AppendEvents(3);
  ASSERT_THAT(queue_->SealBatch(2), IsOk());  // pending from an earlier connection
  ASSERT_THAT(session_->OnConnected(), IsOk());
  std::vector<sync::Message> sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], sync::Message(sync::Hello{.gate = kTestGate}));
  sent_.clear();
  AppendEvents(3);
  auto pumped = session_->Pump();
  ASSERT_THAT(pumped, IsOk());
  EXPECT_EQ(*pumped, 2u);
  EXPECT_EQ(SentBatchFirsts(), (std::vector<std::uint64_t>{4, 6}));
  auto again = session_->Pump();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, 0u);
}

TEST_F(SyncSessionTest, AppliesSavesAndReportsPolicy) {
  ASSERT_THAT(session_->OnConnected(), IsOk());
  Sent();
  ASSERT_THAT(session_->OnMessage(SnapshotWire(v1_)), IsOk());
  EXPECT_EQ(Sent(), (std::vector<sync::Message>{sync::PolicyApplied{1}}));
  EXPECT_EQ(state_->policy_version(), 1u);
  EXPECT_EQ(controller_->snapshot_version(), 1u);

  policy::Snapshot v2 = snapshot::testing::Mutate(v1_, random_);
  v2.version = 2;
  auto delta = snapshot::Diff(v1_, v2);
  ASSERT_THAT(delta, IsOk());
  auto signed_delta = snapshot::SignDelta(org_key_, kTestGate, kSyncNow, *delta);
  ASSERT_THAT(signed_delta, IsOk());
  ASSERT_THAT(session_->OnMessage(Wire(sync::DeltaMessage{*signed_delta})), IsOk());
  EXPECT_EQ(Sent(), (std::vector<sync::Message>{sync::PolicyApplied{2}}));
  EXPECT_EQ(state_->policy_version(), 2u);
  EXPECT_EQ(*state_->snapshot(), v2);

  // The same delta again is a replay: refused, reported, nothing saved.
  EXPECT_THAT(session_->OnMessage(Wire(sync::DeltaMessage{*signed_delta})),
              StatusIs(StatusCode::kFailedPrecondition));
  std::vector<sync::Message> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<sync::ErrorMessage>(sent[0]).code, StatusCode::kFailedPrecondition);
  EXPECT_EQ(state_->policy_version(), 2u);
}

TEST_F(SyncSessionTest, RefusesATamperedSnapshot) {
  ASSERT_THAT(session_->OnConnected(), IsOk());
  Sent();
  Bytes wire = SnapshotWire(v1_);
  wire[wire.size() / 2] ^= 0x10;
  EXPECT_THAT(session_->OnMessage(wire), StatusIs(StatusCode::kUnauthenticated));
  std::vector<sync::Message> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<sync::ErrorMessage>(sent[0]).code, StatusCode::kUnauthenticated);
  EXPECT_EQ(state_->policy_version(), 0u);
  EXPECT_EQ(controller_->snapshot_version(), 0u);
}

TEST_F(SyncSessionTest, AcknowledgementsPruneTheQueue) {
  AppendEvents(4);
  ASSERT_THAT(session_->OnConnected(), IsOk());
  ASSERT_THAT(session_->OnMessage(Wire(sync::Ack{2})), IsOk());
  EXPECT_EQ(queue_->state().acknowledged, 2u);
  EXPECT_EQ(queue_->state().pruned, 2u);
  // Not the end of a batch, or beyond what was sent: refused.
  EXPECT_THAT(session_->OnMessage(Wire(sync::Ack{3})), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(session_->OnMessage(Wire(sync::Ack{9})), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(queue_->state().acknowledged, 2u);
}

TEST_F(SyncSessionTest, ARefusedBatchIsSentAgainFromTheExpectedSequence) {
  AppendEvents(6);
  ASSERT_THAT(session_->OnConnected(), IsOk());
  EXPECT_EQ(SentBatchFirsts(), (std::vector<std::uint64_t>{1, 3, 5}));
  // The server has 1-2 (its acknowledgement was lost) and expects 3.
  ASSERT_THAT(session_->OnMessage(
                  Wire(sync::BatchRefused{sync::RefusalReason::kSequenceGap, 3, "expected 3"})),
              IsOk());
  EXPECT_EQ(queue_->state().acknowledged, 2u);
  EXPECT_EQ(SentBatchFirsts(), (std::vector<std::uint64_t>{3, 5}));
  // The server expects what it acknowledged already: it lost committed events.
  EXPECT_THAT(session_->OnMessage(
                  Wire(sync::BatchRefused{sync::RefusalReason::kSequenceGap, 1, "expected 1"})),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(session_->OnMessage(
                  Wire(sync::BatchRefused{sync::RefusalReason::kSequenceGap, 9, "expected 9"})),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(SyncSessionTest, ServerErrorsAndMalformedMessagesEndTheConnection) {
  EXPECT_THAT(session_->OnMessage(Wire(sync::Ack{1})), StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(session_->OnConnected(), IsOk());
  Sent();
  EXPECT_THAT(session_->OnMessage(Wire(sync::ErrorMessage{StatusCode::kPermissionDenied, "no"})),
              StatusIs(StatusCode::kPermissionDenied, "server: no"));
  EXPECT_TRUE(Sent().empty());
  for (const Bytes& wire : {Bytes{}, Bytes{0x0C}, Bytes{0x06, 0x00}, Wire(sync::PolicyApplied{1}),
                            Wire(sync::Hello{.gate = kTestGate})}) {
    EXPECT_THAT(session_->OnMessage(wire), StatusIs(StatusCode::kInvalidArgument));
    std::vector<sync::Message> sent = Sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(std::get<sync::ErrorMessage>(sent[0]).code, StatusCode::kInvalidArgument);
  }
}

TEST_F(SyncSessionTest, OfflineDecisionsAreMarkedAndSentOnReconnection) {
  ASSERT_THAT(session_->OnConnected(), IsOk());
  session_->OnDisconnected();
  EXPECT_FALSE(session_->connected());
  auto pumped = session_->Pump();
  ASSERT_THAT(pumped, IsOk());
  EXPECT_EQ(*pumped, 0u);
  auth_.outcomes.push_back(
      AuthenticationOutcome::Success(policy::CredentialKey{}, policy::Assurance::kCard));
  testing::NoCard card;
  auto event = controller_->OnCard(12, card);  // a door it does not drive: denied, recorded
  ASSERT_THAT(event, IsOk());
  EXPECT_NE(event->flags & kEventFlagOffline, 0);
  sent_.clear();
  link_up_ = false;
  EXPECT_THAT(session_->OnConnected(), StatusIs(StatusCode::kUnavailable));
  link_up_ = true;
  ASSERT_THAT(session_->OnConnected(), IsOk());
  EXPECT_EQ(SentBatchFirsts(), (std::vector<std::uint64_t>{1}));
}

// The gate's walk of a rollover chain (docs/formats/sync-protocol.md §3.4).
class KeyRolloverSessionTest : public SyncSessionTest {
 protected:
  // Keys 1..n after org_key_, and the chain of "acme-corp" handing over to each in turn.
  sync::KeyChain Chain(std::size_t n) {
    SeededRandom random(55);
    sync::KeyChain chain{.organisation = "acme-corp", .first_key = org_key_.public_key().bytes()};
    next_keys_.clear();
    for (std::size_t i = 1; i <= n; ++i) {
      next_keys_.push_back(Ed25519PrivateKey::Generate(random));
      const Ed25519PrivateKey& previous = i == 1 ? org_key_ : next_keys_[i - 2];
      chain.rollovers.push_back(
          sync::SignRollover(previous, "acme-corp", i, next_keys_.back().public_key()));
    }
    return chain;
  }
  // A session whose saves are recorded in saved_ and fail while save_fails_.
  std::unique_ptr<SyncSession> Session(std::string organisation) {
    SyncSession::Options options;
    options.organisation = std::move(organisation);
    options.save_snapshot_key = [this](const Ed25519PublicKey& key, std::string_view org) {
      if (save_fails_) return UnavailableError("disk full");
      saved_.emplace_back(key, std::string(org));
      return OkStatus();
    };
    auto session = SyncSession::Create(
        *queue_, *updater_, *state_, *controller_,
        [this](Bytes wire) {
          sent_.push_back(std::move(wire));
          return OkStatus();
        },
        options);
    EXPECT_THAT(session, IsOk());
    return session.ok() ? std::move(session).value() : nullptr;
  }
  Bytes SnapshotBy(const Ed25519PrivateKey& key, const policy::Snapshot& s) {
    auto signed_snapshot = snapshot::SignSnapshot(key, kTestGate, kSyncNow, s);
    EXPECT_THAT(signed_snapshot, IsOk());
    return Wire(sync::SnapshotMessage{*signed_snapshot});
  }

  std::vector<Ed25519PrivateKey> next_keys_;
  std::vector<std::pair<Ed25519PublicKey, std::string>> saved_;
  bool save_fails_ = false;
};

TEST_F(KeyRolloverSessionTest, FollowsTheChainSavesTheKeyAndTrustsOnlyIt) {
  auto session = Session("");
  ASSERT_THAT(session->OnConnected(), IsOk());
  const sync::KeyChain chain = Chain(2);
  ASSERT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{chain})), IsOk());
  EXPECT_EQ(updater_->key(), next_keys_[1].public_key());
  ASSERT_EQ(saved_.size(), 1u);
  EXPECT_EQ(saved_[0].first, next_keys_[1].public_key());
  EXPECT_EQ(saved_[0].second, "acme-corp");

  // The old key's policies are refused now, the new key's applied.
  EXPECT_THAT(session->OnMessage(SnapshotBy(org_key_, v1_)),
              StatusIs(StatusCode::kUnauthenticated));
  ASSERT_THAT(session->OnMessage(SnapshotBy(next_keys_[1], v1_)), IsOk());
  EXPECT_EQ(updater_->version(), 1u);

  // The same chain on the next connection: every statement passed already, nothing saved.
  ASSERT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{chain})), IsOk());
  EXPECT_EQ(saved_.size(), 1u);
  // A chain grown by one: only the new statement is followed.
  sync::KeyChain longer = chain;
  SeededRandom random(56);
  next_keys_.push_back(Ed25519PrivateKey::Generate(random));
  longer.rollovers.push_back(
      sync::SignRollover(next_keys_[1], "acme-corp", 3, next_keys_[2].public_key()));
  ASSERT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{longer})), IsOk());
  EXPECT_EQ(updater_->key(), next_keys_[2].public_key());
  EXPECT_EQ(saved_.size(), 2u);
}

TEST_F(KeyRolloverSessionTest, RefusesAForgedChainAndKeepsItsKey) {
  auto session = Session("acme-corp");
  ASSERT_THAT(session->OnConnected(), IsOk());
  sent_.clear();
  sync::KeyChain forged = Chain(2);
  forged.rollovers[1].signature[0] ^= 0x80;
  EXPECT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{forged})),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("statement 2 does not verify")));
  EXPECT_EQ(updater_->key(), org_key_.public_key());
  EXPECT_TRUE(saved_.empty());
  std::vector<sync::Message> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const auto* error = std::get_if<sync::ErrorMessage>(&sent[0]);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, StatusCode::kUnauthenticated);
  // The key kept still verifies the server's policy.
  EXPECT_THAT(session->OnMessage(SnapshotBy(org_key_, v1_)), IsOk());
}

TEST_F(KeyRolloverSessionTest, RefusesAnotherOrganisationsChain) {
  auto session = Session("globex");
  ASSERT_THAT(session->OnConnected(), IsOk());
  EXPECT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{Chain(1)})),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("names organisation 'acme-corp', expected 'globex'")));
  EXPECT_EQ(updater_->key(), org_key_.public_key());
  EXPECT_TRUE(saved_.empty());
}

TEST_F(KeyRolloverSessionTest, AKeyThatCannotBeSavedIsNotUsed) {
  auto session = Session("acme-corp");
  ASSERT_THAT(session->OnConnected(), IsOk());
  save_fails_ = true;
  EXPECT_THAT(session->OnMessage(Wire(sync::KeyRolloverMessage{Chain(1)})),
              StatusIs(StatusCode::kUnavailable, "disk full"));
  EXPECT_EQ(updater_->key(), org_key_.public_key());
}

TEST_F(SyncSessionTest, CreateRefusesMismatchedPieces) {
  auto other = GateState::Open(temp_.path() / "other.db", kTestGate + 1);
  ASSERT_THAT(other, IsOk());
  auto send = [](Bytes) { return OkStatus(); };
  EXPECT_THAT(SyncSession::Create(*queue_, *updater_, **other, *controller_, send).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("gate")));
  EXPECT_THAT(
      SyncSession::Create(*queue_, *updater_, *state_, *controller_, send, {.max_batch_events = 0})
          .status(),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SyncSession::Create(*queue_, *updater_, *state_, *controller_, nullptr).status(),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::gate
