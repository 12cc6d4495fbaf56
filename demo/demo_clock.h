// DemoClock: the one clock the demo's server and gates share. It runs a ScaledClock through the
// scripted day (e.g. 1 real second = 10 minutes, with jumps over quiet hours), then at real speed
// for the interactive console (sessions and rate limits keep their real meaning).
#pragma once

#include <mutex>
#include <optional>

#include "base/clock.h"

namespace sekisho::demo {

// Thread-safe.
class DemoClock final : public Clock {
 public:
  DemoClock(TimePoint start, double factor) : scaled_(start, factor) {}

  TimePoint Now() const override {
    std::lock_guard lock(mutex_);
    return real_ ? real_->Now() : scaled_.Now();
  }
  // Moves the accelerated clock to `t` when it is behind `t` (time never runs back).
  void AdvanceTo(TimePoint t) {
    std::lock_guard lock(mutex_);
    if (!real_ && scaled_.Now() < t) scaled_.JumpTo(t);
  }
  // From now on the clock runs at real speed from the time it shows.
  void SwitchToRealTime() {
    std::lock_guard lock(mutex_);
    if (!real_) real_.emplace(scaled_.Now(), 1.0);
  }

 private:
  mutable std::mutex mutex_;
  ScaledClock scaled_;
  std::optional<ScaledClock> real_;
};

}  // namespace sekisho::demo
