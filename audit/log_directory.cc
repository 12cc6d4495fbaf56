#include "audit/log_directory.h"

#include <nlohmann/json.hpp>

#include "audit/checkpoint.h"
#include "audit/key_file.h"

namespace sekisho::audit {

Result<Ed25519PrivateKey> LoadLogKey(const std::filesystem::path& dir, Random& random) {
  const std::filesystem::path key_path = dir / kCheckpointKeyFileName;
  const std::filesystem::path log_path = dir / kAuditLogFileName;
  // A new key only with a new log: a log whose key is lost keeps failing rather than being
  // paired with a key that cannot verify its checkpoints.
  std::error_code ec;
  const bool log_exists = std::filesystem::exists(log_path, ec);
  auto key = log_exists ? ReadCheckpointKeyFile(key_path)
                        : LoadOrCreateCheckpointKeyFile(key_path, random);
  if (!key.ok() && log_exists && key.status().code() == StatusCode::kNotFound) {
    return key.status().WithContext("the audit log " + log_path.string() +
                                    " exists but its checkpoint key does not; restore " +
                                    key_path.string() + " from a backup");
  }
  return key;
}

Result<LogKeys> LoadLogKeys(const std::filesystem::path& dir, Random& random) {
  ASSIGN_OR_RETURN(Ed25519PrivateKey current, LoadLogKey(dir, random));
  ASSIGN_OR_RETURN(std::vector<Ed25519PublicKey> retired,
                   ReadRetiredCheckpointKeys(dir / kRetiredCheckpointKeysFileName));
  std::string origin = LogOriginForKey(retired.empty() ? current.public_key() : retired.front());
  return LogKeys{std::move(current), std::move(retired), std::move(origin)};
}

Result<std::unique_ptr<AuditLog>> OpenLogInDirectory(const std::filesystem::path& dir,
                                                     Random& random, const Clock& clock,
                                                     const AuditLog::Options& options) {
  ASSIGN_OR_RETURN(const LogKeys keys, LoadLogKeys(dir, random));
  AuditLog::Options with_keys = options;
  with_keys.retired_keys = keys.retired;
  return AuditLog::Open(dir / kAuditLogFileName, keys.origin, keys.current.public_key(), random,
                        clock, with_keys);
}

Result<FolderLock> LockLogDirectory(const std::filesystem::path& dir, FolderLock::Mode mode) {
  return FolderLock::Acquire(
      dir, mode,
      mode == FolderLock::Mode::kExclusive
          ? " (a running `sekisho serve`?); stop it, rotate the key, start it again"
          : ": a checkpoint key rotation is under way; start again when it has ended");
}

Result<KeyRotation> RotateLogKey(const std::filesystem::path& dir, Random& random,
                                 const Clock& clock, std::string_view actor,
                                 const AuditLog::Options& options) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / kAuditLogFileName, ec)) {
    return FailedPreconditionError("there is no audit log in " + dir.string() +
                                   " to rotate the key of");
  }
  ASSIGN_OR_RETURN(const FolderLock lock, LockLogDirectory(dir, FolderLock::Mode::kExclusive));
  ASSIGN_OR_RETURN(LogKeys keys, LoadLogKeys(dir, random));
  const std::filesystem::path next_path = dir / kNextCheckpointKeyFileName;
  Result<Ed25519PrivateKey> next = ReadCheckpointKeyFile(next_path);
  if (!next.ok() && next.status().code() == StatusCode::kNotFound) {
    next = Ed25519PrivateKey::Generate(random);
    RETURN_IF_ERROR(WriteCheckpointKeyFile(next_path, *next));
  }
  if (!next.ok()) return next.status();

  KeyRotation rotation;
  rotation.previous_key_id = CheckpointKeyId(keys.origin, keys.current.public_key());
  rotation.new_key_id = CheckpointKeyId(keys.origin, next->public_key());
  {
    AuditLog::Options with_keys = options;
    with_keys.retired_keys = keys.retired;
    ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> log,
                     AuditLog::Open(dir / kAuditLogFileName, keys.origin, keys.current.public_key(),
                                    random, clock, with_keys));
    const nlohmann::json record = {{"action", "checkpoint-key-rotated"},
                                   {"actor", std::string(actor)},
                                   {"at", FormatUtc(clock.Now())},
                                   {"new_key", ToHex(next->public_key().bytes())},
                                   {"new_key_id", KeyIdHex(rotation.new_key_id)},
                                   {"previous_key_id", KeyIdHex(rotation.previous_key_id)},
                                   {"v", 1}};
    ASSIGN_OR_RETURN(rotation.record,
                     log->Append({RecordKind::kAdminAction, ToBytes(record.dump())}));
    ASSIGN_OR_RETURN(rotation.last_by_previous, log->AddCheckpoint(keys.current));
  }

  std::vector<Ed25519PublicKey> retired = keys.retired;
  bool listed = false;
  for (const Ed25519PublicKey& key : retired) listed = listed || key == keys.current.public_key();
  if (!listed) retired.push_back(keys.current.public_key());
  RETURN_IF_ERROR(WriteRetiredCheckpointKeys(dir / kRetiredCheckpointKeysFileName, retired));
  std::filesystem::rename(next_path, dir / kCheckpointKeyFileName, ec);
  if (ec) {
    return UnavailableError("cannot move " + next_path.string() + " over " +
                            (dir / kCheckpointKeyFileName).string() + ": " + ec.message() +
                            "; run the rotation again to finish it");
  }

  ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> log, OpenLogInDirectory(dir, random, clock, options));
  ASSIGN_OR_RETURN(rotation.first_by_new, log->AddCheckpoint(*next));
  return rotation;
}

}  // namespace sekisho::audit
