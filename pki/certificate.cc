#include "pki/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstdlib>

#include "pki/asn1_values.h"

namespace sekisho::pki {
namespace {

std::string NameText(const X509_NAME* name) {
  // RFC 2253 escaping, but UTF-8 rather than \XX escapes for non-ASCII characters.
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) EncodingFailed();
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return std::string();
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

Result<Certificate> Certificate::FromDer(ByteView der) {
  if (der.size() > LONG_MAX) return InvalidArgumentError("certificate: input too large");
  const unsigned char* p = der.data();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509) {
    return InvalidArgumentError("certificate: not a DER X.509 certificate: " + OpenSslErrorText());
  }
  if (p != der.data() + der.size()) {
    return InvalidArgumentError("certificate: " + std::to_string(der.data() + der.size() - p) +
                                " trailing bytes after the DER certificate");
  }
  return Adopt(std::move(x509));
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return InvalidArgumentError("certificate: input too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("certificate: " + OpenSslErrorText());
  X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x509) {
    return InvalidArgumentError("certificate: not a PEM X.509 certificate: " + OpenSslErrorText());
  }
  return Adopt(std::move(x509));
}

Result<Certificate> Certificate::Adopt(X509Ptr x509) {
  if (!x509) return InvalidArgumentError("certificate: null X509");
  Result<TimePoint> not_before = TimePointFromAsn1(*X509_get0_notBefore(x509.get()));
  if (!not_before.ok()) return not_before.status().WithContext("certificate: notBefore");
  Result<TimePoint> not_after = TimePointFromAsn1(*X509_get0_notAfter(x509.get()));
  if (!not_after.ok()) return not_after.status().WithContext("certificate: notAfter");
  if (!IntegerMagnitude(*X509_get0_serialNumber(x509.get())).ok()) {
    return InvalidArgumentError("certificate: malformed serial number");
  }
  if (X509_get0_pubkey(x509.get()) == nullptr) {
    return InvalidArgumentError("certificate: public key cannot be decoded: " + OpenSslErrorText());
  }
  return Certificate(std::move(x509), *not_before, *not_after);
}

Bytes Certificate::Der() const {
  unsigned char* der = nullptr;
  const int size = i2d_X509(x509_.get(), &der);
  if (size <= 0 || der == nullptr) EncodingFailed();
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

std::string Certificate::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1) EncodingFailed();
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) EncodingFailed();
  return std::string(data, static_cast<std::size_t>(size));
}

Bytes Certificate::SubjectPublicKeyInfoDer() const {
  // The X509_PUBKEY keeps the encoding it was parsed from, so these are the certificate's bytes.
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509_.get()), &der);
  if (size <= 0 || der == nullptr) EncodingFailed();
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

Bytes Certificate::IssuerNameDer() const {
  const unsigned char* der = nullptr;
  std::size_t size = 0;
  if (X509_NAME_get0_der(X509_get_issuer_name(x509_.get()), &der, &size) != 1) EncodingFailed();
  return Bytes(der, der + size);
}

Bytes Certificate::SerialNumber() const {
  // Decodable: Adopt checked it.
  Result<Bytes> magnitude = IntegerMagnitude(*X509_get0_serialNumber(x509_.get()));
  if (!magnitude.ok()) EncodingFailed();
  return std::move(magnitude).value();
}

TimePoint Certificate::NotBefore() const { return not_before_; }
TimePoint Certificate::NotAfter() const { return not_after_; }

std::string Certificate::IssuerText() const { return NameText(X509_get_issuer_name(x509_.get())); }

std::string Certificate::SubjectText() const {
  return NameText(X509_get_subject_name(x509_.get()));
}

int Certificate::KeyBits() const { return EVP_PKEY_get_bits(&PublicKey()); }

const EVP_PKEY& Certificate::PublicKey() const { return *X509_get0_pubkey(x509_.get()); }

Certificate Certificate::Clone() const {
  X509Ptr copy(X509_dup(x509_.get()));
  if (!copy) EncodingFailed();
  return Certificate(std::move(copy), not_before_, not_after_);
}

}  // namespace sekisho::pki
