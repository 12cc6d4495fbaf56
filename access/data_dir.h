// DataDir: the layout of a Sekisho data directory (registry, organisation keys, trust anchors,
// imported CRL state, config, logs). Several organisations may share one directory, each with
// its own K_org. Format: docs/formats/data-directory.md.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "access/config.h"
#include "base/random.h"
#include "base/result.h"
#include "identity/org_key.h"

namespace sekisho::access {

inline constexpr std::string_view kRegistryFile = "registry.db";
inline constexpr std::string_view kConfigFile = "config.json";
inline constexpr std::string_view kAnchorsDir = "anchors";
inline constexpr std::string_view kOrgsDir = "orgs";
inline constexpr std::string_view kOrgInfoFile = "org.json";
inline constexpr std::string_view kOrgKeyFile = "k_org";
inline constexpr std::string_view kRevokedSerialsFile = "revoked-serials.json";

// The directory name of an organisation: the ASCII letters and digits of `name` in lower case,
// every other run of characters one '-', at most 48 characters, "org" when nothing is left
// ("ACME Corp." -> "acme-corp"). Two names with one slug cannot share a data directory.
std::string OrgSlug(std::string_view name);

// Paths and files of one data directory. A value; cheap to copy. Opening the registry at
// registry_path() is the caller's business (the store back-end is chosen in cmd/).
class DataDir {
 public:
  // Creates `root` (mode 0700, parents as needed) with config.json holding `config`, and the
  // empty folders anchors/, orgs/ and the log folder. kAlreadyExists when `root` holds a
  // config.json already ("... pass --org NAME to add an organisation"); kUnavailable on I/O
  // errors.
  static Result<DataDir> Create(const std::filesystem::path& root, const Config& config = {});

  // Opens an existing data directory and reads its config.json. kNotFound when there is none
  // ("run `sekisho init --data DIR`"); ParseConfig's codes, with the file named, otherwise.
  static Result<DataDir> Open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  const Config& config() const { return config_; }

  std::filesystem::path registry_path() const { return root_ / kRegistryFile; }
  std::filesystem::path config_path() const { return root_ / kConfigFile; }
  std::filesystem::path anchors_dir() const { return root_ / kAnchorsDir; }
  // Empty when the config names no log file.
  std::filesystem::path log_path() const;
  std::filesystem::path org_dir(std::string_view org_name) const;
  std::filesystem::path org_key_path(std::string_view org_name) const;
  std::filesystem::path revoked_serials_path(std::string_view org_name) const;

  // Creates orgs/<slug>/ (mode 0700) with org.json naming the organisation and a fresh K_org
  // from `random` (WriteOrgKeyFile). kAlreadyExists when the slug's folder exists, naming the
  // organisation that uses it; on any error nothing is left behind.
  Status CreateOrgFiles(std::string_view org_name, Random& random) const;
  // Removes orgs/<slug>/ when CreateOrgFiles made it and the registry then refused the
  // organisation. Only for that rollback: the key is gone for good.
  void RemoveOrgFiles(std::string_view org_name) const;

  // K_org of `org_name`, after checking that orgs/<slug>/org.json names this organisation
  // (kFailedPrecondition otherwise). ReadOrgKeyFile's codes for the key file (kPermissionDenied
  // for a mode looser than 0600, with the fix).
  Result<identity::OrgKey> LoadOrgKey(std::string_view org_name) const;

 private:
  DataDir(std::filesystem::path root, Config config)
      : root_(std::move(root)), config_(std::move(config)) {}
  // kFailedPrecondition unless orgs/<slug>/org.json exists and names `org_name`.
  Status CheckOrgDir(std::string_view org_name) const;

  std::filesystem::path root_;
  Config config_;
};

}  // namespace sekisho::access
