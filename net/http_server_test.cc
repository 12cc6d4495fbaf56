#include "net/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "base/status_matchers.h"
#include "net/http_client.h"
#include "net/test_support.h"

namespace sekisho::net {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using namespace std::chrono_literals;

// Answers with what it saw: method, target, the x-echo header, body, peer.
HttpResponse Echo(const HttpRequest& request) {
  if (request.Path() == "/throw") throw std::runtime_error("handler failure");
  HttpResponse response;
  response.status = request.Path() == "/teapot" ? 418 : 200;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.headers.emplace_back("X-Method", request.method);
  response.headers.emplace_back("X-Echo", std::string(request.Header("x-echo")));
  response.headers.emplace_back("X-Loopback", request.peer.loopback ? "yes" : "no");
  response.headers.emplace_back("X-Client-Cert",
                                request.peer.client_certificate_sha256.value_or("none"));
  response.body = request.target + "|" + request.body;
  return response;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options) {
  auto server = HttpServer::Create(options, Echo);
  EXPECT_THAT(server, IsOk());
  if (!server.ok()) return nullptr;
  EXPECT_THAT((*server)->Start(), IsOk());
  return std::move(server).value();
}

std::string HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

HttpRequest Post(std::string target, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers["x-echo"] = "echoed";
  request.body = std::move(body);
  return request;
}

TEST(HttpServerTest, ServesPlainHttpOnLoopback) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  ASSERT_NE(server->port(), 0);
  auto response = Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/a?b=c", "body"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "/a?b=c|body");
  EXPECT_EQ(HeaderOf(*response, "X-Method"), "POST");
  EXPECT_EQ(HeaderOf(*response, "X-Echo"), "echoed");
  EXPECT_EQ(HeaderOf(*response, "X-Loopback"), "yes");
  EXPECT_EQ(HeaderOf(*response, "X-Client-Cert"), "none");
  EXPECT_EQ(HeaderOf(*response, "Server"), "Sekisho");
}

TEST(HttpServerTest, PassesHandlerStatusThrough) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  auto response = Fetch({.host = "localhost", .port = server->port()}, Post("/teapot", ""));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 418);
}

TEST(HttpServerTest, ServesHttpsWithAndWithoutClientCertificate) {
  auto server = StartServer({.tls = testing::ServerTls()});
  ASSERT_NE(server, nullptr);
  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto response =
        Fetch({.host = host, .port = server->port(), .tls = testing::ClientTls()}, Post("/x", "1"));
    ASSERT_THAT(response, IsOk()) << host;
    EXPECT_EQ(response->body, "/x|1");
    EXPECT_EQ(HeaderOf(*response, "X-Client-Cert"), "none");
  }
  auto with_cert = Fetch({.host = "127.0.0.1",
                          .port = server->port(),
                          .tls = testing::ClientTls(&testing::Pki().client)},
                         Post("/x", ""));
  ASSERT_THAT(with_cert, IsOk());
  auto fingerprint = CertificateSha256Hex(testing::Pki().client.cert_pem);
  ASSERT_THAT(fingerprint, IsOk());
  EXPECT_EQ(HeaderOf(*with_cert, "X-Client-Cert"), *fingerprint);
}

TEST(HttpServerTest, RefusesPlainHttpOffLoopback) {
  EXPECT_THAT(HttpServer::Create({.address = "0.0.0.0"}, Echo),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("loopback")));
  EXPECT_THAT(HttpServer::Create({.address = "::"}, Echo), StatusIs(StatusCode::kInvalidArgument));
}

