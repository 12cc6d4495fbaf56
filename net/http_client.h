// A one-shot HTTP(S) client (one request per connection): for `sekisho gate register` and tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "net/http_message.h"
#include "net/tls_context.h"

namespace sekisho::net {

struct FetchOptions {
  std::string host;  // a host name or IP literal; also what the server certificate must name
  std::uint16_t port = 0;
  // Null: plain HTTP, only to a loopback host.
  std::shared_ptr<TlsClientContext> tls;
  // For the whole exchange: connect, handshake, request and response.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  // A larger response body fails the fetch.
  std::size_t body_limit = 8 << 20;
};

// Sends `request` (method, target, headers, body; `peer` is ignored) and returns the response,
// whatever its status: an HTTP error status is a response, not an error. Host, Content-Length
// and "Connection: close" are set here. kInvalidArgument for plain HTTP to a non-loopback host or
// an unsendable request; kDeadlineExceeded when the timeout passes; kUnauthenticated when TLS
// fails (certificate not trusted or not naming the host); kUnavailable when the server cannot be
// reached or closes early; kDataLoss for a malformed or oversized response.
Result<HttpResponse> Fetch(const FetchOptions& options, const HttpRequest& request);

}  // namespace sekisho::net
