// The gate hub back-to-back with real gates in one process: each gate's SyncSession, queue,
// state file and door controller wired to the hub through in-memory connections, with the
// server's gate store and audit log in real SQLite files, and deliberate loss, restarts and
// corruption.
#include "server/gate_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "gate/batch.h"
#include "gate/door_controller.h"
#include "gate/event_queue.h"
#include "gate/gate_state.h"
#include "gate/policy_updater.h"
#include "gate/simulated_door.h"
#include "gate/sync_session.h"
#include "gate/test_events.h"
#include "store/test_util.h"
#include "sync/message.h"

namespace sekisho::server {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::store::testing::kTestOrg;
constexpr policy::ObjectId kSite = 1;
constexpr policy::ObjectId kLobby = 2;
constexpr policy::ObjectId kLevel = 3;
constexpr policy::ObjectId kDoor = 10;

policy::CredentialKey KeyOf(std::uint8_t n) {
  policy::CredentialKey key;
  key.fill(n);
  return key;
}

// One site, one door; holders 1..n may enter; `revoked` lists revoked holders.
policy::Snapshot Site(int holders, std::vector<std::uint8_t> revoked = {}) {
  policy::Snapshot s;
  s.sites = {policy::Site{.id = kSite, .utc_offset_minutes = 540}};
  s.zones = {policy::Zone{.id = kLobby, .site = kSite}};
  s.doors = {policy::Door{.id = kDoor, .site = kSite, .to_zone = kLobby}};
  s.levels = {policy::AccessLevel{.id = kLevel, .rules = {policy::LevelRule{.zone = kLobby}}}};
  for (int i = 1; i <= holders; ++i) {
    policy::Credential c{.key = KeyOf(static_cast<std::uint8_t>(i)), .levels = {{.level = kLevel}}};
    c.staff.fill(static_cast<std::uint8_t>(0x80 + i));
    for (std::uint8_t r : revoked) {
      if (r == i) c.flags = policy::kCredentialRevoked;
    }
    s.credentials.push_back(c);
  }
  return s;
}

// The server's end of one connection, in memory: what the hub sends is kept for the gate.
class FakeConnection final : public net::WebSocketConnection {
 public:
  explicit FakeConnection(net::PeerInfo peer) : peer_(std::move(peer)) {}
  void Send(Bytes message) override {
    if (!closed) outbox.push_back(std::move(message));
  }
  void SendText(std::string) override {}
  void Close(std::string reason) override {
    closed = true;
    close_reason = std::move(reason);
  }
  const net::PeerInfo& peer() const override { return peer_; }

  std::deque<Bytes> outbox;
  bool closed = false;
  std::string close_reason;

 private:
  net::PeerInfo peer_;
};

std::optional<sync::Message> Decoded(ByteView wire) {
  auto message = sync::DecodeMessage(wire);
  EXPECT_THAT(message, IsOk());
  if (!message.ok()) return std::nullopt;
  return *message;
}

// The server: gate store, publisher, audit log and hub over files in `dir`; recreated whole by
// a restart.
struct Server {
  Server(const std::filesystem::path& dir, const Clock& clock, Random& random,
         const Ed25519PrivateKey& org_key, const Ed25519PrivateKey& checkpoint_key,
         std::size_t history = 64, std::optional<sync::KeyChain> key_chain = std::nullopt) {
    auto gates = GateStore::Open(dir / kGateStoreFile, clock, random);
    EXPECT_THAT(gates, IsOk());
    store = std::move(gates).value();
    auto seed = Ed25519PrivateKey::FromSeed(org_key.seed());
    EXPECT_THAT(seed, IsOk());
    auto pub = PolicyPublisher::Create(*store, kTestOrg, std::move(seed).value(), clock,
                                       {.history = history, .key_chain = std::move(key_chain)});
    EXPECT_THAT(pub, IsOk());
    publisher = std::move(pub).value();
    auto log = audit::AuditLog::Open(dir / audit::kAuditLogFileName, "sekisho-audit/test",
                                     checkpoint_key.public_key(), random, clock);
    EXPECT_THAT(log, IsOk());
    audit_log = std::make_unique<LockedAuditLog>(std::move(log).value());
    GateHubObservers observers;
    observers.on_policy_applied = [this](gate::GateId gate, std::uint64_t version,
                                         std::chrono::steady_clock::time_point) {
      applied.push_back({gate, version});
    };
    observers.on_events = [this](gate::GateId gate, const std::vector<gate::Event>& events) {
      // Observed only after the commit: the log has them.
      auto position =
          audit_log->With([&](audit::AuditLog& l) { return l.FeedPosition(GateFeed(gate)); });
      EXPECT_THAT(position, IsOk());
      EXPECT_EQ(position->value_or(0), static_cast<std::int64_t>(events.back().sequence));
      observed_events += events.size();
    };
    auto created = GateHub::Create(*store, *publisher, *audit_log, clock, observers);
    EXPECT_THAT(created, IsOk());
    hub = std::move(created).value();
  }

