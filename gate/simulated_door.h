// SimulatedDoor: a Door with a simulated lock and door contact, driven by an injected clock, for
// tests and demos. Opening it while locked raises a forced alarm; leaving it open longer than the
// held-open limit raises a held-open alarm.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "gate/door.h"

namespace sekisho::gate {

// Not thread-safe. The clock must outlive the door.
class SimulatedDoor final : public Door {
 public:
  SimulatedDoor(const Clock& clock, std::chrono::milliseconds held_open_limit)
      : clock_(clock), held_open_limit_(held_open_limit) {}

  // Unlocked from now for `duration`; kUnavailable "door actuator does not respond" while
  // set_actuator_failure(true).
  Status Unlock(std::chrono::milliseconds duration) override;
  // Checks the held-open limit at the clock's time, then returns and forgets the alarms.
  std::vector<DoorAlarm> TakeAlarms() override;

  // Someone opens the door: a forced alarm when it is locked. No effect when it is open.
  void Open();
  // Someone closes the door (a held-open limit that ran out meanwhile is still reported).
  void Close();

  bool IsOpen() const { return opened_at_.has_value(); }
  bool IsUnlocked() const { return clock_.Now() < unlocked_until_; }
  int unlock_count() const { return unlock_count_; }
  void set_actuator_failure(bool failing) { actuator_failure_ = failing; }

 private:
  void CheckHeldOpen();

  const Clock& clock_;
  const std::chrono::milliseconds held_open_limit_;
  TimePoint unlocked_until_{};
  std::optional<TimePoint> opened_at_;
  bool held_reported_ = false;
  bool actuator_failure_ = false;
  int unlock_count_ = 0;
  std::vector<DoorAlarm> alarms_;
};

}  // namespace sekisho::gate
