// Crl: an X.509 v2 certificate revocation list (RFC 5280 §5), and MakeCrl to issue one.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "pki/certificate.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

// Owns one X509_CRL. Movable, not copyable. A moved-from CRL may only be destroyed or assigned
// to. Serial numbers are handled as minimal big-endian magnitudes, like
// Certificate::SerialNumber().
class Crl {
 public:
  // Parses exactly one DER CRL. kInvalidArgument, with OpenSSL's reason, for anything that is
  // not one (garbage, truncation, trailing bytes), for malformed times, and for a CRL without
  // nextUpdate (RFC 5280 §5.1.2.5 requires it).
  static Result<Crl> FromDer(ByteView der);
  // Parses the first "BEGIN X509 CRL" block of `pem`; codes as FromDer.
  static Result<Crl> FromPem(std::string_view pem);

  Crl(Crl&&) noexcept = default;
  Crl& operator=(Crl&&) noexcept = default;

  Bytes Der() const;
  std::string Pem() const;
  // The DER issuer Name as encoded in the CRL (RFC 5280 §5.1.2.3): with a serial, the input of
  // identity::KeyedSerial.
  Bytes IssuerNameDer() const;
  TimePoint ThisUpdate() const { return this_update_; }
  TimePoint NextUpdate() const { return next_update_; }

  // OK if `issuer`'s subject is this CRL's issuer and its key verifies the CRL signature;
  // kUnauthenticated naming which of the two failed otherwise. Does not look at the times.
  Status VerifySignature(const Certificate& issuer) const;

  // True if the serial with this magnitude is listed (leading zero bytes are ignored).
  bool IsRevoked(ByteView serial_magnitude) const;
  // The listed serials, in ascending numeric order, without duplicates.
  const std::vector<Bytes>& RevokedSerials() const { return revoked_; }

  // The underlying object for OpenSSL calls; still owned by this CRL.
  X509_CRL* get() const { return crl_.get(); }

 private:
  static Result<Crl> Adopt(X509CrlPtr crl);
  Crl(X509CrlPtr crl, TimePoint this_update, TimePoint next_update, std::vector<Bytes> revoked)
      : crl_(std::move(crl)),
        this_update_(this_update),
        next_update_(next_update),
        revoked_(std::move(revoked)) {}

  X509CrlPtr crl_;
  TimePoint this_update_;
  TimePoint next_update_;
  std::vector<Bytes> revoked_;
};

// Issues a v2 CRL signed by `ca_key` (sha256WithRSAEncryption for RSA) listing
// `revoked_serials` (magnitudes; duplicates collapse, each with revocationDate = this_update),
// with the CA's subject as issuer and the extensions RFC 5280 §5.2 asks for: CRL number
// (this_update in Unix seconds, so later CRLs get larger numbers) and the authority key
// identifier when the CA certificate has a subject key identifier.
// kInvalidArgument if `ca_key` is not the private key of `ca`, a serial is empty, or
// next_update is not after this_update.
Result<Crl> MakeCrl(const EVP_PKEY& ca_key, const Certificate& ca,
                    std::span<const Bytes> revoked_serials, TimePoint this_update,
                    TimePoint next_update);

}  // namespace sekisho::pki
