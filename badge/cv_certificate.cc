// CV certificates (BSI TR-03110-3 App. C) over OpenPACE's ASN.1 types (cv_cert.h).
#include "badge/cv_certificate.h"

#include <eac/objects.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "badge/eac_util.h"
#include "badge/ec_key.h"

namespace sekisho::badge {
namespace {

using internal::BignumPtr;
using internal::BnCtxPtr;
using internal::CvcCertPtr;
using internal::EcGroupPtr;
using internal::LibraryError;
using internal::OpenSslBytesPtr;

// id-AT (TR-03110-3 App. A.7.5.1): 0.4.0.127.0.7.3.1.2.2.
constexpr std::uint8_t kIdAtDer[] = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x03, 0x01, 0x02, 0x02};
constexpr std::size_t kChatBytes = 5;

Bytes AsnBytes(const ASN1_STRING* s) {
  if (s == nullptr) return {};
  const std::uint8_t* p = ASN1_STRING_get0_data(s);
  return Bytes(p, p + ASN1_STRING_length(s));
}

bool IsReferenceCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Status CheckReference(std::string_view what, std::string_view ref) {
  if (ref.size() < 8 || ref.size() > 16 ||
      !std::all_of(ref.begin(), ref.end(), IsReferenceCharacter)) {
    return InvalidArgumentError(std::string(what) +
                                " is not 8-16 letters and digits (TR-03110-3 App. A.6.1)");
  }
  return OkStatus();
}

// The brainpoolP256r1 domain parameters as the CVC public key carries them (App. D.3.3):
// prime p, a, b, base point G (uncompressed), order r, cofactor f.
struct DomainParameters {
  Bytes p, a, b, g, r, f;
};

Result<DomainParameters> CurveParameters() {
  EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_brainpoolP256r1));
  BnCtxPtr bn_ctx(BN_CTX_new());
  BignumPtr p(BN_new()), a(BN_new()), b(BN_new());
  if (!group || !bn_ctx || !p || !a || !b ||
      EC_GROUP_get_curve(group.get(), p.get(), a.get(), b.get(), bn_ctx.get()) != 1) {
    return LibraryError(StatusCode::kInternal, "brainpoolP256r1 is not available");
  }
  auto bin = [](const BIGNUM* n) {
    Bytes out(static_cast<std::size_t>(BN_num_bytes(n)));
    BN_bn2bin(n, out.data());
    return out;
  };
  DomainParameters d;
  d.p = bin(p.get());
  d.a = bin(a.get());
  d.b = bin(b.get());
  d.r = bin(EC_GROUP_get0_order(group.get()));
  d.f = bin(EC_GROUP_get0_cofactor(group.get()));
  d.g.resize(kPointSize);
  if (EC_POINT_point2oct(group.get(), EC_GROUP_get0_generator(group.get()),
                         POINT_CONVERSION_UNCOMPRESSED, d.g.data(), d.g.size(),
                         bn_ctx.get()) != kPointSize) {
    return LibraryError(StatusCode::kInternal, "cannot encode the base point");
  }
  return d;
}

