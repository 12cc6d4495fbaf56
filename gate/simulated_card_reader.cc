#include "gate/simulated_card_reader.h"

#include <openssl/crypto.h>

#include <utility>

#include "base/secret.h"
#include "card/sim/sim_channel.h"

namespace sekisho::gate {

class SimulatedCardReader::HolderKeypad final : public Keypad {
 public:
  explicit HolderKeypad(SimulatedCardReader& reader) : reader_(reader) {}

  Result<std::optional<SecretBytes>> ReadPin() override {
    std::lock_guard lock(reader_.mutex_);
    if (reader_.slot_ != Slot::kInUse) {
      return Status(StatusCode::kUnavailable, "keypad: no card in the reader");
    }
    if (!reader_.pin_.has_value()) {
      return Status(StatusCode::kDeadlineExceeded, "keypad: nothing typed");
    }
    return std::optional<SecretBytes>(SecretBytes(*reader_.pin_));
  }

 private:
  SimulatedCardReader& reader_;
};

SimulatedCardReader::SimulatedCardReader(std::string name)
    : name_(std::move(name)), keypad_(std::make_unique<HolderKeypad>(*this)) {}

SimulatedCardReader::~SimulatedCardReader() = default;

Keypad& SimulatedCardReader::keypad() { return *keypad_; }

Status SimulatedCardReader::Present(card::VirtualCard& card, std::optional<std::string> pin,
                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Another holder is at the reader: wait for our turn.
  if (!changed_.wait_until(lock, deadline, [&] { return cancelled_ || slot_ == Slot::kEmpty; })) {
    return Status(StatusCode::kDeadlineExceeded, name_ + ": reader busy");
  }
  if (cancelled_) return Status(StatusCode::kUnavailable, name_ + ": reader stopped");
  slot_ = Slot::kPresented;
  card_ = &card;
  pin_ = std::move(pin);
  changed_.notify_all();
  const bool finished = changed_.wait_until(
      lock, deadline, [&] { return cancelled_ || slot_ == Slot::kDone || slot_ == Slot::kEmpty; });
  const bool taken = slot_ != Slot::kPresented;
  const bool done = slot_ == Slot::kDone;
  if (slot_ == Slot::kPresented || slot_ == Slot::kDone) {
    slot_ = Slot::kEmpty;
    card_ = nullptr;
    if (pin_.has_value()) OPENSSL_cleanse(pin_->data(), pin_->size());
    pin_.reset();
    changed_.notify_all();
  }
  if (done) return OkStatus();
  if (cancelled_) return Status(StatusCode::kUnavailable, name_ + ": reader stopped");
  (void)finished;
  return Status(StatusCode::kDeadlineExceeded,
                name_ + (taken ? ": the gate did not finish with the card in time"
                               : ": the gate did not read the card in time"));
}

Result<std::unique_ptr<card::CardChannel>> SimulatedCardReader::WaitForCard(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout,
                         [&] { return cancelled_ || slot_ == Slot::kPresented; })) {
    return Status(StatusCode::kDeadlineExceeded, name_ + ": no card");
  }
  if (cancelled_) return Status(StatusCode::kUnavailable, name_ + ": reader stopped");
  slot_ = Slot::kInUse;
  return std::unique_ptr<card::CardChannel>(std::make_unique<card::sim::SimChannel>(*card_));
}

Status SimulatedCardReader::WaitForRemoval(std::chrono::milliseconds /*timeout*/) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return Status(StatusCode::kUnavailable, name_ + ": reader stopped");
  if (slot_ == Slot::kInUse) {
    card_->PowerOff();
    slot_ = Slot::kDone;
    changed_.notify_all();
  }
  return OkStatus();
}

void SimulatedCardReader::Cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

}  // namespace sekisho::gate
