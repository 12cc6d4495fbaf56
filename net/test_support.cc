#include "net/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace sekisho::net::testing {
namespace {

template <typename T>
T OrDie(Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "test PKI: %s: %s\n", what, result.status().ToString().c_str());
    std::abort();
  }
  return std::move(result).value();
}

CertifiedKey ClientFrom(const CertifiedKey& ca) {
  KeyAndCsr request = OrDie(MakeKeyAndCsr("requested-name"), "CSR");
  std::string cert = OrDie(SignCsr(ca, request.csr_pem, "gate-1", std::chrono::hours(24)), "sign");
  return CertifiedKey{std::move(cert), std::move(request.key_pem)};
}

TestPki* MakePki() {
  auto* pki = new TestPki;
  pki->ca = OrDie(CreateCertificateAuthority("Sekisho Test CA", std::chrono::hours(24)), "CA");
  pki->server = OrDie(IssueServerCertificate(pki->ca), "server certificate");
  pki->client = ClientFrom(pki->ca);
  pki->other_ca =
      OrDie(CreateCertificateAuthority("Sekisho Test CA", std::chrono::hours(24)), "other CA");
  pki->other_client = ClientFrom(pki->other_ca);
  return pki;
}

}  // namespace

const TestPki& Pki() {
  static const TestPki* pki = MakePki();
  return *pki;
}

std::shared_ptr<TlsServerContext> ServerTls(bool client_ca) {
  const TestPki& pki = Pki();
  return OrDie(TlsServerContext::CreateFromPem(
                   pki.server.cert_pem, pki.server.KeyPemText(),
                   client_ca ? std::optional<std::string_view>(pki.ca.cert_pem) : std::nullopt),
               "server TLS");
}

std::shared_ptr<TlsClientContext> ClientTls(const CertifiedKey* client) {
  const TestPki& pki = Pki();
  if (client == nullptr) {
    return OrDie(TlsClientContext::CreateFromPem(pki.ca.cert_pem, std::nullopt, std::nullopt),
                 "client TLS");
  }
  return OrDie(
      TlsClientContext::CreateFromPem(pki.ca.cert_pem, client->cert_pem, client->KeyPemText()),
      "client TLS");
}

RawConnection::RawConnection(std::uint16_t port, std::chrono::milliseconds read_timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(read_timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((read_timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Write(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawConnection::ReadUntilClosed(std::size_t max) {
  std::string out = std::move(pending_);
  pending_.clear();
  char buffer[4096];
  while (out.size() < max) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::optional<std::string> RawConnection::ReadResponse() {
  char buffer[4096];
  while (true) {
    std::size_t end = pending_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length = 0;
      std::size_t at = pending_.find("Content-Length: ");
      if (at != std::string::npos && at < end) {
        length = std::strtoul(pending_.c_str() + at + 16, nullptr, 10);
      }
      if (pending_.size() >= end + 4 + length) {
        std::string response = pending_.substr(0, end + 4 + length);
        pending_.erase(0, end + 4 + length);
        return response;
      }
    }
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

bool RawConnection::PeerClosed() {
  if (!pending_.empty()) return false;
  char byte;
  ssize_t n = ::recv(fd_, &byte, 1, 0);
  if (n == 0) return true;
  return n < 0 && (errno == ECONNRESET || errno == EPIPE);
}

}  // namespace sekisho::net::testing
