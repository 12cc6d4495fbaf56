// The organisation's badge keys (badge_keys.h). Files: docs/formats/data-directory.md.
#include "access/badge_keys.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "base/digest.h"
#include "base/secret_file.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

using nlohmann::json;

constexpr int kBadgeFileFormatVersion = 1;
// Far more than any of these JSON files holds; a bigger file is not ours.
constexpr std::uintmax_t kMaxBadgeFileSize = 64 * 1024;

constexpr SecretFileKind kBadgeKeyFileKind{
    .name = "badge key file",
    .secret = "a badge key",
    .why_never_replaced = "every badge issued trusts this CVCA, batch and sector key",
    .exposure = "anyone who can read it can issue terminal certificates or badges",
    .when_missing = "create the badge keys with `sekisho badge init --org NAME`",
};

badge::Date Plus(badge::Date d, std::chrono::days n) {
  return badge::Date(std::chrono::sys_days(d) + n);
}

std::string DateText(badge::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

bool IsSixDigits(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The JSON of one authority (CVCA, DV): its certificate and private key.
std::string AuthorityJson(const badge::CvCertificate& cert, const SecretBytes& key) {
  return json{{"format_version", kBadgeFileFormatVersion},
              {"certificate", ToHex(cert.der())},
              {"private_key", ToHex(key.view())}}
             .dump(2) +
         "\n";
}

// Reads one of the folder's files: a regular file of mode 0600 at most (ReadSecretFile's checks),
// parsed as a JSON object of our format version.
Result<json> ReadBadgeFile(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(path, ec);
  std::uintmax_t size = 0;
  if (!ec && std::filesystem::is_regular_file(st)) {
    size = std::filesystem::file_size(path, ec);
    if (ec)
      return UnavailableError("cannot read the size of " + path.string() + ": " + ec.message());
    if (size > kMaxBadgeFileSize) {
      return DataLossError("badge key file " + path.string() + " is larger than " +
                           pki::SizeText(kMaxBadgeFileSize));
    }
  }
  ASSIGN_OR_RETURN(const SecretBytes bytes, ReadSecretFile(path, size, kBadgeKeyFileKind));
  json j = json::parse(bytes.view().begin(), bytes.view().end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return DataLossError("badge key file " + path.string() + " is not a JSON object");
  }
  if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
      j["format_version"].get<int>() != kBadgeFileFormatVersion) {
    return DataLossError("badge key file " + path.string() + ": unknown format_version");
  }
  return j;
}

Result<std::string> StringField(const json& j, std::string_view key,
                                const std::filesystem::path& path) {
  const std::string k(key);
  if (!j.contains(k) || !j[k].is_string()) {
    return DataLossError("badge key file " + path.string() + ": '" + k + "' is missing");
  }
  return j[k].get<std::string>();
}

Result<Bytes> HexField(const json& j, std::string_view key, const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(std::string text, StringField(j, key, path));
  auto bytes = FromHex(text);
  std::fill(text.begin(), text.end(), '\0');
  if (!bytes.ok()) {
    return DataLossError("badge key file " + path.string() + ": '" + std::string(key) +
                         "' is not hex");
  }
  return bytes;
}

Result<SecretBytes> KeyField(const json& j, std::string_view key,
                             const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(Bytes bytes, HexField(j, key, path));
  SecretBytes secret(bytes);
  WipeBytes(bytes);
  return secret;
}

// An authority file: the certificate, and a private key that belongs to it.
struct Authority {
  badge::CvCertificate cert;
  SecretBytes key;
};

Result<Authority> ReadAuthority(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(const json j, ReadBadgeFile(path));
  ASSIGN_OR_RETURN(const Bytes der, HexField(j, "certificate", path));
  auto cert = badge::CvCertificate::Parse(der);
  if (!cert.ok()) {
    return DataLossError("badge key file " + path.string() +
                         ": certificate: " + cert.status().message());
  }
  ASSIGN_OR_RETURN(SecretBytes key, KeyField(j, "private_key", path));
  auto point = badge::PublicPointOf(key);
  if (!point.ok() || *point != cert->public_point()) {
    return DataLossError("badge key file " + path.string() +
                         ": the private key does not belong to the certificate");
  }
  return Authority{std::move(cert).value(), std::move(key)};
}

// The three-digit number at the end of a CHR ("JPACMEC1A2BDV002" -> 2); 0 when there is none.
int SequenceNumber(std::string_view chr) {
  if (chr.size() < 3) return 0;
  int n = 0;
  for (char c : chr.substr(chr.size() - 3)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

Result<Authority> NewDv(const badge::CvCertificate& cvca, const SecretBytes& cvca_key,
                        std::string_view mnemonic, int number, badge::Date today) {
  ASSIGN_OR_RETURN(badge::EcKeyPair key, badge::GenerateEcKeyPair());
  const badge::Date end =
      std::min(Plus(today, kDvValidity), cvca.expiration(), [](badge::Date a, badge::Date b) {
        return std::chrono::sys_days(a) < std::chrono::sys_days(b);
      });
  ASSIGN_OR_RETURN(badge::CvCertificate cert,
                   badge::IssueCvCertificate({.car = cvca.chr(),
                                              .chr = BadgeChr(mnemonic, "DV", number),
                                              .role = badge::CvRole::kDvOfficial,
                                              .rights = badge::rights::kGate,
                                              .effective = today,
                                              .expiration = end,
                                              .public_point = key.public_point},
                                             cvca_key));
  return Authority{std::move(cert), std::move(key.private_pkcs8)};
}

// The mnemonic inside an organisation's CHR: between "JP" and the five-character sequence.
std::string MnemonicOf(std::string_view chr) {
  return chr.size() > 7 ? std::string(chr.substr(2, chr.size() - 7)) : std::string();
}

std::string RandomCan(Random& random) {
  std::string can;
  while (can.size() < 6) {
    std::uint8_t b = 0;
    random.Fill(std::span<std::uint8_t>(&b, 1));
    if (b < 250) can += static_cast<char>('0' + b % 10);  // 250 = 25 * 10: no modulo bias
  }
  return can;
}

}  // namespace

std::string BadgeMnemonic(std::string_view slug) {
  std::string mnemonic;
  for (char c : slug) {
    if (mnemonic.size() == 5) break;
    if (c >= 'a' && c <= 'z') mnemonic += static_cast<char>(c - 'a' + 'A');
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) mnemonic += c;
  }
  const Bytes digest = Sha256(ToBytes(slug));
  std::string hex = ToHex(ByteView(digest).first(2));
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  return mnemonic + hex;
}

std::string BadgeChr(std::string_view mnemonic, std::string_view kind, int number) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%03d", number % 1000);
  return "JP" + std::string(mnemonic) + std::string(kind) + digits;
}

