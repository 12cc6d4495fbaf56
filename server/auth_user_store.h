// The server's users (people who sign in to the console and the REST API) in users.db, an SQLite
// file in the data directory beside the registry: login name, role, Argon2id password hash, the
// staff member a staff-role user is, and whether the account is disabled.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "server/auth_password.h"
#include "server/auth_role.h"
#include "store/sqlite/database.h"
#include "store/types.h"

namespace sekisho::server {

// Its name in the data directory.
inline constexpr std::string_view kUserStoreFileName = "users.db";

using UserId = store::Id<struct UserTag>;

// Login names: 3-64 characters of a-z, 0-9, '.', '_', '-' and '@', starting with a letter or
// digit (no case folding questions, safe in logs and URLs).
inline constexpr std::size_t kMinLoginLength = 3;
inline constexpr std::size_t kMaxLoginLength = 64;

struct User {
  UserId id;
  store::OrganisationId org;
  std::string login;
  Role role = Role::kStaff;
  std::string password_hash;            // encoded Argon2id (auth_password.h)
  std::optional<store::StaffId> staff;  // set exactly for Role::kStaff
  bool disabled = false;
  TimePoint created_at;
  friend bool operator==(const User&, const User&) = default;
};

struct NewUser {
  store::OrganisationId org;
  std::string login;
  Role role = Role::kStaff;
  std::optional<store::StaffId> staff;  // required for kStaff, refused for the other roles
};

// kInvalidArgument "login name ..." naming the rule broken.
Status ValidateLogin(std::string_view login);

// Thread-safe: calls are serialised on one connection; password hashing runs outside the lock.
class UserStore {
 public:
  // Opens users.db at `path`, creating it (and its schema, store/sqlite/migrations.h) when
  // absent. Database::Open's errors; kFailedPrecondition when the file is another kind of Sekisho
  // database or of a newer schema. `clock` must outlive the store; `params` are the Argon2id
  // parameters for new hashes (ProductPasswordParams outside tests).
  static Result<std::unique_ptr<UserStore>> Open(const std::filesystem::path& path,
                                                 const Clock& clock,
                                                 const PasswordHashParams& params);

  // Adds an enabled user. kInvalidArgument for a bad login name, a password ValidatePassword
  // refuses, a staff role without a staff id or another role with one; kAlreadyExists
  // "login name 'x' is taken" (login names are unique on the server).
  Result<User> CreateUser(const NewUser& user, std::string_view password);
  // kNotFound "no user 'x'" / "no user with id N".
  Result<User> Find(std::string_view login);
  Result<User> Get(UserId id);
  // The users of `org` in id order.
  Result<std::vector<User>> List(store::OrganisationId org);
  // kInvalidArgument from ValidatePassword; kNotFound for an unknown id.
  Status SetPassword(UserId id, std::string_view password);
  // Disables the account (idempotent); a disabled user cannot sign in. kNotFound for an unknown
  // id.
  Status Disable(UserId id);

  // The enabled user with this login name and password. kUnauthenticated "wrong login name or
  // password" for an unknown name, a wrong password and a disabled account alike, after the same
  // Argon2id work in each case, so neither the answer nor its timing tells which.
  Result<User> Authenticate(std::string_view login, std::string_view password);

 private:
  UserStore(std::unique_ptr<store::sqlite::Database> db, const Clock& clock,
            const PasswordHashParams& params, std::string dummy_hash)
      : db_(std::move(db)), clock_(clock), params_(params), dummy_hash_(std::move(dummy_hash)) {}
  Result<User> QueryOne(std::string_view where, std::int64_t id, std::string_view login);

  std::mutex mu_;
  std::unique_ptr<store::sqlite::Database> db_;
  const Clock& clock_;
  const PasswordHashParams params_;
  // A hash of a random password with `params_`, verified against for unknown login names.
  const std::string dummy_hash_;
};

}  // namespace sekisho::server
