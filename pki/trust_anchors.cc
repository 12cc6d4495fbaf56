#include "pki/trust_anchors.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <system_error>

#include "pki/file_io.h"

namespace sekisho::pki {
namespace {

constexpr std::string_view kPemCertificateBegin = "-----BEGIN CERTIFICATE-----";

using AuthorityKeyIdPtr = OpenSslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;

Status Refuse(std::string_view label, std::string_view reason) {
  return InvalidArgumentError("trust anchor '" + std::string(label) + "': " + std::string(reason));
}

bool HasTestOrganization(const X509_NAME* name) {
  for (int i = X509_NAME_get_index_by_NID(name, NID_organizationName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_organizationName, i)) {
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int size = ASN1_STRING_to_UTF8(&utf8, value);
    if (size < 0) {
      OpenSslErrorText();
      continue;
    }
    const bool match = std::string_view(reinterpret_cast<const char*>(utf8),
                                        static_cast<std::size_t>(size)) == kTestAnchorOrganization;
    OPENSSL_free(utf8);
    if (match) return true;
  }
  return false;
}

// The reason `cert` cannot be an anchor, or OK.
Status CheckAnchor(const Certificate& cert, std::string_view label) {
  X509* x = cert.get();
  const std::uint32_t flags = X509_get_extension_flags(x);
  if ((flags & EXFLAG_INVALID) != 0) return Refuse(label, "malformed extensions");
  if (X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(x)) != 0) {
    return Refuse(label, "not self-signed: issuer and subject differ");
  }
  if ((flags & EXFLAG_CA) == 0) {
    return Refuse(label, "not a CA certificate (basicConstraints CA:TRUE is missing)");
  }
  if ((flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(x) & KU_KEY_CERT_SIGN) == 0) {
    return Refuse(label, "key usage does not include keyCertSign");
  }
  const EVP_PKEY& key = cert.PublicKey();
  if (EVP_PKEY_is_a(&key, "RSA") != 1) return Refuse(label, "not an RSA key");
  const int bits = EVP_PKEY_get_bits(&key);
  if (bits < kMinAnchorRsaBits) {
    return Refuse(label, "RSA key of " + std::to_string(bits) + " bits is below the minimum of " +
                             std::to_string(kMinAnchorRsaBits));
  }
  const int verified = X509_verify(x, X509_get0_pubkey(x));
  ERR_clear_error();
  if (verified != 1) {
    return Refuse(label, "not self-signed: its signature does not verify with its own key");
  }
  return OkStatus();
}

// `issuer` is named as the issuer, its key identifier does not contradict `akid`, and its key
// passes `verifies`.
template <typename Verifies>
bool IssuedByKey(const X509_NAME* issuer_name, const ASN1_OCTET_STRING* akid,
                 const Certificate& issuer, Verifies verifies) {
  X509* a = issuer.get();
  if (X509_NAME_cmp(issuer_name, X509_get_subject_name(a)) != 0) return false;
  const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(a);
  if (akid != nullptr && skid != nullptr && ASN1_OCTET_STRING_cmp(akid, skid) != 0) return false;
  const bool ok = verifies(X509_get0_pubkey(a));
  ERR_clear_error();
  return ok;
}

}  // namespace

bool IsIssuedBy(const Certificate& cert, const Certificate& issuer) {
  X509* x = cert.get();
  return IssuedByKey(X509_get_issuer_name(x), X509_get0_authority_key_id(x), issuer,
                     [x](EVP_PKEY* key) { return X509_verify(x, key) == 1; });
}

bool IsCrlIssuedBy(const Crl& crl, const Certificate& issuer) {
  X509_CRL* c = crl.get();
  AuthorityKeyIdPtr akid(static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(c, NID_authority_key_identifier, nullptr, nullptr)));
  ERR_clear_error();
  return IssuedByKey(X509_CRL_get_issuer(c), akid ? akid->keyid : nullptr, issuer,
                     [c](EVP_PKEY* key) { return X509_CRL_verify(c, key) == 1; });
}