  std::uint64_t LogSize() {
    return audit_log->With([](audit::AuditLog& l) {
      EXPECT_THAT(l.Refresh(), IsOk());
      return l.size();
    });
  }
  std::int64_t FeedPosition(gate::GateId gate) {
    auto position =
        audit_log->With([&](audit::AuditLog& l) { return l.FeedPosition(GateFeed(gate)); });
    EXPECT_THAT(position, IsOk());
    return position.ok() ? position->value_or(0) : -1;
  }

  std::unique_ptr<GateStore> store;
  std::unique_ptr<PolicyPublisher> publisher;
  std::unique_ptr<LockedAuditLog> audit_log;
  std::unique_ptr<GateHub> hub;
  std::vector<std::pair<gate::GateId, std::uint64_t>> applied;
  std::size_t observed_events = 0;
};

// A gate: its queue and state files, a door, a scripted authenticator, the controller, the
// policy updater and the sync session; recreated whole by a restart.
struct Gate {
  Gate(const std::filesystem::path& dir, gate::GateId id, std::uint64_t key_seed,
       const Clock& clock, const Ed25519PublicKey& org_key)
      : door(clock, std::chrono::seconds(30)) {
    std::filesystem::create_directories(dir);
    auto q = gate::EventQueue::Open(dir / gate::kEventQueueFile, id,
                                    gate::testing::TestGateKey(key_seed));
    EXPECT_THAT(q, IsOk());
    queue = std::move(q).value();
    auto s = gate::GateState::Open(dir / gate::kGateStateFile, id);
    EXPECT_THAT(s, IsOk());
    state = std::move(s).value();
    auto c = gate::DoorController::Create(*queue, auth, clock, {{kDoor, &door}});
    EXPECT_THAT(c, IsOk());
    controller = std::move(c).value();
    auto u = gate::RestorePolicy(*controller, *state, org_key);
    EXPECT_THAT(u, IsOk());
    updater = std::move(u).value();
    auto session_or = gate::SyncSession::Create(*queue, *updater, *state, *controller,
                                                [this](Bytes message) {
                                                  to_server.push_back(std::move(message));
                                                  return OkStatus();
                                                },
                                                {.max_batch_events = 3});
    EXPECT_THAT(session_or, IsOk());
    session = std::move(session_or).value();
  }

  // Presents holder `n`'s card at the door; returns the decision.
  policy::Reason Present(int n) {
    auth.outcomes.clear();  // a door without a policy does not touch the card
    auth.outcomes.push_back(gate::AuthenticationOutcome::Success(
        KeyOf(static_cast<std::uint8_t>(n)), policy::Assurance::kCard));
    gate::testing::NoCard card;
    auto event = controller->OnCard(kDoor, card);
    EXPECT_THAT(event, IsOk());
    return event.ok() && event->reason ? *event->reason : policy::Reason::kInternalError;
  }

