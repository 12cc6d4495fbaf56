// The HTTPS (or loopback-only HTTP) server: parses requests with Boost.Beast, hands them to an
// HttpHandler, and runs WebSocket connections (RFC 6455) for the paths that have an acceptor.
// Boost stays behind this interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "net/http_message.h"
#include "net/tls_context.h"
#include "net/websocket.h"

namespace sekisho::net {

struct HttpServerOptions {
  // An IPv4 or IPv6 address literal, or "localhost" (127.0.0.1).
  std::string address = "127.0.0.1";
  // 0 asks the system for a free port; HttpServer::port() tells which.
  std::uint16_t port = 0;
  // Null serves plain HTTP, which is allowed only on a loopback address.
  std::shared_ptr<TlsServerContext> tls;
  // I/O threads; handlers run on them.
  int threads = 2;
  // A larger request body is answered 413 and the connection closed.
  std::size_t body_limit = 1 << 20;
  // Larger request headers are answered 431 and the connection closed.
  std::size_t header_limit = 8 << 10;
  // Time for the TLS handshake, and for a whole request from its first byte (slow clients are
  // disconnected); also how long a new connection may stay silent.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(10);
  // How long a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  // Open connections (HTTP and WebSocket); connections beyond it are closed at once.
  std::size_t max_connections = 1024;
  // A larger incoming WebSocket message closes the connection (1009, RFC 6455 §7.4.1).
  std::size_t websocket_message_limit = 4 << 20;
  // Per-route limits replacing websocket_message_limit, keyed by a websocket_routes path: what
  // the peers of that route may send (the server's own messages are not limited).
  std::map<std::string, std::size_t> websocket_route_message_limits;
};

class HttpServer {
 public:
  // Binds and listens (not yet accepting). Requests go to `handler`; an upgrade request whose path
  // (without query) is a key of `websocket_routes` goes to that acceptor, an upgrade request for
  // any other path is answered 404. kInvalidArgument for an address that is not an IP literal or
  // "localhost", for plain HTTP on a non-loopback address, for a zero thread count, limit or
  // connection cap, or for a route message limit that is zero or names a path that is not a
  // WebSocket route; kUnavailable when the address cannot be bound (in use, not local). Logs a
  // warning when serving plain HTTP.
  static Result<std::unique_ptr<HttpServer>> Create(
      const HttpServerOptions& options, HttpHandler handler,
      std::map<std::string, WebSocketAcceptor> websocket_routes = {});

  // Stops the server if it is running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts the I/O threads and accepting. kFailedPrecondition if called twice or after Stop.
  Status Start();

  // The port listened on (the one chosen by the system when 0 was asked).
  std::uint16_t port() const;

  // Stops accepting, lets requests being answered finish, closes every connection (WebSocket
  // endpoints get OnClose), and joins the I/O threads; connections that do not finish within
  // a few seconds are abandoned. Idempotent; call from outside the server's threads.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sekisho::net
