// The SQL statements of SqliteRegistry, against the schema of migrations.cc. Kept apart so that
// tests can ask SQLite how it runs them (EXPLAIN QUERY PLAN). Values are always bound, never
// spliced into the text.
#pragma once

#include <string_view>

namespace sekisho::store::sqlite::sql {

// --- organisations ---
inline constexpr std::string_view kInsertOrganisation =
    "INSERT INTO organisations (name, created_at) VALUES (?1, ?2)";
inline constexpr std::string_view kOrganisationById =
    "SELECT id, name, created_at FROM organisations WHERE id = ?1";
inline constexpr std::string_view kOrganisationByName =
    "SELECT id, name, created_at FROM organisations WHERE name = ?1";
inline constexpr std::string_view kOrganisations =
    "SELECT id, name, created_at FROM organisations ORDER BY id";

// --- staff ---
#define SEKISHO_STAFF_COLUMNS \
  "id, org_id, staff_ref, staff_number, display_name, department, status, valid_from, valid_until"
inline constexpr std::string_view kInsertStaff =
    "INSERT INTO staff (org_id, staff_ref, staff_number, display_name, department, status, "
    "valid_from, valid_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr std::string_view kStaffById =
    "SELECT " SEKISHO_STAFF_COLUMNS " FROM staff WHERE org_id = ?1 AND id = ?2";
inline constexpr std::string_view kStaffByNumber =
    "SELECT " SEKISHO_STAFF_COLUMNS " FROM staff WHERE org_id = ?1 AND staff_number = ?2";
inline constexpr std::string_view kStaffByRef =
    "SELECT " SEKISHO_STAFF_COLUMNS " FROM staff WHERE org_id = ?1 AND staff_ref = ?2";
inline constexpr std::string_view kStaffByRefAnyOrganisation =
    "SELECT id FROM staff WHERE staff_ref = ?1";
inline constexpr std::string_view kListStaff =
    "SELECT " SEKISHO_STAFF_COLUMNS
    " FROM staff WHERE org_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
inline constexpr std::string_view kListStaffWithStatus =
    "SELECT " SEKISHO_STAFF_COLUMNS
    " FROM staff WHERE org_id = ?1 AND status = ?2 AND id > ?3 ORDER BY id LIMIT ?4";
inline constexpr std::string_view kUpdateStaffStatus = "UPDATE staff SET status = ?2 WHERE id = ?1";
inline constexpr std::string_view kUpdateStaffValidity =
    "UPDATE staff SET valid_from = ?2, valid_until = ?3 WHERE id = ?1";
inline constexpr std::string_view kUpdateStaffDetails =
    "UPDATE staff SET display_name = ?2, department = ?3 WHERE id = ?1";
#undef SEKISHO_STAFF_COLUMNS

// --- credentials ---
#define SEKISHO_CREDENTIAL_COLUMNS                                                          \
  "id, org_id, staff_id, kind, pseudonym, keyed_serial, not_after, status, status_reason, " \
  "status_changed_at, enrolled_at, enrolled_by, replaced_by"
inline constexpr std::string_view kInsertCredential =
    "INSERT INTO credentials (org_id, staff_id, kind, pseudonym, keyed_serial, not_after, status, "
    "status_reason, status_changed_at, enrolled_at, enrolled_by) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', '', ?7, ?7, ?8)";
inline constexpr std::string_view kCredentialById =
    "SELECT " SEKISHO_CREDENTIAL_COLUMNS " FROM credentials WHERE org_id = ?1 AND id = ?2";
// The door and enrolment lookup: the unique index credentials_org_pseudonym.
inline constexpr std::string_view kCredentialByPseudonym =
    "SELECT " SEKISHO_CREDENTIAL_COLUMNS " FROM credentials WHERE org_id = ?1 AND pseudonym = ?2";
// The partial unique index credentials_org_keyed_serial.
inline constexpr std::string_view kCredentialByKeyedSerial =
    "SELECT " SEKISHO_CREDENTIAL_COLUMNS
    " FROM credentials WHERE org_id = ?1 AND keyed_serial = ?2";
inline constexpr std::string_view kCredentialsOfStaff =
    "SELECT " SEKISHO_CREDENTIAL_COLUMNS
    " FROM credentials WHERE org_id = ?1 AND staff_id = ?2 ORDER BY id";
// Credential columns (prefixed c.) followed by the staff member's staff_ref, status, valid_from
// and valid_until: one pass over the organisation's credentials joined to staff by primary key.
inline constexpr std::string_view kCredentialsOfOrganisation =
    "SELECT c.id, c.org_id, c.staff_id, c.kind, c.pseudonym, c.keyed_serial, c.not_after, "
    "c.status, c.status_reason, c.status_changed_at, c.enrolled_at, c.enrolled_by, c.replaced_by, "
    "s.staff_ref, s.status, s.valid_from, s.valid_until "
    "FROM credentials AS c JOIN staff AS s ON s.id = c.staff_id "
    "WHERE c.org_id = ?1 ORDER BY c.id";
inline constexpr std::string_view kUpdateCredentialStatus =
    "UPDATE credentials SET status = ?2, status_reason = ?3, status_changed_at = ?4 WHERE id = ?1";
inline constexpr std::string_view kSetReplacedBy =
    "UPDATE credentials SET replaced_by = ?2 WHERE id = ?1";
#undef SEKISHO_CREDENTIAL_COLUMNS

// --- CRL matching (three plans; SqliteRegistry::CrlMatch) ---
// kProbeIndex: one index probe per keyed serial.
inline constexpr std::string_view kCrlProbe =
    "SELECT id, staff_id, status FROM credentials WHERE org_id = ?1 AND keyed_serial = ?2";
// kScanAndHash: the organisation's usable keyed serials, matched in memory. NOT INDEXED reads the
// table in rowid order; going through the keyed-serial index would visit the rows in random
// order, several times slower.
inline constexpr std::string_view kCrlUsableSerials =
    "SELECT id, staff_id, keyed_serial FROM credentials NOT INDEXED "
    "WHERE org_id = ?1 AND status IN ('active', 'suspended') AND keyed_serial IS NOT NULL";
// kTempTable: the serials go into a temporary table joined in SQL.
inline constexpr std::string_view kCrlCreateTemp =
    "CREATE TEMP TABLE IF NOT EXISTS crl_serials (serial BLOB PRIMARY KEY) WITHOUT ROWID";
inline constexpr std::string_view kCrlInsertTemp =
    "INSERT OR IGNORE INTO temp.crl_serials (serial) VALUES (?1)";
inline constexpr std::string_view kCrlJoinTemp =
    "SELECT id, staff_id FROM credentials WHERE org_id = ?1 AND "
    "status IN ('active', 'suspended') AND keyed_serial IN (SELECT serial FROM temp.crl_serials)";
inline constexpr std::string_view kCrlClearTemp = "DELETE FROM temp.crl_serials";

// --- admin events ---
inline constexpr std::string_view kInsertEvent =
    "INSERT INTO admin_events (org_id, at, actor, action, staff_id, credential_id, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr std::string_view kListEvents =
    "SELECT id, org_id, at, actor, action, staff_id, credential_id, detail FROM admin_events "
    "WHERE org_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";

}  // namespace sekisho::store::sqlite::sql