  gate::SimulatedDoor door;
  gate::testing::FakeAuthenticator auth;
  std::unique_ptr<gate::EventQueue> queue;
  std::unique_ptr<gate::GateState> state;
  std::unique_ptr<gate::DoorController> controller;
  std::unique_ptr<gate::PolicyUpdater> updater;
  std::unique_ptr<gate::SyncSession> session;
  std::deque<Bytes> to_server;
};

// One connection between a gate and the hub, delivered message by message.
struct Link {
  std::shared_ptr<FakeConnection> connection;
  std::shared_ptr<net::WebSocketEndpoint> endpoint;
  Gate* gate = nullptr;
  Status gate_error;                        // the session's last error
  std::vector<sync::MessageType> received;  // what the gate was sent, in order
  // Acknowledgements are checked against the audit log as they leave the server.
  Server* server = nullptr;
  bool drop_server_messages = false;

  bool open() const { return endpoint != nullptr; }

  // Delivers until both directions are quiet; closes both ends when either side closed.
  void Run() {
    while (open()) {
      bool moved = false;
      while (open() && !gate->to_server.empty()) {
        Bytes wire = std::move(gate->to_server.front());
        gate->to_server.pop_front();
        endpoint->OnMessage(wire);
        moved = true;
      }
      while (open() && !connection->outbox.empty()) {
        Bytes wire = std::move(connection->outbox.front());
        connection->outbox.pop_front();
        moved = true;
        if (drop_server_messages) continue;
        if (auto message = Decoded(wire)) {
          received.push_back(sync::TypeOf(*message));
          if (const auto* ack = std::get_if<sync::Ack>(&*message)) {
            EXPECT_GE(server->FeedPosition(gate->queue->gate()),
                      static_cast<std::int64_t>(ack->sequence))
                << "acknowledged before the audit log held the events";
          }
        }
        if (Status s = gate->session->OnMessage(wire); !s.ok()) {
          gate_error = s;
          Disconnect();
        }
      }
      if (open() && connection->closed) Disconnect();
      if (!moved) break;
    }
  }
  void Disconnect() {
    if (!open()) return;
    endpoint->OnClose();
    endpoint.reset();
    gate->session->OnDisconnected();
    gate->to_server.clear();
  }
  std::size_t Count(sync::MessageType type) const {
    return static_cast<std::size_t>(std::count(received.begin(), received.end(), type));
  }
};

class GateHubTest : public ::testing::Test {
 protected:
  GateHubTest() {
    std::filesystem::create_directories(ServerDir());
    StartServer();
    auto created = server_->store->CreateGate(kTestOrg, "front door");
    EXPECT_THAT(created, IsOk());
    gate_id_ = created->gate.id;
    auto registered =
        server_->store->Register(created->token, kCert, gate::testing::TestGateKey(1).public_key());
    EXPECT_THAT(registered, IsOk());
    StartGate();
  }
  ~GateHubTest() override {
    if (link_.open()) link_.Disconnect();
  }

  std::filesystem::path ServerDir() const { return temp_.path() / "server"; }
  void StartServer(std::size_t history = 64) {
    server_.reset();
    server_ =
        std::make_unique<Server>(ServerDir(), clock_, random_, org_key_, checkpoint_key_, history);
  }
  void StartGate() {
    gate_.reset();
    gate_ =
        std::make_unique<Gate>(temp_.path() / "gate", gate_id_, 1, clock_, org_key_.public_key());
  }
  static net::HttpRequest Upgrade(std::optional<std::string> cert) {
    net::HttpRequest request;
    request.method = "GET";
    request.target = "/api/v1/gates/sync";
    request.peer.address = "192.0.2.7";
    request.peer.client_certificate_sha256 = std::move(cert);
    return request;
  }
  // Opens a connection (the gate sends its hello and batches) and runs it until quiet.
  void Connect() {
    link_ = Link{};
    link_.connection = std::make_shared<FakeConnection>(Upgrade(kCert).peer);
    auto endpoint = server_->hub->Accept(Upgrade(kCert), link_.connection);
    ASSERT_THAT(endpoint, IsOk());
    link_.endpoint = std::move(endpoint).value();
    link_.gate = gate_.get();
    link_.server = server_.get();
    ASSERT_THAT(gate_->session->OnConnected(), IsOk());
    link_.Run();
  }
  void Pump() {
    ASSERT_THAT(gate_->session->Pump(), IsOk());
    link_.Run();
  }

