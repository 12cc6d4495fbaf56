#include "pki/test_pki.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <climits>
#include <optional>
#include <utility>
#include <vector>

#include "pki/asn1_values.h"
#include "pki/certificate_builder.h"
#include "pki/file_io.h"
#include "pki/rsa_key.h"

namespace sekisho::pki {
namespace {

constexpr std::string_view kTestOrganization = "JPKI-TEST";
constexpr std::string_view kAuthOu = "JPKI for user authentication";
constexpr std::string_view kSignOu = "JPKI for digital signature";
constexpr std::string_view kJlisOu = "Japan Agency for Local Authority Information Systems";
constexpr int kRootYears = 10;
constexpr std::size_t kSerialSize = 8;
constexpr std::size_t kCnBytes = 10;  // 20 hex characters

constexpr char kReadme[] =
    "THIS IS A TEST PKI (O=JPKI-TEST). It is not JPKI and must never be trusted outside tests\n"
    "and demos.\n"
    "\n"
    "auth-ca.pem / auth-ca.key.pem / auth-ca.crl.pem: root for user-authentication certificates\n"
    "sign-ca.pem / sign-ca.key.pem / sign-ca.crl.pem: root for digital-signature certificates\n"
    "\n"
    "The keys are unencrypted and may have been derived from a seed: anyone with this directory\n"
    "(or the seed) can issue certificates that chain to these roots.\n";

Status TestPkiFailure(std::string_view what) {
  return InternalError("test PKI: " + std::string(what) + ": " + OpenSslErrorText());
}

// A std::string holding key material, wiped when it dies.
class SecretText {
 public:
  explicit SecretText(std::string text) : text_(std::move(text)) {}
  ~SecretText() {
    if (!text_.empty()) OPENSSL_cleanse(text_.data(), text_.size());
  }
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  const std::string& get() const { return text_; }

 private:
  std::string text_;
};

Result<X509NamePtr> RootName(TestCa ca) {
  return MakeName({{"C", "JP"},
                   {"O", kTestOrganization},
                   {"OU", ca == TestCa::kAuth ? kAuthOu : kSignOu},
                   {"OU", kJlisOu}});
}

// `time` plus whole calendar years, at the same time of day; 29 February becomes 28 February.
TimePoint AddYears(TimePoint time, int years) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  year_month_day date{day};
  date += std::chrono::years{years};
  if (!date.ok()) date = date.year() / date.month() / last;
  return sys_days{date} + (time - day);
}

// kSerialSize random bytes, top bit cleared so the INTEGER is positive; never zero.
Bytes RandomSerial(Random& random) {
  Bytes serial = random.Generate(kSerialSize);
  serial[0] &= 0x7F;
  bool zero = true;
  for (std::uint8_t b : serial) zero = zero && b == 0;
  if (zero) serial.back() = 0x01;
  return serial;
}

Result<Certificate> CreateRoot(TestCa ca, const EVP_PKEY& key, Random& random, TimePoint now) {
  ASSIGN_OR_RETURN(X509NamePtr name, RootName(ca));
  const Bytes serial = RandomSerial(random);
  CertificateTemplate spec;
  spec.subject = name.get();
  spec.serial = serial;
  spec.not_before = now;
  spec.not_after = AddYears(now, kRootYears);
  spec.subject_key = &key;
  spec.signing_key = &key;
  spec.extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                     {NID_subject_key_identifier, "hash"}};
  return BuildCertificate(spec);
}

bool IsUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  long remaining = static_cast<long>(text.size());
  while (remaining > 0) {
    unsigned long value = 0;
    const int n = UTF8_getc(p, static_cast<int>(std::min<long>(remaining, INT_MAX)), &value);
    if (n <= 0) return false;
    p += n;
    remaining -= n;
  }
  return true;
}

bool IsDate(std::string_view text) {
  if (text.size() != 8) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(text.substr(4, 2))));
  const unsigned d = static_cast<unsigned>(std::stoi(std::string(text.substr(6, 2))));
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}}
      .ok();
}

