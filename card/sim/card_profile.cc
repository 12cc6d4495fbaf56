#include "card/sim/card_profile.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "card/sim/verification_code.h"
#include "pki/openssl_types.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCardFileSize = 1 << 20;
constexpr std::size_t kMaxTextFieldSize = 1024;  // name / address bytes
constexpr int kCardKeyBits = 2048;

Status CardFieldError(std::string_view field, std::string_view why) {
  return DataLossError("card profile: " + std::string(field) + ": " + std::string(why));
}

bool IsDigitString(std::string_view s, std::size_t n) { return s.size() == n && IsAsciiDigits(s); }

// Spec §2: 6-16 characters of A-Z and 0-9, at least one letter and one digit.
bool IsValidSignPassword(std::string_view s) {
  if (s.size() < 6 || s.size() > 16) return false;
  bool letter = false;
  bool digit = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      letter = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return letter && digit;
}

// Well-formed UTF-8 (RFC 3629 §4): no overlongs, no surrogates, nothing above U+10FFFF.
bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

Status CheckText(std::string_view field, std::string_view value) {
  if (value.empty()) return CardFieldError(field, "empty");
  if (value.size() > kMaxTextFieldSize) return CardFieldError(field, "longer than 1024 bytes");
  if (!IsUtf8(value)) return CardFieldError(field, "not UTF-8");
  return OkStatus();
}

Result<pki::EvpPkeyPtr> ParseKey(std::string_view field, const std::string& pem) {
  auto key = pki::PrivateKeyFromPem(pem);
  if (!key.ok()) return CardFieldError(field, "not a PEM private key");
  if (EVP_PKEY_get_base_id(key->get()) != EVP_PKEY_RSA ||
      EVP_PKEY_get_bits(key->get()) != kCardKeyBits) {
    return CardFieldError(field, "not an RSA-2048 key");
  }
  return key;
}

Result<pki::X509Ptr> ParseCertificate(std::string_view field, const Bytes& der) {
  if (der.empty()) return CardFieldError(field, "empty");
  const unsigned char* p = der.data();
  pki::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr) {
    pki::OpenSslErrorText();  // drain the queue
    return CardFieldError(field, "not a DER X.509 certificate");
  }
  if (p != der.data() + der.size()) return CardFieldError(field, "trailing bytes after the DER");
  return cert;
}

Status CheckKeyMatchesCertificate(std::string_view field, const EVP_PKEY& key, const X509& cert) {
  const EVP_PKEY* cert_key = X509_get0_pubkey(&cert);
  if (cert_key == nullptr || EVP_PKEY_eq(&key, cert_key) != 1) {
    pki::OpenSslErrorText();
    return CardFieldError(field, "certificate does not hold the public key of the card's key");
  }
  return OkStatus();
}

// RFC 4648 §4 base64, through OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock.
std::string Base64Encode(ByteView bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool pad_ok =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!alnum && c != '+' && c != '/' && !pad_ok) return std::nullopt;
  }
  Bytes out(text.size() / 4 * 3);
  if (text.empty()) return out;
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// Reading JSON without exceptions: each getter checks the type first.
class Reader {
 public:
  explicit Reader(const json& root) : root_(root) {}

  Result<const json*> Object(const json& parent, const std::string& key, const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end()) return CardFieldError(path, "missing");
    if (!it->is_object()) return CardFieldError(path, "not an object");
    return &*it;
  }
  Result<std::string> String(const json& parent, const std::string& key, const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end()) return CardFieldError(path, "missing");
    if (!it->is_string()) return CardFieldError(path, "not a string");
    return it->get_ref<const std::string&>();
  }
  Result<std::int64_t> Integer(const json& parent, const std::string& key,
                               const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end()) return CardFieldError(path, "missing");
    if (!it->is_number_integer()) return CardFieldError(path, "not an integer");
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > 0x7FFFFFFFu) {
      return CardFieldError(path, "out of range");
    }
    return it->get<std::int64_t>();
  }
  Result<Bytes> Base64(const json& parent, const std::string& key, const std::string& path) {
    ASSIGN_OR_RETURN(std::string text, String(parent, key, path));
    auto bytes = Base64Decode(text);
    if (!bytes) return CardFieldError(path, "not base64");
    return std::move(*bytes);
  }
  const json& root() const { return root_; }

 private:
  const json& root_;
};

