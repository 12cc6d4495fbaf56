// WebSocket connections (RFC 6455) as the server's endpoints and their tests see them, independent
// of the transport: net/http_server.h accepts upgrades and drives these interfaces with
// Boost.Beast; tests drive them in memory.
#pragma once

#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "net/http_message.h"

namespace sekisho::net {

// The server's end of one open WebSocket connection.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // Queues a binary message; thread-safe, never blocks on the network. Messages are sent in the
  // order queued. Ignored once the connection is closing or closed.
  virtual void Send(Bytes message) = 0;
  // Queues a text message (UTF-8), as Send.
  virtual void SendText(std::string message) = 0;
  // Starts a normal close (code 1000) with `reason` (at most 123 bytes are sent); thread-safe.
  virtual void Close(std::string reason) = 0;
  virtual const PeerInfo& peer() const = 0;
};

// What the server calls for one accepted connection, from the connection's own strand: calls for
// one connection never overlap, calls for different connections may run at once.
class WebSocketEndpoint {
 public:
  virtual ~WebSocketEndpoint() = default;
  // A complete message arrived (binary or text).
  virtual void OnMessage(ByteView message) = 0;
  // The connection is closed (by either side or by an error); called exactly once, last.
  virtual void OnClose() = 0;
};

// Decides whether to accept an upgrade request for its path; called before the handshake
// completes. An endpoint accepts it: `connection` stays valid while the endpoint holds it. An
// error refuses it with an HTTP status mapped from the code (kUnauthenticated 401,
// kPermissionDenied 403, kNotFound 404, kInvalidArgument 400, others 503) and the message as the
// JSON error.
using WebSocketAcceptor = std::function<Result<std::shared_ptr<WebSocketEndpoint>>(
    const HttpRequest& upgrade, std::shared_ptr<WebSocketConnection> connection)>;

}  // namespace sekisho::net
