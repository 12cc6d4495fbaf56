// The running system in one process, over real sockets: a server on its data directory (TLS,
// mutual TLS for gates), a gate registered with a one-time token and running as its daemon with a
// simulated reader, and an enrolled simulated My Number Card: granted, reported lost, refused;
// a revoked gate refused at every attempt; the server restarting under a running gate; door events
// indexed, listed, pushed to a console's live WebSocket and rebuilt from the audit log; the
// console's files.
#include "server/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
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
#include "net/http_client.h"
#include "net/websocket_client.h"
#include "pki/certificate.h"
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
  void StartServer(std::uint16_t port,
                   std::optional<std::filesystem::path> console_dir = std::nullopt) {
    auto server =
        Server::Create(*site_,
                       {.port = port,
                        .threads = 2,
                        .watch_interval = std::chrono::milliseconds(20),
                        .console_dir = std::move(console_dir)},
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

  // An HTTPS request to the server, trusting its CA.
  net::HttpResponse Fetch(const std::string& method, const std::string& target,
                          const std::string& cookie = "", const std::string& body = "",
                          const std::string& csrf = "") {
    auto tls = net::TlsClientContext::Create(site_->tls_path(kCaCertFile));
    EXPECT_THAT(tls, IsOk());
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    if (!cookie.empty()) r.headers["cookie"] = cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    auto response = net::Fetch(
        {.host = "127.0.0.1", .port = server_->port(), .tls = std::move(tls).value()}, r);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? *response : net::HttpResponse{.status = 0};
  }

  // Adds a user with `role` and signs in through the API; the cookie and the CSRF token.
  std::pair<std::string, std::string> SignIn(const std::string& login, Role role) {
    constexpr char kPassword[] = "a password of some length";
    EXPECT_THAT(site_->users().CreateUser({site_->org().id, login, role, {}}, kPassword), IsOk());
    const net::HttpResponse r =
        Fetch("POST", "/api/v1/auth/login", "",
              nlohmann::json{{"login", login}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& [name, value] : r.headers) {
      if (name == "Set-Cookie" || name == "set-cookie") {
        return {value.substr(0, value.find(';')),
                nlohmann::json::parse(r.body)["csrf"].get<std::string>()};
      }
    }
    ADD_FAILURE() << "no session cookie";
    return {};
  }

  // The live event stream, opened from a page of `origin` (empty: none) with `cookie`.
  Result<std::unique_ptr<net::WebSocketClient>> Watch(const std::string& cookie,
                                                      const std::string& origin) {
    auto tls = net::TlsClientContext::Create(site_->tls_path(kCaCertFile));
    if (!tls.ok()) return tls.status();
    net::ClientOptions options{.host = "127.0.0.1",
                               .port = server_->port(),
                               .path = std::string(kEventStreamPath),
                               .tls = std::move(tls).value()};
    if (!origin.empty()) options.headers.emplace_back("Origin", origin);
    if (!cookie.empty()) options.headers.emplace_back("Cookie", cookie);
    return net::WebSocketClient::Connect(options);
  }

  std::string OwnOrigin() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }

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

// The next message of the live stream that satisfies `wanted`, acknowledging each one read;
// nullopt when none comes within kWait.
std::optional<nlohmann::json> NextLive(net::WebSocketClient& client,
                                       const std::function<bool(const nlohmann::json&)>& wanted) {
  const auto until = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < until) {
    auto message = client.Receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now()));
    if (!message.ok()) return std::nullopt;
    const nlohmann::json parsed = nlohmann::json::parse(ToString(*message));
    if (parsed.contains("seq")) {
      EXPECT_THAT(
          client.Send(ToBytes(nlohmann::json{{"type", "ack"}, {"seq", parsed["seq"]}}.dump())),
          IsOk());
    }
    if (wanted(parsed)) return parsed;
  }
  return std::nullopt;
}

