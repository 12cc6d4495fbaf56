// VirtualCard: a card implemented in software (the simulator), as seen by a transport that
// carries it to a host (the in-process SimChannel, or the vpcd link to pcscd).
#pragma once

#include "base/bytes.h"

namespace sekisho::card {

class VirtualCard {
 public:
  virtual ~VirtualCard() = default;

  // The answer to reset (ISO/IEC 7816-3 §8).
  virtual Bytes Atr() const = 0;

  // Power and reset: each clears the selected application, the current EF and every verified
  // credential; persistent state (retry counters) survives.
  virtual void PowerOn() = 0;
  virtual void PowerOff() = 0;
  virtual void Reset() = 0;

  // Processes one command APDU and returns the response APDU (data + SW1 SW2). Never fails:
  // malformed input is answered with the status word a card would give (6700, 6D00, ...).
  virtual Bytes Process(ByteView command) = 0;
};

}  // namespace sekisho::card