Status ValidateIdentity(const TestIdentity& identity) {
  auto field_error = [](std::string_view field, std::string_view problem) {
    return InvalidArgumentError("test identity: " + std::string(field) + " " +
                                std::string(problem));
  };
  if (identity.name.empty() || !IsUtf8(identity.name)) {
    return field_error("name", "is empty or not UTF-8");
  }
  if (identity.address.empty() || !IsUtf8(identity.address)) {
    return field_error("address", "is empty or not UTF-8");
  }
  if (!IsDate(identity.birth_date)) return field_error("birth_date", "is not a YYYYMMDD date");
  if (identity.sex != '1' && identity.sex != '2' && identity.sex != '9') {
    return field_error("sex", "is not '1', '2' or '9'");
  }
  return OkStatus();
}

// subjectAltName with one otherName per attribute, value [0] EXPLICIT UTF8String (spec §5).
Result<GeneralNamesPtr> IdentityAltName(const TestIdentity& identity) {
  const std::string sex(1, identity.sex);
  const std::pair<std::string_view, std::string_view> attributes[] = {
      {kJpkiNameOid, identity.name},
      {kJpkiSexOid, sex},
      {kJpkiBirthDateOid, identity.birth_date},
      {kJpkiAddressOid, identity.address},
  };
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return TestPkiFailure("subjectAltName");
  for (const auto& [oid, value] : attributes) {
    Asn1ObjectPtr type_id(OBJ_txt2obj(std::string(oid).c_str(), 1));
    Asn1StringPtr text(ASN1_STRING_type_new(V_ASN1_UTF8STRING));
    Asn1TypePtr any(ASN1_TYPE_new());
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!type_id || !text || !any || !name ||
        ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
      return TestPkiFailure("subjectAltName");
    }
    ASN1_TYPE_set(any.get(), V_ASN1_UTF8STRING, text.release());
    if (GENERAL_NAME_set0_othername(name.get(), type_id.get(), any.get()) != 1) {
      return TestPkiFailure("subjectAltName");
    }
    type_id.release();  // owned by `name` now
    any.release();
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) {
      return TestPkiFailure("subjectAltName");
    }
    name.release();  // owned by `names` now
  }
  return names;
}

Result<Certificate> IssueLeaf(const EVP_PKEY* ca_key, const Certificate& ca,
                              const EVP_PKEY& holder_public_key, Random& random,
                              TimePoint not_before, TimePoint not_after, const char* key_usage,
                              std::string_view policy, const GENERAL_NAMES* alt_name) {
  if (ca_key == nullptr) return InvalidArgumentError("test PKI: the CA key is missing");
  if (not_after <= not_before) {
    return InvalidArgumentError("test PKI: notAfter must be after notBefore");
  }
  const std::string cn = ToHex(random.Generate(kCnBytes));
  const Bytes serial = RandomSerial(random);
  ASSIGN_OR_RETURN(X509NamePtr subject, MakeName({{"C", "JP"}, {"CN", cn}}));
  CertificateTemplate spec;
  spec.subject = subject.get();
  spec.issuer = &ca;
  spec.serial = serial;
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.subject_key = &holder_public_key;
  spec.signing_key = ca_key;
  spec.extensions = {{NID_key_usage, key_usage}, {NID_authority_key_identifier, "keyid:always"}};
  if (!policy.empty()) spec.policies.emplace_back(policy);
  spec.subject_alt_name = alt_name;
  return BuildCertificate(spec);
}

std::filesystem::path CaFile(const std::filesystem::path& dir, TestCa ca) {
  return dir / (ca == TestCa::kAuth ? kAuthCaFile : kSignCaFile);
}
std::filesystem::path CaKeyFile(const std::filesystem::path& dir, TestCa ca) {
  return dir / (ca == TestCa::kAuth ? kAuthCaKeyFile : kSignCaKeyFile);
}
std::filesystem::path CrlFile(const std::filesystem::path& dir, TestCa ca) {
  return dir / (ca == TestCa::kAuth ? kAuthCaCrlFile : kSignCaCrlFile);
}