  const std::string kCert = std::string(64, 'c');
  TempDir temp_;
  FakeClock clock_{FromUnixSeconds(1780272000)};
  SeededRandom random_{77};
  Ed25519PrivateKey org_key_ = Ed25519PrivateKey::Generate(random_);
  Ed25519PrivateKey checkpoint_key_ = Ed25519PrivateKey::Generate(random_);
  std::unique_ptr<Server> server_;
  gate::GateId gate_id_ = 0;
  std::unique_ptr<Gate> gate_;
  Link link_;
};

// After a snapshot key rotation the server hands every gate the rollover chain before any
// policy: a gate trusting the old key follows it, then applies what the new key signed.
TEST_F(GateHubTest, AGateFollowsTheKeyRolloverBeforeItsPolicy) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  EXPECT_EQ(gate_->updater->version(), 1u);
  EXPECT_EQ(link_.Count(sync::MessageType::kKeyRollover), 0u);  // nothing rotated yet
  link_.Disconnect();

  const Ed25519PrivateKey new_key = Ed25519PrivateKey::Generate(random_);
  const sync::KeyChain chain{
      .organisation = "acme-corp",
      .first_key = org_key_.public_key().bytes(),
      .rollovers = {sync::SignRollover(org_key_, "acme-corp", 1, new_key.public_key())}};
  server_.reset();
  server_ =
      std::make_unique<Server>(ServerDir(), clock_, random_, new_key, checkpoint_key_, 64, chain);
  ASSERT_THAT(server_->publisher->Publish(Site(3, {2})), IsOk());
  Connect();
  ASSERT_THAT(link_.gate_error, IsOk());
  ASSERT_GE(link_.received.size(), 2u);
  EXPECT_EQ(link_.received[0], sync::MessageType::kKeyRollover);
  EXPECT_EQ(link_.received[1], sync::MessageType::kSnapshot);
  EXPECT_EQ(gate_->updater->key(), new_key.public_key());
  EXPECT_EQ(gate_->updater->version(), 2u);
  EXPECT_EQ(gate_->Present(2), policy::Reason::kRevoked);
  EXPECT_EQ(gate_->Present(1), policy::Reason::kGranted);
}

// A chain the gate's key did not sign (a forged or foreign one) is refused: the gate keeps its
// key and its policy, and closes the connection.
TEST_F(GateHubTest, AGateRefusesAForgedKeyRollover) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  link_.Disconnect();
  SeededRandom stranger_random(404);
  const Ed25519PrivateKey stranger = Ed25519PrivateKey::Generate(stranger_random);
  const Ed25519PrivateKey new_key = Ed25519PrivateKey::Generate(stranger_random);
  const sync::KeyChain forged{
      .organisation = "acme-corp",
      .first_key = org_key_.public_key().bytes(),
      .rollovers = {sync::SignRollover(stranger, "acme-corp", 1, new_key.public_key())}};
  server_.reset();
  server_ =
      std::make_unique<Server>(ServerDir(), clock_, random_, new_key, checkpoint_key_, 64, forged);
  ASSERT_THAT(server_->publisher->Publish(Site(3, {2})), IsOk());
  Connect();
  EXPECT_THAT(link_.gate_error,
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("statement 1 does not verify")));
  EXPECT_FALSE(link_.open());
  EXPECT_EQ(gate_->updater->key(), org_key_.public_key());
  EXPECT_EQ(gate_->updater->version(), 1u);
  EXPECT_EQ(gate_->Present(2), policy::Reason::kGranted);
}

