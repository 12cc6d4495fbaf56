#include "net/tls_context.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <utility>

#include "net/tls_native.h"
#include "pki/file_io.h"
#include "pki/openssl_types.h"

namespace sekisho::net {
namespace {

namespace ssl = boost::asio::ssl;

// Context id for session resumption: OpenSSL refuses to resume a session on a server that
// verifies client certificates unless one is set.
constexpr unsigned char kSessionIdContext[] = "sekisho";

Status ErrorFor(std::string_view what, const boost::system::error_code& ec) {
  std::string detail = pki::OpenSslErrorText();
  if (detail == "no OpenSSL error reported") detail = ec.message();
  return InvalidArgumentError(std::string(what) + ": " + detail);
}

// The settings both ends share: TLS 1.2 or later (RFC 8996 deprecates 1.0 and 1.1), no
// compression, no renegotiation.
Status ApplyCommonSettings(ssl::context& context) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression);
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return InternalError("cannot set the minimum TLS version: " + pki::OpenSslErrorText());
  }
  return OkStatus();
}

// Loads the certificate (chain) and its key and checks that they belong together.
Status LoadIdentity(ssl::context& context, std::string_view cert_pem, std::string_view key_pem,
                    std::string_view whose) {
  boost::system::error_code ec;
  context.use_certificate_chain(boost::asio::buffer(cert_pem.data(), cert_pem.size()), ec);
  if (ec) return ErrorFor(std::string(whose) + " certificate PEM", ec);
  context.use_private_key(boost::asio::buffer(key_pem.data(), key_pem.size()), ssl::context::pem,
                          ec);
  if (ec) return ErrorFor(std::string(whose) + " key PEM", ec);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    pki::OpenSslErrorText();
    return InvalidArgumentError(std::string(whose) + " key does not match its certificate");
  }
  return OkStatus();
}

// Adds every certificate of `ca_pem` to the verification store; with `announce`, also to the
// list of acceptable client CAs the server sends in its CertificateRequest (RFC 8446 §4.3.2).
Status LoadTrustedCas(ssl::context& context, std::string_view ca_pem, bool announce,
                      std::string_view what) {
  pki::BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  X509_STORE* store = SSL_CTX_get_cert_store(context.native_handle());
  int count = 0;
  while (true) {
    pki::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      return InvalidArgumentError(std::string(what) +
                                  ": cannot add a certificate: " + pki::OpenSslErrorText());
    }
    if (announce && SSL_CTX_add_client_CA(context.native_handle(), cert.get()) != 1) {
      return InternalError("SSL_CTX_add_client_CA failed: " + pki::OpenSslErrorText());
    }
    ++count;
  }
  // The loop ends on "no start line" at the end of the input; that error is expected.
  ERR_clear_error();
  if (count == 0) {
    return InvalidArgumentError(std::string(what) + " contains no PEM certificate");
  }
  return OkStatus();
}

// Reads a PEM file; the contents are wiped when the holder dies (for keys).
class FileText {
 public:
  explicit FileText(std::string text) : text_(std::move(text)) {}
  ~FileText() { OPENSSL_cleanse(text_.data(), text_.size()); }
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

Result<std::unique_ptr<FileText>> ReadPem(const std::filesystem::path& path) {
  Result<std::string> text = pki::ReadSmallFile(path);
  if (!text.ok()) return text.status();
  return std::make_unique<FileText>(std::move(text).value());
}

}  // namespace

namespace internal {

std::optional<std::string> VerifiedPeerCertificateSha256(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
    pki::OpenSslErrorText();
    return std::nullopt;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

Status SetExpectedServerName(SSL* ssl, std::string_view host) {
  std::string name(host);
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  if (!ec) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) != 1) {
      return InternalError("cannot set the expected server address: " + pki::OpenSslErrorText());
    }
    return OkStatus();
  }
  // SNI (RFC 6066 §3) carries host names only, never addresses.
  if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1 || SSL_set1_host(ssl, name.c_str()) != 1) {
    return InternalError("cannot set the expected server name: " + pki::OpenSslErrorText());
  }
  return OkStatus();
}

}  // namespace internal

TlsServerContext::TlsServerContext(std::unique_ptr<internal::TlsContextImpl> impl)
    : impl_(std::move(impl)) {}
