// SimulatedCardReader: a CardReader to which simulated holders present in-process cards
// (card::VirtualCard), with the keypad those holders type their PINs on. For tests and the demo's
// gates; the real gate uses PcscCardReader.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "card/virtual_card.h"
#include "gate/card_reader.h"
#include "gate/keypad.h"

namespace sekisho::gate {

// Thread-safe: holders present cards from their threads while the reader loop waits on its own.
class SimulatedCardReader final : public CardReader {
 public:
  explicit SimulatedCardReader(std::string name);
  ~SimulatedCardReader() override;

  // A holder presents `card` and, when asked, types `pin` (nullopt: types nothing, so the keypad
  // times out). Blocks until the reader loop has finished with the card and the holder has taken
  // it back. kDeadlineExceeded when the loop did not take the card within `timeout` (the card is
  // withdrawn again), or did not finish with it; kUnavailable after Cancel(). The card must stay
  // alive until this returns.
  Status Present(card::VirtualCard& card, std::optional<std::string> pin,
                 std::chrono::milliseconds timeout);

  Result<std::unique_ptr<card::CardChannel>> WaitForCard(
      std::chrono::milliseconds timeout) override;
  // The holder takes the card as soon as the loop is done with it: OK at once when a card was
  // handed out (and its Present returns), OK when the reader is empty.
  Status WaitForRemoval(std::chrono::milliseconds timeout) override;
  void Cancel() override;
  const std::string& name() const override { return name_; }

  // The keypad of this reader: the PIN of the holder whose card is in it.
  Keypad& keypad();

 private:
  class HolderKeypad;
  enum class Slot { kEmpty, kPresented, kInUse, kDone };

  const std::string name_;
  std::unique_ptr<HolderKeypad> keypad_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Slot slot_ = Slot::kEmpty;
  card::VirtualCard* card_ = nullptr;
  std::optional<std::string> pin_;
  bool cancelled_ = false;
};

}  // namespace sekisho::gate
