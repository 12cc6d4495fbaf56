#include "server/snapshot_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/secret_file.h"
#include "pki/file_io.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

constexpr SecretFileKind kSnapshotKeyKind{
    .name = "snapshot key file",
    .secret = "an Ed25519 seed",
    .why_never_replaced =
        "every registered gate trusts this key; replace it with `sekisho snapshot rotate-key`",
    .exposure = "whoever reads it can sign policies that gates accept",
    .when_missing = "restore it from a backup"};

Status ChainFileError(std::string_view why) {
  return DataLossError(std::string(kSnapshotKeyChainFile) + ": " + std::string(why));
}

Result<Ed25519PrivateKey> ReadKey(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(SecretBytes seed, ReadSecretFile(path, kEd25519SeedSize, kSnapshotKeyKind));
  return Ed25519PrivateKey::FromSeed(seed.view());
}

// The chain file of `org_dir`, when there is one, checked from its first key to its end.
Result<std::optional<sync::KeyChain>> ReadChain(const std::filesystem::path& org_dir,
                                                std::string_view organisation,
                                                std::optional<Ed25519PublicKey>& end) {
  const std::filesystem::path path = org_dir / kSnapshotKeyChainFile;
  Result<std::string> text = pki::ReadSmallFile(path);
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) return std::nullopt;
  if (!text.ok()) return text.status();
  ASSIGN_OR_RETURN(sync::KeyChain chain, ParseKeyChainFile(*text));
  Result<Ed25519PublicKey> first = Ed25519PublicKey::FromBytes(chain.first_key);
  if (!first.ok()) return ChainFileError(first.status().message());
  Result<sync::ChainEnd> followed = sync::FollowKeyChain(chain, *first, organisation);
  if (!followed.ok()) return ChainFileError(followed.status().message());
  end = followed->key;
  return chain;
}

Status SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!synced) return UnavailableError(dir.string() + ": cannot sync: " + std::strerror(err));
  return OkStatus();
}

}  // namespace

std::string FormatKeyChainFile(const sync::KeyChain& chain) {
  json rollovers = json::array();
  for (const sync::KeyRollover& r : chain.rollovers) {
    rollovers.push_back(
        {{"sequence", r.sequence}, {"key", ToHex(r.key)}, {"signature", ToHex(r.signature)}});
  }
  const json j = {{"v", 1},
                  {"organisation", chain.organisation},
                  {"first_key", ToHex(chain.first_key)},
                  {"rollovers", std::move(rollovers)}};
  return j.dump(2) + "\n";
}

Result<sync::KeyChain> ParseKeyChainFile(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return ChainFileError("not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "v" && key != "organisation" && key != "first_key" && key != "rollovers") {
      return ChainFileError("unknown key \"" + key + "\"");
    }
  }
  if (!j.contains("v") || j["v"] != 1) return ChainFileError("\"v\" is not 1");
  auto hex = [](const json& value, std::string_view what) -> Result<Bytes> {
    if (!value.is_string()) return ChainFileError(std::string(what) + " is not a hex string");
    Result<Bytes> bytes = FromHex(value.get<std::string>());
    if (!bytes.ok()) return ChainFileError(std::string(what) + ": " + bytes.status().message());
    return bytes;
  };
  sync::KeyChain chain;
  if (!j.contains("organisation") || !j["organisation"].is_string()) {
    return ChainFileError("\"organisation\" is not a string");
  }
  chain.organisation = j["organisation"].get<std::string>();
  if (!j.contains("first_key")) return ChainFileError("no \"first_key\"");
  ASSIGN_OR_RETURN(chain.first_key, hex(j["first_key"], "\"first_key\""));
  if (!j.contains("rollovers") || !j["rollovers"].is_array()) {
    return ChainFileError("\"rollovers\" is not an array");
  }
  for (const json& r : j["rollovers"]) {
    const std::string where = "rollover " + std::to_string(chain.rollovers.size() + 1);
    if (!r.is_object() || r.size() != 3 || !r.contains("sequence") ||
        !r["sequence"].is_number_unsigned() || !r.contains("key") || !r.contains("signature")) {
      return ChainFileError(where + " is not {\"key\", \"sequence\", \"signature\"}");
    }
    sync::KeyRollover rollover;
    rollover.sequence = r["sequence"].get<std::uint64_t>();
    ASSIGN_OR_RETURN(rollover.key, hex(r["key"], where + " \"key\""));
    ASSIGN_OR_RETURN(rollover.signature, hex(r["signature"], where + " \"signature\""));
    chain.rollovers.push_back(std::move(rollover));
  }
  if (Status checked = sync::CheckKeyChain(chain); !checked.ok()) {
    return ChainFileError(checked.message());
  }
  return chain;
}

