// Door: the lock actuator and door-position contact of one door (or gate lane), as the door
// controller drives it. Hardware back-ends implement it; SimulatedDoor stands in for tests.
#pragma once

#include <chrono>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace sekisho::gate {

enum class DoorAlarmKind {
  kHeldOpen,  // open longer than the door's held-open limit
  kForced,    // opened while locked
};

struct DoorAlarm {
  DoorAlarmKind kind = DoorAlarmKind::kForced;
  TimePoint at;  // when the condition began (held open: when the limit ran out)
  friend bool operator==(const DoorAlarm&, const DoorAlarm&) = default;
};

class Door {
 public:
  virtual ~Door() = default;

  // Releases the lock for `duration`, after which it locks again by itself. kUnavailable when the
  // actuator does not respond (the door stays locked).
  virtual Status Unlock(std::chrono::milliseconds duration) = 0;

  // The alarms raised since the last call, oldest first; each alarm is reported once.
  virtual std::vector<DoorAlarm> TakeAlarms() = 0;
};

}  // namespace sekisho::gate
