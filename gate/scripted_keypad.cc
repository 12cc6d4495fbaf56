#include "gate/scripted_keypad.h"

#include <utility>

namespace sekisho::gate {

Result<std::optional<SecretBytes>> ScriptedKeypad::ReadPin() {
  ++reads_;
  if (script_.empty()) return DeadlineExceededError("nothing typed on the keypad");
  Entry entry = std::move(script_.front());
  script_.pop_front();
  switch (entry.kind) {
    case Entry::Kind::kPin:
      return std::optional<SecretBytes>(std::move(entry.pin));
    case Entry::Kind::kCancel:
      return std::optional<SecretBytes>();
    case Entry::Kind::kFailure:
      return entry.failure;
  }
  return InternalError("unknown keypad script entry");
}

void ScriptedKeypad::AddPin(std::string_view pin) {
  script_.push_back({Entry::Kind::kPin, SecretBytes(pin), OkStatus()});
}

void ScriptedKeypad::AddCancel() {
  script_.push_back({Entry::Kind::kCancel, SecretBytes(), OkStatus()});
}

void ScriptedKeypad::AddFailure(Status status) {
  script_.push_back({Entry::Kind::kFailure, SecretBytes(), std::move(status)});
}

}  // namespace sekisho::gate