badge::Date DateOf(TimePoint t) { return badge::Date(std::chrono::floor<std::chrono::days>(t)); }

Result<BadgeKeys> BadgeKeys::Create(const DataDir& dir, std::string_view org_name,
                                    badge::Date today, Random& random,
                                    std::optional<std::string> can) {
  if (can && !IsSixDigits(*can)) return InvalidArgumentError("the batch CAN must be 6 digits");
  // LoadOrgKey checks that the organisation's folder is this organisation's.
  if (auto k_org = dir.LoadOrgKey(org_name); !k_org.ok()) {
    if (k_org.status().code() == StatusCode::kFailedPrecondition) return k_org.status();
    return FailedPreconditionError("organisation '" + std::string(org_name) +
                                   "' has no usable key folder: " + k_org.status().message());
  }
  const std::filesystem::path path = dir.org_dir(org_name) / kBadgeKeysDir;
  if (::mkdir(path.c_str(), 0700) != 0) {
    const int error = errno;
    if (error == EEXIST) {
      return AlreadyExistsError("the badge keys of '" + std::string(org_name) + "' exist in " +
                                path.string() + "; they are never replaced");
    }
    return UnavailableError("cannot create " + path.string() + ": " + std::strerror(error));
  }

  auto build = [&]() -> Result<BadgeKeys> {
    const std::string mnemonic = BadgeMnemonic(OrgSlug(org_name));
    ASSIGN_OR_RETURN(badge::EcKeyPair cvca_key, badge::GenerateEcKeyPair());
    const std::string cvca_chr = BadgeChr(mnemonic, "CV", 1);
    ASSIGN_OR_RETURN(badge::CvCertificate cvca,
                     badge::IssueCvCertificate({.car = cvca_chr,
                                                .chr = cvca_chr,
                                                .role = badge::CvRole::kCvca,
                                                .rights = badge::rights::kGate,
                                                .effective = today,
                                                .expiration = Plus(today, kCvcaValidity),
                                                .public_point = cvca_key.public_point},
                                               cvca_key.private_pkcs8));
    ASSIGN_OR_RETURN(Authority dv, NewDv(cvca, cvca_key.private_pkcs8, mnemonic, 1, today));
    ASSIGN_OR_RETURN(badge::EcKeyPair sector, badge::GenerateEcKeyPair());
    ASSIGN_OR_RETURN(card::sim::BadgeBatch batch,
                     card::sim::NewBadgeBatch(can ? *can : RandomCan(random)));

    const auto write = [](const std::filesystem::path& file, std::string text) {
      Status s = WriteSecretFile(file, ToBytes(text), kBadgeKeyFileKind);
      std::fill(text.begin(), text.end(), '\0');
      return s;
    };
    RETURN_IF_ERROR(write(path / kCvcaFile, AuthorityJson(cvca, cvca_key.private_pkcs8)));
    RETURN_IF_ERROR(write(path / kDvFile, AuthorityJson(dv.cert, dv.key)));
    RETURN_IF_ERROR(
        write(path / kSectorFile, json{{"format_version", kBadgeFileFormatVersion},
                                       {"private_key", ToHex(sector.private_pkcs8.view())},
                                       {"public_key", ToHex(sector.public_point)}}
                                          .dump(2) +
                                      "\n"));
    // The batch last: its presence marks a complete folder.
    RETURN_IF_ERROR(
        write(path / kBatchFile, json{{"format_version", kBadgeFileFormatVersion},
                                      {"batch", 1},
                                      {"can", batch.can},
                                      {"ca_private_key", ToHex(batch.ca_private_pkcs8.view())},
                                      {"ca_public_key", ToHex(batch.ca_public_point)}}
                                         .dump(2) +
                                     "\n"));
    BadgeKeys keys;
    keys.path_ = path;
    keys.cvca_ = std::move(cvca);
    keys.dv_ = std::move(dv.cert);
    keys.dv_private_pkcs8_ = std::move(dv.key);
    keys.sector_private_pkcs8_ = std::move(sector.private_pkcs8);
    keys.sector_public_point_ = std::move(sector.public_point);
    keys.batch_ = std::move(batch);
    keys.batch_number_ = 1;
    return keys;
  };
  auto keys = build();
  if (!keys.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    return keys.status().WithContext("badge keys of '" + std::string(org_name) + "'");
  }
  return keys;
}

