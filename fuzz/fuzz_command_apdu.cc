// libFuzzer target for CommandApdu::Parse (ISO/IEC 7816-4 §5.1): every accepted APDU must encode
// and parse back to an equal APDU.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "card/command_apdu.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sekisho::card::CommandApdu;
  auto parsed = CommandApdu::Parse(sekisho::ByteView(data, size));
  if (!parsed.ok()) return 0;
  auto encoded = parsed->Encode();
  if (!encoded.ok()) std::abort();
  auto again = CommandApdu::Parse(*encoded);
  if (!again.ok() || !(*again == *parsed)) std::abort();
  // The encoder picks the shortest form, so encoding is stable from here on.
  auto encoded_again = again->Encode();
  if (!encoded_again.ok() || *encoded_again != *encoded) std::abort();
  return 0;
}
