// POST /api/v1/gates/badge-terminal over real sockets and mutual TLS: a registered gate's renewer
// receives a terminal certificate for its own key from the organisation's badge keys; gates that
// are not active, requests without a client certificate and malformed keys are refused.
#include "server/badge_terminal_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "access/badge_keys.h"
#include "access/test_site.h"
#include "badge/cv_certificate.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "gate/registration.h"
#include "gate/terminal_credentials_file.h"
#include "gate/terminal_renewer.h"
#include "net/certificate_authority.h"
#include "net/http_client.h"
#include "server/server.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::ModeOf;
using ::sekisho::testing::StatusIs;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTerminalOrg[] = "Ministry of Terminals";
constexpr char kTerminalCan[] = "604213";

class BadgeTerminalRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_site_.AddOrg(kTerminalOrg, 9);
    auto site = ServerSite::Open(root_.path() / "data", kTerminalOrg, clock_, random_,
                                 {.password_params = TestOnlyPasswordParams()});
    ASSERT_THAT(site.status(), IsOk());
    site_ = std::move(site).value();
    auto gate = site_->gates().CreateGate(site_->org().id, "Lane 7");
    ASSERT_THAT(gate.status(), IsOk());
    gate_ = *gate;
    auto server = Server::Create(*site_, {.port = 0, .threads = 2});
    ASSERT_THAT(server.status(), IsOk());
    server_ = std::move(server).value();
    ASSERT_THAT(server_->Start(), IsOk());
    ASSERT_THAT(gate::RegisterGate({.host = "127.0.0.1",
                                    .port = server_->port(),
                                    .server_ca_file = site_->tls_path(kCaCertFile),
                                    .token = gate_.token},
                                   GateDir(), random_)
                    .status(),
                IsOk());
    auto renewer = gate::TerminalRenewer::Create(GateDir(), holder_, clock_);
    ASSERT_THAT(renewer.status(), IsOk());
    renewer_ = std::move(renewer).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  std::filesystem::path GateDir() const { return root_.path() / "gate"; }
  badge::Date Today() const { return access::DateOf(clock_.Now()); }

  Status CreateBadgeKeys() {
    return access::BadgeKeys::Create(site_->dir(), kTerminalOrg, Today(), random_, kTerminalCan)
        .status();
  }

  // The route called as the gate (its client certificate) or, `as_gate` false, without one;
  // `tls` instead when given.
  net::HttpResponse Post(const std::string& body, bool as_gate = true,
                         std::shared_ptr<net::TlsClientContext> client = nullptr) {
    std::shared_ptr<net::TlsClientContext> tls = std::move(client);
    if (!tls) {
      auto created = as_gate ? net::TlsClientContext::Create(GateDir() / gate::kServerCaFile,
                                                             GateDir() / gate::kClientCertFile,
                                                             GateDir() / gate::kClientKeyFile)
                             : net::TlsClientContext::Create(site_->tls_path(kCaCertFile));
      EXPECT_THAT(created, IsOk());
      if (!created.ok()) return net::HttpResponse{.status = 0};
      tls = std::move(created).value();
    }
    net::HttpRequest r;
    r.method = "POST";
    r.target = std::string(gate::kBadgeTerminalPath);
    r.body = body;
    r.headers["content-type"] = "application/json";
    auto response =
        net::Fetch({.host = "127.0.0.1", .port = server_->port(), .tls = std::move(tls)}, r);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? *response : net::HttpResponse{.status = 0};
  }

  access::testing::TempDir root_;
  access::testing::TestSite test_site_{root_.path() / "data"};
  FakeClock clock_{access::testing::kEnrolTime};
  OsRandom random_;
  std::unique_ptr<ServerSite> site_;
  NewGate gate_;
  std::unique_ptr<Server> server_;
  gate::BadgeCredentialsHolder holder_;
  std::unique_ptr<gate::TerminalRenewer> renewer_;
};

