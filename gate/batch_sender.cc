#include "gate/batch_sender.h"

namespace sekisho::gate {

Result<std::size_t> ForwardEvents(EventQueue& queue, BatchSender& sender,
                                  std::size_t max_batch_events) {
  std::size_t sent = 0;
  ASSIGN_OR_RETURN(const std::vector<Batch> pending, queue.PendingBatches());
  for (const Batch& batch : pending) {
    RETURN_IF_ERROR(sender.Send(batch));
    ++sent;
  }
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<Batch> batch, queue.SealBatch(max_batch_events));
    if (!batch) return sent;
    RETURN_IF_ERROR(sender.Send(*batch));
    ++sent;
  }
}

}  // namespace sekisho::gate