struct CounterField {
  const char* name;
  int RetryCounters::*member;
  int max;
};

constexpr CounterField kCounterFields[] = {
    {"auth_pin", &RetryCounters::auth_pin, kMaxAuthPinTries},
    {"sign_password", &RetryCounters::sign_password, kMaxSignPasswordTries},
    {"input_assist_pin", &RetryCounters::input_assist_pin, kMaxInputAssistPinTries},
    {"input_assist_code_a", &RetryCounters::input_assist_code_a, kMaxVerificationCodeTries},
    {"input_assist_code_b", &RetryCounters::input_assist_code_b, kMaxVerificationCodeTries},
    {"card_face_code_a", &RetryCounters::card_face_code_a, kMaxVerificationCodeTries},
    {"card_face_code_b", &RetryCounters::card_face_code_b, kMaxVerificationCodeTries},
    {"card_face_birth_date", &RetryCounters::card_face_birth_date, kMaxVerificationCodeTries},
    {"residence_pin", &RetryCounters::residence_pin, kMaxResidencePinTries},
    {"common_pin", &RetryCounters::common_pin, kMaxCommonPinTries},
};

Status SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return UnavailableError("card file: cannot open directory: " +
                            std::string(std::strerror(errno)));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0)
    return UnavailableError("card file: fsync of directory: " + std::string(std::strerror(saved)));
  return OkStatus();
}

}  // namespace

std::optional<char> MyNumberCheckDigit(std::string_view first_eleven) {
  if (!IsDigitString(first_eleven, 11)) return std::nullopt;
  static constexpr int kWeights[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 11; ++i) sum += (first_eleven[i] - '0') * kWeights[i];
  const int r = sum % 11;
  return static_cast<char>('0' + (r <= 1 ? 0 : 11 - r));
}

bool IsValidMyNumber(std::string_view my_number) {
  if (!IsDigitString(my_number, 12)) return false;
  return MyNumberCheckDigit(my_number.substr(0, 11)) == my_number[11];
}

Status ValidateCardProfile(const CardProfile& p) {
  if (p.format_version != kCardProfileFormatVersion) {
    return CardFieldError("format_version",
                          "unsupported version " + std::to_string(p.format_version));
  }
  if (!IsDigitString(p.my_number, 12)) return CardFieldError("my_number", "not 12 digits");
  if (!IsValidMyNumber(p.my_number)) return CardFieldError("my_number", "wrong check digit");
  RETURN_IF_ERROR(CheckText("identity.name", p.identity.name));
  RETURN_IF_ERROR(CheckText("identity.address", p.identity.address));
  if (!JapaneseEraDate(p.identity.birth_date)) {
    return CardFieldError("identity.birth_date", "not a YYYYMMDD date from 1868-01-25 on");
  }
  if (p.identity.sex != '1' && p.identity.sex != '2' && p.identity.sex != '9') {
    return CardFieldError("identity.sex", "not '1', '2' or '9'");
  }
  if (!IsValidCalendarDate(p.card_expiry))
    return CardFieldError("card_expiry", "not a YYYYMMDD date");
  if (!IsDigitString(p.security_code, 4)) return CardFieldError("security_code", "not 4 digits");
  if (!IsDigitString(p.auth_pin, 4)) return CardFieldError("credentials.auth_pin", "not 4 digits");
  if (!IsValidSignPassword(p.sign_password)) {
    return CardFieldError("credentials.sign_password",
                          "not 6-16 of A-Z0-9 with a letter and a digit");
  }
  if (!IsDigitString(p.input_assist_pin, 4)) {
    return CardFieldError("credentials.input_assist_pin", "not 4 digits");
  }
  if (!IsDigitString(p.residence_pin, 4)) {
    return CardFieldError("credentials.residence_pin", "not 4 digits");
  }
  for (const CounterField& f : kCounterFields) {
    const int v = p.counters.*f.member;
    if (v < 0 || v > f.max) {
      return CardFieldError(std::string("retry_counters.") + f.name,
                            "outside 0.." + std::to_string(f.max));
    }
  }
  ASSIGN_OR_RETURN(auto auth_key, ParseKey("keys.auth", p.auth_key_pem));
  ASSIGN_OR_RETURN(auto sign_key, ParseKey("keys.sign", p.sign_key_pem));
  ASSIGN_OR_RETURN(auto assist_key, ParseKey("keys.input_assist", p.input_assist_key_pem));
  ASSIGN_OR_RETURN(auto auth_cert, ParseCertificate("certificates.auth", p.auth_certificate));
  RETURN_IF_ERROR(CheckKeyMatchesCertificate("certificates.auth", *auth_key, *auth_cert));
  ASSIGN_OR_RETURN(auto auth_ca, ParseCertificate("certificates.auth_ca", p.auth_ca_certificate));
  if (p.sign_certificate) {
    ASSIGN_OR_RETURN(auto sign_cert, ParseCertificate("certificates.sign", *p.sign_certificate));
    RETURN_IF_ERROR(CheckKeyMatchesCertificate("certificates.sign", *sign_key, *sign_cert));
  }
  ASSIGN_OR_RETURN(auto sign_ca, ParseCertificate("certificates.sign_ca", p.sign_ca_certificate));
  return OkStatus();
}

