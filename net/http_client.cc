#include "net/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <type_traits>

#include "net/client_transport.h"
#include "net/loopback.h"

namespace sekisho::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using internal::PlainClientStream;
using internal::TlsClientStream;
using internal::TransportError;

Result<http::request<http::string_body>> ToBeastRequest(const FetchOptions& options,
                                                        const HttpRequest& request) {
  if (request.method.empty() || HasLineBreak(request.method) ||
      request.method.find(' ') != std::string::npos) {
    return InvalidArgumentError("fetch: malformed method");
  }
  if (request.target.empty() || request.target.front() != '/' || HasLineBreak(request.target) ||
      request.target.find(' ') != std::string::npos) {
    return InvalidArgumentError("fetch: the target must be a path in origin-form");
  }
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(request.target);
  req.version(11);
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      return InvalidArgumentError("fetch: malformed header");
    }
    if (name == "content-length" || name == "transfer-encoding" || name == "connection") continue;
    req.set(name, value);
  }
  if (req.find(http::field::host) == req.end()) {
    const bool ipv6 = options.host.find(':') != std::string::npos;
    req.set(http::field::host,
            (ipv6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port));
  }
  req.set(http::field::user_agent, "Sekisho");
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();
  return req;
}

template <typename Stream>
Result<HttpResponse> Exchange(asio::io_context& io, Stream& stream, const FetchOptions& options,
                              http::request<http::string_body>& req) {
  const std::string where = options.host + " port " + std::to_string(options.port);
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  RETURN_IF_ERROR(internal::OpenClientStream(io, stream, options.host, options.port));
  beast::error_code ec =
      internal::RunOp(io, [&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) return TransportError("fetch: sending to " + where, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);
  ec =
      internal::RunOp(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec == http::error::body_limit) {
    return DataLossError("fetch: response from " + where + " is larger than the body limit");
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return DataLossError("fetch: malformed response from " + where + ": " + ec.message());
  }
  if (ec) return TransportError("fetch: reading from " + where, ec);
  http::response<http::string_body> res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  if constexpr (std::is_same_v<Stream, TlsClientStream>) {
    // close_notify (RFC 8446 §6.1); the response is complete, so a failure here does not matter.
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    internal::RunOp(io, [&](auto handler) { stream.async_shutdown(handler); });
  }
  return out;
}

}  // namespace

Result<HttpResponse> Fetch(const FetchOptions& options, const HttpRequest& request) {
  if (!options.tls && !IsLoopbackHost(options.host)) {
    return InvalidArgumentError("fetch: plain HTTP is allowed only to a loopback host, not " +
                                options.host);
  }
  ASSIGN_OR_RETURN(auto req, ToBeastRequest(options, request));
  asio::io_context io;
  if (options.tls) {
    TlsClientStream stream(io, options.tls->impl().context);
    return Exchange(io, stream, options, req);
  }
  PlainClientStream stream(io);
  return Exchange(io, stream, options, req);
}

}  // namespace sekisho::net
