// The running system in one process, over real sockets: a server on its data directory (TLS,
// mutual TLS for gates), a gate registered with a one-time token and running as its daemon with a
// simulated reader, and an enrolled simulated My Number Card: granted, reported lost, refused;
// a revoked gate refused at every attempt; the server restarting under a running gate.
#include "server/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "access/test_site.h"
#include "audit/audit_log.h"
#include "audit/log_store.h"
#include "audit/record.h"
#include "base/status_matchers.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "gate/gate_daemon.h"
#include "gate/registration.h"
#include "gate/simulated_card_reader.h"
#include "gate/simulated_door.h"
#include "site/demo_site.h"

namespace sekisho::server {
namespace {

using access::testing::kTestPin;
using access::testing::TempDir;
using access::testing::TestProfile;
using access::testing::TestSite;
using policy::Reason;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr auto kWait = std::chrono::seconds(30);

// Polls `done` until it holds or kWait passes.
bool WaitFor(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = &test_site_.AddOrg("Ministry of Examples", 5);
    staff_ = test_site_.AddStaff(*org_, "E-1001", "Aoi Tanaka");
    card_ = card::sim::testing::NewTestCard(TestProfile());
    card::sim::SimChannel channel(*card_);
    auto enrolled = test_site_.Enrol(*org_, staff_, channel);
    ASSERT_THAT(enrolled.status(), IsOk());
    credential_ = enrolled->credential.id;

    auto site = ServerSite::Open(root_.path() / "data", org_->org.name, clock_, random_,
                                 {.password_params = TestOnlyPasswordParams()});
    ASSERT_THAT(site.status(), IsOk());
    site_ = std::move(site).value();
    const store::OrganisationId org = site_->org().id;
    auto demo = site::PopulateDemoSite(site_->sites(), org);
    ASSERT_THAT(demo.status(), IsOk());
    demo_ = *demo;
    ASSERT_THAT(
        site_->sites()
            .CreateAssignment(org, {.staff = staff_.id, .model = {.level = demo_.staff_level}})
            .status(),
        IsOk());
    auto gate = site_->gates().CreateGate(org, "Entrance lane 1");
    ASSERT_THAT(gate.status(), IsOk());
    new_gate_ = *gate;
    auto door = site_->sites().GetDoor(org, demo_.entrance_lane_1);
    ASSERT_THAT(door.status(), IsOk());
    door->gate = new_gate_.gate.id;
    ASSERT_THAT(site_->sites().UpdateDoor(org, *door).status(), IsOk());

    StartServer(0);
  }

  // Creates and starts a server over site_ on `port` (0: any free port).
  void StartServer(std::uint16_t port) {
    auto server =
        Server::Create(*site_, {.port = port, .threads = 2},
                       {.on_policy_applied =
                            [this](gate::GateId, std::uint64_t v,
                                   std::chrono::steady_clock::time_point) { applied_version_ = v; },
                        .on_events =
                            [this](gate::GateId, const std::vector<gate::Event>& events) {
                              std::lock_guard lock(committed_mutex_);
                              committed_.insert(committed_.end(), events.begin(), events.end());
                            }});
    ASSERT_THAT(server.status(), IsOk());
    server_ = std::move(server).value();
    ASSERT_THAT(server_->Start(), IsOk());
  }

  // What the servers' hubs reported committed to the audit log, in order.
  std::vector<gate::Event> Committed() {
    std::lock_guard lock(committed_mutex_);
    return committed_;
  }

  void TearDown() override {
    StopGate();
    if (server_) server_->Stop();
  }

  gate::RegistrationOptions Registration(std::string token) const {
    return {.host = "127.0.0.1",
            .port = server_->port(),
            .server_ca_file = site_->tls_path(kCaCertFile),
            .token = std::move(token)};
  }

  void StartGate() {
    auto daemon =
        gate::GateDaemon::Open(gate_dir(), reader_, reader_.keypad(), door_, clock_, random_,
                               {.reconnect_min = std::chrono::milliseconds(50),
                                .reconnect_max = std::chrono::milliseconds(200)},
                               [this](const gate::Event& e) {
                                 std::lock_guard lock(reasons_mutex_);
                                 reasons_.push_back(e.reason.value_or(Reason::kInternalError));
                               });
    ASSERT_THAT(daemon.status(), IsOk());
    daemon_ = std::move(daemon).value();
    gate_thread_ = std::thread([this] { EXPECT_THAT(daemon_->Run(stop_), IsOk()); });
  }

  void StopGate() {
    stop_ = true;
    reader_.Cancel();
    if (gate_thread_.joinable()) gate_thread_.join();
  }

