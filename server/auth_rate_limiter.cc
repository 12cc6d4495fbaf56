#include "server/auth_rate_limiter.h"

#include <algorithm>

namespace sekisho::server {
namespace {

// Keys are cut to kMaxKeyText bytes so that a flood of huge made-up names cannot use more than
// max_entries small strings (valid login names and IP addresses are far shorter).
constexpr std::size_t kMaxKeyText = 128;

std::string NameKey(std::string_view login) {
  return "name:" + std::string(login.substr(0, kMaxKeyText));
}
std::string AddressKey(std::string_view address) {
  return "addr:" + std::string(address.substr(0, kMaxKeyText));
}

}  // namespace

LoginRateLimiter::LoginRateLimiter(const Clock& clock, RateLimitOptions options)
    : clock_(clock), options_(options) {}

std::optional<std::chrono::seconds> LoginRateLimiter::WaitLocked(const std::string& key,
                                                                 TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  auto& failures = it->second.failures;
  while (!failures.empty() && now - failures.front() >= options_.window) failures.pop_front();
  if (failures.empty()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
    return std::nullopt;
  }
  if (failures.size() < options_.max_failures) return std::nullopt;
  const auto left = failures.front() + options_.window - now;
  // Rounded up, so a client that waits as told is let through.
  auto wait = std::chrono::ceil<std::chrono::seconds>(left);
  return std::max(wait, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginRateLimiter::Check(std::string_view login,
                                                            std::string_view address) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  auto by_name = WaitLocked(NameKey(login), now);
  auto by_address = WaitLocked(AddressKey(address), now);
  if (by_name && by_address) return std::max(*by_name, *by_address);
  return by_name ? by_name : by_address;
}

void LoginRateLimiter::FailLocked(std::string key, TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_entries && !lru_.empty()) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = entries_.emplace(std::move(key), Entry{{}, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& failures = it->second.failures;
  failures.push_back(now);
  while (failures.size() > options_.max_failures) failures.pop_front();
}

void LoginRateLimiter::RecordFailure(std::string_view login, std::string_view address) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  FailLocked(NameKey(login), now);
  FailLocked(AddressKey(address), now);
}

void LoginRateLimiter::RecordSuccess(std::string_view login) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(NameKey(login));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t LoginRateLimiter::entries() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace sekisho::server
