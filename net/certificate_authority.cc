#include "net/certificate_authority.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <utility>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/digest.h"
#include "base/random.h"
#include "pki/certificate.h"
#include "pki/certificate_builder.h"
#include "pki/openssl_types.h"

namespace sekisho::net {
namespace {

using pki::BioPtr;
using pki::EvpPkeyPtr;

// Certificates start a minute in the past so a peer whose clock is slightly behind accepts them.
constexpr std::chrono::seconds kBackdate{60};
constexpr std::size_t kSerialSize = 16;

using X509ReqPtr = pki::OpenSslPtr<X509_REQ, X509_REQ_free>;

Status OpenSslFailure(std::string_view what) {
  return InternalError("certificate authority: " + std::string(what) + ": " +
                       pki::OpenSslErrorText());
}

Status CheckValidity(std::chrono::seconds validity) {
  if (validity <= std::chrono::seconds::zero()) {
    return InvalidArgumentError("certificate authority: validity must be positive");
  }
  return OkStatus();
}

Result<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslFailure("P-256 key generation");
  return key;
}

// PKCS#8 PEM through a secure-memory BIO, which is wiped when freed.
Result<SecretBytes> PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio) return OpenSslFailure("BIO");
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailure("private key PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return OpenSslFailure("private key PEM");
  return SecretBytes(
      ByteView(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)));
}

Result<std::string> BioText(BIO* bio, std::string_view what) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return OpenSslFailure(what);
  return std::string(data, static_cast<std::size_t>(size));
}

// The CA's certificate and key, loaded and checked against each other.
struct LoadedCa {
  pki::Certificate cert;
  EvpPkeyPtr key;
};

Result<LoadedCa> LoadCa(const CertifiedKey& ca) {
  Result<pki::Certificate> cert = pki::Certificate::FromPem(ca.cert_pem);
  if (!cert.ok()) return cert.status().WithContext("certificate authority: CA certificate");
  std::string_view key_pem = ca.KeyPemText();
  BioPtr bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  if (!bio) return OpenSslFailure("BIO");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return InvalidArgumentError("certificate authority: CA key PEM: " + pki::OpenSslErrorText());
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    pki::OpenSslErrorText();
    return InvalidArgumentError("certificate authority: CA key does not match the CA certificate");
  }
  return LoadedCa{std::move(cert).value(), std::move(key)};
}

bool IsP256Key(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) {
    pki::OpenSslErrorText();
    return false;
  }
  return std::string_view(group, length) == "prime256v1" ||
         std::string_view(group, length) == "P-256";
}

// A DNS name (RFC 1034 §3.5 letters, digits, hyphens and dots, optionally "*." first).
bool IsHostName(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// subjectAltName entries (RFC 5280 §4.2.1.6): iPAddress for address literals, dNSName otherwise.
Result<pki::GeneralNamesPtr> SubjectAltNames(const std::vector<std::string>& names) {
  pki::GeneralNamesPtr general_names(sk_GENERAL_NAME_new_null());
  if (!general_names) return OpenSslFailure("subjectAltName");
  for (const std::string& name : names) {
    unsigned char address[16];
    pki::GeneralNamePtr entry;
    if (inet_pton(AF_INET, name.c_str(), address) == 1 ||
        inet_pton(AF_INET6, name.c_str(), address) == 1) {
      entry.reset(a2i_GENERAL_NAME(nullptr, nullptr, nullptr, GEN_IPADD, name.c_str(), 0));
    } else if (IsHostName(name)) {
      entry.reset(a2i_GENERAL_NAME(nullptr, nullptr, nullptr, GEN_DNS, name.c_str(), 0));
    } else {
      return InvalidArgumentError("certificate authority: '" + name +
                                  "' is neither a host name nor an IP address");
    }
    if (!entry) return OpenSslFailure("subjectAltName entry");
    if (sk_GENERAL_NAME_push(general_names.get(), entry.get()) <= 0) {
      return OpenSslFailure("subjectAltName");
    }
    entry.release();
  }
  return general_names;
}

// Issues a certificate for `subject_key` signed by the loaded CA.
Result<std::string> Issue(const LoadedCa& ca, const EVP_PKEY* subject_key,
                          std::string_view common_name, std::chrono::seconds validity,
                          std::vector<std::pair<int, std::string>> extensions,
                          const GENERAL_NAMES* subject_alt_name) {
  RETURN_IF_ERROR(CheckValidity(validity));
  ASSIGN_OR_RETURN(pki::X509NamePtr subject, pki::MakeName({{"CN", common_name}}));
  OsRandom random;
  const TimePoint now = SystemClock().Now();
  pki::CertificateTemplate spec;
  spec.subject = subject.get();
  spec.issuer = &ca.cert;
  spec.serial = random.Generate(kSerialSize);
  spec.serial[0] |= 0x01;  // never a zero serial, even in theory (RFC 5280 §4.1.2.2)
  spec.not_before = now - kBackdate;
  spec.not_after = now + validity;
  spec.subject_key = subject_key;
  spec.signing_key = ca.key.get();
  extensions.emplace_back(NID_subject_key_identifier, "hash");
  extensions.emplace_back(NID_authority_key_identifier, "keyid:always");
  spec.extensions = std::move(extensions);
  spec.subject_alt_name = subject_alt_name;
  Result<pki::Certificate> cert = pki::BuildCertificate(spec);
  if (!cert.ok()) return cert.status().WithContext("certificate authority");
  return cert->Pem();
}

}  // namespace