TEST_F(GateHubTest, FirstContactGetsASnapshotAndAPublishArrivesAsADelta) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  EXPECT_EQ(gate_->Present(1), policy::Reason::kNoSnapshot);
  Connect();
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 1u);
  EXPECT_EQ(gate_->updater->version(), 1u);
  EXPECT_EQ(gate_->state->policy_version(), 1u);
  EXPECT_EQ(server_->applied, (std::vector<std::pair<gate::GateId, std::uint64_t>>{{gate_id_, 1}}));
  EXPECT_EQ(gate_->Present(2), policy::Reason::kGranted);

  // Holder 2 reports the card lost: the publish reaches the gate as a delta at once.
  auto v2 = server_->publisher->Publish(Site(3, {2}));
  ASSERT_THAT(v2, IsOk());
  EXPECT_EQ(*v2, 2u);
  link_.Run();
  EXPECT_EQ(link_.Count(sync::MessageType::kDelta), 1u);
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 1u);
  EXPECT_EQ(gate_->updater->version(), 2u);
  EXPECT_EQ(gate_->Present(2), policy::Reason::kRevoked);
  EXPECT_EQ(gate_->Present(1), policy::Reason::kGranted);
  EXPECT_EQ(server_->applied.back(), (std::pair<gate::GateId, std::uint64_t>{gate_id_, 2}));
  auto stored = server_->store->Get(gate_id_);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->policy_version, 2u);

  // Publishing the same content again sends nothing.
  EXPECT_THAT(server_->publisher->Publish(Site(3, {2})), IsOk());
  link_.Run();
  EXPECT_EQ(link_.Count(sync::MessageType::kDelta), 1u);
  const GateHubStats stats = server_->hub->Stats();
  EXPECT_EQ(stats.published_version, 2u);
  ASSERT_EQ(stats.gates.size(), 1u);
  EXPECT_EQ(stats.gates[0].applied_version, 2u);
  EXPECT_EQ(stats.gates[0].address, "192.0.2.7");
}

TEST_F(GateHubTest, ARestartedGateDecidesAtOnceAndGetsOnlyWhatItMissed) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  link_.Disconnect();
  ASSERT_THAT(server_->publisher->Publish(Site(3, {1})), IsOk());
  StartGate();
  // Decides with its saved snapshot before it reaches the server.
  EXPECT_EQ(gate_->updater->version(), 1u);
  EXPECT_EQ(gate_->Present(1), policy::Reason::kGranted);
  Connect();
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 0u);
  EXPECT_EQ(link_.Count(sync::MessageType::kDelta), 1u);
  EXPECT_EQ(gate_->Present(1), policy::Reason::kRevoked);
}

TEST_F(GateHubTest, AGateFarBehindGetsAFullSnapshot) {
  StartServer(/*history=*/2);
  ASSERT_THAT(server_->publisher->Publish(Site(2)), IsOk());
  Connect();
  link_.Disconnect();
  for (int holders = 3; holders <= 6; ++holders) {
    ASSERT_THAT(server_->publisher->Publish(Site(holders)), IsOk());
  }
  Connect();
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 1u);
  EXPECT_EQ(link_.Count(sync::MessageType::kDelta), 0u);
  EXPECT_EQ(gate_->updater->version(), 5u);
  EXPECT_EQ(gate_->Present(6), policy::Reason::kGranted);
  // Within the history: deltas.
  link_.Disconnect();
  ASSERT_THAT(server_->publisher->Publish(Site(7)), IsOk());
  ASSERT_THAT(server_->publisher->Publish(Site(8)), IsOk());
  Connect();
  EXPECT_EQ(link_.Count(sync::MessageType::kDelta), 2u);
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 0u);
  EXPECT_EQ(gate_->updater->version(), 7u);
}

