// ReaderControl: commands to the reader itself rather than to the card in it (PC/SC SCardControl),
// the one piece of the PIN pad path that needs real hardware. PcscChannel implements it over
// pcsc-lite; tests use FakePinPadReader (card/pcsc/pinpad_fake_reader.h).
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card::pcsc {

class ReaderControl {
 public:
  virtual ~ReaderControl() = default;

  // Sends `in` to the reader under the control code `code` (kGetFeatureRequestCode, or a code the
  // reader listed for a feature) and returns the reader's answer. Errors as PcscError: notably
  // kFailedPrecondition when the reader does not support `code`, kUnavailable when the card or
  // the reader went away.
  virtual Result<Bytes> Control(std::uint32_t code, ByteView in) = 0;
};

}  // namespace sekisho::card::pcsc
