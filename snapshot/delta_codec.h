// The binary delta format (docs/formats/snapshot.md §6): the common header, base and new
// version, then the ops, each an op code and the object's wire form (model_codec.h).
// Unsigned: signed.h wraps it in the signed envelope.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "snapshot/delta.h"
#include "snapshot/header.h"

namespace sekisho::snapshot {

struct DecodedDelta {
  Header header;
  Delta delta;
  friend bool operator==(const DecodedDelta&, const DecodedDelta&) = default;
};

// The delta's bytes. Deterministic, and EncodeDelta(DecodeDelta(b)) == b for every accepted b.
// kInvalidArgument when CheckHeader refuses `header`, delta.version is not above
// delta.base_version, or an op holds a value the wire cannot carry (model_codec.h
// CheckWritable), naming the op.
Result<Bytes> EncodeDelta(const Header& header, const Delta& delta);

// The strict inverse of EncodeDelta. kInvalidArgument "delta: op I (NAME): FIELD at offset N:
// what is wrong" for a wrong magic or format version, an unknown op code, a version not above
// the base version, and everything DecodeSnapshot refuses at the byte level; trailing bytes.
// The ops are not applied, so references between objects are ApplyDelta's to check.
Result<DecodedDelta> DecodeDelta(ByteView body);

}  // namespace sekisho::snapshot
