// Test helpers for net_test: one certificate authority with server and client certificates per
// process (key generation is slow), TLS contexts from them, and raw TCP connections for feeding
// the server bytes no well-behaved client would send.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/certificate_authority.h"
#include "net/tls_context.h"

namespace sekisho::net::testing {

struct TestPki {
  CertifiedKey ca;            // CN=Sekisho Test CA
  CertifiedKey server;        // localhost and 127.0.0.1, issued by `ca`
  CertifiedKey client;        // CN=gate-1, issued by `ca` from a CSR
  CertifiedKey other_ca;      // an unrelated CA
  CertifiedKey other_client;  // CN=gate-1, issued by `other_ca`
};

// Built on first use; aborts the test program if the CA fails.
const TestPki& Pki();

// The server's TLS context; with `client_ca`, client certificates from Pki().ca are verified.
std::shared_ptr<TlsServerContext> ServerTls(bool client_ca = true);
// A client context trusting Pki().ca, presenting `client` when given.
std::shared_ptr<TlsClientContext> ClientTls(const CertifiedKey* client = nullptr);

// A blocking TCP connection to 127.0.0.1:port whose reads give up after `read_timeout`.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port,
                         std::chrono::milliseconds read_timeout = std::chrono::seconds(10));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // True when every byte was written.
  bool Write(const std::string& data);
  // Reads until the peer closes, the read times out or `max` bytes; what was read.
  std::string ReadUntilClosed(std::size_t max = 1 << 20);
  // Reads one HTTP response with a Content-Length body; nullopt when the peer closed or the
  // read timed out first.
  std::optional<std::string> ReadResponse();
  // True when the peer closed (EOF or reset) before sending anything more.
  bool PeerClosed();

 private:
  int fd_ = -1;
  std::string pending_;
};

}  // namespace sekisho::net::testing
