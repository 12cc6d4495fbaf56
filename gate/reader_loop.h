// ReaderLoop: the gate's loop at one door (DESIGN.md §5 "At the door"): a card comes -> the door
// controller decides, records and actuates -> the holder takes the card -> the next one.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "base/status.h"
#include "gate/card_reader.h"
#include "gate/door_controller.h"
#include "gate/event.h"

namespace sekisho::gate {

struct ReaderLoopOptions {
  // How long one wait for a card lasts before the stop flag is looked at again.
  std::chrono::milliseconds poll{200};
  // How long a holder may leave the card in after the decision before the loop waits again.
  std::chrono::milliseconds removal_wait{30000};
  // The pause before retrying after the reader failed (pcscd restarted, reader unplugged).
  std::chrono::milliseconds retry_pause{1000};
};

class ReaderLoop {
 public:
  using Options = ReaderLoopOptions;
  // Called after every recorded event of this door (from the loop's thread).
  using EventObserver = std::function<void(const Event&)>;

  // Every reference must outlive the loop.
  ReaderLoop(CardReader& reader, DoorController& controller, policy::ObjectId door,
             EventObserver on_event, const Options& options = {})
      : reader_(reader),
        controller_(controller),
        door_(door),
        on_event_(std::move(on_event)),
        options_(options) {}

  // Serves cards until `stop` is set (and the reader's Cancel() wakes a blocked wait). A failing
  // reader is logged and retried after options.retry_pause; a card whose event could not be
  // recorded is logged (the door stayed locked) and the loop goes on. Returns OK when stopped.
  Status Run(const std::atomic<bool>& stop);

  // One card: waits up to `timeout` for it, decides, waits for its removal. The event recorded,
  // or the error of the step that failed (kDeadlineExceeded: no card came).
  Result<Event> ServeOneCard(std::chrono::milliseconds timeout);

 private:
  CardReader& reader_;
  DoorController& controller_;
  const policy::ObjectId door_;
  const EventObserver on_event_;
  const Options options_;
};

}  // namespace sekisho::gate
