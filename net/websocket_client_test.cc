// WebSocket client against the real server (net/http_server.h) on 127.0.0.1.
#include "net/websocket_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "base/status_matchers.h"
#include "net/http_server.h"
#include "net/test_support.h"

namespace sekisho::net {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// What the server side saw, shared between the test and the endpoints.
struct Record {
  std::mutex mutex;
  std::vector<PeerInfo> peers;
  std::atomic<int> opened{0};
  std::atomic<int> messages{0};
  std::atomic<int> closes{0};
  std::shared_ptr<WebSocketConnection> last_connection;
};

// Echoes every message back; "close" makes the server close the connection.
class EchoEndpoint final : public WebSocketEndpoint {
 public:
  EchoEndpoint(std::shared_ptr<WebSocketConnection> connection, Record* record)
      : connection_(std::move(connection)), record_(record) {}
  void OnMessage(ByteView message) override {
    ++record_->messages;
    if (ToString(message) == "close") {
      connection_->Close("asked to");
      return;
    }
    connection_->Send(Bytes(message.begin(), message.end()));
  }
  void OnClose() override {
    ++record_->closes;
    connection_.reset();
  }

 private:
  std::shared_ptr<WebSocketConnection> connection_;
  Record* record_;
};

class WebSocketTest : public ::testing::Test {
 protected:
  void StartServer(std::shared_ptr<TlsServerContext> tls,
                   std::map<std::string, std::size_t> route_limits = {},
                   std::size_t server_limit = HttpServerOptions().websocket_message_limit) {
    WebSocketAcceptor accept = [this](const HttpRequest& upgrade,
                                      std::shared_ptr<WebSocketConnection> connection)
        -> Result<std::shared_ptr<WebSocketEndpoint>> {
      if (upgrade.Header("x-role") == "intruder") {
        return PermissionDeniedError("gate is revoked");
      }
      {
        std::lock_guard lock(record_.mutex);
        record_.peers.push_back(connection->peer());
        record_.last_connection = connection;
      }
      ++record_.opened;
      return std::make_shared<EchoEndpoint>(std::move(connection), &record_);
    };
    auto server = HttpServer::Create({.tls = std::move(tls),
                                      .websocket_message_limit = server_limit,
                                      .websocket_route_message_limits = std::move(route_limits)},
                                     [](const HttpRequest&) { return HttpResponse{.status = 404}; },
                                     {{"/ws", accept}, {"/ws2", accept}});
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    ASSERT_THAT(server_->Start(), IsOk());
  }

  ClientOptions Options(std::shared_ptr<TlsClientContext> tls) {
    return {.host = "127.0.0.1", .port = server_->port(), .path = "/ws", .tls = std::move(tls)};
  }