TEST(HttpServerTest, RejectsBadOptions) {
  EXPECT_THAT(HttpServer::Create({.address = "not an address"}, Echo),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(HttpServer::Create({.threads = 0}, Echo), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(HttpServer::Create({.max_connections = 0}, Echo),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(HttpServer::Create({}, nullptr), StatusIs(StatusCode::kInvalidArgument));
  const WebSocketAcceptor refuse = [](const HttpRequest&, std::shared_ptr<WebSocketConnection>)
      -> Result<std::shared_ptr<WebSocketEndpoint>> { return NotFoundError("none"); };
  EXPECT_THAT(HttpServer::Create({.websocket_route_message_limits = {{"/other", 10}}}, Echo,
                                 {{"/ws", refuse}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/other")));
  EXPECT_THAT(
      HttpServer::Create({.websocket_route_message_limits = {{"/ws", 0}}}, Echo, {{"/ws", refuse}}),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("positive")));
  EXPECT_THAT(HttpServer::Create({.websocket_route_message_limits = {{"/ws", 10}}}, Echo,
                                 {{"/ws", refuse}}),
              IsOk());
}

TEST(HttpServerTest, PortInUseIsUnavailable) {
  auto first = StartServer({});
  ASSERT_NE(first, nullptr);
  EXPECT_THAT(HttpServer::Create({.port = first->port()}, Echo),
              StatusIs(StatusCode::kUnavailable));
}

TEST(HttpServerTest, StartTwiceFails) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(server->Start(), StatusIs(StatusCode::kFailedPrecondition));
  server->Stop();
  server->Stop();
  EXPECT_THAT(server->Start(), StatusIs(StatusCode::kFailedPrecondition));
}

TEST(HttpServerTest, OversizedBodyIs413) {
  auto server = StartServer({.body_limit = 1024});
  ASSERT_NE(server, nullptr);
  auto small =
      Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/", std::string(1024, 'a')));
  ASSERT_THAT(small, IsOk());
  EXPECT_EQ(small->status, 200);
  auto large =
      Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/", std::string(64 * 1024, 'a')));
  ASSERT_THAT(large, IsOk());
  EXPECT_EQ(large->status, 413);
  EXPECT_EQ(large->body, R"({"error":"request body too large"})");
}

TEST(HttpServerTest, OversizedHeaderIs431) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  HttpRequest request = Post("/", "");
  request.headers["x-big"] = std::string(9 * 1024, 'h');
  auto response = Fetch({.host = "127.0.0.1", .port = server->port()}, request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 431);
}

TEST(HttpServerTest, MalformedRequestIs400WithJson) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  testing::RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Write("GET / HTTP/1.1\r\nBad Header\r\n\r\n"));
  std::string response = connection.ReadUntilClosed();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(response, HasSubstr(R"({"error":"malformed request: )"));
}

TEST(HttpServerTest, KeepsConnectionsAlive) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  testing::RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.Write("GET /k" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    auto response = connection.ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_THAT(*response, StartsWith("HTTP/1.1 200"));
    EXPECT_THAT(*response, HasSubstr("/k" + std::to_string(i) + "|"));
  }
}

TEST(HttpServerTest, SlowClientIsDisconnected) {
  auto server = StartServer({.read_timeout = 300ms});
  ASSERT_NE(server, nullptr);
  testing::RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Write("GET / HTTP/1.1\r\nHost: "));
  // Blocks until the server gives up on the request (the raw read gives up after 10 s).
  EXPECT_TRUE(connection.PeerClosed());
}

TEST(HttpServerTest, SilentConnectionIsDisconnected) {
  auto server = StartServer({.read_timeout = 300ms});
  ASSERT_NE(server, nullptr);
  testing::RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  EXPECT_TRUE(connection.PeerClosed());
}

TEST(HttpServerTest, ClosesConnectionsBeyondTheLimit) {
  auto server = StartServer({.max_connections = 2});
  ASSERT_NE(server, nullptr);
  auto first = std::make_unique<testing::RawConnection>(server->port());
  testing::RawConnection second(server->port());
  // A full exchange on each proves the server has accepted and counted them.
  for (testing::RawConnection* connection : {first.get(), &second}) {
    ASSERT_TRUE(connection->Write("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    ASSERT_TRUE(connection->ReadResponse().has_value());
  }
  testing::RawConnection third(server->port());
  ASSERT_TRUE(third.connected());  // the kernel accepts; the server closes it at once
  third.Write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_TRUE(third.PeerClosed());

  // Once one closes, a new connection is served again.
  first.reset();
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {
    auto response = Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/again", ""));
    served = response.ok() && response->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST(HttpServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  auto server = StartServer({.threads = 1});
  ASSERT_NE(server, nullptr);
  auto failed = Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/throw", ""));
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body, R"({"error":"internal"})");
  auto ok = Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/fine", ""));
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->status, 200);
}

TEST(HttpServerTest, StopClosesIdleConnections) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  testing::RawConnection idle(server->port());
  ASSERT_TRUE(idle.Write("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse().has_value());
  testing::RawConnection silent(server->port());
  ASSERT_TRUE(silent.connected());
  server->Stop();
  EXPECT_TRUE(idle.PeerClosed());
  EXPECT_TRUE(silent.PeerClosed());
  EXPECT_THAT(Fetch({.host = "127.0.0.1", .port = server->port()}, Post("/", "")),
              StatusIs(StatusCode::kUnavailable));
}

}  // namespace
}  // namespace sekisho::net