Result<BadgeKeys> BadgeKeys::Load(const DataDir& dir, std::string_view org_name,
                                  badge::Date today) {
  const std::filesystem::path path = dir.org_dir(org_name) / kBadgeKeysDir;
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    return NotFoundError("organisation '" + std::string(org_name) +
                         "' has no badge keys; create them with `sekisho badge init --org " +
                         std::string(org_name) + "`");
  }
  // The organisation's folder must be this organisation's (the same check as for K_org).
  if (auto k_org = dir.LoadOrgKey(org_name); !k_org.ok()) return k_org.status();

  BadgeKeys keys;
  keys.path_ = path;
  ASSIGN_OR_RETURN(Authority cvca, ReadAuthority(path / kCvcaFile));
  if (cvca.cert.role() != badge::CvRole::kCvca) {
    return DataLossError("badge key file " + (path / kCvcaFile).string() + " is not a CVCA");
  }
  if (Status s = cvca.cert.CheckValidAt(today); !s.ok()) {
    return FailedPreconditionError(
        "the badge CVCA of '" + std::string(org_name) + "' is " + std::string(s.message()) +
        " (valid " + DateText(cvca.cert.effective()) + " to " + DateText(cvca.cert.expiration()) +
        "); badges trusting it can no longer be served");
  }
  ASSIGN_OR_RETURN(Authority dv, ReadAuthority(path / kDvFile));
  if (Status s = dv.cert.VerifyIssuedBy(cvca.cert); !s.ok()) {
    return DataLossError("badge key file " + (path / kDvFile).string() +
                         ": the DV is not issued by the CVCA: " + s.message());
  }
  const auto left = std::chrono::sys_days(dv.cert.expiration()) - std::chrono::sys_days(today);
  if (left < kDvRenewalMargin) {
    ASSIGN_OR_RETURN(Authority renewed, NewDv(cvca.cert, cvca.key, MnemonicOf(cvca.cert.chr()),
                                              SequenceNumber(dv.cert.chr()) + 1, today));
    std::string text = AuthorityJson(renewed.cert, renewed.key);
    Status written = pki::WriteFileAtomically(path / kDvFile, text, 0600);
    std::fill(text.begin(), text.end(), '\0');
    RETURN_IF_ERROR(written.WithContext("renewing the DV of '" + std::string(org_name) + "'"));
    dv = std::move(renewed);
    keys.dv_renewed_ = true;
  }
  keys.cvca_ = std::move(cvca.cert);
  keys.dv_ = std::move(dv.cert);
  keys.dv_private_pkcs8_ = std::move(dv.key);

  ASSIGN_OR_RETURN(const json sector, ReadBadgeFile(path / kSectorFile));
  ASSIGN_OR_RETURN(keys.sector_private_pkcs8_, KeyField(sector, "private_key", path / kSectorFile));
  ASSIGN_OR_RETURN(keys.sector_public_point_, HexField(sector, "public_key", path / kSectorFile));
  if (auto p = badge::PublicPointOf(keys.sector_private_pkcs8_);
      !p.ok() || *p != keys.sector_public_point_) {
    return DataLossError("badge key file " + (path / kSectorFile).string() +
                         ": the public key does not belong to the private key");
  }

  const std::filesystem::path batch_path = path / kBatchFile;
  ASSIGN_OR_RETURN(const json batch, ReadBadgeFile(batch_path));
  if (!batch.contains("batch") || !batch["batch"].is_number_integer() ||
      batch["batch"].get<int>() < 1) {
    return DataLossError("badge key file " + batch_path.string() + ": 'batch' is not a number");
  }
  keys.batch_number_ = batch["batch"].get<int>();
  ASSIGN_OR_RETURN(keys.batch_.can, StringField(batch, "can", batch_path));
  if (!IsSixDigits(keys.batch_.can)) {
    return DataLossError("badge key file " + batch_path.string() + ": 'can' is not 6 digits");
  }
  ASSIGN_OR_RETURN(keys.batch_.ca_private_pkcs8, KeyField(batch, "ca_private_key", batch_path));
  ASSIGN_OR_RETURN(keys.batch_.ca_public_point, HexField(batch, "ca_public_key", batch_path));
  if (auto p = badge::PublicPointOf(keys.batch_.ca_private_pkcs8);
      !p.ok() || *p != keys.batch_.ca_public_point) {
    return DataLossError("badge key file " + batch_path.string() +
                         ": the CA public key does not belong to the private key");
  }
  return keys;
}

