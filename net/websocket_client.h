// The client end of a WebSocket connection (RFC 6455), plain to a loopback host or over TLS
// (optionally with a client certificate): what a gate uses to talk to the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "net/tls_context.h"

namespace sekisho::net {

struct ClientOptions {
  std::string host;  // a host name or IP literal; also what the server certificate must name
  std::uint16_t port = 0;
  std::string path = "/";  // origin-form target of the upgrade request
  // Null: plain, only to a loopback host.
  std::shared_ptr<TlsClientContext> tls;
  // Added to the upgrade request (e.g. {"Authorization", "..."}).
  std::vector<std::pair<std::string, std::string>> headers;
  // For connecting, the TLS handshake and the WebSocket handshake together.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  // A larger incoming message closes the connection.
  std::size_t message_limit = 4 << 20;
};

class WebSocketClient {
 public:
  // Connects and completes the handshake. kInvalidArgument for plain to a non-loopback host;
  // kDeadlineExceeded when `timeout` passes; kUnauthenticated when TLS fails (server certificate
  // not trusted or not naming the host, or the server refused ours); kUnavailable when the server
  // cannot be reached. A refused upgrade returns the code for its HTTP status
  // (StatusCodeForHttpStatus: 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, ...)
  // with the server's JSON "error" text as the message.
  static Result<std::unique_ptr<WebSocketClient>> Connect(const ClientOptions& options);

  // Closes the connection (as Close) and joins the I/O thread.
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Queues a binary message; thread-safe, does not wait for the network. Messages are sent in the
  // order queued. kUnavailable once the connection is closed or closing.
  Status Send(ByteView message);

  // The next received message (binary or text), waiting at most `timeout`. Messages that arrived
  // before the connection closed are returned first. kDeadlineExceeded when none came in time;
  // kUnavailable, with the reason, once the connection is closed and nothing is left. One
  // receiving thread at a time.
  Result<Bytes> Receive(std::chrono::milliseconds timeout);

  // Sends a normal close (1000) after the queued messages, waits briefly for the server's answer,
  // and stops. Idempotent; thread-safe.
  void Close();

  class Impl;

 private:
  explicit WebSocketClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sekisho::net