std::string CardProfileToJson(const CardProfile& p) {
  json counters = json::object();
  for (const CounterField& f : kCounterFields) counters[f.name] = p.counters.*f.member;
  json doc = {
      {"format_version", p.format_version},
      {"seed", p.seed},
      {"my_number", p.my_number},
      {"identity",
       {{"name", p.identity.name},
        {"address", p.identity.address},
        {"birth_date", p.identity.birth_date},
        {"sex", std::string(1, p.identity.sex)}}},
      {"card_expiry", p.card_expiry},
      {"security_code", p.security_code},
      {"credentials",
       {{"auth_pin", p.auth_pin},
        {"sign_password", p.sign_password},
        {"input_assist_pin", p.input_assist_pin},
        {"residence_pin", p.residence_pin}}},
      {"retry_counters", counters},
      {"keys",
       {{"auth", p.auth_key_pem},
        {"sign", p.sign_key_pem},
        {"input_assist", p.input_assist_key_pem}}},
      {"certificates",
       {{"auth", Base64Encode(p.auth_certificate)},
        {"auth_ca", Base64Encode(p.auth_ca_certificate)},
        {"sign", p.sign_certificate ? json(Base64Encode(*p.sign_certificate)) : json(nullptr)},
        {"sign_ca", Base64Encode(p.sign_ca_certificate)}}},
  };
  if (p.badge) doc["badge"] = json::parse(BadgeProfileToJson(*p.badge));
  // Invalid UTF-8 cannot reach here through a validated profile; replace rather than throw.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<CardProfile> CardProfileFromJson(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return DataLossError("card profile: not valid JSON");
  if (!doc.is_object()) return DataLossError("card profile: not a JSON object");
  Reader r(doc);
  CardProfile p;
  ASSIGN_OR_RETURN(const std::int64_t version, r.Integer(doc, "format_version", "format_version"));
  if (version != kCardProfileFormatVersion) {
    return CardFieldError("format_version", "unsupported version " + std::to_string(version));
  }
  p.format_version = static_cast<int>(version);
  {
    const auto it = doc.find("seed");
    if (it == doc.end()) return CardFieldError("seed", "missing");
    if (!it->is_number_unsigned()) return CardFieldError("seed", "not an unsigned integer");
    p.seed = it->get<std::uint64_t>();
  }
  ASSIGN_OR_RETURN(p.my_number, r.String(doc, "my_number", "my_number"));
  ASSIGN_OR_RETURN(const json* identity, r.Object(doc, "identity", "identity"));
  ASSIGN_OR_RETURN(p.identity.name, r.String(*identity, "name", "identity.name"));
  ASSIGN_OR_RETURN(p.identity.address, r.String(*identity, "address", "identity.address"));
  ASSIGN_OR_RETURN(p.identity.birth_date, r.String(*identity, "birth_date", "identity.birth_date"));
  ASSIGN_OR_RETURN(const std::string sex, r.String(*identity, "sex", "identity.sex"));
  if (sex.size() != 1) return CardFieldError("identity.sex", "not one character");
  p.identity.sex = sex[0];
  ASSIGN_OR_RETURN(p.card_expiry, r.String(doc, "card_expiry", "card_expiry"));
  ASSIGN_OR_RETURN(p.security_code, r.String(doc, "security_code", "security_code"));
  ASSIGN_OR_RETURN(const json* creds, r.Object(doc, "credentials", "credentials"));
  ASSIGN_OR_RETURN(p.auth_pin, r.String(*creds, "auth_pin", "credentials.auth_pin"));
  ASSIGN_OR_RETURN(p.sign_password, r.String(*creds, "sign_password", "credentials.sign_password"));
  ASSIGN_OR_RETURN(p.input_assist_pin,
                   r.String(*creds, "input_assist_pin", "credentials.input_assist_pin"));
  ASSIGN_OR_RETURN(p.residence_pin, r.String(*creds, "residence_pin", "credentials.residence_pin"));
  ASSIGN_OR_RETURN(const json* counters, r.Object(doc, "retry_counters", "retry_counters"));
  for (const CounterField& f : kCounterFields) {
    const std::string path = std::string("retry_counters.") + f.name;
    ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(*counters, f.name, path));
    if (v < 0 || v > f.max) return CardFieldError(path, "outside 0.." + std::to_string(f.max));
    p.counters.*f.member = static_cast<int>(v);
  }
  ASSIGN_OR_RETURN(const json* keys, r.Object(doc, "keys", "keys"));
  ASSIGN_OR_RETURN(p.auth_key_pem, r.String(*keys, "auth", "keys.auth"));
  ASSIGN_OR_RETURN(p.sign_key_pem, r.String(*keys, "sign", "keys.sign"));
  ASSIGN_OR_RETURN(p.input_assist_key_pem, r.String(*keys, "input_assist", "keys.input_assist"));
  ASSIGN_OR_RETURN(const json* certs, r.Object(doc, "certificates", "certificates"));
  ASSIGN_OR_RETURN(p.auth_certificate, r.Base64(*certs, "auth", "certificates.auth"));
  ASSIGN_OR_RETURN(p.auth_ca_certificate, r.Base64(*certs, "auth_ca", "certificates.auth_ca"));
  {
    const auto it = certs->find("sign");
    if (it == certs->end()) return CardFieldError("certificates.sign", "missing (null for none)");
    if (!it->is_null()) {
      ASSIGN_OR_RETURN(p.sign_certificate, r.Base64(*certs, "sign", "certificates.sign"));
    }
  }
  ASSIGN_OR_RETURN(p.sign_ca_certificate, r.Base64(*certs, "sign_ca", "certificates.sign_ca"));
  if (const auto it = doc.find("badge"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return CardFieldError("badge", "not an object");
    auto badge = BadgeProfileFromJson(it->dump());
    if (!badge.ok()) return badge.status().WithContext("card profile: badge");
    p.badge.value = std::make_shared<const BadgeProfile>(std::move(badge).value());
  }
  RETURN_IF_ERROR(ValidateCardProfile(p));
  return p;
}

