#include "server/event_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace sekisho::server {
namespace {

using nlohmann::json;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The sequence number of a browser's acknowledgement {"type": "ack", "seq": N}; nullopt for
// anything else.
std::optional<std::uint64_t> AckOf(ByteView message) {
  const json parsed = json::parse(message.begin(), message.end(), nullptr, false);
  if (!parsed.is_object() || parsed.size() != 2) return std::nullopt;
  const auto type = parsed.find("type");
  const auto seq = parsed.find("seq");
  if (type == parsed.end() || seq == parsed.end() || *type != "ack" || !seq->is_number_unsigned()) {
    return std::nullopt;
  }
  return seq->get<std::uint64_t>();
}

}  // namespace

bool IsSameOrigin(std::string_view origin, std::string_view scheme, std::string_view host) {
  if (host.empty() || scheme.empty()) return false;
  const std::string own = std::string(scheme) + "://" + std::string(host);
  return EqualsIgnoringCase(origin, own);
}

// One browser's stream. Its messages are numbered from 1 ("seq"); the browser acknowledges what
// it has handled with {"type": "ack", "seq": N}.
class EventStream::Subscriber final : public net::WebSocketEndpoint {
 public:
  Subscriber(EventStream& stream, std::shared_ptr<net::WebSocketConnection> connection,
             std::string token, std::string login)
      : stream_(stream),
        connection_(std::move(connection)),
        token_(std::move(token)),
        login_(std::move(login)) {}

  void OnMessage(ByteView message) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    const std::optional<std::uint64_t> ack = AckOf(message);
    if (!ack) {
      CloseWith("read-only stream: only acknowledgements are accepted");
      return;
    }
    if (*ack > sent_) {
      CloseWith("acknowledgement of a message not sent");
      return;
    }
    acked_ = std::max(acked_, *ack);
  }

  void OnClose() override {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    spdlog::info("live events: stream of {} closed", login_);
    stream_.Remove(this);
  }

  // Sends `message` with the next sequence number, or closes the stream when the browser is
  // `window` messages behind.
  void Deliver(json message) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (sent_ - acked_ >= stream_.options_.window) {
      spdlog::warn("live events: {} left {} messages unacknowledged; closing the stream", login_,
                   sent_ - acked_);
      CloseWith("too slow: " + std::to_string(sent_ - acked_) + " messages unacknowledged");
      return;
    }
    message["seq"] = ++sent_;
    connection_->SendText(message.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  // Closes the stream when its session has ended; true when it did.
  bool CloseIfEnded(SessionStore& sessions) {
    std::lock_guard lock(mutex_);
    if (closed_ || sessions.Peek(token_).ok()) return false;
    spdlog::info("live events: the session of {} ended; closing its stream", login_);
    CloseWith("session ended");
    return true;
  }

 private:
  // Called with mutex_ held: tells the browser why, then closes.
  void CloseWith(const std::string& reason) {
    closed_ = true;
    stream_.Remove(this);
    connection_->SendText(json{{"type", "closed"}, {"reason", reason}}.dump());
    connection_->Close(reason);
  }

  EventStream& stream_;
  const std::shared_ptr<net::WebSocketConnection> connection_;
  const std::string token_;
  const std::string login_;
  std::mutex mutex_;
  bool closed_ = false;
  std::uint64_t sent_ = 0;
  std::uint64_t acked_ = 0;
};

EventStream::EventStream(SessionStore& sessions, EventStreamOptions options)
    : sessions_(sessions), options_(std::move(options)) {}

EventStream::~EventStream() = default;

Result<std::shared_ptr<net::WebSocketEndpoint>> EventStream::Accept(
    const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection) {
  const std::string_view origin = upgrade.Header("origin");
  if (!IsSameOrigin(origin, options_.scheme, upgrade.Header("host"))) {
    spdlog::warn("live events: upgrade from {} refused: Origin '{}' is not this server's",
                 upgrade.peer.address, origin.substr(0, 100));
    return PermissionDeniedError("cross-origin WebSocket refused");
  }
  const std::optional<std::string> token = SessionTokenFromCookie(upgrade.Header("cookie"));
  if (!token || token->empty()) {
    return UnauthenticatedError("sign in first: the request has no session");
  }
  ASSIGN_OR_RETURN(Session session, sessions_.Use(*token));
  if (session.role != Role::kSecurityAdmin && session.role != Role::kAuditor) {
    return PermissionDeniedError("role " + std::string(RoleName(session.role)) +
                                 " may not watch the live events");
  }
  auto subscriber =
      std::make_shared<Subscriber>(*this, std::move(connection), *token, session.login);
  {
    std::lock_guard lock(mutex_);
    subscribers_[subscriber.get()] = subscriber;
  }
  spdlog::info("live events: {} ({}) watching from {}", session.login, RoleName(session.role),
               upgrade.peer.address);
  subscriber->Deliver({{"type", "hello"}, {"window", options_.window}});
  return std::shared_ptr<net::WebSocketEndpoint>(subscriber);
}

net::WebSocketAcceptor EventStream::Acceptor() {
  return [this](const net::HttpRequest& upgrade,
                std::shared_ptr<net::WebSocketConnection> connection) {
    return Accept(upgrade, std::move(connection));
  };
}

std::vector<std::shared_ptr<EventStream::Subscriber>> EventStream::Subscribers() const {
  std::vector<std::shared_ptr<Subscriber>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : subscribers_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void EventStream::Publish(const json& message) {
  for (const auto& subscriber : Subscribers()) subscriber->Deliver(message);
}

std::size_t EventStream::CloseEnded() {
  std::size_t closed = 0;
  for (const auto& subscriber : Subscribers()) {
    if (subscriber->CloseIfEnded(sessions_)) ++closed;
  }
  return closed;
}

std::size_t EventStream::size() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void EventStream::Remove(const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(subscriber);
}

}  // namespace sekisho::server
