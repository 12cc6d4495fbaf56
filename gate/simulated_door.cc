#include "gate/simulated_door.h"

#include <utility>

namespace sekisho::gate {

Status SimulatedDoor::Unlock(std::chrono::milliseconds duration) {
  if (actuator_failure_) return UnavailableError("door actuator does not respond");
  unlocked_until_ = clock_.Now() + duration;
  ++unlock_count_;
  return OkStatus();
}

void SimulatedDoor::CheckHeldOpen() {
  if (!opened_at_ || held_reported_) return;
  const TimePoint limit = *opened_at_ + held_open_limit_;
  if (clock_.Now() > limit) {
    alarms_.push_back({DoorAlarmKind::kHeldOpen, limit});
    held_reported_ = true;
  }
}

std::vector<DoorAlarm> SimulatedDoor::TakeAlarms() {
  CheckHeldOpen();
  return std::exchange(alarms_, {});
}

void SimulatedDoor::Open() {
  if (opened_at_) return;
  const TimePoint now = clock_.Now();
  if (!IsUnlocked()) alarms_.push_back({DoorAlarmKind::kForced, now});
  opened_at_ = now;
  held_reported_ = false;
}

void SimulatedDoor::Close() {
  CheckHeldOpen();
  opened_at_.reset();
}

}  // namespace sekisho::gate
