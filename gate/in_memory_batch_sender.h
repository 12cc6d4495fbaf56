// InMemoryBatchSender: a BatchSender that is its own server, for tests and demos. It verifies each
// batch as the server does (VerifyBatch), keeps the accepted events, and holds back the
// acknowledgements until the test delivers them, so lost or late acknowledgements can be played.
#pragma once

#include <cstdint>
#include <vector>

#include "base/ed25519.h"
#include "gate/batch_sender.h"
#include "gate/batch_verifier.h"
#include "gate/event.h"
#include "gate/event_queue.h"

namespace sekisho::gate {

// Not thread-safe.
class InMemoryBatchSender final : public BatchSender {
 public:
  InMemoryBatchSender(GateId gate, Ed25519PublicKey gate_key)
      : gate_key_(std::move(gate_key)), chain_(GateChainState::Genesis(gate)) {}

  // kUnavailable "server unreachable" while offline. Otherwise VerifyBatch against the events
  // accepted so far: on success the events are kept and the batch's last sequence is queued for
  // acknowledgement. A duplicate (kAlreadyExists) of events already accepted is answered like a
  // server answers a batch resent after a lost acknowledgement: OK, and acknowledged again.
  // VerifyBatch's other errors are returned (and counted in rejected()).
  Status Send(const Batch& batch) override;

  // Calls queue.Acknowledge for each queued acknowledgement, oldest first, then forgets them.
  // Returns the first error.
  Status DeliverAcknowledgements(EventQueue& queue);
  // Forgets the queued acknowledgements, as if the connection dropped before they arrived.
  void DropAcknowledgements() { acknowledgements_.clear(); }

  void set_online(bool online) { online_ = online; }

  const std::vector<Event>& events() const { return events_; }
  const std::vector<Bytes>& records() const { return records_; }
  const GateChainState& chain() const { return chain_; }
  std::size_t batches_accepted() const { return batches_accepted_; }
  std::size_t rejected() const { return rejected_; }

 private:
  Ed25519PublicKey gate_key_;
  GateChainState chain_;
  bool online_ = true;
  std::vector<Event> events_;
  std::vector<Bytes> records_;  // records_[i] is the event with sequence i + 1
  std::vector<std::uint64_t> acknowledgements_;
  std::size_t batches_accepted_ = 0;
  std::size_t rejected_ = 0;
};

}  // namespace sekisho::gate
