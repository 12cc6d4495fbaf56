// BatchSender: how a gate hands its sealed event batches to the server (DESIGN.md §6), and the
// loop that forwards everything queued. Acknowledgements come back asynchronously, once the
// server has committed a batch durably, through EventQueue::Acknowledge.
#pragma once

#include <cstddef>

#include "base/result.h"
#include "gate/batch.h"
#include "gate/event_queue.h"

namespace sekisho::gate {

class BatchSender {
 public:
  virtual ~BatchSender() = default;

  // Hands `batch` to the server. OK means sent, not committed: the acknowledgement comes later.
  // kUnavailable when the server cannot be reached (the batch stays pending and is sent again).
  virtual Status Send(const Batch& batch) = 0;
};

// Sends the queue's pending batches again (oldest first), then seals and sends batches of up to
// `max_batch_events` until every event is in a sent batch. Returns how many batches were sent.
// Stops at the first error of the sender or the queue and returns it; nothing is lost, as the
// batches stay pending in the queue.
Result<std::size_t> ForwardEvents(EventQueue& queue, BatchSender& sender,
                                  std::size_t max_batch_events);

}  // namespace sekisho::gate
