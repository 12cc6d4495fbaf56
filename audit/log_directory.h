// The audit log as it lives in a data directory: audit.db beside its checkpoint key audit-key
// (0600), the key created with the log and never without it (docs/audit.md "Keys").
#pragma once

#include <filesystem>
#include <memory>

#include "audit/audit_log.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"

namespace sekisho::audit {

// The checkpoint key of the log in `dir`, created with the log on first use. kNotFound "... exists
// but its checkpoint key does not ..." when audit.db is there without audit-key (no new key is
// made for an existing log); the key file's other errors (kPermissionDenied for a loose mode,
// with the fix).
Result<Ed25519PrivateKey> LoadLogKey(const std::filesystem::path& dir, Random& random);

// The audit log of `dir`, opened with its checkpoint key (LoadLogKey) and origin
// (LogOriginForKey); both are created on first use. `random` and `clock` must outlive the log.
// LoadLogKey's errors, then AuditLog::Open's.
Result<std::unique_ptr<AuditLog>> OpenLogInDirectory(const std::filesystem::path& dir,
                                                     Random& random, const Clock& clock,
                                                     const AuditLog::Options& options);

}  // namespace sekisho::audit
