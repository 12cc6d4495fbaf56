// libFuzzer target for the gate's event and batch formats (gate/event.h, gate/batch.h) and the
// server's batch check (gate/batch_verifier.h): the bytes are read as an event record and as a
// batch. Accepted inputs re-encode byte for byte; a decoded batch is checked as received, then
// re-signed with the fuzzer's gate key so that the sequence, record and chain checks behind the
// signature are reached too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "base/ed25519.h"
#include "base/random.h"
#include "gate/batch.h"
#include "gate/batch_verifier.h"
#include "gate/chain.h"
#include "gate/event.h"

namespace {

using sekisho::Bytes;
using sekisho::ByteView;
using sekisho::StatusCode;
using namespace sekisho::gate;  // NOLINT(build/namespaces)

void Check(bool condition) {
  if (!condition) std::abort();
}

const sekisho::Ed25519PrivateKey& GateKey() {
  static const sekisho::Ed25519PrivateKey* key = [] {
    sekisho::SeededRandom random(1);
    return new sekisho::Ed25519PrivateKey(sekisho::Ed25519PrivateKey::Generate(random));
  }();
  return *key;
}

void FuzzEvent(ByteView input) {
  auto event = DecodeEvent(input);
  if (!event.ok()) {
    Check(event.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  auto encoded = EncodeEvent(*event);
  Check(encoded.ok() && ByteView(*encoded).size() == input.size() &&
        std::equal(encoded->begin(), encoded->end(), input.begin()));
}

void FuzzBatch(ByteView input) {
  auto batch = DecodeBatch(input);
  if (!batch.ok()) {
    Check(batch.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  auto encoded = EncodeBatch(*batch);
  Check(encoded.ok() && encoded->size() == input.size() &&
        std::equal(encoded->begin(), encoded->end(), input.begin()));

  // As received: the fuzzer cannot sign, so nothing but a refusal may come back.
  const GateChainState genesis = GateChainState::Genesis(batch->gate);
  auto as_received = VerifyBatch(*batch, GateKey().public_key(), genesis);
  Check(!as_received.ok());

  // Re-signed, from the state that expects exactly this batch: every later check is reached.
  Batch resigned = *batch;
  Check(SignBatch(resigned, GateKey()).ok());
  GateChainState expected{batch->gate, batch->first_sequence, genesis.head};
  auto verified = VerifyBatch(resigned, GateKey().public_key(), expected);
  if (!verified.ok()) {
    const StatusCode code = verified.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kDataLoss);
    return;
  }
  Check(verified->events.size() == resigned.records.size());
  ChainHash head = genesis.head;
  for (std::size_t i = 0; i < resigned.records.size(); ++i) {
    const Bytes& record = resigned.records[i];
    Check(verified->events[i].sequence == batch->first_sequence + i);
    Check(verified->events[i].gate == batch->gate);
    auto again = EncodeEvent(verified->events[i]);
    Check(again.ok() && *again == record);
    head = NextChainHash(head, record);
  }
  Check(head == batch->chain_head);
  Check(verified->next == (GateChainState{batch->gate, batch->last_sequence + 1, head}));
  // The same batch again is a duplicate.
  auto again = VerifyBatch(resigned, GateKey().public_key(), verified->next);
  Check(!again.ok() && again.status().code() == StatusCode::kAlreadyExists);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  FuzzEvent(input);
  FuzzBatch(input);
  return 0;
}
