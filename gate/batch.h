// A batch of a gate's events as the gate sends it to the server: a run of consecutive events, the
// chain hash after the last one, and the gate's Ed25519 signature over all of it. Encoding:
// docs/formats/gate-events.md "Batch".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "gate/chain.h"
#include "gate/event.h"

namespace sekisho::gate {

inline constexpr std::uint8_t kBatchFormatVersion = 1;
// Domain-separation label of the signed message: ASCII, no terminator.
inline constexpr std::string_view kBatchSignatureLabel = "sekisho/gate-batch/v1";
// The most events one batch may carry (a decoder refuses more before allocating anything).
inline constexpr std::size_t kMaxBatchEvents = 4096;
// The longest record a batch may carry: room for later event versions beyond
// kMaxEncodedEventSize.
inline constexpr std::size_t kMaxBatchRecordSize = 1024;

struct Batch {
  GateId gate = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  // chain_{last_sequence} (gate/chain.h).
  ChainHash chain_head{};
  // The encoded events (EncodeEvent) with sequence numbers first_sequence..last_sequence, in
  // order: the exact bytes that were chained.
  std::vector<Bytes> records;
  // Ed25519 (RFC 8032) over BatchSigningMessage(), by the gate's batch key.
  Bytes signature;

  friend bool operator==(const Batch&, const Batch&) = default;
};

// OK when the batch's shape can be encoded: gate not 0, 1 <= first <= last, records.size() ==
// last - first + 1 <= kMaxBatchEvents, every record 1..kMaxBatchRecordSize bytes, a 64-byte
// signature. kInvalidArgument "batch: ..." otherwise. Says nothing about the records' contents,
// the chain or the signature (VerifyBatch does).
Status ValidateBatchShape(const Batch& batch);

// "sekisho/gate-batch/v1" || the encoding up to (not including) the signature. What the gate
// signs. Precondition: ValidateBatchShape(batch) is OK (the signature may still be empty).
Bytes BatchSigningMessage(const Batch& batch);

// Signs `batch` (its signature is replaced) with the gate's key. kInvalidArgument as
// ValidateBatchShape, apart from the signature.
Status SignBatch(Batch& batch, const Ed25519PrivateKey& key);

// The encoding: kInvalidArgument as ValidateBatchShape.
Result<Bytes> EncodeBatch(const Batch& batch);

// Strict: kInvalidArgument "batch: ..." naming the field and offset for a truncated batch,
// trailing bytes, an unsupported format version, gate 0, first > last or first 0, more than
// kMaxBatchEvents events, or a record length of 0 or above kMaxBatchRecordSize. The records'
// contents, the chain and the signature are not checked here (VerifyBatch).
// DecodeBatch(EncodeBatch(b)) == b and EncodeBatch(DecodeBatch(x)) == x.
Result<Batch> DecodeBatch(ByteView encoded);

}  // namespace sekisho::gate
