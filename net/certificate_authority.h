// The server's own certificate authority (ECDSA P-256 with SHA-256): it issues the server's TLS
// certificate and, at gate enrolment, the gates' client certificates from their CSRs (PKCS#10,
// RFC 2986). Certificates follow the RFC 5280 §4.2 profile below; keys travel as PKCS#8 PEM.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secret.h"

namespace sekisho::net {

// A certificate and its private key, both PEM. The key is wiped when this dies.
struct CertifiedKey {
  std::string cert_pem;
  SecretBytes key_pem;  // PKCS#8 "PRIVATE KEY" PEM
  std::string_view KeyPemText() const {
    return {reinterpret_cast<const char*>(key_pem.view().data()), key_pem.size()};
  }
};

// A fresh P-256 key and a self-signed CA certificate for it: subject CN=`common_name`,
// basicConstraints critical CA:TRUE pathlen 0, keyUsage critical keyCertSign+cRLSign, valid
// from a minute ago for `validity`. kInvalidArgument for an empty name or a non-positive
// validity; kInternal if OpenSSL fails.
Result<CertifiedKey> CreateCertificateAuthority(std::string_view common_name,
                                                std::chrono::seconds validity);

// A fresh P-256 key and a server certificate signed by `ca`: CN = the first name, one
// subjectAltName per name (an iPAddress for an IPv4/IPv6 literal, a dNSName otherwise),
// extendedKeyUsage serverAuth, random 16-byte serial. kInvalidArgument for no names, a name
// that is not a host name or address, a non-positive validity, or a CA whose PEM does not load
// or whose key does not match its certificate.
Result<CertifiedKey> IssueServerCertificate(
    const CertifiedKey& ca, const std::vector<std::string>& names = {"localhost", "127.0.0.1"},
    std::chrono::seconds validity = std::chrono::hours(24 * 397));

// What a gate makes at enrolment: a fresh P-256 key and a CSR for it, signed with it.
struct KeyAndCsr {
  SecretBytes key_pem;  // PKCS#8 "PRIVATE KEY" PEM; stays on the gate
  std::string csr_pem;  // "CERTIFICATE REQUEST" PEM
  std::string_view KeyPemText() const {
    return {reinterpret_cast<const char*>(key_pem.view().data()), key_pem.size()};
  }
};

// kInvalidArgument for an empty name; kInternal if OpenSSL fails.
Result<KeyAndCsr> MakeKeyAndCsr(std::string_view common_name);

// Issues a client certificate for the key in `csr_pem`: verifies the CSR's self-signature (proof
// of possession), takes only its public key (a P-256 key is required) and ignores its subject and
// requested extensions; sets CN=`common_name`, basicConstraints CA:FALSE, keyUsage
// digitalSignature, extendedKeyUsage clientAuth, random 16-byte serial, valid from a minute ago
// for `validity`. kInvalidArgument for a malformed CSR, a bad CSR signature, another key type,
// an empty name, a non-positive validity, or an unusable `ca`.
Result<std::string> SignCsr(const CertifiedKey& ca, std::string_view csr_pem,
                            std::string_view common_name, std::chrono::seconds validity);

// Lower-case hex SHA-256 of the DER form of the first certificate in `cert_pem`: the
// fingerprint the server sees in PeerInfo::client_certificate_sha256. kInvalidArgument when
// `cert_pem` holds no certificate.
Result<std::string> CertificateSha256Hex(std::string_view cert_pem);

}  // namespace sekisho::net
