// The binary snapshot format (docs/formats/snapshot.md §5): a header binding it to one gate and
// one organisation key, then the whole policy model, with credentials referencing a table of
// distinct level-assignment sets. Unsigned: signed.h wraps it in the signed envelope.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "policy/model.h"
#include "snapshot/header.h"

namespace sekisho::snapshot {

struct DecodedSnapshot {
  Header header;
  policy::Snapshot snapshot;
  friend bool operator==(const DecodedSnapshot&, const DecodedSnapshot&) = default;
};

// The snapshot's bytes. Deterministic: equal inputs give equal bytes, and
// EncodeSnapshot(DecodeSnapshot(b)) == b for every accepted b. kInvalidArgument when CheckHeader
// refuses `header` or policy::Validate refuses `snapshot` (its message, prefixed "snapshot: ").
Result<Bytes> EncodeSnapshot(const Header& header, const policy::Snapshot& snapshot);

// The strict inverse of EncodeSnapshot. kInvalidArgument "snapshot: SECTION at index I: FIELD at
// offset N: what is wrong" for any byte sequence EncodeSnapshot could not have written: a wrong
// magic or format version, a value running past the end, a non-minimal varint, a value out of
// its type's range, an unknown enum value, reserved bits, a level-set table that is not the
// canonical one (every set used, distinct, ordered by use), trailing bytes; and, once parsed,
// whatever policy::Validate refuses. Does not check the header's gate or key (signed.h does).
Result<DecodedSnapshot> DecodeSnapshot(ByteView body);

}  // namespace sekisho::snapshot
