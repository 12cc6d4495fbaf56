// The server's check of a gate's batch (pure: no I/O, no clock): the signature by the gate's key,
// the sequence numbers against what the server has, the chain against the head it holds, and
// every record. Format: docs/formats/gate-events.md.
#pragma once

#include <cstdint>
#include <vector>

#include "base/ed25519.h"
#include "base/result.h"
#include "gate/batch.h"
#include "gate/chain.h"
#include "gate/event.h"

namespace sekisho::gate {

// What the server holds of one gate's chain: the next sequence number it expects and the chain
// hash after the event before it.
struct GateChainState {
  GateId gate = 0;
  std::uint64_t next_sequence = 1;
  ChainHash head{};

  // A gate from which nothing has been received: next 1, head GenesisChainHash(gate).
  static GateChainState Genesis(GateId gate);

  friend bool operator==(const GateChainState&, const GateChainState&) = default;
};

struct VerifiedBatch {
  std::vector<Event> events;  // decoded from batch.records, in order
  GateChainState next;        // the state after the batch: what the next batch must continue
};

// Checks `batch` from gate `expected.gate` whose batch key is `gate_key`, in this order:
//   kPermissionDenied  the batch names another gate ("wrong gate").
//   kInvalidArgument   the batch's shape (ValidateBatchShape).
//   kUnauthenticated   the signature does not verify with `gate_key` (nothing else of an
//                      unsigned batch is looked at).
//   kAlreadyExists     the batch repeats events the server has (first sequence below
//                      expected.next_sequence): a batch resent after a lost acknowledgement.
//   kFailedPrecondition a sequence gap: the batch starts after expected.next_sequence; the
//                      events in between have not been received (the message names them).
//   kInvalidArgument   a record does not decode (DecodeEvent; the message names the event), or
//                      an event's gate or sequence number differs from its place in the batch.
//   kDataLoss          chain break: the records do not lead from expected.head to the batch's
//                      chain head, so the batch does not continue the chain the server holds.
// Returns the decoded events and the state the next batch must continue from.
Result<VerifiedBatch> VerifyBatch(const Batch& batch, const Ed25519PublicKey& gate_key,
                                  const GateChainState& expected);

}  // namespace sekisho::gate
