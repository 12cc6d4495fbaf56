// The live event stream over in-memory connections: the Origin check against cross-site
// WebSocket hijacking, sessions and roles, numbered messages, the acknowledgement window that
// drops a browser which stops reading, the read-only rule and the end of a session.
#include "server/event_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "base/status_matchers.h"

namespace sekisho::server {
namespace {

using nlohmann::json;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The server's end of one connection, in memory.
class FakeConnection final : public net::WebSocketConnection {
 public:
  void Send(Bytes) override { ++binary; }
  void SendText(std::string message) override {
    if (!closed) texts.push_back(json::parse(message));
  }
  void Close(std::string reason) override {
    closed = true;
    close_reason = std::move(reason);
  }
  const net::PeerInfo& peer() const override { return peer_; }

  std::deque<json> texts;
  int binary = 0;
  bool closed = false;
  std::string close_reason;

 private:
  net::PeerInfo peer_{.address = "192.0.2.20"};
};

User MakeUser(Role role, const std::string& login) {
  User user;
  user.id = UserId(static_cast<std::int64_t>(role) + 1);
  user.org = store::OrganisationId(1);
  user.login = login;
  user.role = role;
  return user;
}

ByteView Text(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

class EventStreamTest : public ::testing::Test {
 protected:
  // An upgrade request from a page of `origin` to host localhost:8443 with `session`'s cookie.
  net::HttpRequest Upgrade(const Session* session, std::string origin = "https://localhost:8443") {
    net::HttpRequest r;
    r.method = "GET";
    r.target = std::string(kEventStreamPath);
    r.headers["host"] = "localhost:8443";
    if (!origin.empty()) r.headers["origin"] = std::move(origin);
    if (session != nullptr) r.headers["cookie"] = "theme=dark; sekisho_session=" + session->token;
    r.peer.address = "192.0.2.20";
    return r;
  }

  // Accepts a stream for `session`; the endpoint and its connection.
  std::pair<std::shared_ptr<net::WebSocketEndpoint>, std::shared_ptr<FakeConnection>> Open(
      const Session& session) {
    auto connection = std::make_shared<FakeConnection>();
    auto endpoint = stream_.Accept(Upgrade(&session), connection);
    EXPECT_THAT(endpoint, IsOk());
    return {endpoint.ok() ? *endpoint : nullptr, connection};
  }

  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{3};
  SessionStore sessions_{clock_, random_};
  EventStream stream_{sessions_, {.scheme = "https", .window = 4}};
  Session auditor_ = sessions_.Create(MakeUser(Role::kAuditor, "audrey"));
  Session admin_ = sessions_.Create(MakeUser(Role::kSecurityAdmin, "admin"));
  Session hr_ = sessions_.Create(MakeUser(Role::kHr, "harriet"));
  Session staff_ = sessions_.Create(MakeUser(Role::kStaff, "sam"));
};

TEST_F(EventStreamTest, UpgradesFromAnotherOriginAreRefused) {
  for (const char* origin :
       {"https://evil.example", "https://localhost:8444", "http://localhost:8443",
        "https://localhost:8443.evil.example", "null", "https://localhost", ""}) {
    auto connection = std::make_shared<FakeConnection>();
    EXPECT_THAT(stream_.Accept(Upgrade(&auditor_, origin), connection).status(),
                StatusIs(StatusCode::kPermissionDenied, HasSubstr("cross-origin")))
        << "'" << origin << "'";
    EXPECT_TRUE(connection->texts.empty());
  }
  EXPECT_EQ(stream_.size(), 0u);
  // The check comes before the session: a foreign page learns nothing about it.
  EXPECT_THAT(
      stream_.Accept(Upgrade(nullptr, "https://evil.example"), std::make_shared<FakeConnection>())
          .status(),
      StatusIs(StatusCode::kPermissionDenied));
  // Scheme and host compare without regard to case.
  auto connection = std::make_shared<FakeConnection>();
  EXPECT_THAT(stream_.Accept(Upgrade(&auditor_, "HTTPS://LocalHost:8443"), connection), IsOk());
}

TEST(IsSameOriginTest, SchemeHostAndPortMustAllMatch) {
  EXPECT_TRUE(IsSameOrigin("https://127.0.0.1:8443", "https", "127.0.0.1:8443"));
  EXPECT_TRUE(IsSameOrigin("http://localhost:8080", "http", "localhost:8080"));
  EXPECT_FALSE(IsSameOrigin("https://127.0.0.1:8443", "http", "127.0.0.1:8443"));
  EXPECT_FALSE(IsSameOrigin("https://127.0.0.1:8443/", "https", "127.0.0.1:8443"));
  EXPECT_FALSE(IsSameOrigin("https://127.0.0.1:8443", "https", ""));
  EXPECT_FALSE(IsSameOrigin("", "https", "127.0.0.1:8443"));
}

TEST_F(EventStreamTest, OnlySignedInSecurityAdminsAndAuditorsMayWatch) {
  auto refused = [&](const net::HttpRequest& upgrade) {
    return stream_.Accept(upgrade, std::make_shared<FakeConnection>()).status();
  };
  EXPECT_THAT(refused(Upgrade(nullptr)), StatusIs(StatusCode::kUnauthenticated));
  Session forged = auditor_;
  forged.token = std::string(64, 'a');
  EXPECT_THAT(refused(Upgrade(&forged)), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(refused(Upgrade(&hr_)), StatusIs(StatusCode::kPermissionDenied, HasSubstr("hr")));
  EXPECT_THAT(refused(Upgrade(&staff_)), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(stream_.size(), 0u);

  for (const Session* s : {&auditor_, &admin_}) {
    auto [endpoint, connection] = Open(*s);
    ASSERT_EQ(connection->texts.size(), 1u);
    EXPECT_EQ(connection->texts[0], (json{{"type", "hello"}, {"window", 4}, {"seq", 1}}));
  }
  EXPECT_EQ(stream_.size(), 2u);
}

TEST_F(EventStreamTest, EveryStreamGetsEveryMessageNumberedInOrder) {
  auto [a, conn_a] = Open(auditor_);
  auto [b, conn_b] = Open(admin_);
  stream_.Publish({{"type", "event"}, {"id", 7}});
  b->OnMessage(Text(R"({"type": "ack", "seq": 1})"));
  stream_.Publish({{"type", "gate"}, {"gate", {{"id", 2}, {"connected", true}}}});
  for (const auto& connection : {conn_a, conn_b}) {
    ASSERT_EQ(connection->texts.size(), 3u);
    EXPECT_EQ(connection->texts[1], (json{{"type", "event"}, {"id", 7}, {"seq", 2}}));
    EXPECT_EQ(connection->texts[2]["type"], "gate");
    EXPECT_EQ(connection->texts[2]["seq"], 3);
    EXPECT_EQ(connection->binary, 0);
    EXPECT_FALSE(connection->closed);
  }
}

TEST_F(EventStreamTest, ABrowserThatStopsAcknowledgingIsDroppedAtTheWindow) {
  auto [reader, reading] = Open(auditor_);
  auto [stalled, stuck] = Open(admin_);
  // Window 4: hello and three events may be outstanding.
  for (int i = 1; i <= 3; ++i) {
    stream_.Publish({{"type", "event"}, {"id", i}});
    reader->OnMessage(Text(R"({"type":"ack","seq":)" + std::to_string(i + 1) + "}"));
  }
  EXPECT_FALSE(stuck->closed);
  EXPECT_EQ(stuck->texts.size(), 4u);
  stream_.Publish({{"type", "event"}, {"id", 4}});
  EXPECT_TRUE(stuck->closed);
  EXPECT_THAT(stuck->close_reason, HasSubstr("too slow"));
  EXPECT_EQ(stuck->texts.back()["type"], "closed");
  EXPECT_EQ(stream_.size(), 1u);
  // The one that reads goes on.
  EXPECT_FALSE(reading->closed);
  EXPECT_EQ(reading->texts.back(), (json{{"type", "event"}, {"id", 4}, {"seq", 5}}));
  for (int i = 5; i <= 20; ++i) {
    stream_.Publish({{"type", "event"}, {"id", i}});
    reader->OnMessage(Text(R"({"type":"ack","seq":)" + std::to_string(i + 1) + "}"));
  }
  EXPECT_FALSE(reading->closed);
  EXPECT_EQ(reading->texts.size(), 21u);
}

TEST_F(EventStreamTest, TheStreamIsReadOnly) {
  for (const std::string& message :
       {std::string("hello"), std::string(R"({"type":"subscribe","door":3})"),
        std::string(R"({"type":"ack","seq":2})"),  // beyond what was sent
        std::string(R"({"type":"ack","seq":-1})"), std::string(R"({"type":"ack","seq":1,"x":0})"),
        std::string(R"({"type":"ack","seq":"1"})"), std::string("[]")}) {
    auto [endpoint, connection] = Open(auditor_);
    endpoint->OnMessage(Text(message));
    EXPECT_TRUE(connection->closed) << message;
    EXPECT_EQ(connection->texts.back()["type"], "closed") << message;
  }
  EXPECT_EQ(stream_.size(), 0u);
  // Acknowledgements, repeated or old, are what a browser may send.
  auto [endpoint, connection] = Open(auditor_);
  endpoint->OnMessage(Text(R"({"type":"ack","seq":1})"));
  endpoint->OnMessage(Text(R"({"seq":0,"type":"ack"})"));
  EXPECT_FALSE(connection->closed);
}

TEST_F(EventStreamTest, LogoutAndExpiryCloseTheStream) {
  auto [signed_out, out] = Open(auditor_);
  auto [idle, idling] = Open(admin_);
  EXPECT_EQ(stream_.CloseEnded(), 0u);
  sessions_.Remove(auditor_.token);
  EXPECT_EQ(stream_.CloseEnded(), 1u);
  EXPECT_TRUE(out->closed);
  EXPECT_EQ(out->texts.back(), (json{{"type", "closed"}, {"reason", "session ended"}}));
  EXPECT_FALSE(idling->closed);

  // Watching does not keep a session alive: 30 minutes without a request end it.
  clock_.Advance(20min);
  EXPECT_EQ(stream_.CloseEnded(), 0u);
  clock_.Advance(10min);
  EXPECT_EQ(stream_.CloseEnded(), 1u);
  EXPECT_TRUE(idling->closed);
  EXPECT_EQ(stream_.size(), 0u);
  // Nothing more reaches a closed stream.
  const std::size_t texts = idling->texts.size();
  stream_.Publish({{"type", "event"}, {"id", 1}});
  EXPECT_EQ(idling->texts.size(), texts);
}

TEST_F(EventStreamTest, ClosedConnectionsLeaveTheStream) {
  auto [endpoint, connection] = Open(auditor_);
  EXPECT_EQ(stream_.size(), 1u);
  endpoint->OnClose();
  EXPECT_EQ(stream_.size(), 0u);
  stream_.Publish({{"type", "event"}, {"id", 1}});
  EXPECT_EQ(connection->texts.size(), 1u);  // the hello only
}

}  // namespace
}  // namespace sekisho::server
