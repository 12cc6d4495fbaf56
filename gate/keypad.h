// Keypad: PIN entry on the reader at a door (DESIGN.md P6: the PIN is typed on the reader, passed
// to the card once and wiped; it is never logged or kept). A reader whose own PIN pad offers secure
// PIN entry takes the PIN itself and the keypad is not asked (docs/gate.md "PIN entry").
#pragma once

#include <optional>

#include "base/result.h"
#include "base/secret.h"

namespace sekisho::gate {

class Keypad {
 public:
  virtual ~Keypad() = default;

  // Asks the holder for their PIN and waits for it. The PIN as typed (its format is checked by
  // whoever sends it), or nullopt when the holder cancelled. kDeadlineExceeded when nothing was
  // typed in time; kUnavailable when the keypad does not respond.
  virtual Result<std::optional<SecretBytes>> ReadPin() = 0;
};

}  // namespace sekisho::gate
