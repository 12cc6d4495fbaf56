// The options every data-directory command shares (--data, --org, --actor) and the session they
// open: the data directory, its SQLite registry, the organisation and its key, with the data
// directory's log file added to the log.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "access/data_dir.h"
#include "base/clock.h"
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

// "2025-04-01" and "2025-04-01T09:30:00Z" (UTC).
std::string FormatDate(TimePoint t);
std::string FormatTime(TimePoint t);
// "YYYY-MM-DD" as midnight UTC; kInvalidArgument naming `what` otherwise.
Result<TimePoint> ParseDate(std::string_view text, std::string_view what);

}  // namespace sekisho::cli
