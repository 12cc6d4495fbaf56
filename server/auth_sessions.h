// Sign-in sessions of the console and the REST API, in memory: an opaque 32-byte random token in
// an HttpOnly cookie names a session, which carries its own 32-byte CSRF token (the synchroniser
// token pattern: a state-changing request must echo it in X-CSRF-Token). A restart signs everyone
// out.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "server/auth_role.h"
#include "server/auth_user_store.h"
#include "store/types.h"

namespace sekisho::server {

inline constexpr std::string_view kSessionCookieName = "sekisho_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";  // lower case, as net/ stores it

struct Session {
  std::string token;  // 64 lower-case hex digits; the cookie's value
  UserId user;
  std::string login;
  Role role = Role::kStaff;
  store::OrganisationId org;
  std::optional<store::StaffId> staff;
  std::string csrf;  // 64 lower-case hex digits
  TimePoint created_at;
  TimePoint last_used;
};

struct SessionOptions {
  std::chrono::seconds idle_timeout = std::chrono::minutes(30);
  std::chrono::seconds absolute_timeout = std::chrono::hours(12);
  // Sessions kept at most; beyond, the least recently used one is signed out.
  std::size_t max_sessions = 10000;
};

// Thread-safe. `clock` and `random` must outlive the store; `random` is only used under the
// store's lock.
class SessionStore {
 public:
  SessionStore(const Clock& clock, Random& random, SessionOptions options = {});

  // Starts a session for `user` with fresh session and CSRF tokens.
  Session Create(const User& user);
  // The live session named by `token`, its last use set to now. kUnauthenticated "no session"
  // for an unknown token, "session expired" after idle_timeout without use or absolute_timeout
  // after creation (the session is removed then).
  Result<Session> Use(std::string_view token);
  // As Use, without marking the session used (a session is not kept alive by being looked at):
  // the same errors; an expired session is left for Use to remove.
  Result<Session> Peek(std::string_view token) const;
  // Signs out; unknown tokens are ignored.
  void Remove(std::string_view token);
  // Signs out every session of `user` (the account was disabled or its password changed).
  void RemoveUser(UserId user);
  std::size_t size() const;

 private:
  const Clock& clock_;
  Random& random_;
  const SessionOptions options_;
  mutable std::mutex mu_;
  // Keyed by SHA-256 of the token, so that neither a lookup's timing nor a memory dump of the
  // keys gives out a usable token.
  std::map<Bytes, Session> sessions_;
};

// OK when `presented` (the X-CSRF-Token header) equals the session's CSRF token, compared in
// constant time; kPermissionDenied "missing X-CSRF-Token header" / "wrong X-CSRF-Token".
Status CheckCsrf(const Session& session, std::string_view presented);

// The Set-Cookie value that carries `token`: "sekisho_session=<token>; HttpOnly; Secure;
// SameSite=Strict; Path=/". `secure` false leaves out Secure: only for a server that runs plain
// HTTP on loopback (the browser would not send a Secure cookie over it).
std::string SessionCookie(std::string_view token, bool secure);
// The Set-Cookie value that deletes the cookie (Max-Age=0), with the same attributes.
std::string ExpiredSessionCookie(bool secure);
// The sekisho_session value in a Cookie header (RFC 6265 §4.2.1: "a=b; c=d"); nullopt when absent.
std::optional<std::string> SessionTokenFromCookie(std::string_view cookie_header);

}  // namespace sekisho::server
