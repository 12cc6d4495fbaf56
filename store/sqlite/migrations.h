// The versioned schema of the SQLite registry: an ordered list of SQL steps. PRAGMA user_version
// holds the number of steps applied and PRAGMA application_id marks the file as a Sekisho registry.
// Schema and history: docs/formats/registry-schema.md. A step, once shipped, is never edited; a
// change is a new step at the end.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"
#include "store/sqlite/database.h"

namespace sekisho::store::sqlite {

struct Migration {
  int version;  // the user_version after this step; Migrations()[i].version == i + 1
  std::string_view description;
  std::string_view sql;
};

// PRAGMA application_id of a Sekisho registry: "SEKI" in ASCII.
inline constexpr std::int32_t kApplicationId = 0x53454B49;

// Every migration of this build, in order.
std::span<const Migration> Migrations();
// The schema version this build writes: Migrations().back().version.
int LatestSchemaVersion();

// The database's schema version (0 for a new, empty file), after checking that the file can be
// used with `migrations`, without modifying it. kFailedPrecondition
//   "database schema version N is newer than this sekisho (M); upgrade sekisho"
// when N > M (the latest of `migrations`), and "... is not a Sekisho registry" when the file
// belongs to another application (another application_id, or tables without a version).
Result<int> CheckSchema(Database& db, std::span<const Migration> migrations = Migrations());

// Brings the database to version `target` (<= the latest of `migrations`) by applying the missing
// steps, each in its own transaction together with the new user_version. A failing step is rolled
// back, leaving the database at the version before it, and its error returned. Safe when another
// connection migrates at the same time (each step re-reads the version under the write lock).
// Errors of CheckSchema as above; kInvalidArgument when `target` is beyond the list.
Status Migrate(Database& db, int target, std::span<const Migration> migrations = Migrations());
// To LatestSchemaVersion().
inline Status Migrate(Database& db) { return Migrate(db, LatestSchemaVersion()); }

}  // namespace sekisho::store::sqlite