  // Waits (bounded) until `condition` holds.
  template <typename Condition>
  bool Eventually(Condition condition) {
    for (int i = 0; i < 500; ++i) {
      if (condition()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return condition();
  }

  Record record_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebSocketTest, EchoesOverPlainLoopback) {
  StartServer(nullptr);
  auto client = WebSocketClient::Connect(Options(nullptr));
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Send(ToBytes("hello")), IsOk());
  auto reply = (*client)->Receive(5s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(ToString(*reply), "hello");
  std::lock_guard lock(record_.mutex);
  ASSERT_EQ(record_.peers.size(), 1u);
  EXPECT_TRUE(record_.peers[0].loopback);
  EXPECT_EQ(record_.peers[0].address, "127.0.0.1");
  EXPECT_EQ(record_.peers[0].client_certificate_sha256, std::nullopt);
}

TEST_F(WebSocketTest, EchoesOverTlsAndSeesTheClientCertificate) {
  StartServer(testing::ServerTls());
  auto client = WebSocketClient::Connect(Options(testing::ClientTls(&testing::Pki().client)));
  ASSERT_THAT(client, IsOk());
  Bytes large(100 * 1024);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_THAT((*client)->Send(large), IsOk());
  auto reply = (*client)->Receive(5s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(*reply, large);
  auto fingerprint = CertificateSha256Hex(testing::Pki().client.cert_pem);
  ASSERT_THAT(fingerprint, IsOk());
  std::lock_guard lock(record_.mutex);
  ASSERT_EQ(record_.peers.size(), 1u);
  EXPECT_EQ(record_.peers[0].client_certificate_sha256, *fingerprint);
}

TEST_F(WebSocketTest, ClientWithoutCertificateHasNoFingerprint) {
  StartServer(testing::ServerTls());
  auto client = WebSocketClient::Connect(Options(testing::ClientTls()));
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Send(ToBytes("x")), IsOk());
  ASSERT_THAT((*client)->Receive(5s), IsOk());
  std::lock_guard lock(record_.mutex);
  ASSERT_EQ(record_.peers.size(), 1u);
  EXPECT_EQ(record_.peers[0].client_certificate_sha256, std::nullopt);
}

TEST_F(WebSocketTest, CertificateFromAnotherCaFailsTheHandshake) {
  StartServer(testing::ServerTls());
  auto client = WebSocketClient::Connect(Options(testing::ClientTls(&testing::Pki().other_client)));
  EXPECT_FALSE(client.ok());
  EXPECT_EQ(record_.opened.load(), 0);
}

TEST_F(WebSocketTest, UntrustedServerFailsTheHandshake) {
  StartServer(testing::ServerTls());
  auto other =
      TlsClientContext::CreateFromPem(testing::Pki().other_ca.cert_pem, std::nullopt, std::nullopt);
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(WebSocketClient::Connect(Options(std::move(other).value())),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(WebSocketTest, RefusalReachesTheClient) {
  StartServer(testing::ServerTls());
  ClientOptions options = Options(testing::ClientTls(&testing::Pki().client));
  options.headers = {{"X-Role", "intruder"}};
  EXPECT_THAT(WebSocketClient::Connect(options),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("gate is revoked")));
}

// A refused gate retries at once with the same client certificate. Every refusal must come back
// as soon as the server has answered: the client must not wait for the handshake timeout (its
// timer is still pending when the refusal arrives), which here is longer than the deadline.
TEST_F(WebSocketTest, RepeatedRefusalsAreEachAnsweredAtOnce) {
  StartServer(testing::ServerTls());
  auto tls = testing::ClientTls(&testing::Pki().client);
  auto attempts = std::async(std::launch::async, [&] {
    std::vector<Status> results;
    for (int i = 0; i < 4; ++i) {
      ClientOptions options =
          Options(i % 2 == 0 ? tls : testing::ClientTls(&testing::Pki().client));
      options.headers = {{"X-Role", "intruder"}};
      options.timeout = 60s;
      results.push_back(WebSocketClient::Connect(options).status());
    }
    return results;
  });
  ASSERT_EQ(attempts.wait_for(30s), std::future_status::ready);
  for (const Status& status : attempts.get()) {
    EXPECT_THAT(status, StatusIs(StatusCode::kPermissionDenied, HasSubstr("gate is revoked")));
  }
  // And a well-behaved client still gets in afterwards.
  auto client = WebSocketClient::Connect(Options(tls));
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Send(ToBytes("x")), IsOk());
  EXPECT_THAT((*client)->Receive(5s), IsOk());
}

// Messages up to the route's limit reach the endpoint; a larger one closes the connection (1009,
// RFC 6455 §7.4.1) without reaching it. The other route keeps the server-wide limit.
TEST_F(WebSocketTest, RouteMessageLimitReplacesTheServerWide) {
  StartServer(nullptr, {{"/ws", 4096}}, 2048);
  auto client = WebSocketClient::Connect(Options(nullptr));
  ASSERT_THAT(client, IsOk());
  const Bytes fits(4096, 0x41);
  ASSERT_THAT((*client)->Send(fits), IsOk());
  auto reply = (*client)->Receive(5s);
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(*reply, fits);
  ASSERT_THAT((*client)->Send(Bytes(4097, 0x41)), IsOk());
  EXPECT_THAT((*client)->Receive(5s), StatusIs(StatusCode::kUnavailable));
  ASSERT_TRUE(Eventually([&] { return record_.closes.load() == 1; }));
  EXPECT_EQ(record_.messages.load(), 1);

  ClientOptions other = Options(nullptr);
  other.path = "/ws2";
  auto second = WebSocketClient::Connect(other);
  ASSERT_THAT(second, IsOk());
  ASSERT_THAT((*second)->Send(Bytes(2048, 0x42)), IsOk());
  EXPECT_THAT((*second)->Receive(5s), IsOk());
  ASSERT_THAT((*second)->Send(Bytes(2049, 0x42)), IsOk());
  EXPECT_THAT((*second)->Receive(5s), StatusIs(StatusCode::kUnavailable));
  ASSERT_TRUE(Eventually([&] { return record_.closes.load() == 2; }));
  EXPECT_EQ(record_.messages.load(), 2);
}

TEST_F(WebSocketTest, ClientMessageLimitClosesOnALargerMessage) {
  StartServer(nullptr, {{"/ws", 8192}});
  ClientOptions options = Options(nullptr);
  options.message_limit = 1000;
  auto client = WebSocketClient::Connect(options);
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Send(Bytes(1000, 0x43)), IsOk());
  EXPECT_THAT((*client)->Receive(5s), IsOk());
  ASSERT_THAT((*client)->Send(Bytes(1001, 0x43)), IsOk());  // the echo is too large
  EXPECT_THAT((*client)->Receive(5s), StatusIs(StatusCode::kUnavailable));
}

TEST_F(WebSocketTest, UnknownPathIsNotFound) {
  StartServer(nullptr);
  ClientOptions options = Options(nullptr);
  options.path = "/nowhere";
  EXPECT_THAT(WebSocketClient::Connect(options), StatusIs(StatusCode::kNotFound));
}

TEST_F(WebSocketTest, PlainOnlyToLoopback) {
  EXPECT_THAT(WebSocketClient::Connect({.host = "192.0.2.1", .port = 1, .path = "/ws"}),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(WebSocketTest, NothingReceivedIsDeadlineExceeded) {
  StartServer(nullptr);
  auto client = WebSocketClient::Connect(Options(nullptr));
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT((*client)->Receive(50ms), StatusIs(StatusCode::kDeadlineExceeded));
}

TEST_F(WebSocketTest, SendsFromManyThreadsAllArrive) {
  StartServer(testing::ServerTls());
  auto client = WebSocketClient::Connect(Options(testing::ClientTls(&testing::Pki().client)));
  ASSERT_THAT(client, IsOk());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_THAT((*client)->Send(ToBytes(std::to_string(t) + ":" + std::to_string(i))), IsOk());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> received;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    auto message = (*client)->Receive(5s);
    ASSERT_THAT(message, IsOk()) << "after " << i;
    received.insert(ToString(*message));
  }
  EXPECT_EQ(received.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_TRUE(received.count("3:49"));
}

TEST_F(WebSocketTest, ServerSendsFromManyThreadsInOrderPerThread) {
  StartServer(nullptr);
  auto client = WebSocketClient::Connect(Options(nullptr));
  ASSERT_THAT(client, IsOk());
  ASSERT_TRUE(Eventually([&] { return record_.opened.load() == 1; }));
  std::shared_ptr<WebSocketConnection> connection;
  {
    std::lock_guard lock(record_.mutex);
    connection = record_.last_connection;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t % 2 == 0) {
          connection->Send(ToBytes(std::to_string(t) + ":" + std::to_string(i)));
        } else {
          connection->SendText(std::to_string(t) + ":" + std::to_string(i));
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<int> next(4, 0);
  for (int i = 0; i < 200; ++i) {
    auto message = (*client)->Receive(5s);
    ASSERT_THAT(message, IsOk()) << "after " << i;
    std::string text = ToString(*message);
    int t = text[0] - '0';
    EXPECT_EQ(text, std::to_string(t) + ":" + std::to_string(next[t]));
    ++next[t];
  }
}

TEST_F(WebSocketTest, OnCloseOnceWhenTheClientGoesAway) {
  StartServer(testing::ServerTls());
  {
    auto client = WebSocketClient::Connect(Options(testing::ClientTls(&testing::Pki().client)));
    ASSERT_THAT(client, IsOk());
    ASSERT_THAT((*client)->Send(ToBytes("x")), IsOk());
    ASSERT_THAT((*client)->Receive(5s), IsOk());
    (*client)->Close();
    EXPECT_THAT((*client)->Send(ToBytes("late")), StatusIs(StatusCode::kUnavailable));
    EXPECT_THAT((*client)->Receive(10ms), StatusIs(StatusCode::kUnavailable));
  }
  ASSERT_TRUE(Eventually([&] { return record_.closes.load() == 1; }));
  server_->Stop();
  EXPECT_EQ(record_.closes.load(), 1);
}

TEST_F(WebSocketTest, ServerCloseReachesTheClient) {
  StartServer(nullptr);
  auto client = WebSocketClient::Connect(Options(nullptr));
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Send(ToBytes("close")), IsOk());
  EXPECT_THAT((*client)->Receive(5s), StatusIs(StatusCode::kUnavailable, HasSubstr("asked to")));
  EXPECT_THAT((*client)->Send(ToBytes("late")), StatusIs(StatusCode::kUnavailable));
  ASSERT_TRUE(Eventually([&] { return record_.closes.load() == 1; }));
}

TEST_F(WebSocketTest, StopWithOpenConnectionsTerminates) {
  StartServer(testing::ServerTls());
  std::vector<std::unique_ptr<WebSocketClient>> clients;
  for (int i = 0; i < 3; ++i) {
    auto client = WebSocketClient::Connect(Options(testing::ClientTls(&testing::Pki().client)));
    ASSERT_THAT(client, IsOk());
    clients.push_back(std::move(client).value());
  }
  ASSERT_TRUE(Eventually([&] { return record_.opened.load() == 3; }));
  server_->Stop();
  EXPECT_EQ(record_.closes.load(), 3);
  for (auto& client : clients) {
    EXPECT_THAT(client->Receive(5s), StatusIs(StatusCode::kUnavailable));
  }
}

TEST_F(WebSocketTest, ConnectingToAClosedPortIsUnavailable) {
  StartServer(nullptr);
  std::uint16_t port = server_->port();
  server_->Stop();
  ClientOptions options = Options(nullptr);
  options.port = port;
  EXPECT_THAT(WebSocketClient::Connect(options), StatusIs(StatusCode::kUnavailable));
}

}  // namespace
}  // namespace sekisho::net
