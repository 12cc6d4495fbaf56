#include "store/sqlite/sqlite_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

namespace sekisho::store::sqlite {
namespace {

TEST(SqliteErrorTest, MapsResultCodes) {
  struct Case {
    int rc;
    StatusCode code;
  };
  const Case cases[] = {
      {SQLITE_OK, StatusCode::kOk},
      {SQLITE_ROW, StatusCode::kOk},
      {SQLITE_DONE, StatusCode::kOk},
      {SQLITE_CONSTRAINT_UNIQUE, StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_PRIMARYKEY, StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_FOREIGNKEY, StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_TRIGGER, StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_CHECK, StatusCode::kInvalidArgument},
      {SQLITE_CONSTRAINT_NOTNULL, StatusCode::kInvalidArgument},
      {SQLITE_CONSTRAINT_DATATYPE, StatusCode::kInvalidArgument},
      {SQLITE_CONSTRAINT, StatusCode::kInvalidArgument},
      {SQLITE_TOOBIG, StatusCode::kInvalidArgument},
      {SQLITE_MISMATCH, StatusCode::kInvalidArgument},
      {SQLITE_BUSY, StatusCode::kUnavailable},
      {SQLITE_BUSY_SNAPSHOT, StatusCode::kUnavailable},
      {SQLITE_LOCKED, StatusCode::kUnavailable},
      {SQLITE_IOERR_FSYNC, StatusCode::kUnavailable},
      {SQLITE_FULL, StatusCode::kUnavailable},
      {SQLITE_CANTOPEN, StatusCode::kUnavailable},
      {SQLITE_SCHEMA, StatusCode::kUnavailable},
      {SQLITE_CORRUPT, StatusCode::kDataLoss},
      {SQLITE_CORRUPT_INDEX, StatusCode::kDataLoss},
      {SQLITE_NOTADB, StatusCode::kDataLoss},
      {SQLITE_READONLY, StatusCode::kPermissionDenied},
      {SQLITE_READONLY_DBMOVED, StatusCode::kPermissionDenied},
      {SQLITE_PERM, StatusCode::kPermissionDenied},
      {SQLITE_ERROR, StatusCode::kInternal},
      {SQLITE_MISUSE, StatusCode::kInternal},
      {SQLITE_RANGE, StatusCode::kInternal},
      {SQLITE_NOMEM, StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StatusCodeForSqlite(c.rc), c.code) << "result code " << c.rc;
  }
}

TEST(SqliteErrorTest, MessageHasContextSqliteTextAndCode) {
  const Status status =
      SqliteError(SQLITE_CONSTRAINT_UNIQUE, "adding staff", "UNIQUE constraint failed: staff.x");
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(),
            "adding staff: UNIQUE constraint failed: staff.x (constraint failed, code 2067)");
  EXPECT_EQ(SqliteError(SQLITE_BUSY, "begin", "database is locked").message(),
            "begin: database is locked (code 5)");
  // A success code is never turned into an OK status.
  EXPECT_EQ(SqliteError(SQLITE_OK, "x", "y").code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace sekisho::store::sqlite
