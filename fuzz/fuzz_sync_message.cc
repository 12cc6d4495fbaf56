// libFuzzer target for the gate <-> server sync messages (sync/message.h): any accepted input
// re-encodes byte for byte, and any refusal is INVALID_ARGUMENT.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "sync/message.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sekisho::ByteView input(data, size);
  auto message = sekisho::sync::DecodeMessage(input);
  if (!message.ok()) {
    Check(message.status().code() == sekisho::StatusCode::kInvalidArgument);
    return 0;
  }
  auto encoded = sekisho::sync::EncodeMessage(*message);
  Check(encoded.ok() && encoded->size() == input.size() &&
        std::equal(encoded->begin(), encoded->end(), input.begin()));
  auto again = sekisho::sync::DecodeMessage(*encoded);
  Check(again.ok() && *again == *message);
  return 0;
}
