// badge-terminal.json (terminal_credentials_file.h).
#include "gate/terminal_credentials_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "badge/cv_certificate.h"
#include "badge/ec_key.h"
#include "base/secret_file.h"
#include "pki/file_io.h"

namespace sekisho::gate {
namespace {

using nlohmann::json;

constexpr int kTerminalFileFormatVersion = 1;
constexpr std::uintmax_t kMaxTerminalFileSize = 64 * 1024;

constexpr SecretFileKind kTerminalFileKind{
    .name = "badge terminal file",
    .secret = "a badge terminal key",
    .why_never_replaced = "it is replaced only by a renewal",
    .exposure = "anyone who can read it can act as this gate's badge terminal until it expires",
    .when_missing = "the gate fetches it from the server while online",
};

Status Malformed(const std::filesystem::path& path, std::string_view why) {
  return DataLossError("badge terminal file " + path.string() + ": " + std::string(why));
}

}  // namespace

Status WriteTerminalCredentials(const std::filesystem::path& path, const StoredTerminal& stored) {
  json j = {{"format_version", kTerminalFileFormatVersion},
            {"private_key", ToHex(stored.private_pkcs8.view())},
            {"issuance", EncodeTerminalIssuance(stored.issuance)}};
  std::string text = j.dump(2) + "\n";
  // The JSON object's own copy of the key.
  std::string& key_text = j["private_key"].get_ref<std::string&>();
  std::fill(key_text.begin(), key_text.end(), '\0');
  Status written = pki::WriteFileAtomically(path, text, 0600);
  std::fill(text.begin(), text.end(), '\0');
  return written.WithContext("writing the badge terminal file " + path.string());
}

Result<StoredTerminal> ReadTerminalCredentials(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(path, ec);
  std::uintmax_t size = 0;
  if (!ec && std::filesystem::is_regular_file(st)) {
    size = std::filesystem::file_size(path, ec);
    if (ec)
      return UnavailableError("cannot read the size of " + path.string() + ": " + ec.message());
    if (size > kMaxTerminalFileSize) return Malformed(path, "larger than 64 KiB");
  }
  ASSIGN_OR_RETURN(const SecretBytes bytes, ReadSecretFile(path, size, kTerminalFileKind));
  json j = json::parse(bytes.view().begin(), bytes.view().end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Malformed(path, "not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "format_version" && key != "private_key" && key != "issuance") {
      return Malformed(path, "unknown field '" + key + "'");
    }
  }
  auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer() ||
      version->get<int>() != kTerminalFileFormatVersion) {
    return Malformed(path, "unknown format_version");
  }
  auto key = j.find("private_key");
  if (key == j.end() || !key->is_string()) return Malformed(path, "'private_key' is missing");
  Result<Bytes> key_bytes = FromHex(key->get_ref<const std::string&>());
  std::string& key_text = key->get_ref<std::string&>();
  std::fill(key_text.begin(), key_text.end(), '\0');
  if (!key_bytes.ok()) return Malformed(path, "'private_key' is not hex");
  StoredTerminal stored;
  stored.private_pkcs8 = SecretBytes(ByteView(*key_bytes));
  WipeBytes(*key_bytes);
  auto issuance_json = j.find("issuance");
  if (issuance_json == j.end()) return Malformed(path, "'issuance' is missing");
  Result<TerminalIssuance> issuance = DecodeTerminalIssuance(*issuance_json);
  if (!issuance.ok()) return Malformed(path, issuance.status().message());
  stored.issuance = std::move(issuance).value();
  auto certificate = badge::CvCertificate::Parse(stored.issuance.terminal_certificate);
  auto point = badge::PublicPointOf(stored.private_pkcs8);
  if (!certificate.ok() || !point.ok() || *point != certificate->public_point()) {
    return Malformed(path, "the private key does not belong to the terminal certificate");
  }
  return stored;
}

std::shared_ptr<const HeldBadgeCredentials> HeldFrom(const StoredTerminal& stored) {
  auto held = std::make_shared<HeldBadgeCredentials>();
  const TerminalIssuance& i = stored.issuance;
  held->credentials.terminal.dv_certificate = i.dv_certificate;
  held->credentials.terminal.terminal_certificate = i.terminal_certificate;
  held->credentials.terminal.terminal_private_pkcs8 = SecretBytes(stored.private_pkcs8.view());
  held->credentials.terminal.trusted_chip_keys = i.trusted_chip_keys;
  held->credentials.terminal.sector_public_point = i.sector_public_point;
  held->not_after = EndOf(i.not_after);
  return held;
}

}  // namespace sekisho::gate
