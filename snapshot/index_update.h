// Applies a delta's ops to a gate's live lookup index (policy/compiled_policy.h) in place, so a
// lost card is refused without rebuilding the index of 100k credentials (docs/gate.md).
#pragma once

#include "base/status.h"
#include "policy/compiled_policy.h"
#include "snapshot/delta.h"

namespace sekisho::snapshot {

// Applies `delta`'s ops to `index`, in order, and sets its version to delta.version. The delta
// must be one that ApplyDelta (or Acceptor::AcceptDelta) accepted for the snapshot `index` was
// built from: that check validates the result, which this one does not repeat; applied this way,
// index.ToSnapshot() equals ApplyDelta's result.
// kFailedPrecondition "delta is for version A, index holds B" when the versions do not match,
// before anything changes. kNotFound naming the op when a remove, revoke or set op names an
// object the index lacks; the index is then partly updated and must be rebuilt from the
// validated snapshot.
Status ApplyToIndex(const Delta& delta, policy::CompiledPolicy& index);

}  // namespace sekisho::snapshot