// Compares unsigned big-endian integers, ignoring leading zero bytes.
bool SameInteger(ByteView x, ByteView y) {
  while (!x.empty() && x.front() == 0) x = x.subspan(1);
  while (!y.empty() && y.front() == 0) y = y.subspan(1);
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

Status SetString(ASN1_STRING** field, ByteView value) {
  if (*field == nullptr) *field = ASN1_STRING_type_new(V_ASN1_UTF8STRING);
  if (*field == nullptr ||
      ASN1_STRING_set(*field, value.data(), static_cast<int>(value.size())) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot set a certificate field");
  }
  return OkStatus();
}

Status SetOctets(ASN1_OCTET_STRING** field, ByteView value) {
  if (*field == nullptr) *field = ASN1_OCTET_STRING_new();
  if (*field == nullptr ||
      ASN1_OCTET_STRING_set(*field, value.data(), static_cast<int>(value.size())) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot set a certificate field");
  }
  return OkStatus();
}

Bytes RelativeAuthorization(CvRole role, std::uint64_t rights) {
  const std::uint64_t value = (static_cast<std::uint64_t>(role) << 38) | rights;
  Bytes out(kChatBytes);
  for (std::size_t i = 0; i < kChatBytes; ++i) {
    out[i] = static_cast<std::uint8_t>(value >> (8 * (kChatBytes - 1 - i)));
  }
  return out;
}

bool InRange(Date d) {
  return d.ok() && d.year() >= std::chrono::year(2000) && d.year() <= std::chrono::year(2099);
}

std::string DateText(Date d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

}  // namespace

std::string_view CvRoleName(CvRole role) {
  switch (role) {
    case CvRole::kTerminal:
      return "terminal";
    case CvRole::kDvNonOfficial:
      return "DV (non-official)";
    case CvRole::kDvOfficial:
      return "DV (official)";
    case CvRole::kCvca:
      return "CVCA";
  }
  return "unknown role";
}

Bytes EncodeCvDate(Date date) {
  const int year = static_cast<int>(date.year()) % 100;
  const unsigned month = static_cast<unsigned>(date.month());
  const unsigned day = static_cast<unsigned>(date.day());
  return {static_cast<std::uint8_t>(year / 10),  static_cast<std::uint8_t>(year % 10),
          static_cast<std::uint8_t>(month / 10), static_cast<std::uint8_t>(month % 10),
          static_cast<std::uint8_t>(day / 10),   static_cast<std::uint8_t>(day % 10)};
}

Result<Date> DecodeCvDate(ByteView bytes) {
  if (bytes.size() != 6 ||
      !std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b <= 9; })) {
    return InvalidArgumentError("date is not six BCD digits YYMMDD (TR-03110-3 App. D.2.1.3)");
  }
  const Date date{std::chrono::year(2000 + bytes[0] * 10 + bytes[1]),
                  std::chrono::month(static_cast<unsigned>(bytes[2] * 10 + bytes[3])),
                  std::chrono::day(static_cast<unsigned>(bytes[4] * 10 + bytes[5]))};
  if (!date.ok()) return InvalidArgumentError("date is not a calendar date");
  return date;
}

