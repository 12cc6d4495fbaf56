// HTTP requests and responses as the server's handlers see them: plain values, independent of the
// transport (net/http_server.h parses and writes them with Boost.Beast), so handlers and their
// tests never include Beast. Header names are stored in lower case (RFC 9110 §5.1: they are
// case-insensitive).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sekisho::net {

// Who is on the other end of a connection.
struct PeerInfo {
  std::string address;    // the remote IP address, as text
  bool loopback = false;  // the remote address is 127.0.0.0/8 or ::1
  // Lower-case hex SHA-256 of the DER client certificate the TLS handshake verified against the
  // server's client CA (mutual TLS); nullopt without one.
  std::optional<std::string> client_certificate_sha256;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // origin-form: path and optional "?query"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  PeerInfo peer;

  // The value of header `name` (lower case), or "" when absent.
  std::string_view Header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  }
  // The target without its query.
  std::string_view Path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
  // The raw query after '?', or "" when there is none.
  std::string_view Query() const {
    std::string_view t = target;
    std::size_t q = t.find('?');
    return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  }
};

struct HttpResponse {
  int status = 200;
  // In order; names as they are to be sent. The server adds Content-Length and Server.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// True when `text` holds a CR or LF, which would split a message (RFC 9112 §2.2): the client
// refuses such a method, target or header field, the server such a response header.
inline bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Answers one request. Runs on one of the server's threads; must be thread-safe.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace sekisho::net