TEST_F(BadgeTerminalRouteTest, WithoutBadgeKeysTheGateIsToldToRunBadgeInit) {
  EXPECT_THAT(renewer_->Renew(), StatusIs(StatusCode::kNotFound, HasSubstr("badge init")));
  EXPECT_EQ(holder_.Current(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(GateDir() / gate::kBadgeTerminalFile));
}

TEST_F(BadgeTerminalRouteTest, ARegisteredGateReceivesAShortLivedCertificateForItsOwnKey) {
  ASSERT_THAT(CreateBadgeKeys(), IsOk());
  ASSERT_THAT(renewer_->Renew(), IsOk());
  const std::filesystem::path file = GateDir() / gate::kBadgeTerminalFile;
  EXPECT_EQ(ModeOf(file), 0600u);
  auto stored = gate::ReadTerminalCredentials(file);
  ASSERT_THAT(stored, IsOk());
  auto keys = access::BadgeKeys::Load(site_->dir(), kTerminalOrg, Today());
  ASSERT_THAT(keys, IsOk());

  auto dv = badge::CvCertificate::Parse(stored->issuance.dv_certificate);
  auto terminal = badge::CvCertificate::Parse(stored->issuance.terminal_certificate);
  ASSERT_THAT(terminal, IsOk());
  // The chain verifies to the organisation's CVCA with exactly the gate's rights.
  auto chain = badge::VerifyTerminalChain(keys->cvca(), *dv, *terminal, Today());
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->rights, badge::rights::kGate);
  // Three days by default: today and the two after it.
  EXPECT_EQ(terminal->effective(), Today());
  EXPECT_EQ(std::chrono::sys_days(terminal->expiration()) - std::chrono::sys_days(Today()),
            kDefaultBadgeTerminalValidity - std::chrono::days(1));
  char number[8];
  std::snprintf(number, sizeof number, "TM%03u", gate_.gate.id);
  EXPECT_THAT(terminal->chr(), EndsWith(number));
  // For the gate's own key, which the server never saw.
  auto point = badge::PublicPointOf(stored->private_pkcs8);
  ASSERT_THAT(point, IsOk());
  EXPECT_EQ(terminal->public_point(), *point);
  EXPECT_EQ(stored->issuance.trusted_chip_keys, std::vector<Bytes>{keys->batch().ca_public_point});
  EXPECT_EQ(stored->issuance.sector_public_point, keys->sector_public_point());
  // No door needs the batch CAN, so no gate is given it.
  std::ifstream stored_file(file);
  const std::string stored_text((std::istreambuf_iterator<char>(stored_file)),
                                std::istreambuf_iterator<char>());
  EXPECT_THAT(stored_text, Not(HasSubstr(kTerminalCan)));

  // The doors' holder has it, ending after the expiration day.
  const auto held = holder_.Current();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->not_after, gate::EndOf(terminal->expiration()));

  // A renewal replaces key and certificate.
  ASSERT_THAT(renewer_->Renew(), IsOk());
  auto renewed = gate::ReadTerminalCredentials(file);
  ASSERT_THAT(renewed, IsOk());
  EXPECT_NE(renewed->issuance.terminal_certificate, stored->issuance.terminal_certificate);
  EXPECT_NE(holder_.Current(), held);

  // A restarted gate loads what it stored.
  gate::BadgeCredentialsHolder restarted;
  auto again = gate::TerminalRenewer::Create(GateDir(), restarted, clock_);
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT((*again)->LoadStored(), IsOk());
  ASSERT_NE(restarted.Current(), nullptr);
  EXPECT_EQ(restarted.Current()->credentials.terminal.terminal_certificate,
            renewed->issuance.terminal_certificate);
}

TEST_F(BadgeTerminalRouteTest, TheValidityIsAServerSetting) {
  ASSERT_THAT(CreateBadgeKeys(), IsOk());
  server_->Stop();
  server_.reset();
  auto server = Server::Create(
      *site_, {.port = 0, .threads = 2, .badge_terminal_validity = std::chrono::days(1)});
  ASSERT_THAT(server.status(), IsOk());
  server_ = std::move(server).value();
  ASSERT_THAT(server_->Start(), IsOk());
  gate::GateConfig config = gate::GateFiles(GateDir()).ReadConfig().value();
  config.server_port = server_->port();
  ASSERT_THAT(gate::GateFiles(GateDir()).WriteConfig(config), IsOk());
  auto renewer = gate::TerminalRenewer::Create(GateDir(), holder_, clock_);
  ASSERT_THAT(renewer, IsOk());
  ASSERT_THAT((*renewer)->Renew(), IsOk());
  auto stored = gate::ReadTerminalCredentials(GateDir() / gate::kBadgeTerminalFile);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->issuance.not_after, Today());

  EXPECT_THAT(
      Server::Create(*site_, {.port = 0, .badge_terminal_validity = std::chrono::days(8)}).status(),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("1 to 7 days")));
}

