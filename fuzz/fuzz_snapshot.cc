// libFuzzer target for the snapshot decoder (snapshot/snapshot_codec.h): whatever DecodeSnapshot
// accepts is a valid snapshot, and encoding it again gives back the input byte for byte (the
// format has one encoding per snapshot).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "policy/validate.h"
#include "snapshot/snapshot_codec.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sekisho::ByteView input(data, size);
  auto decoded = sekisho::snapshot::DecodeSnapshot(input);
  if (!decoded.ok()) {
    Check(decoded.status().code() == sekisho::StatusCode::kInvalidArgument);
    return 0;
  }
  Check(sekisho::policy::Validate(decoded->snapshot).ok());
  auto encoded = sekisho::snapshot::EncodeSnapshot(decoded->header, decoded->snapshot);
  Check(encoded.ok());
  Check(encoded->size() == size && std::memcmp(encoded->data(), data, size) == 0);
  return 0;
}
