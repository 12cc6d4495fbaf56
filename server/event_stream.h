// EventStream: the console's live view of the doors (DESIGN.md §7 "live events"): a read-only
// WebSocket at /api/v1/events/live for security admins and auditors, signed in with the session
// cookie, that pushes each committed door event and each gate connecting or disconnecting as one
// JSON text message. Cross-site WebSocket hijacking is refused by the Origin check; a browser that
// stops reading is dropped instead of growing the server's queues. docs/server.md §9.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http_message.h"
#include "net/websocket.h"
#include "server/auth_sessions.h"

namespace sekisho::server {

inline constexpr std::string_view kEventStreamPath = "/api/v1/events/live";
// The largest message a browser may send (an acknowledgement); larger ones close the socket.
inline constexpr std::size_t kMaxLiveClientMessage = 256;

struct EventStreamOptions {
  // The scheme of the server's own origin: "https", or "http" under --plain-http.
  std::string scheme = "https";
  // Messages a browser may leave unacknowledged; one more and its socket is closed.
  std::uint64_t window = 256;
};

// Thread-safe. `sessions` must outlive the stream, and the stream the endpoints it returned.
class EventStream {
 public:
  EventStream(SessionStore& sessions, EventStreamOptions options);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The net::WebSocketAcceptor of kEventStreamPath. In this order: kPermissionDenied "cross-origin
  // WebSocket refused" unless the Origin header is the server's own origin (scheme, then "://"
  // and the Host header the browser sent; a missing Origin too); kUnauthenticated without a live
  // session cookie; kPermissionDenied for a role other than security_admin and auditor. An
  // accepted stream starts with {"type": "hello", "seq": 1, "window": N}.
  Result<std::shared_ptr<net::WebSocketEndpoint>> Accept(
      const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection);
  net::WebSocketAcceptor Acceptor();

  // Sends `message` (a JSON object; "seq" is set per stream) to every open stream. Never waits:
  // a stream with `window` messages unacknowledged is closed with "too slow" instead.
  void Publish(const nlohmann::json& message);

  // Closes every stream whose session has ended (signed out, expired, account disabled), after a
  // {"type": "closed", "reason": "session ended"} message. Returns how many. Called periodically.
  std::size_t CloseEnded();

  // Open streams.
  std::size_t size() const;

 private:
  class Subscriber;
  friend class Subscriber;

  std::vector<std::shared_ptr<Subscriber>> Subscribers() const;
  void Remove(const Subscriber* subscriber);

  SessionStore& sessions_;
  const EventStreamOptions options_;
  mutable std::mutex mutex_;
  std::map<const Subscriber*, std::weak_ptr<Subscriber>> subscribers_;
};

// True when `origin` (the Origin header) is `scheme` "://" `host` (the Host header), compared
// without regard to case (RFC 6454 §6.1 serialisation; hosts are case-insensitive).
bool IsSameOrigin(std::string_view origin, std::string_view scheme, std::string_view host);

}  // namespace sekisho::server
