#include "pki/crl_source.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <string>
#include <system_error>

#include "pki/file_io.h"

namespace sekisho::pki {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxHeaderSize = 16 * 1024;
constexpr std::size_t kMaxShownHeader = 200;  // characters of a header value in a message
constexpr std::chrono::milliseconds kResolveSlack{50};

struct HttpUrl {
  std::string host;  // without brackets, for the resolver
  std::string port;
  std::string host_header;  // as written in the URL
  std::string target;       // path and query, "/" when empty
};

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// RFC 3986 §3 for the http scheme (RFC 9110 §4.2.1), restricted: no userinfo, no fragment kept.
Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("CRL URL: " + std::string(why));
  };
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) return bad("contains a space, control or non-ASCII byte");
  }
  if (StartsWithNoCase(url, "https://")) {
    return bad(
        "https:// is not supported: a CRL is signed by its issuer, so fetch it over "
        "http:// (see docs/pki.md)");
  }
  if (!StartsWithNoCase(url, "http://")) return bad("only http:// URLs are supported");
  std::string_view rest = url.substr(7);
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const std::size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return bad("user information is not allowed");
  HttpUrl out;
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  if (port.empty()) {
    out.port = "80";
  } else {
    unsigned long value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return bad("the port is not a number in 1-65535");
      value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (value == 0 || value > 65535) return bad("the port is not a number in 1-65535");
    out.port = std::to_string(value);
  }
  out.host_header = std::string(authority);
  out.target = target.empty() ? "/" : std::string(target);
  if (out.target.front() == '?') out.target.insert(0, "/");
  return out;
}

// A header value from the server for a message: as sent if short and printable ASCII, otherwise
// `placeholder`, so a hostile server cannot put control characters or megabytes into logs.
std::string Shown(std::string_view value, std::string_view placeholder) {
  if (value.empty() || value.size() > kMaxShownHeader) return std::string(placeholder);
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F) return std::string(placeholder);
  }
  return std::string(value);
}

// Maps a transport or parser error of the fetch to a Status.
Status FetchError(const beast::error_code& ec, std::string_view phase,
                  const FetchOptions& options) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return DeadlineExceededError("no complete answer within " +
                                 std::to_string(options.timeout.count()) + " ms (" +
                                 std::string(phase) + ")");
  }
  if (ec == http::error::body_limit) {
    return InvalidArgumentError("CRL larger than " + SizeText(options.max_size));
  }
  if (ec == asio::error::connection_refused) return UnavailableError("connection refused");
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
      ec == asio::error::no_data) {
    return UnavailableError("cannot resolve the host: " + ec.message());
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe) {
    return UnavailableError("the connection closed before the response was complete (" +
                            std::string(phase) + ")");
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return DataLossError("malformed HTTP response: " + ec.message());
  }
  return UnavailableError(std::string(phase) + ": " + ec.message());
}

