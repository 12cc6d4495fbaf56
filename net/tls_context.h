// TLS configuration for the server (its certificate, optional client CA for mutual TLS) and for
// clients (the CA to trust, optional client certificate). TLS 1.2 is the minimum, 1.3 preferred.
// Built once, shared (std::shared_ptr) by every connection; immutable after Create.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sekisho::net {

namespace internal {
struct TlsContextImpl;  // Holds the boost::asio::ssl::context; defined in net/tls_native.h.
}

class TlsServerContext {
 public:
  // The server presents `cert_pem` (its certificate, optionally followed by intermediates) with
  // `key_pem`. With `client_ca_pem`, clients are asked for a certificate, and one they present
  // must chain to that CA or the handshake fails; a client that presents none is still accepted
  // (browsers of the console have none) and its PeerInfo has no client_certificate_sha256.
  // kInvalidArgument (naming which input) for a PEM OpenSSL cannot load or a key that does not
  // match the certificate.
  static Result<std::unique_ptr<TlsServerContext>> CreateFromPem(
      std::string_view cert_pem, std::string_view key_pem,
      std::optional<std::string_view> client_ca_pem);
  // As CreateFromPem, from files; kNotFound / kUnavailable when a file cannot be read.
  static Result<std::unique_ptr<TlsServerContext>> Create(
      const std::filesystem::path& cert_pem_file, const std::filesystem::path& key_pem_file,
      const std::optional<std::filesystem::path>& client_ca_pem_file);

  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // For net/ itself.
  internal::TlsContextImpl& impl() const { return *impl_; }

 private:
  explicit TlsServerContext(std::unique_ptr<internal::TlsContextImpl> impl);
  std::unique_ptr<internal::TlsContextImpl> impl_;
};

class TlsClientContext {
 public:
  // Trusts only the CAs in `ca_pem` and checks that the server's certificate names the host
  // connected to (a DNS or IP subjectAltName, RFC 6125 §6). With `client_cert_pem` and
  // `client_key_pem` (both or neither), presents that certificate when the server asks.
  // kInvalidArgument for a PEM OpenSSL cannot load, a key that does not match the certificate,
  // or only one of the two.
  static Result<std::unique_ptr<TlsClientContext>> CreateFromPem(
      std::string_view ca_pem, std::optional<std::string_view> client_cert_pem,
      std::optional<std::string_view> client_key_pem);
  // As CreateFromPem, from files; kNotFound / kUnavailable when a file cannot be read.
  static Result<std::unique_ptr<TlsClientContext>> Create(
      const std::filesystem::path& ca_pem_file,
      const std::optional<std::filesystem::path>& client_cert_pem_file = std::nullopt,
      const std::optional<std::filesystem::path>& client_key_pem_file = std::nullopt);

  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // For net/ itself.
  internal::TlsContextImpl& impl() const { return *impl_; }

 private:
  explicit TlsClientContext(std::unique_ptr<internal::TlsContextImpl> impl);
  std::unique_ptr<internal::TlsContextImpl> impl_;
};

}  // namespace sekisho::net
