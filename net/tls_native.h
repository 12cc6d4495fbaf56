// Internal to net/: the Asio SSL context behind TlsServerContext and TlsClientContext, and the
// TLS helpers the server and clients share. Includes Boost; never include it outside net/*.cc.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sekisho::net::internal {

struct TlsContextImpl {
  explicit TlsContextImpl(boost::asio::ssl::context::method method) : context(method) {}
  boost::asio::ssl::context context;
};

// Lower-case hex SHA-256 of the peer certificate of `ssl` when the handshake verified one
// (SSL_get_verify_result is X509_V_OK); nullopt otherwise.
std::optional<std::string> VerifiedPeerCertificateSha256(SSL* ssl);

// Sets SNI and the name the server certificate must carry: an IP subjectAltName when `host` is
// an IP address, a DNS one otherwise (RFC 6125 §6). kInternal if OpenSSL refuses.
Status SetExpectedServerName(SSL* ssl, std::string_view host);

}  // namespace sekisho::net::internal
