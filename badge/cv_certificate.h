// Card-verifiable certificates of an organisation's badge PKI (BSI TR-03110-3 App. C): a
// self-signed CVCA, document verifiers (DV) and short-lived gate terminals, all ECDSA-SHA-256 on
// brainpoolP256r1 (id-TA-ECDSA-SHA-256). Issuing, parsing and chain verification at a date.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::badge {

using Date = std::chrono::year_month_day;

// The role in the top two bits of the CHAT's relative authorization (TR-03110-3 App. C.4).
enum class CvRole : std::uint8_t {
  kTerminal = 0,
  kDvNonOfficial = 1,
  kDvOfficial = 2,
  kCvca = 3,
};
std::string_view CvRoleName(CvRole role);

// Access rights of an authentication terminal (id-AT), bits 0..37 of the relative
// authorization (TR-03110-4 §2.2.3.2). Only the ones Sekisho uses are named; a gate's terminal
// carries kRestrictedIdentification and, at PIN-less doors, kCanAllowed.
namespace rights {
inline constexpr std::uint64_t kAgeVerification = 1ULL << 0;
inline constexpr std::uint64_t kCommunityIdVerification = 1ULL << 1;
inline constexpr std::uint64_t kRestrictedIdentification = 1ULL << 2;
inline constexpr std::uint64_t kPrivilegedTerminal = 1ULL << 3;
inline constexpr std::uint64_t kCanAllowed = 1ULL << 4;
inline constexpr std::uint64_t kPinManagement = 1ULL << 5;
inline constexpr std::uint64_t kAll = (1ULL << 38) - 1;
inline constexpr std::uint64_t kGate = kRestrictedIdentification | kCanAllowed;
}  // namespace rights

// The longest validity the card accepts in a terminal certificate (issue 7, property 4).
inline constexpr std::chrono::days kMaxTerminalValidity{7};

// What IssueCvCertificate signs.
struct CvCertificateTemplate {
  std::string car;  // certification authority reference: the issuer's CHR (a CVCA's own CHR)
  std::string chr;  // holder reference (TR-03110-3 App. A.6.1): country code (2 letters), holder
                    // mnemonic (1-9), sequence number (5); letters and digits, 8-16 characters
  CvRole role = CvRole::kTerminal;
  std::uint64_t rights = 0;  // bits 0..37 only
  Date effective;
  Date expiration;
  Bytes public_point;  // the holder's uncompressed brainpoolP256r1 point
};

class CvCertificate {
 public:
  // Parses a DER CV certificate (tag 7F21). kInvalidArgument naming the defect for: anything
  // that is not exactly one DER certificate (trailing bytes, non-canonical encoding), profile
  // identifier other than 0, a missing or malformed CAR/CHR, a CHAT that is not id-AT or not 5
  // bytes, dates that are not 6 BCD digits of a real date or expire before they take effect, a
  // public key that is not id-TA-ECDSA-SHA-256 on brainpoolP256r1 (a point on the curve; domain
  // parameters, where present, equal to brainpoolP256r1's), or a signature that is not 64 bytes.
  // The signature itself is not checked here.
  static Result<CvCertificate> Parse(ByteView der);

  const Bytes& der() const { return der_; }
  const std::string& car() const { return car_; }
  const std::string& chr() const { return chr_; }
  CvRole role() const { return role_; }
  std::uint64_t rights() const { return rights_; }
  Date effective() const { return effective_; }
  Date expiration() const { return expiration_; }
  const Bytes& public_point() const { return public_point_; }
  bool has_domain_parameters() const { return has_domain_parameters_; }
  // The signed part: the certificate body (tag 7F4E) as encoded, and the plain signature r || s.
  const Bytes& body_der() const { return body_der_; }
  const Bytes& signature() const { return signature_; }
  // The CHAT as carried in certificates and MSE:SET AT (tag 7F4C).
  Bytes ChatDer() const;

  // kOk when `issuer`'s key signed this certificate and this CAR names the issuer's CHR;
  // kUnauthenticated otherwise (saying which).
  Status VerifyIssuedBy(const CvCertificate& issuer) const;
  // kOk when effective <= today <= expiration; kUnauthenticated "expired" / "not yet valid".
  Status CheckValidAt(Date today) const;

 private:
  CvCertificate() = default;
  Bytes der_;
  Bytes body_der_;
  Bytes signature_;
  std::string car_;
  std::string chr_;
  CvRole role_ = CvRole::kTerminal;
  std::uint64_t rights_ = 0;
  Date effective_;
  Date expiration_;
  Bytes public_point_;
  bool has_domain_parameters_ = false;
};

// Builds and signs a certificate with the issuer's PKCS#8 private key (for a CVCA its own key;
// domain parameters are then included, as App. C.3 requires for CVCA certificates).
// kInvalidArgument for a malformed CHR/CAR, rights beyond bit 37, dates out of order or outside
// 2000-2099, a public point not on the curve, or an issuer key that does not load.
Result<CvCertificate> IssueCvCertificate(const CvCertificateTemplate& tmpl,
                                         const SecretBytes& issuer_private_pkcs8);

// What a verified terminal chain allows (TR-03110-3 §2.5: the effective authorization is the
// terminal's role and the bitwise AND of the relative authorizations of CVCA, DV and terminal).
struct EffectiveAuthorization {
  std::uint64_t rights = 0;
  std::string terminal_chr;
  Bytes terminal_public_point;
  Date terminal_expiration;
};

// Verifies trust point (a CVCA) -> dv -> terminal at `today`. Errors, all kUnauthenticated with
// the failing certificate named: trust point not a self-signed CVCA, DV not a DV role or not
// issued by the trust point, terminal not a terminal role or not issued by the DV, any of the
// three expired or not yet valid at `today`, or a terminal validity longer than
// kMaxTerminalValidity.
Result<EffectiveAuthorization> VerifyTerminalChain(const CvCertificate& trust_point,
                                                   const CvCertificate& dv,
                                                   const CvCertificate& terminal, Date today);

// "YYMMDD" as TR-03110-3 App. D.2.1.3 encodes dates: six bytes, one decimal digit each.
Bytes EncodeCvDate(Date date);
// kInvalidArgument for anything but 6 digits of a real date in 2000-2099.
Result<Date> DecodeCvDate(ByteView bytes);

}  // namespace sekisho::badge