TEST_F(GateHubTest, EventsAreAcknowledgedOnlyOnceTheAuditLogHoldsThem) {
  ASSERT_THAT(server_->publisher->Publish(Site(3, {3})), IsOk());
  EXPECT_EQ(gate_->Present(1), policy::Reason::kNoSnapshot);  // offline, before any policy
  Connect();
  EXPECT_EQ(gate_->queue->state().acknowledged, 1u);
  for (int n : {1, 2, 3, 9, 1}) gate_->Present(n);
  EXPECT_EQ(gate_->queue->state().acknowledged, 1u);
  Pump();  // batches of at most 3: 2 batches; every Ack was checked against the log in Run()
  EXPECT_EQ(gate_->queue->state().acknowledged, 6u);
  EXPECT_EQ(gate_->queue->state().pruned, 6u);
  EXPECT_EQ(server_->LogSize(), 6u);
  EXPECT_EQ(server_->FeedPosition(gate_id_), 6);
  EXPECT_EQ(server_->observed_events, 6u);
  auto record = server_->audit_log->With([](audit::AuditLog& l) { return l.GetRecord(5); });
  ASSERT_THAT(record, IsOk());
  ASSERT_TRUE(record->record.has_value());
  auto event = gate::DecodeEvent(*record->record);
  ASSERT_THAT(event, IsOk());
  EXPECT_EQ(event->sequence, 6u);
  EXPECT_EQ(event->credential, KeyOf(1));
  auto stored = server_->store->Get(gate_id_);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->chain.next_sequence, 7u);
  EXPECT_EQ(stored->chain.head, gate_->queue->state().head);
  EXPECT_EQ(server_->hub->Stats().batches_committed, 3u);
}

TEST_F(GateHubTest, ABatchResentAfterALostAcknowledgementAddsNoDuplicate) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  for (int n : {1, 2}) gate_->Present(n);
  link_.drop_server_messages = true;  // the acknowledgement is lost on the way
  Pump();
  link_.drop_server_messages = false;
  EXPECT_EQ(server_->LogSize(), 2u);
  EXPECT_EQ(gate_->queue->state().acknowledged, 0u);
  link_.Disconnect();
  gate_->Present(3);
  Connect();  // hello; the pending batch again; the new event
  EXPECT_EQ(server_->LogSize(), 3u);
  EXPECT_EQ(gate_->queue->state().acknowledged, 3u);
  EXPECT_EQ(server_->hub->Stats().batches_resent, 1u);
}

TEST_F(GateHubTest, NothingIsLostAcrossAServerRestart) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  for (int n : {1, 2}) gate_->Present(n);
  Pump();
  link_.Disconnect();
  for (int n : {3, 1}) gate_->Present(n);  // offline meanwhile

  StartServer();  // new hub, publisher, store and log objects over the same files
  // The same content is the same version after the restart; the gate is sent nothing.
  auto resumed = server_->publisher->Publish(Site(3));
  ASSERT_THAT(resumed, IsOk());
  EXPECT_EQ(*resumed, 1u);
  Connect();
  EXPECT_EQ(link_.Count(sync::MessageType::kSnapshot), 0u);
  EXPECT_EQ(server_->LogSize(), 4u);
  EXPECT_EQ(gate_->queue->state().acknowledged, 4u);
  // New content after the restart: the next version, never one the gate saw.
  auto next = server_->publisher->Publish(Site(3, {1}));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(*next, 2u);
  link_.Run();
  EXPECT_EQ(gate_->updater->version(), 2u);
  EXPECT_EQ(gate_->Present(1), policy::Reason::kRevoked);
  Pump();
  EXPECT_EQ(server_->LogSize(), 5u);
}