std::string TrustAnchor::DisplayLabel() const {
  std::string text = label;
  if (is_test) text.append(kTestAnchorMark);
  return text;
}

Status TrustAnchorSet::Add(Certificate certificate, std::string label) {
  if (label.empty()) label = certificate.SubjectText();
  RETURN_IF_ERROR(CheckAnchor(certificate, label));
  for (const TrustAnchor& anchor : anchors_) {
    if (X509_cmp(anchor.certificate.get(), certificate.get()) == 0) {
      return AlreadyExistsError("trust anchor '" + label + "' is already present as '" +
                                anchor.label + "'");
    }
  }
  const bool is_test = HasTestOrganization(X509_get_subject_name(certificate.get()));
  anchors_.push_back(TrustAnchor{std::move(certificate), std::move(label), is_test});
  return OkStatus();
}

Status TrustAnchorSet::AddPemFile(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadSmallFile(path));
  return AddPemText(text, path);
}

Status TrustAnchorSet::AddPemText(std::string_view text, const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const std::size_t size_before = anchors_.size();
  auto fail = [&](Status status) {
    anchors_.erase(anchors_.begin() + static_cast<std::ptrdiff_t>(size_before), anchors_.end());
    return status;
  };
  int block = 0;
  for (std::size_t pos = text.find(kPemCertificateBegin); pos != std::string_view::npos;
       pos = text.find(kPemCertificateBegin, pos + kPemCertificateBegin.size())) {
    ++block;
    const std::string label = block == 1 ? name : name + "#" + std::to_string(block);
    Result<Certificate> cert = Certificate::FromPem(text.substr(pos));
    if (!cert.ok()) {
      return fail(DataLossError(path.string() + ": certificate " + std::to_string(block) + ": " +
                                cert.status().message()));
    }
    if (Status s = Add(std::move(cert).value(), label); !s.ok()) {
      return fail(s.WithContext(path.string()));
    }
  }
  if (block == 0) return DataLossError(path.string() + ": no PEM certificate in the file");
  return OkStatus();
}

Status TrustAnchorSet::AddDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return NotFoundError("trust anchor directory " + dir.string() + " does not exist");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".pem") {
      files.push_back(entry.path());
    }
  }
  if (ec) return UnavailableError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  const std::size_t size_before = anchors_.size();
  for (const std::filesystem::path& file : files) {
    ASSIGN_OR_RETURN(const std::string text, ReadSmallFile(file));
    if (text.find(kPemCertificateBegin) == std::string::npos) continue;
    if (Status s = AddPemText(text, file); !s.ok()) {
      anchors_.erase(anchors_.begin() + static_cast<std::ptrdiff_t>(size_before), anchors_.end());
      return s;
    }
  }
  if (anchors_.size() == size_before) {
    return NotFoundError("no trust anchor certificates in " + dir.string());
  }
  return OkStatus();
}

std::vector<const TrustAnchor*> TrustAnchorSet::MatchIssuer(const Certificate& cert) const {
  std::vector<const TrustAnchor*> out;
  for (const TrustAnchor& anchor : anchors_) {
    if (IsIssuedBy(cert, anchor.certificate)) out.push_back(&anchor);
  }
  return out;
}

std::vector<const TrustAnchor*> TrustAnchorSet::MatchCrlIssuer(const Crl& crl) const {
  std::vector<const TrustAnchor*> out;
  for (const TrustAnchor& anchor : anchors_) {
    if (IsCrlIssuedBy(crl, anchor.certificate)) out.push_back(&anchor);
  }
  return out;
}

std::vector<const TrustAnchor*> TrustAnchorSet::WithSubject(const X509_NAME& issuer_name) const {
  std::vector<const TrustAnchor*> out;
  for (const TrustAnchor& anchor : anchors_) {
    if (X509_NAME_cmp(&issuer_name, X509_get_subject_name(anchor.certificate.get())) == 0) {
      out.push_back(&anchor);
    }
  }
  return out;
}

}  // namespace sekisho::pki