Result<CvCertificate> CvCertificate::Parse(ByteView der) {
  internal::EnsureEacInitialized();
  if (der.empty()) return InvalidArgumentError("CV certificate is empty");
  const std::uint8_t* p = der.data();
  CvcCertPtr cert(CVC_d2i_CVC_CERT(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    return LibraryError(StatusCode::kInvalidArgument, "CV certificate does not decode");
  }
  if (p != der.data() + der.size()) {
    return InvalidArgumentError("CV certificate is followed by " +
                                std::to_string(der.data() + der.size() - p) + " extra bytes");
  }
  unsigned char* reencoded_raw = nullptr;
  const int reencoded_len = i2d_CVC_CERT(cert.get(), &reencoded_raw);
  OpenSslBytesPtr reencoded(reencoded_raw);
  if (reencoded_len <= 0 ||
      !std::equal(der.begin(), der.end(), reencoded_raw, reencoded_raw + reencoded_len)) {
    return InvalidArgumentError("CV certificate is not DER (its re-encoding differs)");
  }
  const CVC_CERT_BODY* body = cert->body;
  if (body == nullptr) return InvalidArgumentError("CV certificate has no body");

  CvCertificate out;
  out.der_.assign(der.begin(), der.end());
  std::int64_t profile = -1;
  if (body->certificate_profile_identifier == nullptr ||
      ASN1_INTEGER_get_int64(&profile, body->certificate_profile_identifier) != 1 || profile != 0) {
    ERR_clear_error();
    return InvalidArgumentError("certificate profile identifier is not 0 (TR-03110-3 App. C.1.1)");
  }
  out.car_ = ToString(AsnBytes(body->certificate_authority_reference));
  out.chr_ = ToString(AsnBytes(body->certificate_holder_reference));
  RETURN_IF_ERROR(CheckReference("certification authority reference", out.car_));
  RETURN_IF_ERROR(CheckReference("certificate holder reference", out.chr_));

  if (body->chat == nullptr || body->chat->terminal_type == nullptr) {
    return InvalidArgumentError("CV certificate has no CHAT");
  }
  if (OBJ_obj2nid(body->chat->terminal_type) != NID_id_AT) {
    return InvalidArgumentError("CHAT is not for an authentication terminal (id-AT)");
  }
  const Bytes chat = AsnBytes(body->chat->relative_authorization);
  if (chat.size() != kChatBytes) {
    return InvalidArgumentError("CHAT relative authorization is not 5 bytes");
  }
  std::uint64_t value = 0;
  for (std::uint8_t b : chat) value = (value << 8) | b;
  out.role_ = static_cast<CvRole>(value >> 38);
  out.rights_ = value & rights::kAll;

  auto effective = DecodeCvDate(AsnBytes(body->certificate_effective_date));
  if (!effective.ok()) return effective.status().WithContext("effective date");
  auto expiration = DecodeCvDate(AsnBytes(body->certificate_expiration_date));
  if (!expiration.ok()) return expiration.status().WithContext("expiration date");
  out.effective_ = *effective;
  out.expiration_ = *expiration;
  if (std::chrono::sys_days(out.expiration_) < std::chrono::sys_days(out.effective_)) {
    return InvalidArgumentError("certificate expires before it takes effect");
  }

  const CVC_PUBKEY* key = body->public_key;
  if (key == nullptr || key->oid == nullptr || OBJ_obj2nid(key->oid) != NID_id_TA_ECDSA_SHA_256) {
    return InvalidArgumentError("public key is not id-TA-ECDSA-SHA-256");
  }
  out.public_point_ = AsnBytes(key->cont6);
  if (Status s = CheckPublicPoint(out.public_point_); !s.ok()) {
    return s.WithContext("certificate public key");
  }
  const ASN1_OCTET_STRING* params[] = {key->cont1, key->cont2, key->cont3,
                                       key->cont4, key->cont5, key->cont7};
  const auto present = std::count_if(std::begin(params), std::end(params),
                                     [](const ASN1_OCTET_STRING* s) { return s != nullptr; });
  if (present != 0) {
    if (present != 6) return InvalidArgumentError("public key has incomplete domain parameters");
    ASSIGN_OR_RETURN(const DomainParameters d, CurveParameters());
    if (!SameInteger(AsnBytes(key->cont1), d.p) || !SameInteger(AsnBytes(key->cont2), d.a) ||
        !SameInteger(AsnBytes(key->cont3), d.b) || AsnBytes(key->cont4) != d.g ||
        !SameInteger(AsnBytes(key->cont5), d.r) || !SameInteger(AsnBytes(key->cont7), d.f)) {
      return InvalidArgumentError("domain parameters are not brainpoolP256r1");
    }
    out.has_domain_parameters_ = true;
  }

  out.signature_ = AsnBytes(cert->signature);
  if (out.signature_.size() != kPlainSignatureSize) {
    return InvalidArgumentError("signature is not " + std::to_string(kPlainSignatureSize) +
                                " bytes (plain ECDSA r || s)");
  }
  unsigned char* body_raw = nullptr;
  const int body_len = i2d_CVC_CERT_BODY(cert->body, &body_raw);
  OpenSslBytesPtr body_owner(body_raw);
  if (body_len <= 0) return LibraryError(StatusCode::kInternal, "cannot encode the body");
  out.body_der_.assign(body_raw, body_raw + body_len);
  return out;
}

Bytes CvCertificate::ChatDer() const {
  Bytes out;
  out.reserve(0x14);
  Append(out, Bytes{0x7F, 0x4C, 0x12, 0x06, sizeof kIdAtDer});
  Append(out, kIdAtDer);
  out.push_back(0x53);
  out.push_back(kChatBytes);
  Append(out, RelativeAuthorization(role_, rights_));
  return out;
}

Status CvCertificate::VerifyIssuedBy(const CvCertificate& issuer) const {
  if (car_ != issuer.chr_) {
    return UnauthenticatedError("certificate '" + chr_ + "' names authority '" + car_ + "', not '" +
                                issuer.chr_ + "'");
  }
  if (Status s = VerifyPlain(issuer.public_point_, body_der_, signature_); !s.ok()) {
    return UnauthenticatedError("signature of certificate '" + chr_ + "' does not verify with '" +
                                issuer.chr_ + "'s key");
  }
  return OkStatus();
}

Status CvCertificate::CheckValidAt(Date today) const {
  const auto day = std::chrono::sys_days(today);
  if (day < std::chrono::sys_days(effective_)) {
    return UnauthenticatedError("certificate '" + chr_ + "' is not valid before " +
                                DateText(effective_));
  }
  if (day > std::chrono::sys_days(expiration_)) {
    return UnauthenticatedError("certificate '" + chr_ + "' expired on " + DateText(expiration_));
  }
  return OkStatus();
}

Result<CvCertificate> IssueCvCertificate(const CvCertificateTemplate& tmpl,
                                         const SecretBytes& issuer_private_pkcs8) {
  internal::EnsureEacInitialized();
  RETURN_IF_ERROR(CheckReference("certification authority reference", tmpl.car));
  RETURN_IF_ERROR(CheckReference("certificate holder reference", tmpl.chr));
  if ((tmpl.rights & ~rights::kAll) != 0) {
    return InvalidArgumentError("rights use bits beyond 37");
  }
  if (!InRange(tmpl.effective) || !InRange(tmpl.expiration) ||
      std::chrono::sys_days(tmpl.expiration) < std::chrono::sys_days(tmpl.effective)) {
    return InvalidArgumentError("validity dates are out of order or outside 2000-2099");
  }
  if (Status s = CheckPublicPoint(tmpl.public_point); !s.ok()) {
    return s.WithContext("holder public key");
  }

  CvcCertPtr cert(CVC_CERT_new());
  if (!cert || cert->body == nullptr) {
    return LibraryError(StatusCode::kInternal, "cannot allocate a CV certificate");
  }
  CVC_CERT_BODY* body = cert->body;
  if (body->certificate_profile_identifier == nullptr) {
    body->certificate_profile_identifier = ASN1_INTEGER_new();
  }
  if (body->certificate_profile_identifier == nullptr ||
      ASN1_INTEGER_set(body->certificate_profile_identifier, 0) != 1) {
    return LibraryError(StatusCode::kInternal, "cannot set the profile identifier");
  }
  RETURN_IF_ERROR(SetString(&body->certificate_authority_reference, ToBytes(tmpl.car)));
  RETURN_IF_ERROR(SetString(&body->certificate_holder_reference, ToBytes(tmpl.chr)));

  if (body->public_key == nullptr) body->public_key = CVC_PUBKEY_new();
  if (body->public_key == nullptr) return LibraryError(StatusCode::kInternal, "no memory");
  CVC_PUBKEY* key = body->public_key;
  ASN1_OBJECT_free(key->oid);
  key->oid = OBJ_dup(OBJ_nid2obj(NID_id_TA_ECDSA_SHA_256));
  if (key->oid == nullptr) return LibraryError(StatusCode::kInternal, "no memory");
  if (tmpl.role == CvRole::kCvca) {
    ASSIGN_OR_RETURN(const DomainParameters d, CurveParameters());
    RETURN_IF_ERROR(SetOctets(&key->cont1, d.p));
    RETURN_IF_ERROR(SetOctets(&key->cont2, d.a));
    RETURN_IF_ERROR(SetOctets(&key->cont3, d.b));
    RETURN_IF_ERROR(SetOctets(&key->cont4, d.g));
    RETURN_IF_ERROR(SetOctets(&key->cont5, d.r));
    RETURN_IF_ERROR(SetOctets(&key->cont7, d.f));
  }
  RETURN_IF_ERROR(SetOctets(&key->cont6, tmpl.public_point));

  if (body->chat == nullptr) body->chat = CVC_CHAT_new();
  if (body->chat == nullptr) return LibraryError(StatusCode::kInternal, "no memory");
  ASN1_OBJECT_free(body->chat->terminal_type);
  body->chat->terminal_type = OBJ_dup(OBJ_nid2obj(NID_id_AT));
  if (body->chat->terminal_type == nullptr) return LibraryError(StatusCode::kInternal, "no memory");
  RETURN_IF_ERROR(SetOctets(&body->chat->relative_authorization,
                            RelativeAuthorization(tmpl.role, tmpl.rights)));
  RETURN_IF_ERROR(SetOctets(&body->certificate_effective_date, EncodeCvDate(tmpl.effective)));
  RETURN_IF_ERROR(SetOctets(&body->certificate_expiration_date, EncodeCvDate(tmpl.expiration)));

  unsigned char* body_raw = nullptr;
  const int body_len = i2d_CVC_CERT_BODY(body, &body_raw);
  OpenSslBytesPtr body_owner(body_raw);
  if (body_len <= 0) return LibraryError(StatusCode::kInternal, "cannot encode the body");
  auto signature =
      SignPlain(issuer_private_pkcs8, ByteView(body_raw, static_cast<std::size_t>(body_len)));
  if (!signature.ok()) return signature.status().WithContext("issuer key");
  RETURN_IF_ERROR(SetOctets(&cert->signature, *signature));

  unsigned char* der_raw = nullptr;
  const int der_len = i2d_CVC_CERT(cert.get(), &der_raw);
  OpenSslBytesPtr der_owner(der_raw);
  if (der_len <= 0) return LibraryError(StatusCode::kInternal, "cannot encode the certificate");
  return CvCertificate::Parse(ByteView(der_raw, static_cast<std::size_t>(der_len)));
}

Result<EffectiveAuthorization> VerifyTerminalChain(const CvCertificate& trust_point,
                                                   const CvCertificate& dv,
                                                   const CvCertificate& terminal, Date today) {
  if (trust_point.role() != CvRole::kCvca) {
    return UnauthenticatedError("trust point '" + trust_point.chr() + "' is not a CVCA");
  }
  RETURN_IF_ERROR(trust_point.VerifyIssuedBy(trust_point).WithContext("trust point"));
  if (dv.role() != CvRole::kDvOfficial && dv.role() != CvRole::kDvNonOfficial) {
    return UnauthenticatedError("certificate '" + dv.chr() + "' is a " +
                                std::string(CvRoleName(dv.role())) + ", not a DV");
  }
  if (terminal.role() != CvRole::kTerminal) {
    return UnauthenticatedError("certificate '" + terminal.chr() + "' is a " +
                                std::string(CvRoleName(terminal.role())) + ", not a terminal");
  }
  RETURN_IF_ERROR(dv.VerifyIssuedBy(trust_point));
  RETURN_IF_ERROR(terminal.VerifyIssuedBy(dv));
  RETURN_IF_ERROR(trust_point.CheckValidAt(today));
  RETURN_IF_ERROR(dv.CheckValidAt(today));
  RETURN_IF_ERROR(terminal.CheckValidAt(today));
  const auto validity =
      std::chrono::sys_days(terminal.expiration()) - std::chrono::sys_days(terminal.effective());
  if (validity > kMaxTerminalValidity) {
    return UnauthenticatedError("terminal certificate '" + terminal.chr() + "' is valid for " +
                                std::to_string(validity.count()) + " days, more than " +
                                std::to_string(kMaxTerminalValidity.count()));
  }
  EffectiveAuthorization out;
  out.rights = trust_point.rights() & dv.rights() & terminal.rights();
  out.terminal_chr = terminal.chr();
  out.terminal_public_point = terminal.public_point();
  out.terminal_expiration = terminal.expiration();
  return out;
}

}  // namespace sekisho::badge