TEST_F(ServerTest, ConsoleWatchesGatesAndEventsLiveAndListsThemLater) {
  const auto [cookie, csrf] = SignIn("audrey", Role::kAuditor);
  auto live = Watch(cookie, OwnOrigin());
  ASSERT_THAT(live, IsOk());
  auto hello = NextLive(**live, [](const nlohmann::json& m) { return m["type"] == "hello"; });
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ((*hello)["seq"], 1);

  ASSERT_THAT(gate::RegisterGate(Registration(new_gate_.token), gate_dir(), random_).status(),
              IsOk());
  StartGate();
  auto connected = NextLive(**live, [](const nlohmann::json& m) { return m["type"] == "gate"; });
  ASSERT_TRUE(connected.has_value());
  EXPECT_EQ((*connected)["gate"]["id"], new_gate_.gate.id);
  EXPECT_EQ((*connected)["gate"]["name"], "Entrance lane 1");
  EXPECT_EQ((*connected)["gate"]["connected"], true);
  ASSERT_TRUE(
      WaitFor([&] { return daemon_->status().policy_version == server_->publisher().version(); }));

  EXPECT_EQ(Present(), Reason::kGranted);
  auto pushed = NextLive(**live, [](const nlohmann::json& m) { return m["type"] == "event"; });
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ((*pushed)["result"], "granted");
  EXPECT_EQ((*pushed)["gate"], new_gate_.gate.id);
  EXPECT_EQ((*pushed)["door"]["id"], demo_.entrance_lane_1);
  EXPECT_EQ((*pushed)["door"]["name"], "Entrance gate lane 1");
  EXPECT_EQ((*pushed)["staff_id"], staff_.id.value());
  EXPECT_EQ((*pushed)["assurance"], "card+pin");
  // Its id is the record's index in the audit log.
  auto record = site_->audit_log().With(
      [&](audit::AuditLog& log) { return log.GetRecord((*pushed)["id"].get<std::uint64_t>()); });
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->kind, audit::RecordKind::kGateEvent);

  // The same item in the list, and nothing read from the card in either.
  const net::HttpResponse list = Fetch("GET", "/api/v1/events?result=granted", cookie);
  ASSERT_EQ(list.status, 200) << list.body;
  nlohmann::json item = *pushed;
  item.erase("type");
  item.erase("seq");
  EXPECT_EQ(nlohmann::json::parse(list.body)["items"], nlohmann::json::array({item}));

  // The gate goes away: the console hears of it.
  StopGate();
  auto gone = NextLive(**live, [](const nlohmann::json& m) {
    return m["type"] == "gate" && m["gate"]["connected"] == false;
  });
  ASSERT_TRUE(gone.has_value());

  // Signing out ends the stream.
  EXPECT_EQ(Fetch("POST", "/api/v1/auth/logout", cookie, "", csrf).status, 204);
  auto closed = NextLive(**live, [](const nlohmann::json& m) { return m["type"] == "closed"; });
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ((*closed)["reason"], "session ended");
  EXPECT_EQ(server_->live_events().size(), 0u);
}

