#include "net/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "net/certificate_authority.h"
#include "net/http_server.h"
#include "net/test_support.h"

namespace sekisho::net {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using namespace std::chrono_literals;

HttpRequest Get(std::string target) {
  HttpRequest request;
  request.method = "GET";
  request.target = std::move(target);
  return request;
}

std::unique_ptr<HttpServer> StartTlsServer(std::shared_ptr<TlsServerContext> tls) {
  auto server = HttpServer::Create({.tls = std::move(tls)}, [](const HttpRequest& request) {
    return HttpResponse{
        .status = 200, .headers = {{"X-Host", std::string(request.Header("host"))}}, .body = "ok"};
  });
  EXPECT_THAT(server, IsOk());
  if (!server.ok()) return nullptr;
  EXPECT_THAT((*server)->Start(), IsOk());
  return std::move(server).value();
}

TEST(FetchTest, PlainOnlyToLoopback) {
  EXPECT_THAT(Fetch({.host = "192.0.2.1", .port = 80}, Get("/")),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(FetchTest, RejectsMalformedRequests) {
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = 1}, Get("no-slash")),
              StatusIs(StatusCode::kInvalidArgument));
  HttpRequest injected = Get("/");
  injected.headers["x-a"] = "1\r\nX-Injected: 2";
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = 1}, injected),
              StatusIs(StatusCode::kInvalidArgument));
  HttpRequest bad_method = Get("/");
  bad_method.method = "GET /x";
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = 1}, bad_method),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(FetchTest, ClosedPortIsUnavailable) {
  auto server = StartTlsServer(testing::ServerTls());
  ASSERT_NE(server, nullptr);
  std::uint16_t port = server->port();
  server->Stop();
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = port}, Get("/")),
              StatusIs(StatusCode::kUnavailable));
}

TEST(FetchTest, SendsHostAndReadsResponse) {
  auto server = StartTlsServer(testing::ServerTls());
  ASSERT_NE(server, nullptr);
  auto response =
      Fetch({.host = "localhost", .port = server->port(), .tls = testing::ClientTls()}, Get("/"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  bool found = false;
  for (const auto& [name, value] : response->headers) {
    if (name == "X-Host") {
      found = true;
      EXPECT_EQ(value, "localhost:" + std::to_string(server->port()));
    }
  }
  EXPECT_TRUE(found);
}

TEST(FetchTest, UntrustedServerIsUnauthenticated) {
  auto server = StartTlsServer(testing::ServerTls());
  ASSERT_NE(server, nullptr);
  auto other =
      TlsClientContext::CreateFromPem(testing::Pki().other_ca.cert_pem, std::nullopt, std::nullopt);
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = server->port(), .tls = std::move(other).value()},
                    Get("/")),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST(FetchTest, ServerCertificateMustNameTheHost) {
  auto issued = IssueServerCertificate(testing::Pki().ca, {"sekisho.example"});
  ASSERT_THAT(issued, IsOk());
  auto tls = TlsServerContext::CreateFromPem(issued->cert_pem, issued->KeyPemText(), std::nullopt);
  ASSERT_THAT(tls, IsOk());
  auto server = StartTlsServer(std::move(tls).value());
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(
      Fetch({.host = "127.0.0.1", .port = server->port(), .tls = testing::ClientTls()}, Get("/")),
      StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(
      Fetch({.host = "localhost", .port = server->port(), .tls = testing::ClientTls()}, Get("/")),
      StatusIs(StatusCode::kUnauthenticated));
}

TEST(FetchTest, SilentServerIsDeadlineExceeded) {
  // Bound and listening but not started: the connection waits in the backlog, never answered.
  auto server = HttpServer::Create({}, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_THAT(server, IsOk());
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = (*server)->port(), .timeout = 200ms}, Get("/")),
              StatusIs(StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace sekisho::net
