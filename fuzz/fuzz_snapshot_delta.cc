// libFuzzer target for the delta decoder (snapshot/delta_codec.h) and ApplyDelta: an accepted
// delta re-encodes byte for byte; applied to a fixed small snapshot it either fails with a
// documented code or gives a valid snapshot, which Diff then reproduces (Apply(base, Diff(base,
// result)) == result).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "base/random.h"
#include "policy/validate.h"
#include "snapshot/delta.h"
#include "snapshot/delta_codec.h"
#include "snapshot/test_snapshots.h"

namespace {

using sekisho::StatusCode;

void Check(bool condition) {
  if (!condition) std::abort();
}

const sekisho::policy::Snapshot& Base() {
  static const sekisho::policy::Snapshot* base = [] {
    sekisho::SeededRandom random(1);
    return new sekisho::policy::Snapshot(
        sekisho::snapshot::testing::SmallRandomSnapshot(4, 1, random));
  }();
  return *base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sekisho::snapshot;  // NOLINT(build/namespaces)
  auto decoded = DecodeDelta(sekisho::ByteView(data, size));
  if (!decoded.ok()) {
    Check(decoded.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  auto encoded = EncodeDelta(decoded->header, decoded->delta);
  Check(encoded.ok());
  Check(encoded->size() == size && std::memcmp(encoded->data(), data, size) == 0);

  // Apply to the fixed base, as if the gate held the delta's base version.
  sekisho::policy::Snapshot base = Base();
  base.version = decoded->delta.base_version;
  auto applied = ApplyDelta(base, decoded->delta);
  if (!applied.ok()) {
    const StatusCode code = applied.status().code();
    Check(code == StatusCode::kNotFound || code == StatusCode::kInvalidArgument);
    return 0;
  }
  Check(sekisho::policy::Validate(*applied).ok());
  auto diff = Diff(base, *applied);
  Check(diff.ok());
  auto again = ApplyDelta(base, *diff);
  Check(again.ok() && *again == *applied);
  return 0;
}