TEST_F(ServerTest, LiveStreamRefusesOtherOriginsAndOtherRoles) {
  const auto [cookie, csrf] = SignIn("audrey", Role::kAuditor);
  EXPECT_THAT(Watch(cookie, "https://evil.example").status(),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(Watch(cookie, "").status(), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(Watch(cookie, "http://127.0.0.1:" + std::to_string(server_->port())).status(),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(Watch("", OwnOrigin()).status(), StatusIs(StatusCode::kUnauthenticated));
  const auto [hr_cookie, hr_csrf] = SignIn("harriet", Role::kHr);
  EXPECT_THAT(Watch(hr_cookie, OwnOrigin()).status(), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(server_->live_events().size(), 0u);
  auto ok = Watch(cookie, OwnOrigin());
  EXPECT_THAT(ok, IsOk());
}

TEST_F(ServerTest, EventIndexIsRebuiltFromTheAuditLogAtStart) {
  ASSERT_THAT(gate::RegisterGate(Registration(new_gate_.token), gate_dir(), random_).status(),
              IsOk());
  StartGate();
  ASSERT_TRUE(
      WaitFor([&] { return daemon_->status().policy_version == server_->publisher().version(); }));
  EXPECT_EQ(Present(), Reason::kGranted);
  EXPECT_EQ(Present(), Reason::kGranted);
  ASSERT_TRUE(WaitFor([&] { return daemon_->status().queue.acknowledged == 2; }));
  // Indexed before the hub reports the batches committed.
  ASSERT_TRUE(WaitFor([&] { return Committed().size() == 2; }));
  auto before = site_->events().Query({});
  ASSERT_THAT(before, IsOk());
  ASSERT_EQ(before->items.size(), 2u);
  StopGate();

  // events.db and its journal hold nothing read from the card and no name (DESIGN.md §3).
  const card::sim::CardProfile profile = TestProfile();
  auto certificate = pki::Certificate::FromDer(profile.auth_certificate);
  ASSERT_THAT(certificate, IsOk());
  std::vector<Bytes> never = {certificate->SubjectPublicKeyInfoDer(),
                              certificate->SerialNumber(),
                              ToBytes(profile.my_number),
                              ToBytes(profile.identity.name),
                              ToBytes("Aoi Tanaka"),
                              ToBytes("E-1001")};
  const std::filesystem::path index_file =
      site_->dir().org_dir(site_->org().name) / kEventIndexFile;
  for (const std::filesystem::path& file :
       {index_file, std::filesystem::path(index_file.string() + "-wal")}) {
    std::ifstream in(file, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    for (const Bytes& secret : never) {
      ASSERT_GE(secret.size(), 4u);
      EXPECT_EQ(content.find(ToString(secret)), std::string::npos) << file;
      EXPECT_EQ(content.find(ToHex(secret)), std::string::npos) << file;
    }
  }

  // The server stops; events.db is lost; the server starts again on the same directory.
  const std::uint16_t port = server_->port();
  const std::filesystem::path events = site_->dir().org_dir(site_->org().name) / kEventIndexFile;
  server_->Stop();
  server_.reset();
  site_.reset();
  ASSERT_TRUE(std::filesystem::remove(events));
  std::filesystem::remove(events.string() + "-wal");
  std::filesystem::remove(events.string() + "-shm");
  auto site = ServerSite::Open(root_.path() / "data", org_->org.name, clock_, random_,
                               {.password_params = TestOnlyPasswordParams()});
  ASSERT_THAT(site.status(), IsOk());
  site_ = std::move(site).value();
  StartServer(port);
  auto after = site_->events().Query({});
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->items, before->items);
}

TEST_F(ServerTest, ConsoleFilesBesideTheApi) {
  // No console: a hint for the browser, the API unchanged.
  net::HttpResponse r = Fetch("GET", "/");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("--console"));
  r = Fetch("GET", "/api/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("no API resource"));

  const std::filesystem::path dist = root_.path() / "dist";
  std::filesystem::create_directories(dist / "assets");
  { std::ofstream(dist / "index.html") << "<!doctype html><title>Console</title>"; }
  { std::ofstream(dist / "assets" / "app-12345678.js") << "export {};"; }
  { std::ofstream(root_.path() / "outside.txt") << "not for the web"; }
  server_->Stop();
  server_.reset();
  StartServer(0, dist);
  r = Fetch("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Console</title>");
  EXPECT_EQ(Fetch("GET", "/doors/3").body, r.body);
  EXPECT_EQ(Fetch("GET", "/assets/app-12345678.js").body, "export {};");
  EXPECT_EQ(Fetch("GET", "/assets/%2e%2e/%2e%2e/outside.txt").status, 400);
  EXPECT_EQ(Fetch("GET", "/api/v1/nothing").status, 404);
  EXPECT_THAT(Fetch("GET", "/api/v1/nothing").body, HasSubstr("no API resource"));
  EXPECT_EQ(Fetch("GET", "/api/v1/openapi.json").status, 200);
}

TEST_F(ServerTest, WrongTokenIsRefusedAndLeavesNothing) {
  EXPECT_THAT(gate::RegisterGate(Registration(std::string(64, '0')), gate_dir(), random_).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_FALSE(std::filesystem::exists(gate_dir()));
}

}  // namespace
}  // namespace sekisho::server
