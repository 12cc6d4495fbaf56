#include "gate/in_memory_batch_sender.h"

#include <algorithm>
#include <cstddef>

namespace sekisho::gate {

Status InMemoryBatchSender::Send(const Batch& batch) {
  if (!online_) return UnavailableError("server unreachable");
  auto verified = VerifyBatch(batch, gate_key_, chain_);
  if (!verified.ok()) {
    // A batch of events held already, record for record, is acknowledged again; a batch that
    // overlaps them with other records is refused.
    if (verified.status().code() == StatusCode::kAlreadyExists &&
        batch.last_sequence <= records_.size() &&
        std::equal(batch.records.begin(), batch.records.end(),
                   records_.begin() + static_cast<std::ptrdiff_t>(batch.first_sequence - 1))) {
      acknowledgements_.push_back(batch.last_sequence);
      return OkStatus();
    }
    ++rejected_;
    return verified.status();
  }
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    records_.push_back(batch.records[i]);
    events_.push_back(std::move(verified->events[i]));
  }
  chain_ = verified->next;
  acknowledgements_.push_back(batch.last_sequence);
  ++batches_accepted_;
  return OkStatus();
}

Status InMemoryBatchSender::DeliverAcknowledgements(EventQueue& queue) {
  std::vector<std::uint64_t> pending;
  pending.swap(acknowledgements_);
  for (std::uint64_t last : pending) RETURN_IF_ERROR(queue.Acknowledge(last));
  return OkStatus();
}

}  // namespace sekisho::gate