  // The holder presents the card with the PIN; returns the reason of the event recorded.
  Reason Present() {
    const std::size_t before = Reasons().size();
    EXPECT_THAT(reader_.Present(*card_, std::string(kTestPin), kWait), IsOk());
    EXPECT_TRUE(WaitFor([&] { return Reasons().size() > before; }));
    const std::vector<Reason> reasons = Reasons();
    return reasons.size() > before ? reasons.back() : Reason::kInternalError;
  }

  std::vector<Reason> Reasons() {
    std::lock_guard lock(reasons_mutex_);
    return reasons_;
  }

  std::filesystem::path gate_dir() const { return root_.path() / "gate"; }

  TempDir root_;
  TestSite test_site_{root_.path() / "data"};
  access::testing::TestOrg* org_ = nullptr;
  store::Staff staff_;
  store::CredentialId credential_;
  std::unique_ptr<card::sim::SimulatedCard> card_;
  FakeClock clock_{access::testing::kEnrolTime};  // Wednesday 09:00 in Tokyo
  OsRandom random_;
  std::unique_ptr<ServerSite> site_;
  site::DemoSite demo_;
  NewGate new_gate_;
  std::unique_ptr<Server> server_;
  std::atomic<std::uint64_t> applied_version_{0};
  std::mutex committed_mutex_;
  std::vector<gate::Event> committed_;
  gate::SimulatedCardReader reader_{"lane 1"};
  gate::SimulatedDoor door_{clock_, std::chrono::seconds(30)};
  std::unique_ptr<gate::GateDaemon> daemon_;
  std::atomic<bool> stop_{false};
  std::thread gate_thread_;
  std::mutex reasons_mutex_;
  std::vector<Reason> reasons_;
};

TEST_F(ServerTest, GateRegistersSyncsGrantsAndRefusesALostCardEverywhere) {
  auto config = gate::RegisterGate(Registration(new_gate_.token), gate_dir(), random_);
  ASSERT_THAT(config.status(), IsOk());
  EXPECT_EQ(config->gate, new_gate_.gate.id);
  EXPECT_THAT(config->doors, ::testing::ElementsAre(demo_.entrance_lane_1));
  // The token was for one registration only.
  EXPECT_THAT(
      gate::RegisterGate(Registration(new_gate_.token), root_.path() / "gate2", random_).status(),
      StatusIs(StatusCode::kUnauthenticated, HasSubstr("token")));

  StartGate();
  const std::uint64_t first = server_->publisher().version();
  ASSERT_GT(first, 0u);
  ASSERT_TRUE(WaitFor([&] { return daemon_->status().policy_version == first; }));
  EXPECT_TRUE(daemon_->status().online);

  // Granted: the card's pseudonym is in the snapshot with the staff level.
  EXPECT_EQ(Present(), Reason::kGranted);
  EXPECT_EQ(door_.unlock_count(), 1);

  // Reported lost: suspended in the registry, pushed, refused.
  ASSERT_THAT(site_->registry().SetCredentialStatus(site_->org().id, credential_,
                                                    store::CredentialStatus::kSuspended,
                                                    "reported lost", "aoi"),
              IsOk());
  auto second = server_->PolicyChanged();
  ASSERT_THAT(second.status(), IsOk());
  EXPECT_GT(*second, first);
  ASSERT_TRUE(WaitFor([&] { return applied_version_.load() == *second; }));
  EXPECT_EQ(daemon_->status().policy_version, *second);
  EXPECT_EQ(Present(), Reason::kRevoked);
  EXPECT_EQ(door_.unlock_count(), 1);  // not opened again

  // Both events reach the audit log, exactly once, and the gate's queue is acknowledged.
  ASSERT_TRUE(WaitFor([&] { return daemon_->status().queue.acknowledged == 2; }));
  auto position = site_->audit_log().With(
      [&](audit::AuditLog& log) { return log.FeedPosition(GateFeed(new_gate_.gate.id)); });
  ASSERT_THAT(position.status(), IsOk());
  EXPECT_EQ(*position, std::optional<std::int64_t>(2));
  EXPECT_EQ(server_->hub().Stats().events_committed, 2u);
}

TEST_F(ServerTest, RevokedGateIsCutOffAndCannotReconnect) {
  ASSERT_THAT(gate::RegisterGate(Registration(new_gate_.token), gate_dir(), random_).status(),
              IsOk());
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return daemon_->status().online; }));
  const int connections = daemon_->status().connections;
  ASSERT_THAT(site_->gates().Revoke(new_gate_.gate.id), IsOk());
  EXPECT_EQ(server_->hub().CloseGate(new_gate_.gate.id, PermissionDeniedError("revoked")), 1u);
  ASSERT_TRUE(WaitFor([&] { return !daemon_->status().online; }));
  // It keeps trying, and every attempt is refused (a 403 answered at once: an attempt left
  // waiting would end in kDeadlineExceeded instead).
  ASSERT_TRUE(WaitFor([&] {
    return server_->hub().Stats().connections_refused >= 3 &&
           daemon_->status().failed_attempts >= 3;
  }));
  const gate::GateStatus status = daemon_->status();
  EXPECT_EQ(status.connections, connections);
  EXPECT_FALSE(status.online);
  EXPECT_EQ(status.last_error, StatusCode::kPermissionDenied);
  EXPECT_TRUE(server_->hub().Stats().gates.empty());
}

