// Internal to net/: how both clients open a connection (resolve, TCP connect, TLS handshake with
// server name checking) on an io_context driven by the calling thread. Includes Boost; never
// include it outside net/*.cc.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/status.h"
#include "net/tls_native.h"

namespace sekisho::net::internal {

using PlainClientStream = boost::beast::tcp_stream;
using TlsClientStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Starts one asynchronous operation with `initiate(handler)` and runs `io` until it completes;
// returns its error code. Only for an io_context no other thread runs.
// Other work (a WebSocket stream's timer, say) may stay queued: `io` runs only until this
// operation's handler has run.
template <typename Initiate>
boost::system::error_code RunOp(boost::asio::io_context& io, Initiate&& initiate) {
  boost::system::error_code result = boost::asio::error::operation_aborted;
  bool done = false;
  initiate([&result, &done](boost::system::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  return result;
}

// kDeadlineExceeded for a timeout, kUnauthenticated for a TLS failure (the peer's certificate
// was not accepted, or ours was not), kUnavailable for other network errors; the message is
// "<what>: <reason>".
Status TransportError(std::string_view what, const boost::system::error_code& ec);

// Resolves `host`, connects, and for a TLS stream completes the handshake, checking that the
// server's certificate names `host`. The stream's timer must have been set by the caller.
template <typename Stream>
Status OpenClientStream(boost::asio::io_context& io, Stream& stream, const std::string& host,
                        std::uint16_t port) {
  namespace asio = boost::asio;
  const std::string where = host + " port " + std::to_string(port);
  asio::ip::tcp::resolver resolver(io);
  asio::ip::tcp::resolver::results_type endpoints;
  boost::system::error_code ec = RunOp(io, [&](auto handler) {
    resolver.async_resolve(host, std::to_string(port),
                           [&endpoints, handler](boost::system::error_code e,
                                                 asio::ip::tcp::resolver::results_type r) {
                             endpoints = std::move(r);
                             handler(e);
                           });
  });
  if (ec) return TransportError("cannot resolve " + host, ec);
  ec = RunOp(io, [&](auto handler) {
    boost::beast::get_lowest_layer(stream).async_connect(
        endpoints, [handler](boost::system::error_code e, const auto&) { handler(e); });
  });
  if (ec) return TransportError("cannot connect to " + where, ec);
  if constexpr (std::is_same_v<Stream, TlsClientStream>) {
    Status named = SetExpectedServerName(stream.native_handle(), host);
    if (!named.ok()) return named;
    ec = RunOp(
        io, [&](auto handler) { stream.async_handshake(asio::ssl::stream_base::client, handler); });
    if (ec) return TransportError("TLS handshake with " + where, ec);
  }
  return OkStatus();
}

}  // namespace sekisho::net::internal
