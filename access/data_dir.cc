#include "access/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "access/org_key_file.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSlugLength = 48;
constexpr int kOrgInfoFormatVersion = 1;

// Creates `dir` and missing parents; the last component gets `mode`. An existing directory is
// left as it is.
Status MakeDirectory(const std::filesystem::path& dir, mode_t mode) {
  std::error_code ec;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  if (ec)
    return UnavailableError("cannot create " + dir.parent_path().string() + ": " + ec.message());
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return UnavailableError("cannot create " + dir.string() + ": " + std::strerror(errno));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return UnavailableError(dir.string() + " exists and is not a directory");
  }
  return OkStatus();
}

// The organisation name recorded in org.json of `dir`; kNotFound when absent.
Result<std::string> ReadOrgName(const std::filesystem::path& dir) {
  auto text = pki::ReadSmallFile(dir / kOrgInfoFile);
  if (!text.ok()) return text.status();
  const json info = json::parse(*text, nullptr, false);
  if (info.is_discarded() || !info.is_object() || !info.contains("name") ||
      !info["name"].is_string()) {
    return DataLossError((dir / kOrgInfoFile).string() + " is not a valid organisation file");
  }
  return info["name"].get<std::string>();
}

}  // namespace

std::string OrgSlug(std::string_view name) {
  std::string slug;
  bool dash = false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (dash && !slug.empty()) slug += '-';
      dash = false;
      slug += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else {
      dash = true;
    }
    if (slug.size() >= kMaxSlugLength) break;
  }
  if (slug.size() > kMaxSlugLength) slug.resize(kMaxSlugLength);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "org" : slug;
}

Result<DataDir> DataDir::Create(const std::filesystem::path& root, const Config& config) {
  std::error_code ec;
  if (std::filesystem::exists(root / kConfigFile, ec)) {
    return AlreadyExistsError(root.string() +
                              " is a Sekisho data directory already; pass --org NAME to add an "
                              "organisation to it");
  }
  RETURN_IF_ERROR(MakeDirectory(root, 0700));
  RETURN_IF_ERROR(MakeDirectory(root / kAnchorsDir, 0755));
  RETURN_IF_ERROR(MakeDirectory(root / kOrgsDir, 0700));
  DataDir dir(root, config);
  if (const auto log = dir.log_path(); !log.empty()) {
    RETURN_IF_ERROR(MakeDirectory(log.parent_path(), 0700));
  }
  // config.json last: its presence marks a complete data directory.
  RETURN_IF_ERROR(pki::WriteFileAtomically(root / kConfigFile, ConfigToJson(config), 0644));
  return dir;
}

Result<DataDir> DataDir::Open(const std::filesystem::path& root) {
  auto text = pki::ReadSmallFile(root / kConfigFile);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no Sekisho data directory at " + root.string() +
                           " (no config.json); create one with `sekisho init --data " +
                           root.string() + "`");
    }
    return text.status().WithContext((root / kConfigFile).string());
  }
  auto config = ParseConfig(*text);
  if (!config.ok()) return config.status().WithContext((root / kConfigFile).string());
  return DataDir(root, std::move(config).value());
}

std::filesystem::path DataDir::log_path() const {
  if (config_.log_file.empty()) return {};
  return root_ / config_.log_file;
}

std::filesystem::path DataDir::org_dir(std::string_view org_name) const {
  return root_ / kOrgsDir / OrgSlug(org_name);
}

std::filesystem::path DataDir::org_key_path(std::string_view org_name) const {
  return org_dir(org_name) / kOrgKeyFile;
}

std::filesystem::path DataDir::revoked_serials_path(std::string_view org_name) const {
  return org_dir(org_name) / kRevokedSerialsFile;
}

Status DataDir::CreateOrgFiles(std::string_view org_name, Random& random) const {
  const std::filesystem::path dir = org_dir(org_name);
  if (::mkdir(dir.c_str(), 0700) != 0) {
    const int error = errno;
    if (error == EEXIST) {
      auto owner = ReadOrgName(dir);
      if (owner.ok() && *owner == org_name) {
        return AlreadyExistsError("organisation '" + std::string(org_name) +
                                  "' already has its files in " + dir.string());
      }
      return AlreadyExistsError(
          "organisation name '" + std::string(org_name) + "' maps to the folder " + dir.string() +
          (owner.ok() ? ", which organisation '" + *owner + "' uses" : ", which exists") +
          "; choose a name that differs in its letters or digits");
    }
    return UnavailableError("cannot create " + dir.string() + ": " + std::strerror(error));
  }
  const json info = {{"format_version", kOrgInfoFormatVersion}, {"name", std::string(org_name)}};
  Status status = pki::WriteFileAtomically(dir / kOrgInfoFile, info.dump(2) + "\n", 0600);
  if (status.ok()) status = WriteOrgKeyFile(dir / kOrgKeyFile, identity::OrgKey::Generate(random));
  if (!status.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return status;
}

void DataDir::RemoveOrgFiles(std::string_view org_name) const {
  std::error_code ec;
  std::filesystem::remove_all(org_dir(org_name), ec);
}

Status DataDir::CheckOrgDir(std::string_view org_name) const {
  const std::filesystem::path dir = org_dir(org_name);
  auto owner = ReadOrgName(dir);
  if (!owner.ok()) {
    if (owner.status().code() == StatusCode::kNotFound) {
      return FailedPreconditionError("organisation '" + std::string(org_name) +
                                     "' has no folder in " + (root_ / kOrgsDir).string() + " (no " +
                                     std::string(kOrgInfoFile) +
                                     "); was it created with `sekisho init --org` here?");
    }
    return owner.status();
  }
  if (*owner != org_name) {
    return FailedPreconditionError("the folder " + dir.string() + " belongs to organisation '" +
                                   *owner + "', not '" + std::string(org_name) + "'");
  }
  return OkStatus();
}

Result<identity::OrgKey> DataDir::LoadOrgKey(std::string_view org_name) const {
  RETURN_IF_ERROR(CheckOrgDir(org_name));
  return ReadOrgKeyFile(org_key_path(org_name));
}

}  // namespace sekisho::access
