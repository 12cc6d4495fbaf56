#include "gate/reader_loop.h"

#include <thread>

#include <spdlog/spdlog.h>

namespace sekisho::gate {

Result<Event> ReaderLoop::ServeOneCard(std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<card::CardChannel> channel, reader_.WaitForCard(timeout));
  Result<Event> event = controller_.OnCard(door_, *channel);
  channel.reset();
  if (event.ok() && on_event_) on_event_(*event);
  Status removed = reader_.WaitForRemoval(options_.removal_wait);
  if (!removed.ok() && removed.code() != StatusCode::kDeadlineExceeded) {
    spdlog::warn("reader {}: waiting for the card to be taken: {}", reader_.name(),
                     removed.ToString());
  }
  return event;
}

Status ReaderLoop::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    Result<Event> event = ServeOneCard(options_.poll);
    if (event.ok()) continue;
    const Status& status = event.status();
    if (status.code() == StatusCode::kDeadlineExceeded) continue;
    if (stop.load()) break;
    if (status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kNotFound) {
      spdlog::warn("reader {}: {}; retrying", reader_.name(), status.ToString());
      std::this_thread::sleep_for(options_.retry_pause);
      continue;
    }
    // The event could not be recorded: the controller kept the door locked.
    spdlog::error("door {}: card not served: {}", door_, status.ToString());
  }
  return OkStatus();
}

}  // namespace sekisho::gate
