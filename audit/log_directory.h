// The audit log as it lives in a data directory: audit.db beside its checkpoint key audit-key
// (0600), the key created with the log and never without it, and the public keys it was signed
// with before (audit-key.retired) once the key has been rotated (docs/audit.md "Keys").
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/folder_lock.h"
#include "base/random.h"

namespace sekisho::audit {

// The checkpoint key of the log in `dir`, created with the log on first use. kNotFound "... exists
// but its checkpoint key does not ..." when audit.db is there without audit-key (no new key is
// made for an existing log); the key file's other errors (kPermissionDenied for a loose mode,
// with the fix).
Result<Ed25519PrivateKey> LoadLogKey(const std::filesystem::path& dir, Random& random);

// The log's keys: the current one (LoadLogKey), the retired ones (ReadRetiredCheckpointKeys,
// oldest first), and the log's origin, named after its first key (LogOriginForKey of the oldest
// retired key, or of the current one), so the name stays when the key is rotated.
struct LogKeys {
  Ed25519PrivateKey current;
  std::vector<Ed25519PublicKey> retired;
  std::string origin;
};
Result<LogKeys> LoadLogKeys(const std::filesystem::path& dir, Random& random);

// The audit log of `dir`, opened with its keys (LoadLogKeys): checkpoints signed by the current
// or a retired key verify. Both files are created on first use. `random` and `clock` must outlive
// the log. LoadLogKeys's errors, then AuditLog::Open's.
Result<std::unique_ptr<AuditLog>> OpenLogInDirectory(const std::filesystem::path& dir,
                                                     Random& random, const Clock& clock,
                                                     const AuditLog::Options& options);

// The lock on the log's folder (base/folder_lock.h): `sekisho serve` holds it shared while it has
// the log open, RotateLogKey exclusively. kFailedPrecondition "... in use by another Sekisho
// process ..." when it is held the other way.
Result<FolderLock> LockLogDirectory(const std::filesystem::path& dir, FolderLock::Mode mode);

// What a key rotation did.
struct KeyRotation {
  std::uint32_t previous_key_id = 0;
  std::uint32_t new_key_id = 0;
  std::uint64_t record = 0;           // the admin record naming the new key
  SignedCheckpoint last_by_previous;  // covers that record, signed by the previous key
  SignedCheckpoint first_by_new;
};

// The new key's file while a rotation is under way; a rotation that stopped is resumed with it.
inline constexpr std::string_view kNextCheckpointKeyFileName = "audit-key.next";

// Replaces the log's checkpoint key with a new one, in steps that each survive a crash (running
// it again after a stop finishes the same rotation):
//   1. the new key is written to audit-key.next (or read from it when an earlier run left it);
//   2. an admin record {"action": "checkpoint-key-rotated", "actor", "at", "new_key" (hex),
//      "new_key_id", "previous_key_id", "v": 1} is appended, and a checkpoint covering it is
//      signed by the previous key, which so vouches for its successor;
//   3. the previous key's public half is added to audit-key.retired, and audit-key.next
//      replaces audit-key (the previous private key is gone from the directory);
//   4. a first checkpoint is signed by the new key.
// Refused while a running `sekisho serve` has the log open (LockLogDirectory): it would keep
// signing with the key it loaded. kFailedPrecondition for that and when `dir` holds no audit log;
// LoadLogKeys's and the log's errors; kUnavailable for file errors.
Result<KeyRotation> RotateLogKey(const std::filesystem::path& dir, Random& random,
                                 const Clock& clock, std::string_view actor,
                                 const AuditLog::Options& options);

}  // namespace sekisho::audit
