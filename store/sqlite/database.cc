#include "store/sqlite/database.h"

#include <sqlite3.h>

#include <cerrno>
#include <limits>
#include <thread>

#include "store/sqlite/sqlite_error.h"

namespace sekisho::store::sqlite {
namespace {

// Statement text for error context: the first line, shortened. SQL text holds no values (they
// are bound), so it is safe to show.
std::string ContextFor(std::string_view sql) {
  std::string_view first = sql.substr(0, sql.find('\n'));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  constexpr std::size_t kMax = 60;
  std::string context = "SQL '";
  context += first.substr(0, kMax);
  if (first.size() > kMax || first.size() < sql.size()) context += "...";
  context += "'";
  return context;
}

}  // namespace

// --- Statement ---------------------------------------------------------------------------------

Statement::Statement(Database* db, sqlite3_stmt* stmt, std::string_view context)
    : db_(db), stmt_(stmt), context_(context) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      context_(std::move(other.context_)),
      bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    context_ = std::move(other.context_);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bound(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindInt(int index, std::int64_t value) {
  return Bound(sqlite3_bind_int64(stmt_, index, value));
}

Statement& Statement::BindText(int index, std::string_view value) {
  return Bound(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Statement& Statement::BindBlob(int index, ByteView value) {
  // sqlite3_bind_blob binds NULL for a null pointer; an empty blob is a zero-length blob.
  if (value.empty()) return Bound(sqlite3_bind_zeroblob(stmt_, index, 0));
  return Bound(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT));
}

Statement& Statement::BindNull(int index) { return Bound(sqlite3_bind_null(stmt_, index)); }

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return SqliteError(bind_error_, context_ + " bind", sqlite3_errstr(bind_error_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->LastError(rc, context_);
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return OkStatus();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Bytes Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return Bytes();
  return Bytes(data, data + size);
}

// --- Database ----------------------------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path,
                                                 const Options& options) {
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  const std::string context = "opening database " + path.string();
  if (rc != SQLITE_OK) {
    const int system_errno = handle != nullptr ? sqlite3_system_errno(handle) : 0;
    Status status =
        SqliteError(rc, context, handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
    sqlite3_close_v2(handle);
    if ((rc & 0xFF) == SQLITE_CANTOPEN) {
      if (system_errno == ENOENT) return Status(StatusCode::kNotFound, status.message());
      if (system_errno == EACCES || system_errno == EPERM) {
        return Status(StatusCode::kPermissionDenied, status.message());
      }
    }
    return status;
  }
  sqlite3_extended_result_codes(handle, 1);
  const auto timeout_ms = std::min<std::chrono::milliseconds::rep>(options.busy_timeout.count(),
                                                                   std::numeric_limits<int>::max());
  sqlite3_busy_timeout(handle, static_cast<int>(timeout_ms));

  std::unique_ptr<Database> db(new Database(handle, path, options.busy_timeout));
  // Reading the schema first makes a file that is not a database (or has a corrupt schema) fail
  // with kDataLoss before any pragma could write to it.
  RETURN_IF_ERROR(db->QueryInt("SELECT count(*) FROM sqlite_schema").status().WithContext(context));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON").WithContext(context));
  // Changing the journal mode needs an exclusive lock and SQLite does not call the busy handler
  // for it, so a connection racing another one's first open retries here until the timeout.
  Result<std::string> journal_mode = db->QueryText("PRAGMA journal_mode = WAL");
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  while (!journal_mode.ok() && journal_mode.status().code() == StatusCode::kUnavailable &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    journal_mode = db->QueryText("PRAGMA journal_mode = WAL");
  }
  if (!journal_mode.ok()) return journal_mode.status().WithContext(context);
  if (const std::string& mode = *journal_mode; mode != "wal") {
    return FailedPreconditionError(context + ": cannot use write-ahead logging (journal mode " +
                                   mode + "); the file system may not support shared memory");
  }
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = NORMAL").WithContext(context));
  RETURN_IF_ERROR(
      db->Exec("PRAGMA cache_size = " + std::to_string(-options.cache_kib)).WithContext(context));
  RETURN_IF_ERROR(
      db->Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes)).WithContext(context));
  return db;
}

Database::~Database() {
  cache_.clear();  // finalizes the cached statements before the connection closes
  sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return LastError(rc, ContextFor(sql));
  return OkStatus();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return LastError(rc, ContextFor(sql));
  Statement statement(this, stmt, ContextFor(sql));
  if (stmt == nullptr) return InternalError(ContextFor(sql) + ": no statement");
  for (const char* p = tail; p != nullptr && p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      return InternalError(ContextFor(sql) + ": more than one statement");
    }
  }
  return statement;
}

Result<StatementLease> Database::Cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
    it = cache_.emplace(std::string(sql), std::move(statement)).first;
  }
  it->second.Reset();
  return StatementLease(&it->second);
}

Result<std::int64_t> Database::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  ASSIGN_OR_RETURN(const bool row, statement.Step());
  if (!row) return InternalError(ContextFor(sql) + ": returned no row");
  return statement.ColumnInt(0);
}

Result<std::string> Database::QueryText(std::string_view sql) {
  ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  ASSIGN_OR_RETURN(const bool row, statement.Step());
  if (!row) return InternalError(ContextFor(sql) + ": returned no row");
  return statement.ColumnText(0);
}

std::int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Status Database::LastError(int result_code, std::string_view context) const {
  return SqliteError(result_code, context, sqlite3_errmsg(db_));
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- Transaction -------------------------------------------------------------------------------

Result<Transaction> Transaction::Begin(Database& db, Durability durability) {
  if (db.InTransaction()) {
    return FailedPreconditionError("a transaction is already open on this connection");
  }
  // synchronous cannot change inside a transaction, so FULL is set before BEGIN.
  if (durability == Durability::kSync) RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  Transaction transaction(&db, durability);
  Status status = db.Exec("BEGIN IMMEDIATE");
  if (!status.ok()) {
    transaction.Finish();
    return status.WithContext("starting a transaction");
  }
  return transaction;
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), durability_(other.durability_) {}

Transaction::~Transaction() { Finish(); }

void Transaction::Finish() {
  if (db_ == nullptr) return;
  // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) roll back by themselves.
  if (db_->InTransaction()) db_->Exec("ROLLBACK").IgnoreError();
  if (durability_ == Durability::kSync) db_->Exec("PRAGMA synchronous = NORMAL").IgnoreError();
  db_ = nullptr;
}

Status Transaction::Commit() {
  if (db_ == nullptr) return FailedPreconditionError("transaction already finished");
  Status status = db_->Exec("COMMIT");
  Finish();
  return status.WithContext("committing");
}

}  // namespace sekisho::store::sqlite
