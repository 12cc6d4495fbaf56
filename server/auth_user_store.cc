#include "server/auth_user_store.h"

#include <string>

#include "store/sqlite/migrations.h"

namespace sekisho::server {
namespace {

using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// Version 1. The application id is the registry's (store/sqlite/migrations.h checks it); the
// `users` table tells the two kinds of file apart (Open).
constexpr std::string_view kUsersV1 = R"sql(
PRAGMA application_id = 1397050185;  -- store::sqlite::kApplicationId, "SEKI"
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL,
  login         TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('security_admin', 'hr', 'auditor', 'staff')),
  password_hash TEXT NOT NULL,
  staff_id      INTEGER CHECK ((role = 'staff') = (staff_id IS NOT NULL)),
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX users_org ON users (org_id, id);
)sql";

constexpr Migration kUsersMigrations[] = {{1, "users", kUsersV1}};

constexpr std::string_view kUsersColumns =
    "SELECT id, org_id, login, role, password_hash, staff_id, disabled, created_at FROM users ";

Result<User> ReadUser(const Statement& row) {
  User user;
  user.id = UserId(row.ColumnInt(0));
  user.org = store::OrganisationId(row.ColumnInt(1));
  user.login = row.ColumnText(2);
  ASSIGN_OR_RETURN(user.role, ParseRole(row.ColumnText(3)));
  user.password_hash = row.ColumnText(4);
  if (!row.IsNull(5)) user.staff = store::StaffId(row.ColumnInt(5));
  user.disabled = row.ColumnInt(6) != 0;
  user.created_at = store::FromUnixMillis(row.ColumnInt(7));
  return user;
}

bool IsLoginChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
         c == '@';
}

}  // namespace

Status ValidateLogin(std::string_view login) {
  if (login.size() < kMinLoginLength || login.size() > kMaxLoginLength) {
    return InvalidArgumentError("login name must be " + std::to_string(kMinLoginLength) + " to " +
                                std::to_string(kMaxLoginLength) + " characters long");
  }
  for (char c : login) {
    if (!IsLoginChar(c)) {
      return InvalidArgumentError("login name may hold only a-z, 0-9, '.', '_', '-' and '@'");
    }
  }
  if (!IsLoginChar(login[0]) || login[0] == '.' || login[0] == '_' || login[0] == '-' ||
      login[0] == '@') {
    return InvalidArgumentError("login name must start with a letter or a digit");
  }
  return OkStatus();
}

Result<std::unique_ptr<UserStore>> UserStore::Open(const std::filesystem::path& path,
                                                   const Clock& clock,
                                                   const PasswordHashParams& params) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  ASSIGN_OR_RETURN(const std::int64_t objects, db->QueryInt("SELECT count(*) FROM sqlite_schema"));
  ASSIGN_OR_RETURN(const std::int64_t has_users,
                   db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                "name = 'users'"));
  if (objects != 0 && has_users == 0) {
    return FailedPreconditionError("database " + path.string() + " is not a Sekisho users file");
  }
  RETURN_IF_ERROR(store::sqlite::Migrate(*db,
                                         kUsersMigrations[std::size(kUsersMigrations) - 1].version,
                                         kUsersMigrations)
                      .WithContext("users file " + path.string()));
  ASSIGN_OR_RETURN(std::string dummy, HashPassword("sekisho: no such user, no password", params));
  return std::unique_ptr<UserStore>(new UserStore(std::move(db), clock, params, std::move(dummy)));
}