Result<FolderLock> LockOrgFolder(const std::filesystem::path& org_dir, FolderLock::Mode mode) {
  return FolderLock::Acquire(
      org_dir, mode,
      mode == FolderLock::Mode::kExclusive
          ? " (a running `sekisho serve`?); stop it, rotate the key, start it again"
          : ": a snapshot key rotation is under way; start again when it has ended");
}

Result<SnapshotKeys> LoadSnapshotKeys(const std::filesystem::path& org_dir,
                                      std::string_view organisation, Random& random) {
  std::error_code ec;
  if (std::filesystem::exists(org_dir / kNextSnapshotKeyFile, ec)) {
    return FailedPreconditionError(
        (org_dir / kNextSnapshotKeyFile).string() +
        " exists: a snapshot key rotation stopped half-way; run `sekisho snapshot rotate-key` "
        "again to finish it");
  }
  std::optional<Ed25519PublicKey> end;
  ASSIGN_OR_RETURN(std::optional<sync::KeyChain> chain, ReadChain(org_dir, organisation, end));
  const std::filesystem::path path = org_dir / kSnapshotKeyFile;
  Result<Ed25519PrivateKey> key = ReadKey(path);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound && !chain) {
    key = Ed25519PrivateKey::Generate(random);
    RETURN_IF_ERROR(WriteSecretFile(path, key->seed(), kSnapshotKeyKind));
  }
  if (!key.ok()) return key.status();
  if (end && !(*end == key->public_key())) {
    return ChainFileError("the chain ends at key id " + sync::SnapshotKeyIdHex(*end) + ", " +
                          path.string() + " holds key id " +
                          sync::SnapshotKeyIdHex(key->public_key()));
  }
  return SnapshotKeys{std::move(key).value(), std::move(chain)};
}

Result<SnapshotKeyRotation> RotateSnapshotKey(const std::filesystem::path& org_dir,
                                              std::string_view organisation, Random& random) {
  ASSIGN_OR_RETURN(FolderLock lock, LockOrgFolder(org_dir, FolderLock::Mode::kExclusive));
  const std::filesystem::path key_path = org_dir / kSnapshotKeyFile;
  const std::filesystem::path next_path = org_dir / kNextSnapshotKeyFile;
  Result<Ed25519PrivateKey> current = ReadKey(key_path);
  if (!current.ok() && current.status().code() == StatusCode::kNotFound) {
    return FailedPreconditionError(
        "there is no snapshot key to rotate yet; the server makes it when it first opens the "
        "organisation");
  }
  if (!current.ok()) return current.status();
  std::optional<Ed25519PublicKey> end;
  ASSIGN_OR_RETURN(std::optional<sync::KeyChain> chain, ReadChain(org_dir, organisation, end));

  SnapshotKeyRotation rotation{.previous = current->public_key(),
                               .next = current->public_key(),
                               .sequence = 0,
                               .resumed = false};
  Result<Ed25519PrivateKey> next = ReadKey(next_path);
  if (next.ok()) {
    rotation.resumed = true;
  } else if (next.status().code() == StatusCode::kNotFound) {
    next = Ed25519PrivateKey::Generate(random);
    RETURN_IF_ERROR(WriteSecretFile(next_path, next->seed(), kSnapshotKeyKind));
  } else {
    return next.status();
  }
  rotation.next = next->public_key();

  if (!chain) {
    chain = sync::KeyChain{.organisation = std::string(organisation),
                           .first_key = current->public_key().bytes()};
  }
  const sync::KeyRollover* last = chain->rollovers.empty() ? nullptr : &chain->rollovers.back();
  if (end && *end == next->public_key() && last != nullptr) {
    // Step 2 was done before the stop: the chain names the new key already.
    rotation.sequence = last->sequence;
  } else if (!end || *end == current->public_key()) {
    rotation.sequence = last == nullptr ? 1 : last->sequence + 1;
    chain->rollovers.push_back(
        sync::SignRollover(*current, organisation, rotation.sequence, next->public_key()));
    RETURN_IF_ERROR(sync::CheckKeyChain(*chain));
    RETURN_IF_ERROR(pki::WriteFileAtomically(org_dir / kSnapshotKeyChainFile,
                                             FormatKeyChainFile(*chain), 0644));
  } else {
    return ChainFileError("the chain ends at key id " + sync::SnapshotKeyIdHex(*end) +
                          ", neither snapshot.key's nor snapshot.key.next's");
  }
  if (::rename(next_path.c_str(), key_path.c_str()) != 0) {
    return UnavailableError("cannot move " + next_path.string() + " over " + key_path.string() +
                            ": " + std::strerror(errno) + "; run the rotation again to finish it");
  }
  RETURN_IF_ERROR(SyncDirectory(org_dir));
  return rotation;
}

}  // namespace sekisho::server
