#include "pki/crl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>

#include "pki/asn1_values.h"

namespace sekisho::pki {
namespace {

// Numeric order of minimal magnitudes: shorter is smaller, then byte-wise.
bool NumericLess(const Bytes& a, const Bytes& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

Bytes StripLeadingZeros(ByteView magnitude) {
  std::size_t i = 0;
  while (i + 1 < magnitude.size() && magnitude[i] == 0x00) ++i;
  return Bytes(magnitude.begin() + static_cast<std::ptrdiff_t>(i), magnitude.end());
}

void SortUnique(std::vector<Bytes>& serials) {
  // CRLs are usually issued sorted (OpenSSL's X509_CRL_sort does it), so the check often saves
  // the sort of a million entries.
  if (std::adjacent_find(serials.begin(), serials.end(), [](const Bytes& a, const Bytes& b) {
        return !NumericLess(a, b);
      }) == serials.end()) {
    return;
  }
  std::sort(serials.begin(), serials.end(), NumericLess);
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
}

}  // namespace

Result<Crl> Crl::FromDer(ByteView der) {
  if (der.size() > LONG_MAX) return InvalidArgumentError("CRL: input too large");
  const unsigned char* p = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl) return InvalidArgumentError("CRL: not a DER X.509 CRL: " + OpenSslErrorText());
  if (p != der.data() + der.size()) {
    return InvalidArgumentError("CRL: " + std::to_string(der.data() + der.size() - p) +
                                " trailing bytes after the DER CRL");
  }
  return Adopt(std::move(crl));
}

Result<Crl> Crl::FromPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return InvalidArgumentError("CRL: input too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("CRL: " + OpenSslErrorText());
  X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (!crl) return InvalidArgumentError("CRL: not a PEM X.509 CRL: " + OpenSslErrorText());
  return Adopt(std::move(crl));
}

Result<Crl> Crl::Adopt(X509CrlPtr crl) {
  Result<TimePoint> this_update = TimePointFromAsn1(*X509_CRL_get0_lastUpdate(crl.get()));
  if (!this_update.ok()) return this_update.status().WithContext("CRL: thisUpdate");
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  if (next == nullptr) {
    return InvalidArgumentError("CRL: no nextUpdate (required by RFC 5280 §5.1.2.5)");
  }
  Result<TimePoint> next_update = TimePointFromAsn1(*next);
  if (!next_update.ok()) return next_update.status().WithContext("CRL: nextUpdate");
  std::vector<Bytes> revoked;
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
  revoked.reserve(static_cast<std::size_t>(std::max(0, sk_X509_REVOKED_num(entries))));
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    const X509_REVOKED* entry = sk_X509_REVOKED_value(entries, i);
    Result<Bytes> serial = IntegerMagnitude(*X509_REVOKED_get0_serialNumber(entry));
    if (!serial.ok()) return serial.status().WithContext("CRL: entry " + std::to_string(i));
    revoked.push_back(std::move(serial).value());
  }
  SortUnique(revoked);
  return Crl(std::move(crl), *this_update, *next_update, std::move(revoked));
}

Bytes Crl::Der() const {
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(crl_.get(), &der);
  if (size <= 0 || der == nullptr) EncodingFailed();
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

std::string Crl::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl_.get()) != 1) EncodingFailed();
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) EncodingFailed();
  return std::string(data, static_cast<std::size_t>(size));
}

Bytes Crl::IssuerNameDer() const {
  const unsigned char* der = nullptr;
  std::size_t size = 0;
  if (X509_NAME_get0_der(X509_CRL_get_issuer(crl_.get()), &der, &size) != 1) EncodingFailed();
  return Bytes(der, der + size);
}

Status Crl::VerifySignature(const Certificate& issuer) const {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl_.get()), X509_get_subject_name(issuer.get())) != 0) {
    return UnauthenticatedError("CRL issuer is not the subject of the given CA certificate");
  }
  const int verified = X509_CRL_verify(crl_.get(), X509_get0_pubkey(issuer.get()));
  ERR_clear_error();
  if (verified != 1) return UnauthenticatedError("CRL signature does not verify");
  return OkStatus();
}

bool Crl::IsRevoked(ByteView serial_magnitude) const {
  if (serial_magnitude.empty()) return false;
  return std::binary_search(revoked_.begin(), revoked_.end(), StripLeadingZeros(serial_magnitude),
                            NumericLess);
}

Result<Crl> MakeCrl(const EVP_PKEY& ca_key, const Certificate& ca,
                    std::span<const Bytes> revoked_serials, TimePoint this_update,
                    TimePoint next_update) {
  if (EVP_PKEY_eq(&ca.PublicKey(), &ca_key) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("CRL: the key is not the CA certificate's key");
  }
  if (next_update <= this_update) {
    return InvalidArgumentError("CRL: nextUpdate must be after thisUpdate");
  }
  std::vector<Bytes> serials;
  for (const Bytes& serial : revoked_serials) {
    if (serial.empty()) return InvalidArgumentError("CRL: empty serial number");
    serials.push_back(StripLeadingZeros(serial));
  }
  SortUnique(serials);

  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr this_time(ASN1_TIME_new());
  Asn1TimePtr next_time(ASN1_TIME_new());
  if (!crl || !this_time || !next_time) return InternalError("CRL: " + OpenSslErrorText());
  RETURN_IF_ERROR(SetAsn1Time(*this_time, this_update));
  RETURN_IF_ERROR(SetAsn1Time(*next_time, next_update));
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_time.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_time.get()) != 1) {
    return InternalError("CRL: " + OpenSslErrorText());
  }
  for (const Bytes& serial : serials) {
    ASSIGN_OR_RETURN(Asn1IntegerPtr integer, IntegerFromMagnitude(serial));
    X509RevokedPtr entry(X509_REVOKED_new());
    if (!entry || X509_REVOKED_set_serialNumber(entry.get(), integer.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), this_time.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return InternalError("CRL: " + OpenSslErrorText());
    }
    entry.release();  // now owned by the CRL
  }
  if (X509_CRL_sort(crl.get()) != 1) return InternalError("CRL: " + OpenSslErrorText());

  // RFC 5280 §5.2.3: CRL number, monotonically increasing.
  const auto seconds =
      std::chrono::floor<std::chrono::seconds>(this_update.time_since_epoch()).count();
  Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_int64(number.get(), seconds) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return InternalError("CRL: " + OpenSslErrorText());
  }
  // RFC 5280 §5.2.1: authority key identifier, taken from the CA's subject key identifier.
  if (X509_get0_subject_key_id(ca.get()) != nullptr) {
    X509V3_CTX ctx{};
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca.get(), nullptr, nullptr, crl.get(), 0);
    X509ExtensionPtr akid(
        X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!akid || X509_CRL_add_ext(crl.get(), akid.get(), -1) != 1) {
      return InternalError("CRL: authority key identifier: " + OpenSslErrorText());
    }
  }
  // X509_CRL_sign takes a non-const key only to count a reference.
  if (X509_CRL_sign(crl.get(), const_cast<EVP_PKEY*>(&ca_key), EVP_sha256()) <= 0) {
    return InvalidArgumentError("CRL: cannot sign (no private key?): " + OpenSslErrorText());
  }
  // Re-parse so the object carries the cached fields OpenSSL fills in only when decoding.
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(crl.get(), &der);
  if (size <= 0 || der == nullptr) return InternalError("CRL: " + OpenSslErrorText());
  Bytes encoded(der, der + size);
  OPENSSL_free(der);
  return Crl::FromDer(encoded);
}

}  // namespace sekisho::pki