Result<User> UserStore::CreateUser(const NewUser& user, std::string_view password) {
  RETURN_IF_ERROR(ValidateLogin(user.login));
  if (user.role == Role::kStaff && !user.staff.has_value()) {
    return InvalidArgumentError("a user with role staff needs the staff id they are");
  }
  if (user.role != Role::kStaff && user.staff.has_value()) {
    return InvalidArgumentError("only a user with role staff names a staff id");
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password, params_));
  std::lock_guard lock(mu_);
  const std::int64_t now = store::ToUnixMillis(clock_.Now());
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(auto taken, db_->Cached("SELECT count(*) FROM users WHERE login = ?"));
    taken->BindText(1, user.login);
    ASSIGN_OR_RETURN(const bool row, taken->Step());
    if (row && taken->ColumnInt(0) != 0) {
      return AlreadyExistsError("login name '" + user.login + "' is taken");
    }
  }
  {
    ASSIGN_OR_RETURN(auto insert,
                     db_->Cached("INSERT INTO users (org_id, login, role, password_hash, staff_id, "
                                 "disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)"));
    insert->BindInt(1, user.org.value())
        .BindText(2, user.login)
        .BindText(3, RoleName(user.role))
        .BindText(4, hash)
        .BindInt(6, now);
    if (user.staff.has_value()) {
      insert->BindInt(5, user.staff->value());
    } else {
      insert->BindNull(5);
    }
    RETURN_IF_ERROR(insert->Run());
  }
  const UserId id(db_->LastInsertRowId());
  RETURN_IF_ERROR(transaction.Commit());
  return User{id,
              user.org,
              user.login,
              user.role,
              std::move(hash),
              user.staff,
              false,
              store::FromUnixMillis(now)};
}

Result<User> UserStore::QueryOne(std::string_view where, std::int64_t id, std::string_view login) {
  ASSIGN_OR_RETURN(auto query, db_->Cached(std::string(kUsersColumns) + std::string(where)));
  if (login.empty()) {
    query->BindInt(1, id);
  } else {
    query->BindText(1, login);
  }
  ASSIGN_OR_RETURN(const bool row, query->Step());
  if (!row) {
    return NotFoundError(login.empty() ? "no user with id " + std::to_string(id)
                                       : "no user '" + std::string(login) + "'");
  }
  return ReadUser(*query);
}

Result<User> UserStore::Find(std::string_view login) {
  if (login.empty()) return NotFoundError("no user ''");
  std::lock_guard lock(mu_);
  return QueryOne("WHERE login = ?", 0, login);
}

Result<User> UserStore::Get(UserId id) {
  std::lock_guard lock(mu_);
  return QueryOne("WHERE id = ?", id.value(), "");
}

Result<std::vector<User>> UserStore::List(store::OrganisationId org) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto query,
                   db_->Cached(std::string(kUsersColumns) + "WHERE org_id = ? ORDER BY id"));
  query->BindInt(1, org.value());
  std::vector<User> users;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, query->Step());
    if (!row) break;
    ASSIGN_OR_RETURN(User user, ReadUser(*query));
    users.push_back(std::move(user));
  }
  return users;
}

Status UserStore::SetPassword(UserId id, std::string_view password) {
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password, params_));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto update, db_->Cached("UPDATE users SET password_hash = ? WHERE id = ?"));
  RETURN_IF_ERROR(update->BindText(1, hash).BindInt(2, id.value()).Run());
  if (db_->Changes() == 0) return NotFoundError("no user with id " + std::to_string(id.value()));
  return OkStatus();
}

Status UserStore::Disable(UserId id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto update, db_->Cached("UPDATE users SET disabled = 1 WHERE id = ?"));
  RETURN_IF_ERROR(update->BindInt(1, id.value()).Run());
  if (db_->Changes() == 0) return NotFoundError("no user with id " + std::to_string(id.value()));
  return OkStatus();
}

Result<User> UserStore::Authenticate(std::string_view login, std::string_view password) {
  const Status wrong = UnauthenticatedError("wrong login name or password");
  Result<User> user = Find(login);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) return user.status();
  // The same Argon2id work whether or not the user exists.
  const bool match = VerifyPassword(user.ok() ? user->password_hash : dummy_hash_, password);
  if (!user.ok() || !match || user->disabled) return wrong;
  return user;
}

}  // namespace sekisho::server
