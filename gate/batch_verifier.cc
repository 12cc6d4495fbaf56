#include "gate/batch_verifier.h"

#include <string>

namespace sekisho::gate {
namespace {

// "5" for a single sequence number, "5..9" for more.
std::string SequenceOrRange(std::uint64_t first, std::uint64_t last) {
  return first == last ? std::to_string(first)
                       : std::to_string(first) + ".." + std::to_string(last);
}

}  // namespace

GateChainState GateChainState::Genesis(GateId gate) {
  return GateChainState{gate, 1, GenesisChainHash(gate)};
}

Result<VerifiedBatch> VerifyBatch(const Batch& batch, const Ed25519PublicKey& gate_key,
                                  const GateChainState& expected) {
  const std::string gate = "gate " + std::to_string(expected.gate);
  if (batch.gate != expected.gate) {
    return PermissionDeniedError("wrong gate: a batch of gate " + std::to_string(batch.gate) +
                                 " was presented as " + gate + "'s");
  }
  RETURN_IF_ERROR(ValidateBatchShape(batch));
  const std::string what =
      gate + " batch of events " + SequenceOrRange(batch.first_sequence, batch.last_sequence);
  if (Status signature = gate_key.Verify(BatchSigningMessage(batch), batch.signature);
      !signature.ok()) {
    return UnauthenticatedError(what + ": the signature does not verify with the gate's key");
  }
  if (batch.first_sequence < expected.next_sequence) {
    return AlreadyExistsError(
        what + ": duplicate; events up to " + std::to_string(expected.next_sequence - 1) +
        " have been received already (next expected: " + std::to_string(expected.next_sequence) +
        ")");
  }
  if (batch.first_sequence > expected.next_sequence) {
    return FailedPreconditionError(
        what + ": sequence gap; events " +
        SequenceOrRange(expected.next_sequence, batch.first_sequence - 1) +
        " have not been received");
  }

  VerifiedBatch out;
  out.events.reserve(batch.records.size());
  ChainHash head = expected.head;
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    const std::uint64_t sequence = batch.first_sequence + i;
    auto event = DecodeEvent(batch.records[i]);
    if (!event.ok()) {
      return event.status().WithContext(what + ", event " + std::to_string(sequence));
    }
    if (event->gate != batch.gate || event->sequence != sequence) {
      return InvalidArgumentError(what + ": the record at sequence " + std::to_string(sequence) +
                                  " is event " + std::to_string(event->sequence) + " of gate " +
                                  std::to_string(event->gate));
    }
    head = NextChainHash(head, batch.records[i]);
    out.events.push_back(std::move(event).value());
  }
  if (head != batch.chain_head) {
    return DataLossError(what + ": chain break at sequence " +
                         std::to_string(batch.first_sequence) +
                         "; the batch does not continue the chain the server holds up to "
                         "sequence " +
                         std::to_string(expected.next_sequence - 1));
  }
  out.next = GateChainState{batch.gate, batch.last_sequence + 1, head};
  return out;
}

}  // namespace sekisho::gate