Result<CertifiedKey> CreateCertificateAuthority(std::string_view common_name,
                                                std::chrono::seconds validity) {
  RETURN_IF_ERROR(CheckValidity(validity));
  ASSIGN_OR_RETURN(pki::X509NamePtr subject, pki::MakeName({{"CN", common_name}}));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  OsRandom random;
  const TimePoint now = SystemClock().Now();
  pki::CertificateTemplate spec;
  spec.subject = subject.get();
  spec.serial = random.Generate(kSerialSize);
  spec.serial[0] |= 0x01;
  spec.not_before = now - kBackdate;
  spec.not_after = now + validity;
  spec.subject_key = key.get();
  spec.signing_key = key.get();
  spec.extensions = {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                     {NID_subject_key_identifier, "hash"}};
  Result<pki::Certificate> cert = pki::BuildCertificate(spec);
  if (!cert.ok()) return cert.status().WithContext("certificate authority");
  ASSIGN_OR_RETURN(SecretBytes key_pem, PrivateKeyPem(key.get()));
  return CertifiedKey{cert->Pem(), std::move(key_pem)};
}

Result<CertifiedKey> IssueServerCertificate(const CertifiedKey& ca,
                                            const std::vector<std::string>& names,
                                            std::chrono::seconds validity) {
  if (names.empty()) {
    return InvalidArgumentError("certificate authority: a server certificate needs a name");
  }
  ASSIGN_OR_RETURN(LoadedCa loaded, LoadCa(ca));
  ASSIGN_OR_RETURN(pki::GeneralNamesPtr alt_names, SubjectAltNames(names));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  ASSIGN_OR_RETURN(std::string cert_pem, Issue(loaded, key.get(), names.front(), validity,
                                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                                {NID_key_usage, "critical,digitalSignature"},
                                                {NID_ext_key_usage, "serverAuth"}},
                                               alt_names.get()));
  ASSIGN_OR_RETURN(SecretBytes key_pem, PrivateKeyPem(key.get()));
  return CertifiedKey{std::move(cert_pem), std::move(key_pem)};
}

Result<KeyAndCsr> MakeKeyAndCsr(std::string_view common_name) {
  ASSIGN_OR_RETURN(pki::X509NamePtr subject, pki::MakeName({{"CN", common_name}}));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  X509ReqPtr request(X509_REQ_new());
  if (!request) return OpenSslFailure("CSR");
  if (X509_REQ_set_version(request.get(), 0) != 1 ||  // v1, the only version (RFC 2986 §4.1)
      X509_REQ_set_subject_name(request.get(), subject.get()) != 1 ||
      X509_REQ_set_pubkey(request.get(), key.get()) != 1 ||
      X509_REQ_sign(request.get(), key.get(), EVP_sha256()) <= 0) {
    return OpenSslFailure("CSR");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), request.get()) != 1) {
    return OpenSslFailure("CSR PEM");
  }
  ASSIGN_OR_RETURN(std::string csr_pem, BioText(bio.get(), "CSR PEM"));
  ASSIGN_OR_RETURN(SecretBytes key_pem, PrivateKeyPem(key.get()));
  return KeyAndCsr{std::move(key_pem), std::move(csr_pem)};
}

Result<std::string> SignCsr(const CertifiedKey& ca, std::string_view csr_pem,
                            std::string_view common_name, std::chrono::seconds validity) {
  BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  if (!bio) return OpenSslFailure("BIO");
  X509ReqPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!request) {
    return InvalidArgumentError("certificate authority: malformed CSR: " + pki::OpenSslErrorText());
  }
  EVP_PKEY* public_key = X509_REQ_get0_pubkey(request.get());
  if (public_key == nullptr) {
    return InvalidArgumentError("certificate authority: CSR public key cannot be decoded: " +
                                pki::OpenSslErrorText());
  }
  // Proof of possession (RFC 2986 §3): the request is signed with the key it carries.
  if (X509_REQ_verify(request.get(), public_key) != 1) {
    pki::OpenSslErrorText();
    return InvalidArgumentError("certificate authority: CSR signature does not verify");
  }
  if (!IsP256Key(public_key)) {
    return InvalidArgumentError("certificate authority: CSR key must be an ECDSA P-256 key");
  }
  ASSIGN_OR_RETURN(LoadedCa loaded, LoadCa(ca));
  return Issue(loaded, public_key, common_name, validity,
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "clientAuth"}},
               nullptr);
}

Result<std::string> CertificateSha256Hex(std::string_view cert_pem) {
  Result<pki::Certificate> cert = pki::Certificate::FromPem(cert_pem);
  if (!cert.ok()) return cert.status().WithContext("certificate fingerprint");
  std::string hex = ToHex(Sha256(cert->Der()));
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

}  // namespace sekisho::net