TEST_F(BadgeTerminalRouteTest, TheRouteIsInTheOpenApiDocument) {
  auto tls = net::TlsClientContext::Create(site_->tls_path(kCaCertFile));
  ASSERT_THAT(tls, IsOk());
  net::HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/openapi.json";
  auto response =
      net::Fetch({.host = "127.0.0.1", .port = server_->port(), .tls = std::move(tls).value()}, r);
  ASSERT_THAT(response, IsOk());
  const nlohmann::json doc = nlohmann::json::parse(response->body);
  const nlohmann::json& post = doc["paths"][std::string(gate::kBadgeTerminalPath)]["post"];
  ASSERT_TRUE(post.is_object()) << response->body.substr(0, 200);
  EXPECT_EQ(post["security"], nlohmann::json::array());  // public: the client certificate decides
  EXPECT_TRUE(doc["components"]["schemas"].contains("BadgeTerminalIssuance"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("BadgeTerminalRequest"));
}

TEST_F(BadgeTerminalRouteTest, RefusesMalformedKeysWithAPreciseError) {
  ASSERT_THAT(CreateBadgeKeys(), IsOk());
  for (const std::string& body :
       {std::string(R"({"public_key": "04abcd"})"), std::string(R"({"public_key": 4})"),
        std::string(R"({"key": "04"})"), "{\"public_key\": \"04" + std::string(128, '1') + "\"}"}) {
    const net::HttpResponse r = Post(body);
    EXPECT_EQ(r.status, 400) << body;
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error"], "invalid_argument") << r.body;
    EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("key")) << r.body;
  }
  const net::HttpResponse r = Post(R"({"public_key": "04abcd"})");
  EXPECT_THAT(r.body, HasSubstr("uncompressed brainpoolP256r1 point"));
}

TEST_F(BadgeTerminalRouteTest, RefusesCallersThatAreNotAnActiveGate) {
  ASSERT_THAT(CreateBadgeKeys(), IsOk());
  auto key = badge::GenerateEcKeyPair();
  ASSERT_THAT(key, IsOk());
  const std::string body = nlohmann::json{{"public_key", ToHex(key->public_point)}}.dump();
  EXPECT_EQ(Post(body, /*as_gate=*/false).status, 401);

  // A client certificate from the server's CA that no gate registered.
  auto stranger = net::MakeKeyAndCsr("sekisho gate");
  ASSERT_THAT(stranger, IsOk());
  auto certificate =
      net::SignCsr(site_->ca(), stranger->csr_pem, "sekisho gate", std::chrono::hours(1));
  ASSERT_THAT(certificate, IsOk());
  std::ifstream ca_file(site_->tls_path(kCaCertFile));
  const std::string ca_pem((std::istreambuf_iterator<char>(ca_file)),
                           std::istreambuf_iterator<char>());
  auto stranger_tls =
      net::TlsClientContext::CreateFromPem(ca_pem, *certificate, stranger->KeyPemText());
  ASSERT_THAT(stranger_tls, IsOk());
  const net::HttpResponse unknown = Post(body, true, std::move(stranger_tls).value());
  EXPECT_EQ(unknown.status, 403);
  EXPECT_THAT(unknown.body, HasSubstr("no gate is registered with this client certificate"));

  ASSERT_THAT(site_->gates().Revoke(gate_.gate.id), IsOk());
  const net::HttpResponse r = Post(body);
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("revoked"));
  EXPECT_THAT(renewer_->Renew(), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(holder_.Current(), nullptr);
}

}  // namespace
}  // namespace sekisho::server