Result<Crl> Fetch(const HttpUrl& url, const FetchOptions& options) {
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host_header);
  request.set(http::field::user_agent, "sekisho");
  request.set(http::field::accept, "application/pkix-crl, */*");
  request.set(http::field::connection, "close");
  http::response_parser<http::vector_body<std::uint8_t>> parser;
  parser.header_limit(kMaxHeaderSize);
  parser.body_limit(options.max_size);

  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  Status failure;
  bool done = false;
  auto fail = [&](const beast::error_code& ec, std::string_view phase) {
    failure = FetchError(ec, phase, options);
    done = true;
  };
  resolver.async_resolve(
      url.host, url.port,
      [&](const beast::error_code& resolve_error, const tcp::resolver::results_type& results) {
        if (resolve_error) return fail(resolve_error, "resolving");
        stream.expires_at(deadline);
        stream.async_connect(results, [&](const beast::error_code& connect_error,
                                          const tcp::endpoint&) {
          if (connect_error) return fail(connect_error, "connecting");
          http::async_write(
              stream, request, [&](const beast::error_code& write_error, std::size_t) {
                if (write_error) return fail(write_error, "sending the request");
                // The header first, and its Content-Length checked here: Boost.Beast 1.74 loses the
                // body_limit error of the header check when it parses eagerly (as async_read does),
                // so a hostile server could otherwise announce and send any size.
                http::async_read_header(
                    stream, buffer, parser,
                    [&](const beast::error_code& header_error, std::size_t) {
                      if (header_error) return fail(header_error, "receiving the response header");
                      if (parser.content_length() && *parser.content_length() > options.max_size) {
                        return fail(http::error::body_limit, "receiving the response header");
                      }
                      http::async_read(stream, buffer, parser,
                                       [&](const beast::error_code& read_error, std::size_t) {
                                         if (read_error)
                                           return fail(read_error, "receiving the response");
                                         done = true;
                                       });
                    });
              });
        });
      });
  // The stream's own timer ends the connect, send and receive phases at the deadline; this one
  // (a little later, so that timer reports its phase) ends a resolution that is still running.
  ioc.run_until(deadline + kResolveSlack);
  if (!done) {
    // The handlers see operation_aborted and record the phase. Cancelling cannot stop a running
    // getaddrinfo: the drain waits for it (bounded by the system resolver's timeout).
    resolver.cancel();
    beast::error_code ignored;
    stream.socket().close(ignored);
    ioc.restart();
    ioc.run();
    if (!done) return FetchError(beast::error::timeout, "resolving", options);
  }
  if (!failure.ok()) return failure;

  const auto& response = parser.get();
  const unsigned status = response.result_int();
  const auto reason_text = response.reason();
  const std::string reason =
      std::to_string(status) + " " +
      Shown(std::string_view(reason_text.data(), reason_text.size()), "(no readable reason)");
  if (status == 200) return ParseCrl(response.body());
  if (status == 404 || status == 410) return NotFoundError("HTTP " + reason + ": no CRL there");
  if (status >= 300 && status < 400) {
    const auto location_text = response[http::field::location];
    const std::string_view location(location_text.data(), location_text.size());
    return FailedPreconditionError("HTTP " + reason + ": the server redirects to " +
                                   Shown(location, "(no readable Location header)") +
                                   "; redirects are not followed, configure the final http:// URL");
  }
  if (status >= 500 && status < 600) {
    return UnavailableError("HTTP " + reason + " from the server; retry later");
  }
  return FailedPreconditionError("HTTP " + reason + " instead of 200 OK");
}

}  // namespace

Result<Crl> ParseCrl(ByteView data) {
  std::size_t i = 0;
  while (i < data.size() && std::isspace(data[i]) != 0) ++i;
  constexpr std::string_view kPemBegin = "-----BEGIN";
  const bool pem = data.size() - i >= kPemBegin.size() &&
                   std::equal(kPemBegin.begin(), kPemBegin.end(), data.begin() + i);
  Result<Crl> crl = pem ? Crl::FromPem(std::string_view(
                              reinterpret_cast<const char*>(data.data()) + i, data.size() - i))
                        : Crl::FromDer(data);
  if (!crl.ok()) return DataLossError("not a CRL: " + crl.status().message());
  return crl;
}

Result<Crl> LoadCrlFile(const std::filesystem::path& path, std::size_t max_size) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_size) {
    return InvalidArgumentError(path.string() + ": CRL larger than " + SizeText(max_size));
  }
  ASSIGN_OR_RETURN(const std::string text, ReadFileUpTo(path, max_size));
  Result<Crl> crl =
      ParseCrl(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  if (!crl.ok()) return crl.status().WithContext(path.string());
  return crl;
}

Result<Crl> FetchCrl(std::string_view http_url, const FetchOptions& options) {
  ASSIGN_OR_RETURN(const HttpUrl url, ParseHttpUrl(http_url));
  Result<Crl> crl = Fetch(url, options);
  if (!crl.ok()) return crl.status().WithContext("CRL fetch from " + std::string(http_url));
  return crl;
}

}  // namespace sekisho::pki
