// SQLite result codes as Sekisho statuses, decided in one place (https://sqlite.org/rescode.html).
#pragma once

#include <string_view>

#include "base/status.h"

namespace sekisho::store::sqlite {

// The Status code for an SQLite (extended or primary) result code:
//   CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY   kAlreadyExists
//   CONSTRAINT_FOREIGNKEY, CONSTRAINT_TRIGGER  kFailedPrecondition (a referenced row is missing,
//                                              or a trigger refused the change)
//   other CONSTRAINT_*, TOOBIG, MISMATCH       kInvalidArgument
//   BUSY*, LOCKED*, IOERR*, FULL, CANTOPEN*,   kUnavailable (another writer holds the lock past
//   PROTOCOL, SCHEMA, INTERRUPT                the busy timeout, or the disk failed: retry later)
//   CORRUPT*, NOTADB                           kDataLoss
//   READONLY*, PERM, AUTH                      kPermissionDenied
//   OK, ROW, DONE                              kOk
//   anything else (ERROR, MISUSE, RANGE, ...)  kInternal (a bug in an SQL statement or its use)
StatusCode StatusCodeForSqlite(int result_code);

// A non-OK Status "context: <message> (<generic text of the code>, code N)" with
// StatusCodeForSqlite's code.
// `message` is sqlite3_errmsg text, which names tables and constraints but never bound values.
// Precondition: result_code is not OK, ROW or DONE.
Status SqliteError(int result_code, std::string_view context, std::string_view message);

}  // namespace sekisho::store::sqlite
