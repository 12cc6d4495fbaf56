// Clock: the only way Sekisho code reads the time, so tests can fix it.
#pragma once

#include <chrono>
#include <ctime>
#include <mutex>
#include <string>

namespace sekisho {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The operating system's wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that stands still until a test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(std::chrono::system_clock::duration d) { now_ += d; }

 private:
  TimePoint now_;
};

// A clock that runs `factor` times as fast as real time from `start`: the demo's accelerated day.
// JumpTo moves it (forwards or back) and it runs on from there. Thread-safe.
class ScaledClock final : public Clock {
 public:
  ScaledClock(TimePoint start, double factor)
      : factor_(factor), origin_(start), real_origin_(std::chrono::steady_clock::now()) {}
  TimePoint Now() const override {
    std::lock_guard lock(mutex_);
    const std::chrono::duration<double> real = std::chrono::steady_clock::now() - real_origin_;
    return origin_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(real * factor_);
  }
  void JumpTo(TimePoint now) {
    std::lock_guard lock(mutex_);
    origin_ = now;
    real_origin_ = std::chrono::steady_clock::now();
  }
  double factor() const { return factor_; }

 private:
  const double factor_;
  mutable std::mutex mutex_;
  TimePoint origin_;
  std::chrono::steady_clock::time_point real_origin_;
};

// Seconds since the Unix epoch, for fixed times in tests and files.
constexpr TimePoint FromUnixSeconds(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

// `t` in UTC to the second as RFC 3339 "2026-01-01T09:30:00Z" (a fraction of a second is cut).
inline std::string FormatUtc(TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sekisho