TEST_F(GateHubTest, RefusesConnectionsWithoutAnActiveGatesCertificate) {
  auto connection = std::make_shared<FakeConnection>(net::PeerInfo{});
  EXPECT_THAT(server_->hub->Accept(Upgrade(std::nullopt), connection).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(server_->hub->Accept(Upgrade(std::string(64, 'd')), connection).status(),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(server_->hub->Accept(Upgrade("not a fingerprint"), connection).status(),
              StatusIs(StatusCode::kPermissionDenied));
  auto pending = server_->store->CreateGate(kTestOrg, "not yet installed");
  ASSERT_THAT(pending, IsOk());
  ASSERT_THAT(server_->store->Revoke(gate_id_), IsOk());
  EXPECT_THAT(server_->hub->Accept(Upgrade(kCert), connection).status(),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("revoked")));
  EXPECT_EQ(server_->hub->Stats().connections_refused, 4u);
  EXPECT_TRUE(server_->hub->Stats().gates.empty());
}

TEST_F(GateHubTest, ARevokedGateIsCutOffAtOnce) {
  ASSERT_THAT(server_->publisher->Publish(Site(3)), IsOk());
  Connect();
  ASSERT_TRUE(link_.open());
  ASSERT_THAT(server_->store->Revoke(gate_id_), IsOk());
  EXPECT_EQ(server_->hub->CloseGate(gate_id_, PermissionDeniedError("gate revoked")), 1u);
  link_.Run();
  EXPECT_FALSE(link_.open());
  EXPECT_THAT(link_.gate_error, StatusIs(StatusCode::kPermissionDenied, "server: gate revoked"));
  EXPECT_TRUE(server_->hub->Stats().gates.empty());
  EXPECT_EQ(server_->hub->CloseGate(gate_id_, PermissionDeniedError("again")), 0u);
  // The gate keeps deciding with what it holds, offline.
  EXPECT_EQ(gate_->Present(1), policy::Reason::kGranted);
}

class RawConnectionTest : public GateHubTest {
 protected:
  // A connection driven by hand: what the hub answers to `messages`.
  std::vector<sync::Message> Answers(const std::vector<Bytes>& messages) {
    connection_ = std::make_shared<FakeConnection>(Upgrade(kCert).peer);
    auto endpoint = server_->hub->Accept(Upgrade(kCert), connection_);
    EXPECT_THAT(endpoint, IsOk());
    if (!endpoint.ok()) return {};
    for (const Bytes& message : messages) (*endpoint)->OnMessage(message);
    (*endpoint)->OnClose();
    std::vector<sync::Message> answers;
    for (const Bytes& wire : connection_->outbox) {
      if (auto message = Decoded(wire)) answers.push_back(*message);
    }
    return answers;
  }
  Bytes Wire(const sync::Message& message) {
    auto wire = sync::EncodeMessage(message);
    EXPECT_THAT(wire, IsOk());
    return wire.ok() ? *wire : Bytes{};
  }
  Bytes Hello(gate::GateId gate) { return Wire(sync::Hello{.gate = gate}); }
  static std::optional<StatusCode> ErrorCode(const std::vector<sync::Message>& answers) {
    if (answers.empty()) return std::nullopt;
    const auto* error = std::get_if<sync::ErrorMessage>(&answers.back());
    return error ? std::optional(error->code) : std::nullopt;
  }

  std::shared_ptr<FakeConnection> connection_;
};

TEST_F(RawConnectionTest, RefusesAHelloNamingAnotherGate) {
  auto answers = Answers({Hello(gate_id_ + 1)});
  EXPECT_EQ(ErrorCode(answers), StatusCode::kPermissionDenied);
  EXPECT_TRUE(connection_->closed);
}

TEST_F(RawConnectionTest, RefusesATamperedBatchAndCommitsNothing) {
  gate_->Present(1);
  auto batch = gate_->queue->SealBatch(10);
  ASSERT_THAT(batch, IsOk());
  ASSERT_TRUE(batch->has_value());
  gate::Batch tampered = **batch;
  tampered.signature[5] ^= 0x01;
  auto encoded = gate::EncodeBatch(tampered);
  ASSERT_THAT(encoded, IsOk());
  auto answers = Answers({Hello(gate_id_), Wire(sync::BatchMessage{*encoded})});
  EXPECT_EQ(ErrorCode(answers), StatusCode::kUnauthenticated);
  EXPECT_TRUE(connection_->closed);
  EXPECT_EQ(server_->LogSize(), 0u);

  // Signed by another key: the same.
  gate::Batch other = **batch;
  ASSERT_THAT(gate::SignBatch(other, gate::testing::TestGateKey(2)), IsOk());
  encoded = gate::EncodeBatch(other);
  ASSERT_THAT(encoded, IsOk());
  answers = Answers({Hello(gate_id_), Wire(sync::BatchMessage{*encoded})});
  EXPECT_EQ(ErrorCode(answers), StatusCode::kUnauthenticated);

  // Intact, it is committed and acknowledged.
  encoded = gate::EncodeBatch(**batch);
  ASSERT_THAT(encoded, IsOk());
  answers = Answers({Hello(gate_id_), Wire(sync::BatchMessage{*encoded})});
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.back(), sync::Message(sync::Ack{1}));
  EXPECT_EQ(server_->LogSize(), 1u);
}

