#include "server/auth_sessions.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/digest.h"

namespace sekisho::server {
namespace {

constexpr std::size_t kTokenBytes = 32;

Bytes TokenKey(std::string_view token) { return Sha256(ToBytes(token)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

SessionStore::SessionStore(const Clock& clock, Random& random, SessionOptions options)
    : clock_(clock), random_(random), options_(options) {}

Session SessionStore::Create(const User& user) {
  std::lock_guard lock(mu_);
  Session session;
  session.token = ToHex(random_.Generate(kTokenBytes));
  session.csrf = ToHex(random_.Generate(kTokenBytes));
  session.user = user.id;
  session.login = user.login;
  session.role = user.role;
  session.org = user.org;
  session.staff = user.staff;
  session.created_at = clock_.Now();
  session.last_used = session.created_at;
  if (sessions_.size() >= options_.max_sessions && !sessions_.empty()) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
  sessions_[TokenKey(session.token)] = session;
  return session;
}

Result<Session> SessionStore::Use(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(TokenKey(token));
  if (it == sessions_.end()) return UnauthenticatedError("no session; sign in");
  const TimePoint now = clock_.Now();
  Session& session = it->second;
  if (now - session.last_used >= options_.idle_timeout ||
      now - session.created_at >= options_.absolute_timeout) {
    sessions_.erase(it);
    return UnauthenticatedError("session expired; sign in again");
  }
  session.last_used = now;
  return session;
}

Result<Session> SessionStore::Peek(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(TokenKey(token));
  if (it == sessions_.end()) return UnauthenticatedError("no session; sign in");
  const TimePoint now = clock_.Now();
  const Session& session = it->second;
  if (now - session.last_used >= options_.idle_timeout ||
      now - session.created_at >= options_.absolute_timeout) {
    return UnauthenticatedError("session expired; sign in again");
  }
  return session;
}

void SessionStore::Remove(std::string_view token) {
  std::lock_guard lock(mu_);
  sessions_.erase(TokenKey(token));
}

void SessionStore::RemoveUser(UserId user) {
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [user](const auto& entry) { return entry.second.user == user; });
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

Status CheckCsrf(const Session& session, std::string_view presented) {
  if (presented.empty()) return PermissionDeniedError("missing X-CSRF-Token header");
  if (presented.size() != session.csrf.size() ||
      CRYPTO_memcmp(presented.data(), session.csrf.data(), presented.size()) != 0) {
    return PermissionDeniedError("wrong X-CSRF-Token");
  }
  return OkStatus();
}

std::string SessionCookie(std::string_view token, bool secure) {
  return std::string(kSessionCookieName) + "=" + std::string(token) + "; HttpOnly" +
         (secure ? "; Secure" : "") + "; SameSite=Strict; Path=/";
}

std::string ExpiredSessionCookie(bool secure) {
  return std::string(kSessionCookieName) + "=; HttpOnly" + (secure ? "; Secure" : "") +
         "; SameSite=Strict; Path=/; Max-Age=0";
}

std::optional<std::string> SessionTokenFromCookie(std::string_view cookie_header) {
  while (!cookie_header.empty()) {
    const std::size_t semi = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(pair.substr(0, eq)) == kSessionCookieName) {
      return std::string(Trim(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace sekisho::server
