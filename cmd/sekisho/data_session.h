// The options every data-directory command shares (--data, --org, --actor) and the session they
// open: the data directory, its SQLite registry, the organisation and its key, with the data
// directory's log file added to the log; and the feed of admin events into the audit log that
// ends every command that writes to the registry.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "access/data_dir.h"
#include "audit/audit_log.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "base/result.h"
#include "identity/org_key.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/types.h"

namespace sekisho::cli {

struct DataOptions {
  std::string data;                // --data; default $SEKISHO_DATA, else ./sekisho-data
  std::optional<std::string> org;  // --org; default: the only organisation
  std::string actor;               // --actor; default $USER
};

// Adds --data and --actor (and --org when `with_org`) to `cmd`, with their defaults filled in.
void AddDataOptions(CLI::App* cmd, DataOptions& options, bool with_org = true);

// The registry of `dir`, created if absent, with the configured busy timeout.
Result<std::unique_ptr<store::sqlite::SqliteRegistry>> OpenRegistry(const access::DataDir& dir,
                                                                    const Clock& clock);

// Adds the data directory's log file (config log.file) to the process log.
void LogToDataDir(const access::DataDir& dir);

struct DataSession {
  std::unique_ptr<SystemClock> clock = std::make_unique<SystemClock>();
  std::optional<access::DataDir> dir;
  std::unique_ptr<store::sqlite::SqliteRegistry> registry;
  store::Organisation org;
  std::string actor;
};

// Opens the data directory, its log and its registry, and resolves the organisation: --org, or
// the only one. kNotFound "no Sekisho data directory ..." or "no organisation named ...";
// kFailedPrecondition when there is no organisation yet; kInvalidArgument when there are several
// and --org is missing, or the actor is empty.
Result<DataSession> OpenDataSession(const DataOptions& options);

// The organisation's key (access::DataDir::LoadOrgKey: kPermissionDenied for a loose mode).
Result<identity::OrgKey> LoadSessionKey(const DataSession& session);

// The checkpoint key of `dir`'s audit log (audit-key, mode 0600), created with the log on first
// use. kNotFound "... exists but its checkpoint key does not ..." when audit.db is there without
// audit-key (no new key is made for an existing log); the key file's other errors
// (kPermissionDenied for a loose mode, with the fix).
Result<Ed25519PrivateKey> LoadAuditKey(const access::DataDir& dir, Random& random);

// The audit log of `dir` (audit.db), opened with its checkpoint key (LoadAuditKey); both
// are created on first use. `random` and `clock` must outlive the log. kNotFound "... exists but
// its checkpoint key does not ..." when audit.db is there without audit-key (no new key is made
// for an existing log); the key file's other errors (kPermissionDenied for a loose mode, with
// the fix) and AuditLog::Open's.
Result<std::unique_ptr<audit::AuditLog>> OpenAuditLog(const access::DataDir& dir, Random& random,
                                                      const Clock& clock);

// Ends every command that writes to the registry of `dir`: appends each admin event the audit log
// does not hold yet, of every organisation, to it (access::FeedAdminEvents), so that the
// command's admin actions are in the audit log when it exits (docs/audit.md "Admin records").
// Runs whatever `outcome` is, as a failed command may have written some events. Returns
// `outcome` when it is an error (a failed feed is then logged as well); otherwise the feed's
// error, with the context that the change itself is saved and the next command that writes
// appends its record.
Status FeedAuditLog(const access::DataDir& dir, store::Registry& registry, const Clock& clock,
                    Status outcome);
inline Status FeedAuditLog(DataSession& session, Status outcome) {
  return FeedAuditLog(*session.dir, *session.registry, *session.clock, std::move(outcome));
}

// "2025-04-01" and "2025-04-01T09:30:00Z" (UTC).
std::string FormatDate(TimePoint t);
std::string FormatTime(TimePoint t);
// "YYYY-MM-DD" as midnight UTC; kInvalidArgument naming `what` otherwise.
Result<TimePoint> ParseDate(std::string_view text, std::string_view what);

}  // namespace sekisho::cli
