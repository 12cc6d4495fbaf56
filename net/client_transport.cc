#include "net/client_transport.h"

#include <boost/beast/core/error.hpp>

namespace sekisho::net::internal {

Status TransportError(std::string_view what, const boost::system::error_code& ec) {
  std::string message = std::string(what) + ": " + ec.message();
  if (ec == boost::beast::error::timeout) return DeadlineExceededError(std::move(message));
  if (ec.category() == boost::asio::error::get_ssl_category() ||
      ec.category() == boost::asio::ssl::error::get_stream_category()) {
    if (ec == boost::asio::ssl::error::stream_truncated) {
      return UnavailableError(std::move(message));
    }
    return UnauthenticatedError(std::move(message));
  }
  return UnavailableError(std::move(message));
}

}  // namespace sekisho::net::internal