Result<Bytes> BadgeKeys::IdentifierOf(ByteView chip_ri_public_point) const {
  return badge::RestrictedIdentifier(sector_private_pkcs8_, chip_ri_public_point);
}

Result<badge::CvCertificate> BadgeKeys::IssueTerminalCertificate(
    badge::Date today, std::chrono::days validity, std::uint64_t rights, ByteView public_point,
    std::string_view sequence, int number) const {
  if (validity < std::chrono::days(1) || validity > badge::kMaxTerminalValidity) {
    return InvalidArgumentError("a terminal certificate is valid for 1 to " +
                                std::to_string(badge::kMaxTerminalValidity.count()) + " days");
  }
  if (sequence.size() != 2 ||
      !std::all_of(sequence.begin(), sequence.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return InvalidArgumentError("a terminal sequence prefix is two capital letters");
  }
  if (number < 0 || number > 999) {
    return InvalidArgumentError("a terminal sequence number is 0 to 999");
  }
  if ((rights & ~dv_->rights()) != 0) {
    return InvalidArgumentError("the terminal's rights exceed the DV's");
  }
  if (Status s = badge::CheckPublicPoint(public_point); !s.ok()) {
    return InvalidArgumentError("the terminal's public key is not an uncompressed " +
                                std::string(badge::kCurveName) +
                                " point: " + std::string(s.message()));
  }
  if (Status s = dv_->CheckValidAt(today); !s.ok()) {
    return FailedPreconditionError("the DV is " + std::string(s.message()));
  }
  const badge::Date last = Plus(today, validity - std::chrono::days(1));
  const badge::Date end = std::chrono::sys_days(last) < std::chrono::sys_days(dv_->expiration())
                              ? last
                              : dv_->expiration();
  return badge::IssueCvCertificate(
      {.car = dv_->chr(),
       .chr = BadgeChr(MnemonicOf(cvca_->chr()), sequence, number),
       .role = badge::CvRole::kTerminal,
       .rights = rights,
       .effective = today,
       .expiration = end,
       .public_point = Bytes(public_point.begin(), public_point.end())},
      dv_private_pkcs8_);
}

Result<badge::TerminalCredentials> BadgeKeys::IssueTerminal(badge::Date today,
                                                            std::chrono::days validity,
                                                            std::uint64_t rights,
                                                            std::string_view sequence) const {
  ASSIGN_OR_RETURN(badge::EcKeyPair key, badge::GenerateEcKeyPair());
  ASSIGN_OR_RETURN(badge::CvCertificate terminal,
                   IssueTerminalCertificate(today, validity, rights, key.public_point, sequence));
  badge::TerminalCredentials credentials;
  credentials.dv_certificate = dv_->der();
  credentials.terminal_certificate = terminal.der();
  credentials.terminal_private_pkcs8 = std::move(key.private_pkcs8);
  credentials.trusted_chip_keys = {batch_.ca_public_point};
  credentials.sector_public_point = sector_public_point_;
  return credentials;
}

}  // namespace sekisho::access
