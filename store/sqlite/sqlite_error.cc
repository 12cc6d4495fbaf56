#include "store/sqlite/sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace sekisho::store::sqlite {

StatusCode StatusCodeForSqlite(int result_code) {
  switch (result_code) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return StatusCode::kOk;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StatusCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_TRIGGER:
      return StatusCode::kFailedPrecondition;
    default:
      break;
  }
  switch (result_code & 0xFF) {  // the primary code of an extended one
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return StatusCode::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_SCHEMA:
    case SQLITE_INTERRUPT:
      return StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    default:
      return StatusCode::kInternal;
  }
}

Status SqliteError(int result_code, std::string_view context, std::string_view message) {
  std::string text(context);
  text += ": ";
  text += message;
  text += " (";
  // sqlite3_errmsg often is the generic text itself ("database is locked").
  if (const std::string_view generic = sqlite3_errstr(result_code); generic != message) {
    text += generic;
    text += ", ";
  }
  text += "code ";
  text += std::to_string(result_code);
  text += ")";
  StatusCode code = StatusCodeForSqlite(result_code);
  if (code == StatusCode::kOk) code = StatusCode::kInternal;
  return Status(code, std::move(text));
}

}  // namespace sekisho::store::sqlite
