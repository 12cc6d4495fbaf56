// The login rate limiter: failed sign-ins are counted per login name and per client address in a
// sliding window; while either count is at the limit, attempts are refused with the time until
// the oldest failure leaves the window (HTTP 429 with Retry-After, RFC 6585 §4). Memory is
// bounded: beyond max_entries the least recently touched counter is forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace sekisho::server {

struct RateLimitOptions {
  std::size_t max_failures = 5;
  std::chrono::seconds window = std::chrono::minutes(5);
  std::size_t max_entries = 100000;  // counters kept (names and addresses together)
};

// Thread-safe. `clock` must outlive the limiter.
class LoginRateLimiter {
 public:
  explicit LoginRateLimiter(const Clock& clock, RateLimitOptions options = {});

  // nullopt when an attempt for `login` from `address` may go ahead; otherwise how long to wait
  // (at least one second).
  std::optional<std::chrono::seconds> Check(std::string_view login, std::string_view address);
  // Counts a failed attempt against both the name and the address.
  void RecordFailure(std::string_view login, std::string_view address);
  // A successful sign-in clears the name's failures (the address keeps its count, so one client
  // cannot guess on many names by signing in to its own between guesses).
  void RecordSuccess(std::string_view login);
  std::size_t entries() const;

 private:
  struct Entry {
    std::deque<TimePoint> failures;  // oldest first, at most max_failures, within the window
    std::list<std::string>::iterator lru;
  };
  // The wait for `key`, dropping failures that left the window.
  std::optional<std::chrono::seconds> WaitLocked(const std::string& key, TimePoint now);
  void FailLocked(std::string key, TimePoint now);

  const Clock& clock_;
  const RateLimitOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently touched first
};

}  // namespace sekisho::server
