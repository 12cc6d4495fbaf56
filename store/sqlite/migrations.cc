#include "store/sqlite/migrations.h"

#include <string>

namespace sekisho::store::sqlite {
namespace {

// Version 1: the tables of organisations, staff, credentials and admin events. Times are integer
// Unix milliseconds (UTC); enums are their stored names (store/types.h).
constexpr std::string_view kV1 = R"sql(
PRAGMA application_id = 1397050185;  -- kApplicationId, "SEKI"

CREATE TABLE organisations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE staff (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES organisations (id),
  staff_ref    BLOB NOT NULL UNIQUE CHECK (length(staff_ref) = 16),
  staff_number TEXT NOT NULL CHECK (length(staff_number) > 0),
  display_name TEXT NOT NULL,
  department   TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'left')),
  valid_from   INTEGER NOT NULL,
  valid_until  INTEGER,
  UNIQUE (org_id, staff_number),
  UNIQUE (org_id, id)
) STRICT;
CREATE INDEX staff_org_status ON staff (org_id, status, id);

CREATE TABLE credentials (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL,
  staff_id     INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('jpki', 'badge', 'free-area')),
  pseudonym    BLOB NOT NULL CHECK (length(pseudonym) = 32),
  keyed_serial BLOB CHECK (keyed_serial IS NULL OR length(keyed_serial) = 32),
  not_after    INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'retired')),
  enrolled_at  INTEGER NOT NULL,
  enrolled_by  TEXT NOT NULL,
  FOREIGN KEY (org_id, staff_id) REFERENCES staff (org_id, id)
) STRICT;
CREATE UNIQUE INDEX credentials_org_pseudonym ON credentials (org_id, pseudonym);
CREATE UNIQUE INDEX credentials_org_keyed_serial ON credentials (org_id, keyed_serial)
  WHERE keyed_serial IS NOT NULL;
CREATE INDEX credentials_staff ON credentials (staff_id);

CREATE TABLE admin_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id        INTEGER NOT NULL REFERENCES organisations (id),
  at            INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  staff_id      INTEGER,
  credential_id INTEGER,
  detail        TEXT NOT NULL
) STRICT;
CREATE INDEX admin_events_org ON admin_events (org_id, id);
)sql";

// Version 2: the credential life cycle (status changes with a reason and a time) and certificate
// renewal (the credential that replaced a retired one).
constexpr std::string_view kV2 = R"sql(
ALTER TABLE credentials ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN status_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE credentials SET status_changed_at = enrolled_at;
ALTER TABLE credentials ADD COLUMN replaced_by INTEGER REFERENCES credentials (id);
CREATE INDEX credentials_replaced_by ON credentials (replaced_by) WHERE replaced_by IS NOT NULL;
)sql";

constexpr Migration kMigrations[] = {
    {1, "organisations, staff, credentials, admin events", kV1},
    {2, "credential status reason and time, replaced_by", kV2},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> CheckSchema(Database& db, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  // One statement, so that the three values come from one snapshot even while another
  // connection migrates.
  ASSIGN_OR_RETURN(Statement header,
                   db.Prepare("SELECT (SELECT application_id FROM pragma_application_id), "
                              "(SELECT user_version FROM pragma_user_version), "
                              "(SELECT count(*) FROM sqlite_schema)"));
  ASSIGN_OR_RETURN(const bool row, header.Step());
  if (!row) return InternalError("reading the schema version returned no row");
  const std::int64_t application_id = header.ColumnInt(0);
  const std::int64_t version = header.ColumnInt(1);
  const std::int64_t objects = header.ColumnInt(2);
  header.Reset();
  const std::string where = "database " + db.path().string();
  if (application_id != kApplicationId && (application_id != 0 || version != 0 || objects != 0)) {
    return FailedPreconditionError(where + " is not a Sekisho registry (application id " +
                                   std::to_string(application_id) + ")");
  }
  if (version > latest) {
    return FailedPreconditionError("database schema version " + std::to_string(version) +
                                   " is newer than this sekisho (" + std::to_string(latest) +
                                   "); upgrade sekisho");
  }
  if (version < 0) {
    return FailedPreconditionError(where + " has the invalid schema version " +
                                   std::to_string(version));
  }
  return static_cast<int>(version);
}

Status Migrate(Database& db, int target, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (target < 0 || target > latest) {
    return InvalidArgumentError("schema version " + std::to_string(target) +
                                " is not one this sekisho knows (0 to " + std::to_string(latest) +
                                ")");
  }
  ASSIGN_OR_RETURN(int version, CheckSchema(db, migrations));
  for (const Migration& step : migrations) {
    if (step.version <= version) continue;
    if (step.version > target) break;
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
    // Another connection may have applied this step while this one waited for the lock.
    ASSIGN_OR_RETURN(version, CheckSchema(db, migrations));
    if (step.version <= version) continue;
    if (step.version != version + 1) {
      return InternalError("schema migration " + std::to_string(step.version) +
                           " does not follow version " + std::to_string(version));
    }
    const std::string context = "schema migration " + std::to_string(step.version) + " (" +
                                std::string(step.description) + ")";
    RETURN_IF_ERROR(db.Exec(step.sql).WithContext(context));
    RETURN_IF_ERROR(
        db.Exec("PRAGMA user_version = " + std::to_string(step.version)).WithContext(context));
    RETURN_IF_ERROR(transaction.Commit().WithContext(context));
    version = step.version;
  }
  return OkStatus();
}

}  // namespace sekisho::store::sqlite