TlsServerContext::~TlsServerContext() = default;

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::CreateFromPem(
    std::string_view cert_pem, std::string_view key_pem,
    std::optional<std::string_view> client_ca_pem) {
  auto impl = std::make_unique<internal::TlsContextImpl>(ssl::context::tls_server);
  ssl::context& context = impl->context;
  RETURN_IF_ERROR(ApplyCommonSettings(context));
  RETURN_IF_ERROR(LoadIdentity(context, cert_pem, key_pem, "server"));
  SSL_CTX_set_session_id_context(context.native_handle(), kSessionIdContext,
                                 sizeof kSessionIdContext - 1);
  if (client_ca_pem.has_value()) {
    RETURN_IF_ERROR(LoadTrustedCas(context, *client_ca_pem, /*announce=*/true, "client CA PEM"));
    // Requested and verified when presented, not required (no verify_fail_if_no_peer_cert).
    context.set_verify_mode(ssl::verify_peer);
  } else {
    context.set_verify_mode(ssl::verify_none);
  }
  return std::unique_ptr<TlsServerContext>(new TlsServerContext(std::move(impl)));
}

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::Create(
    const std::filesystem::path& cert_pem_file, const std::filesystem::path& key_pem_file,
    const std::optional<std::filesystem::path>& client_ca_pem_file) {
  ASSIGN_OR_RETURN(auto cert, ReadPem(cert_pem_file));
  ASSIGN_OR_RETURN(auto key, ReadPem(key_pem_file));
  std::unique_ptr<FileText> client_ca;
  if (client_ca_pem_file.has_value()) {
    ASSIGN_OR_RETURN(client_ca, ReadPem(*client_ca_pem_file));
  }
  return CreateFromPem(
      cert->text(), key->text(),
      client_ca ? std::optional<std::string_view>(client_ca->text()) : std::nullopt);
}

TlsClientContext::TlsClientContext(std::unique_ptr<internal::TlsContextImpl> impl)
    : impl_(std::move(impl)) {}
TlsClientContext::~TlsClientContext() = default;

Result<std::unique_ptr<TlsClientContext>> TlsClientContext::CreateFromPem(
    std::string_view ca_pem, std::optional<std::string_view> client_cert_pem,
    std::optional<std::string_view> client_key_pem) {
  if (client_cert_pem.has_value() != client_key_pem.has_value()) {
    return InvalidArgumentError("a client certificate needs its key and a key its certificate");
  }
  auto impl = std::make_unique<internal::TlsContextImpl>(ssl::context::tls_client);
  ssl::context& context = impl->context;
  RETURN_IF_ERROR(ApplyCommonSettings(context));
  RETURN_IF_ERROR(LoadTrustedCas(context, ca_pem, /*announce=*/false, "CA PEM"));
  context.set_verify_mode(ssl::verify_peer);
  if (client_cert_pem.has_value()) {
    RETURN_IF_ERROR(LoadIdentity(context, *client_cert_pem, *client_key_pem, "client"));
  }
  return std::unique_ptr<TlsClientContext>(new TlsClientContext(std::move(impl)));
}

Result<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(
    const std::filesystem::path& ca_pem_file,
    const std::optional<std::filesystem::path>& client_cert_pem_file,
    const std::optional<std::filesystem::path>& client_key_pem_file) {
  if (client_cert_pem_file.has_value() != client_key_pem_file.has_value()) {
    return InvalidArgumentError("a client certificate needs its key and a key its certificate");
  }
  ASSIGN_OR_RETURN(auto ca, ReadPem(ca_pem_file));
  std::unique_ptr<FileText> cert;
  std::unique_ptr<FileText> key;
  if (client_cert_pem_file.has_value()) {
    ASSIGN_OR_RETURN(cert, ReadPem(*client_cert_pem_file));
    ASSIGN_OR_RETURN(key, ReadPem(*client_key_pem_file));
  }
  return CreateFromPem(ca->text(),
                       cert ? std::optional<std::string_view>(cert->text()) : std::nullopt,
                       key ? std::optional<std::string_view>(key->text()) : std::nullopt);
}

}  // namespace sekisho::net