Result<Certificate> LoadRoot(const std::filesystem::path& dir, TestCa ca) {
  const std::filesystem::path path = CaFile(dir, ca);
  ASSIGN_OR_RETURN(const std::string pem, ReadSmallFile(path));
  Result<Certificate> cert = Certificate::FromPem(pem);
  if (!cert.ok()) return DataLossError(path.string() + ": " + cert.status().message());
  return cert;
}

Result<EvpPkeyPtr> LoadRootKey(const std::filesystem::path& dir, TestCa ca,
                               const Certificate& root) {
  const std::filesystem::path path = CaKeyFile(dir, ca);
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
  const SecretText pem(std::move(text));
  Result<EvpPkeyPtr> key = PrivateKeyFromPem(pem.get());
  if (!key.ok()) return DataLossError(path.string() + ": " + key.status().message());
  if (EVP_PKEY_eq(key->get(), &root.PublicKey()) != 1) {
    ERR_clear_error();
    return DataLossError(path.string() + " is not the key of " + CaFile(dir, ca).string());
  }
  return key;
}

Status WriteCrl(const std::filesystem::path& dir, TestCa ca, const Crl& crl) {
  return WriteFileAtomically(CrlFile(dir, ca), crl.Pem(), 0644);
}

// Re-issues one root's CRL with its current entries plus `extra`.
Status ReissueCrl(const std::filesystem::path& dir, const TestPki& pki, TestCa ca,
                  std::optional<Bytes> extra, TimePoint now) {
  std::vector<Bytes> serials;
  Result<Crl> current = LoadTestPkiCrl(dir, ca);
  if (current.ok()) {
    serials = current->RevokedSerials();
  } else if (current.status().code() != StatusCode::kNotFound) {
    return current.status();
  }
  if (extra) serials.push_back(std::move(*extra));
  const bool auth = ca == TestCa::kAuth;
  ASSIGN_OR_RETURN(
      Crl crl, MakeCrl(auth ? *pki.auth_ca_key : *pki.sign_ca_key, auth ? pki.auth_ca : pki.sign_ca,
                       serials, now, now + kTestCrlLifetime));
  return WriteCrl(dir, ca, crl);
}

}  // namespace

Result<TestPki> CreateTestPki(Random& random, TimePoint now) {
  ASSIGN_OR_RETURN(EvpPkeyPtr auth_key, GenerateRsaKey(random, kDefaultRsaBits));
  ASSIGN_OR_RETURN(Certificate auth_ca, CreateRoot(TestCa::kAuth, *auth_key, random, now));
  ASSIGN_OR_RETURN(EvpPkeyPtr sign_key, GenerateRsaKey(random, kDefaultRsaBits));
  ASSIGN_OR_RETURN(Certificate sign_ca, CreateRoot(TestCa::kSign, *sign_key, random, now));
  return TestPki{std::move(auth_key), std::move(auth_ca), std::move(sign_key), std::move(sign_ca)};
}

Status SaveTestPki(const TestPki& pki, const std::filesystem::path& dir) {
  if (!pki.auth_ca_key || !pki.sign_ca_key) {
    return InvalidArgumentError("test PKI: a CA key is missing");
  }
  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    std::error_code ec;
    if (std::filesystem::exists(CaFile(dir, ca), ec)) {
      return AlreadyExistsError("a test PKI already exists in " + dir.string());
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());

  // Certificates last: their presence marks a complete PKI.
  RETURN_IF_ERROR(WriteFileAtomically(dir / kTestPkiReadmeFile, kReadme, 0644));
  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    const bool auth = ca == TestCa::kAuth;
    const EVP_PKEY& key = auth ? *pki.auth_ca_key : *pki.sign_ca_key;
    const Certificate& root = auth ? pki.auth_ca : pki.sign_ca;
    ASSIGN_OR_RETURN(std::string key_text, PrivateKeyToPem(key));
    const SecretText key_pem(std::move(key_text));
    RETURN_IF_ERROR(WriteFileAtomically(CaKeyFile(dir, ca), key_pem.get(), 0600));
    ASSIGN_OR_RETURN(Crl crl,
                     MakeCrl(key, root, {}, root.NotBefore(), root.NotBefore() + kTestCrlLifetime));
    RETURN_IF_ERROR(WriteCrl(dir, ca, crl));
  }
  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    const Certificate& root = ca == TestCa::kAuth ? pki.auth_ca : pki.sign_ca;
    RETURN_IF_ERROR(WriteFileAtomically(CaFile(dir, ca), root.Pem(), 0644));
  }
  return OkStatus();
}

