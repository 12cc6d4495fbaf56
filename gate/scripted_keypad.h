// ScriptedKeypad: a Keypad that plays back a script of entries (PINs, cancellations, failures),
// for tests and demos.
#pragma once

#include <cstddef>
#include <deque>
#include <string_view>

#include "gate/keypad.h"

namespace sekisho::gate {

// Not thread-safe.
class ScriptedKeypad final : public Keypad {
 public:
  // The next entry of the script; kDeadlineExceeded "nothing typed" when the script is empty.
  Result<std::optional<SecretBytes>> ReadPin() override;

  void AddPin(std::string_view pin);
  void AddCancel();
  void AddFailure(Status status);

  // How many times a PIN was asked for.
  int reads() const { return reads_; }
  std::size_t remaining() const { return script_.size(); }

 private:
  struct Entry {
    enum class Kind { kPin, kCancel, kFailure } kind;
    SecretBytes pin;
    Status failure;
  };
  std::deque<Entry> script_;
  int reads_ = 0;
};

}  // namespace sekisho::gate
