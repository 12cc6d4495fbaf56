#include "gate/batch.h"

#include <algorithm>
#include <string>

#include "gate/wire.h"

namespace sekisho::gate {
namespace {

std::string SequenceRange(std::uint64_t first, std::uint64_t last) {
  return std::to_string(first) + ".." + std::to_string(last);
}

Status ValidateShapeExceptSignature(const Batch& b) {
  if (b.gate == 0) return InvalidArgumentError("batch: gate id 0 is not a gate");
  if (b.first_sequence == 0) return InvalidArgumentError("batch: sequence numbers start at 1");
  if (b.last_sequence < b.first_sequence) {
    return InvalidArgumentError("batch: last sequence " + std::to_string(b.last_sequence) +
                                " is before the first " + std::to_string(b.first_sequence));
  }
  const std::uint64_t count = b.last_sequence - b.first_sequence + 1;
  if (count > kMaxBatchEvents) {
    return InvalidArgumentError("batch: events " +
                                SequenceRange(b.first_sequence, b.last_sequence) +
                                " are more than " + std::to_string(kMaxBatchEvents));
  }
  if (b.records.size() != count) {
    return InvalidArgumentError("batch: events " +
                                SequenceRange(b.first_sequence, b.last_sequence) + " but " +
                                std::to_string(b.records.size()) + " records");
  }
  for (std::size_t i = 0; i < b.records.size(); ++i) {
    if (b.records[i].empty() || b.records[i].size() > kMaxBatchRecordSize) {
      return InvalidArgumentError("batch: record of event " + std::to_string(b.first_sequence + i) +
                                  " has " + std::to_string(b.records[i].size()) + " bytes (1.." +
                                  std::to_string(kMaxBatchRecordSize) + " allowed)");
    }
  }
  return OkStatus();
}

// The encoding without the signature.
Bytes EncodeBody(const Batch& b) {
  Bytes out;
  PutU8(out, kBatchFormatVersion);
  PutU32(out, b.gate);
  PutU64(out, b.first_sequence);
  PutU64(out, b.last_sequence);
  Append(out, b.chain_head);
  for (const Bytes& record : b.records) {
    PutU16(out, static_cast<std::uint16_t>(record.size()));
    Append(out, record);
  }
  return out;
}

}  // namespace

Status ValidateBatchShape(const Batch& batch) {
  RETURN_IF_ERROR(ValidateShapeExceptSignature(batch));
  if (batch.signature.size() != kEd25519SignatureSize) {
    return InvalidArgumentError("batch: a signature is 64 bytes, got " +
                                std::to_string(batch.signature.size()));
  }
  return OkStatus();
}

Bytes BatchSigningMessage(const Batch& batch) {
  Bytes message = ToBytes(kBatchSignatureLabel);
  Append(message, EncodeBody(batch));
  return message;
}

Status SignBatch(Batch& batch, const Ed25519PrivateKey& key) {
  RETURN_IF_ERROR(ValidateShapeExceptSignature(batch));
  batch.signature = key.Sign(BatchSigningMessage(batch));
  return OkStatus();
}

Result<Bytes> EncodeBatch(const Batch& batch) {
  RETURN_IF_ERROR(ValidateBatchShape(batch));
  Bytes out = EncodeBody(batch);
  Append(out, batch.signature);
  return out;
}

Result<Batch> DecodeBatch(ByteView encoded) {
  WireReader in(encoded, "batch");
  Batch b;
  std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::uint8_t version, in.U8("format version"));
  if (version != kBatchFormatVersion) {
    return in.Invalid("format version", at,
                      "version " + std::to_string(version) +
                          " is not supported (this build "
                          "reads version " +
                          std::to_string(kBatchFormatVersion) + ")");
  }
  at = in.offset();
  ASSIGN_OR_RETURN(b.gate, in.U32("gate id"));
  if (b.gate == 0) return in.Invalid("gate id", at, "0 is not a gate");
  at = in.offset();
  ASSIGN_OR_RETURN(b.first_sequence, in.U64("first sequence"));
  if (b.first_sequence == 0) return in.Invalid("first sequence", at, "sequence numbers start at 1");
  at = in.offset();
  ASSIGN_OR_RETURN(b.last_sequence, in.U64("last sequence"));
  if (b.last_sequence < b.first_sequence) {
    return in.Invalid("last sequence", at,
                      std::to_string(b.last_sequence) + " is before the first sequence " +
                          std::to_string(b.first_sequence));
  }
  if (b.last_sequence - b.first_sequence >= kMaxBatchEvents) {
    return in.Invalid("last sequence", at,
                      "events " + SequenceRange(b.first_sequence, b.last_sequence) +
                          " are more than " + std::to_string(kMaxBatchEvents));
  }
  ASSIGN_OR_RETURN(const ByteView head, in.Take(b.chain_head.size(), "chain head"));
  std::copy(head.begin(), head.end(), b.chain_head.begin());
  const std::size_t count = static_cast<std::size_t>(b.last_sequence - b.first_sequence) + 1;
  b.records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string field = "record of event " + std::to_string(b.first_sequence + i);
    at = in.offset();
    ASSIGN_OR_RETURN(const std::uint16_t size, in.U16(field + " (length)"));
    if (size == 0 || size > kMaxBatchRecordSize) {
      return in.Invalid(field, at,
                        "length " + std::to_string(size) + " (1.." +
                            std::to_string(kMaxBatchRecordSize) + " allowed)");
    }
    ASSIGN_OR_RETURN(const ByteView record, in.Take(size, field));
    b.records.emplace_back(record.begin(), record.end());
  }
  ASSIGN_OR_RETURN(const ByteView signature, in.Take(kEd25519SignatureSize, "signature"));
  b.signature.assign(signature.begin(), signature.end());
  RETURN_IF_ERROR(in.ExpectEnd());
  return b;
}

}  // namespace sekisho::gate
