#include "audit/log_directory.h"

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

Result<std::unique_ptr<AuditLog>> OpenLogInDirectory(const std::filesystem::path& dir,
                                                     Random& random, const Clock& clock,
                                                     const AuditLog::Options& options) {
  ASSIGN_OR_RETURN(const Ed25519PrivateKey key, LoadLogKey(dir, random));
  return AuditLog::Open(dir / kAuditLogFileName, LogOriginForKey(key.public_key()),
                        key.public_key(), random, clock, options);
}

}  // namespace sekisho::audit
