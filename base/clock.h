// Clock: the only way Sekisho code reads the time, so tests can fix it.
#pragma once

#include <chrono>

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

// Seconds since the Unix epoch, for fixed times in tests and files.
constexpr TimePoint FromUnixSeconds(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

}  // namespace sekisho