Result<TestPki> LoadTestPki(const std::filesystem::path& dir) {
  ASSIGN_OR_RETURN(Certificate auth_ca, LoadRoot(dir, TestCa::kAuth));
  ASSIGN_OR_RETURN(EvpPkeyPtr auth_key, LoadRootKey(dir, TestCa::kAuth, auth_ca));
  ASSIGN_OR_RETURN(Certificate sign_ca, LoadRoot(dir, TestCa::kSign));
  ASSIGN_OR_RETURN(EvpPkeyPtr sign_key, LoadRootKey(dir, TestCa::kSign, sign_ca));
  return TestPki{std::move(auth_key), std::move(auth_ca), std::move(sign_key), std::move(sign_ca)};
}

Result<Crl> LoadTestPkiCrl(const std::filesystem::path& dir, TestCa ca) {
  ASSIGN_OR_RETURN(const Certificate root, LoadRoot(dir, ca));
  const std::filesystem::path path = CrlFile(dir, ca);
  ASSIGN_OR_RETURN(const std::string pem, ReadSmallFile(path));
  Result<Crl> crl = Crl::FromPem(pem);
  if (!crl.ok()) return DataLossError(path.string() + ": " + crl.status().message());
  if (Status s = crl->VerifySignature(root); !s.ok()) {
    return DataLossError(path.string() + ": " + s.message());
  }
  return crl;
}

Result<Certificate> IssueAuthCertificate(const TestPki& pki, const EVP_PKEY& holder_public_key,
                                         Random& random, TimePoint not_before,
                                         TimePoint not_after) {
  return IssueLeaf(pki.auth_ca_key.get(), pki.auth_ca, holder_public_key, random, not_before,
                   not_after, "critical,digitalSignature", kTestAuthPolicyOid, nullptr);
}

Result<Certificate> IssueSignCertificate(const TestPki& pki, const EVP_PKEY& holder_public_key,
                                         const TestIdentity& identity, Random& random,
                                         TimePoint not_before, TimePoint not_after) {
  RETURN_IF_ERROR(ValidateIdentity(identity));
  ASSIGN_OR_RETURN(GeneralNamesPtr alt_name, IdentityAltName(identity));
  return IssueLeaf(pki.sign_ca_key.get(), pki.sign_ca, holder_public_key, random, not_before,
                   not_after, "critical,digitalSignature,nonRepudiation", "", alt_name.get());
}

Status RevokeInTestPki(const std::filesystem::path& dir, const Certificate& cert, TimePoint now) {
  ASSIGN_OR_RETURN(const TestPki pki, LoadTestPki(dir));
  std::optional<TestCa> issuer;
  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    const Certificate& root = ca == TestCa::kAuth ? pki.auth_ca : pki.sign_ca;
    if (X509_verify(cert.get(), X509_get0_pubkey(root.get())) == 1) issuer = ca;
  }
  ERR_clear_error();
  if (!issuer) {
    return InvalidArgumentError("certificate was not issued by the test PKI in " + dir.string());
  }
  return ReissueCrl(dir, pki, *issuer, cert.SerialNumber(), now);
}

Status RenewTestPkiCrls(const std::filesystem::path& dir, TimePoint now) {
  ASSIGN_OR_RETURN(const TestPki pki, LoadTestPki(dir));
  RETURN_IF_ERROR(ReissueCrl(dir, pki, TestCa::kAuth, std::nullopt, now));
  return ReissueCrl(dir, pki, TestCa::kSign, std::nullopt, now);
}

}  // namespace sekisho::pki