TEST_F(ServerTest, GateRidesOutAServerRestartWithoutLosingOrRepeatingEvents) {
  ASSERT_THAT(gate::RegisterGate(Registration(new_gate_.token), gate_dir(), random_).status(),
              IsOk());
  StartGate();
  const std::uint64_t first = server_->publisher().version();
  ASSERT_TRUE(WaitFor([&] {
    const gate::GateStatus status = daemon_->status();
    return status.online && status.policy_version == first;
  }));
  EXPECT_EQ(Present(), Reason::kGranted);
  ASSERT_TRUE(WaitFor([&] { return daemon_->status().queue.acknowledged == 1; }));

  // The server goes down, its data directory closed.
  const std::uint16_t port = server_->port();
  server_->Stop();
  server_.reset();
  site_.reset();
  ASSERT_TRUE(WaitFor([&] { return !daemon_->status().online; }));

  // The door keeps deciding on the policy the gate holds; the events wait in its queue.
  EXPECT_EQ(Present(), Reason::kGranted);
  EXPECT_EQ(Present(), Reason::kGranted);
  EXPECT_EQ(daemon_->status().queue.last, 3u);
  EXPECT_EQ(daemon_->status().queue.acknowledged, 1u);

  // Meanwhile the card is reported lost; the server comes back on the same directory and port.
  auto site = ServerSite::Open(root_.path() / "data", org_->org.name, clock_, random_,
                               {.password_params = TestOnlyPasswordParams()});
  ASSERT_THAT(site.status(), IsOk());
  site_ = std::move(site).value();
  ASSERT_THAT(site_->registry().SetCredentialStatus(site_->org().id, credential_,
                                                    store::CredentialStatus::kSuspended,
                                                    "reported lost", "aoi"),
              IsOk());
  StartServer(port);
  ASSERT_EQ(server_->port(), port);
  const std::uint64_t second = server_->publisher().version();
  EXPECT_GT(second, first);

  // The gate reconnects by itself, delivers its queue and catches up with the policy.
  ASSERT_TRUE(WaitFor([&] {
    const gate::GateStatus status = daemon_->status();
    return status.online && status.queue.acknowledged == 3 && status.policy_version == second;
  }));
  EXPECT_EQ(daemon_->status().connections, 2);
  ASSERT_TRUE(WaitFor([&] { return applied_version_.load() == second; }));
  auto position = site_->audit_log().With(
      [&](audit::AuditLog& log) { return log.FeedPosition(GateFeed(new_gate_.gate.id)); });
  ASSERT_THAT(position.status(), IsOk());
  EXPECT_EQ(*position, std::optional<std::int64_t>(3));

  // Every event reached the audit log exactly once; the two decided offline say so.
  const std::vector<gate::Event> committed = Committed();
  ASSERT_EQ(committed.size(), 3u);
  for (std::size_t i = 0; i < committed.size(); ++i) {
    EXPECT_EQ(committed[i].sequence, i + 1);
    EXPECT_EQ(committed[i].reason, Reason::kGranted);
    EXPECT_EQ((committed[i].flags & gate::kEventFlagOffline) != 0, i > 0) << "event " << i + 1;
  }
  auto gate_records = site_->audit_log().With([](audit::AuditLog& log) -> Result<int> {
    int count = 0;
    for (std::uint64_t i = 0; i < log.size(); ++i) {
      ASSIGN_OR_RETURN(audit::StoredEntry entry, log.GetRecord(i));
      if (entry.kind == audit::RecordKind::kGateEvent) ++count;
    }
    return count;
  });
  ASSERT_THAT(gate_records.status(), IsOk());
  EXPECT_EQ(*gate_records, 3);

  // And the lost card is refused at the door.
  EXPECT_EQ(Present(), Reason::kRevoked);
}

TEST_F(ServerTest, WrongTokenIsRefusedAndLeavesNothing) {
  EXPECT_THAT(gate::RegisterGate(Registration(std::string(64, '0')), gate_dir(), random_).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_FALSE(std::filesystem::exists(gate_dir()));
}

}  // namespace
}  // namespace sekisho::server
