#include "server/server_certificate.h"

#include <system_error>

#include "net/certificate_authority.h"
#include "pki/file_io.h"
#include "server/server_site.h"
#include "server/tls_files.h"

namespace sekisho::server {

Status ReissueServerCertificate(const std::filesystem::path& root,
                                const std::vector<std::string>& names,
                                std::chrono::seconds validity) {
  const std::filesystem::path tls = root / kTlsDir;
  std::error_code ec;
  if (!std::filesystem::exists(tls / kCaCertFile, ec)) {
    return FailedPreconditionError("the data directory " + root.string() +
                                   " has no server certificate authority yet (" +
                                   (tls / kCaCertFile).string() +
                                   "); `sekisho serve` creates it on its first start");
  }
  net::CertifiedKey ca;
  ASSIGN_OR_RETURN(ca.cert_pem, pki::ReadSmallFile(tls / kCaCertFile));
  ASSIGN_OR_RETURN(ca.key_pem, ReadPemSecret(tls / kCaKeyFile, kCaKeyKind));
  ASSIGN_OR_RETURN(net::CertifiedKey server, net::IssueServerCertificate(ca, names, validity));

  // Key first: a certificate is never in place before its key.
  RETURN_IF_ERROR(pki::WriteFileAtomically(tls / kServerKeyFile, server.KeyPemText(), 0600));
  return pki::WriteFileAtomically(tls / kServerCertFile, server.cert_pem, 0644);
}

}  // namespace sekisho::server
