// EventSink: where the door path records its events. The EventQueue is the real one; tests use one
// in memory that can be made to fail, and the benchmark measures the door path without the disk.
#pragma once

#include "base/result.h"
#include "gate/event.h"

namespace sekisho::gate {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Records `event`, assigning its gate and sequence number, and returns it as recorded. Durable
  // when it returns OK (EventQueue: synced to disk). Errors mean the event was not recorded.
  virtual Result<Event> Append(Event event) = 0;
};

}  // namespace sekisho::gate
