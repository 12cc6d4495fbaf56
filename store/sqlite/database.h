// RAII owners of an SQLite connection, its prepared statements and its transactions. The only
// code that calls the sqlite3 C API outside this folder's tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sekisho::store::sqlite {

class Database;

// A prepared statement. Binds take 1-based parameter indices and remember the first failure,
// which the next Step() or Run() returns, so a chain of binds needs one check. Columns take
// 0-based indices and are valid after Step() returned true. Move-only; finalized on destruction;
// must not outlive its Database.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindInt(int index, std::int64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindBlob(int index, ByteView value);  // an empty view binds a zero-length blob
  Statement& BindNull(int index);

  // Runs to the next row: true when a row is available, false when the statement is done. The
  // error (sqlite_error.h) names the statement's context.
  Result<bool> Step();
  // Steps to completion, ignoring rows. For INSERT, UPDATE, DELETE and DDL.
  Status Run();
  // Ready to run again: the statement is reset (ending any read it holds) and its binds cleared.
  void Reset();

  bool IsNull(int column) const;
  std::int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  Bytes ColumnBlob(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt, std::string_view context);
  Statement& Bound(int rc);

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string context_;
  int bind_error_ = 0;
};

// A cached statement lent out by Database::Cached; Reset() when the lease ends so that no read
// stays open (an unfinished SELECT would pin the WAL and hold a snapshot).
class StatementLease {
 public:
  explicit StatementLease(Statement* statement) : statement_(statement) {}
  StatementLease(StatementLease&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (statement_ != nullptr) statement_->Reset();
  }
  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

// One connection to a database file, configured for Sekisho:
//   journal_mode=WAL     readers never block the writer, and a second connection (another
//                        process, `sekisho` CLI beside `sekisho serve`) can read while one writes.
//   synchronous=NORMAL   in WAL mode a commit is durable across a crash of the process and the
//                        database is never corrupted by a power loss, but the last commits before
//                        an OS crash or power loss can be rolled back: fsync happens at
//                        checkpoints, not at each commit, which keeps bulk HR imports and event
//                        appends cheap. Transactions that must survive a power loss (revocation,
//                        DESIGN.md P4) ask for Durability::kSync, which uses synchronous=FULL for
//                        that one commit.
//   foreign_keys=ON      references between tables are enforced.
//   busy_timeout         a writer waits this long for another connection's lock before the
//                        operation fails with kUnavailable.
//   cache_size, mmap_size  from Options.
// Not thread-safe: the owner serialises calls.
class Database {
 public:
  struct Options {
    std::chrono::milliseconds busy_timeout{5000};
    // Page cache of this connection (PRAGMA cache_size). 64 MiB holds a whole registry of the
    // design size (100k staff, about 40 MB), so door lookups and CRL probes stay in memory.
    std::int64_t cache_kib = 64 * 1024;
    // Bytes of the file read through mmap (PRAGMA mmap_size); 0 reads with pread only.
    std::int64_t mmap_bytes = 0;
  };

  // Opens (creating if absent) the database at `path` and applies the settings above.
  // kNotFound when the directory does not exist, kPermissionDenied when the file cannot be opened
  // for writing, kDataLoss when the file is not an SQLite database or is corrupt (the file is not
  // modified then), kUnavailable when it stays locked beyond the busy timeout.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path,
                                                const Options& options);
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path) {
    return Open(path, Options{});
  }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements without parameters.
  Status Exec(std::string_view sql);
  // A new statement for `sql` (one statement; kInternal for a syntax error or trailing text).
  Result<Statement> Prepare(std::string_view sql);
  // The connection's cached statement for `sql`, prepared on first use. The lease must end before
  // the same text is requested again.
  Result<StatementLease> Cached(std::string_view sql);
  // The value of a pragma or a one-value query ("PRAGMA user_version").
  Result<std::int64_t> QueryInt(std::string_view sql);
  Result<std::string> QueryText(std::string_view sql);

  std::int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;
  // The status for the connection's last error, with `context`.
  Status LastError(int result_code, std::string_view context) const;

  const std::filesystem::path& path() const { return path_; }
  std::chrono::milliseconds busy_timeout() const { return busy_timeout_; }

 private:
  friend class Transaction;
  Database(sqlite3* db, std::filesystem::path path, std::chrono::milliseconds busy_timeout)
      : db_(db), path_(std::move(path)), busy_timeout_(busy_timeout) {}
  bool InTransaction() const;

  sqlite3* db_;
  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_;
  std::map<std::string, Statement, std::less<>> cache_;
};

// A write transaction (BEGIN IMMEDIATE: the write lock is taken at the start, so a transaction
// never fails half-way because another connection wrote first). Rolled back on destruction
// unless Commit() succeeded; nothing half-written survives an early return.
class Transaction {
 public:
  enum class Durability {
    kNormal,  // the connection's synchronous=NORMAL
    kSync,    // synchronous=FULL for this commit: survives a power loss once Commit returns
  };

  // kUnavailable when another connection holds the write lock beyond the busy timeout;
  // kFailedPrecondition when a transaction is already open on this connection.
  static Result<Transaction> Begin(Database& db, Durability durability = Durability::kNormal);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // Commits; on failure the transaction is rolled back and the error returned.
  Status Commit();

 private:
  Transaction(Database* db, Durability durability) : db_(db), durability_(durability) {}
  void Finish();

  Database* db_;
  Durability durability_;
};

}  // namespace sekisho::store::sqlite