Result<CardProfile> LoadCardProfile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError("card file " + path.string() + " does not exist");
    return UnavailableError("card file " + path.string() + ": " + std::strerror(err));
  }
  std::string text;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return UnavailableError("card file " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxCardFileSize) {
      ::close(fd);
      return DataLossError("card file " + path.string() + ": larger than 1 MiB");
    }
  }
  ::close(fd);
  auto profile = CardProfileFromJson(text);
  if (!profile.ok()) return profile.status().WithContext("card file " + path.string());
  return profile;
}

Status SaveCardProfile(const CardProfile& profile, const std::filesystem::path& path) {
  if (Status s = ValidateCardProfile(profile); !s.ok()) {
    return InvalidArgumentError("not saving an invalid profile: " + s.message());
  }
  const std::string text = CardProfileToJson(profile);
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());  // created with mode 0600
  if (fd < 0) {
    return UnavailableError("card file: cannot create a temporary file in " + dir.string() + ": " +
                            std::strerror(errno));
  }
  auto fail = [&](std::string what) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return UnavailableError("card file " + path.string() + ": " + what + ": " + std::strerror(err));
  };
  if (::fchmod(fd, 0600) != 0) return fail("fchmod");
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return UnavailableError("card file " + path.string() + ": close: " + std::strerror(err));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return UnavailableError("card file " + path.string() + ": rename: " + std::strerror(err));
  }
  return SyncDirectory(dir);
}

}  // namespace sekisho::card::sim