TEST_F(RawConnectionTest, AnswersASequenceGapWithTheExpectedSequence) {
  const gate::Batch later = gate::testing::MakeBatch(gate::testing::TestGateKey(1), gate_id_, 5,
                                                     gate::GenesisChainHash(gate_id_), 2);
  auto encoded = gate::EncodeBatch(later);
  ASSERT_THAT(encoded, IsOk());
  auto answers = Answers({Hello(gate_id_), Wire(sync::BatchMessage{*encoded})});
  ASSERT_EQ(answers.size(), 1u);
  const auto* refused = std::get_if<sync::BatchRefused>(&answers[0]);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->expected_sequence, 1u);
  EXPECT_FALSE(connection_->closed);
  EXPECT_EQ(server_->LogSize(), 0u);
}

TEST_F(RawConnectionTest, RefusesEveryMalformedOrMisplacedMessage) {
  struct Case {
    std::vector<Bytes> messages;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {{Bytes{}}, StatusCode::kInvalidArgument},
      {{Bytes{0x09}}, StatusCode::kInvalidArgument},
      {{Bytes{0x01, 0x01, 0x00}}, StatusCode::kInvalidArgument},
      {{[&] {
         Bytes b = Hello(gate_id_);
         b.push_back(0);
         return b;
       }()},
       StatusCode::kInvalidArgument},
      {{Hello(gate_id_), Wire(sync::Ack{1})}, StatusCode::kInvalidArgument},
      {{Hello(gate_id_), Wire(sync::SnapshotMessage{Bytes{1}})}, StatusCode::kInvalidArgument},
      {{Hello(gate_id_), Wire(sync::BatchMessage{Bytes{1, 2, 3}})}, StatusCode::kInvalidArgument},
      {{Hello(gate_id_), Hello(gate_id_)}, StatusCode::kFailedPrecondition},
      {{Wire(sync::Hello{.protocol_version = 2, .gate = gate_id_})},
       StatusCode::kFailedPrecondition},
      {{Wire(sync::PolicyApplied{1})}, StatusCode::kFailedPrecondition},
      {{Hello(gate_id_), Wire(sync::PolicyApplied{1})}, StatusCode::kInvalidArgument},
      {{Wire(sync::BatchMessage{Bytes{1}})}, StatusCode::kFailedPrecondition},
      {{Wire(sync::Hello{.gate = gate_id_, .acknowledged_sequence = 4})}, StatusCode::kDataLoss},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto answers = Answers(cases[i].messages);
    EXPECT_EQ(ErrorCode(answers), cases[i].code) << "case " << i;
    EXPECT_TRUE(connection_->closed) << "case " << i;
  }
  EXPECT_EQ(server_->hub->Stats().connections_failed, cases.size());
  EXPECT_EQ(server_->LogSize(), 0u);
}

}  // namespace
}  // namespace sekisho::server
