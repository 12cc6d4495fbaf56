// Certificate: an immutable, parsed X.509 v3 certificate (RFC 5280 §4.1) and its accessors.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

// Owns one X509. Movable, not copyable (use Clone()). Every accessor is infallible because the
// factories reject certificates whose validity times or public key cannot be decoded.
// A moved-from certificate may only be destroyed or assigned to. Const accessors may be called
// from several threads at once.
class Certificate {
 public:
  // Parses exactly one DER certificate. kInvalidArgument, with OpenSSL's reason, for anything
  // that is not one (garbage, truncation, trailing bytes after the DER), and for a certificate
  // whose validity times or public key cannot be decoded.
  static Result<Certificate> FromDer(ByteView der);
  // Parses the first "BEGIN CERTIFICATE" block of `pem`; codes as FromDer.
  static Result<Certificate> FromPem(std::string_view pem);
  // Takes ownership of an X509 built in memory; validated as FromDer. kInvalidArgument for null.
  static Result<Certificate> Adopt(X509Ptr x509);

  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;

  Bytes Der() const;
  std::string Pem() const;

  // The DER SubjectPublicKeyInfo exactly as it appears in the certificate (RFC 5280 §4.1.2.7):
  // the input of the pseudonym (DESIGN.md §3).
  Bytes SubjectPublicKeyInfoDer() const;
  // The DER issuer Name as encoded in the certificate (RFC 5280 §4.1.2.4).
  Bytes IssuerNameDer() const;
  // The serial number as its minimal big-endian magnitude (no sign, no leading zero bytes;
  // a zero serial is one 0x00 byte). Card data: never log it.
  Bytes SerialNumber() const;
  TimePoint NotBefore() const;
  TimePoint NotAfter() const;
  // RFC 2253 one-line form, most specific RDN first, non-ASCII characters as UTF-8
  // ("OU=JPKI for user authentication,O=JPKI-TEST,C=JP").
  std::string IssuerText() const;
  std::string SubjectText() const;
  // Size of the public key in bits (the modulus size for RSA).
  int KeyBits() const;
  // The public key; owned by the certificate.
  const EVP_PKEY& PublicKey() const;

  // The underlying object for OpenSSL calls; still owned by this certificate.
  X509* get() const { return x509_.get(); }
  // An independent deep copy.
  Certificate Clone() const;

 private:
  explicit Certificate(X509Ptr x509, TimePoint not_before, TimePoint not_after)
      : x509_(std::move(x509)), not_before_(not_before), not_after_(not_after) {}

  X509Ptr x509_;
  TimePoint not_before_;
  TimePoint not_after_;
};

}  // namespace sekisho::pki
