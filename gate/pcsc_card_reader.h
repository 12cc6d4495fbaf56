// PcscCardReader: a CardReader on a PC/SC reader through pcsc-lite (card/pcsc), the gate's real
// reader. Card insertion and removal come from SCardGetStatusChange; a reader whose PIN pad offers
// secure PIN entry (PC/SC Part 10) hands out channels that carry it (docs/gate.md "PIN entry").
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "card/pcsc/pcsc_context.h"
#include "card/pcsc/pinpad_part10.h"
#include "gate/card_reader.h"

namespace sekisho::gate {

struct PcscCardReaderOptions {
  // Use the reader's PIN pad when it offers secure PIN verification (FEATURE_VERIFY_PIN_DIRECT):
  // the holder types the PIN on the reader and it never enters the host. False is an insecure
  // mode (PINs then come from the gate's Keypad even on such a reader), logged as a warning.
  bool use_pin_pad = true;
  card::pcsc::PinPadOptions pin_pad;
};

// One thread at a time, apart from Cancel() (as PcscContext).
class PcscCardReader final : public CardReader {
 public:
  using Options = PcscCardReaderOptions;

  // Establishes a context with pcscd and checks that `reader` is known. kUnavailable when pcscd
  // is not running; kNotFound "reader X not found; readers: ..." otherwise.
  static Result<std::unique_ptr<PcscCardReader>> Open(const std::string& reader,
                                                      const Options& options = {});

  // Connects to the card (PcscChannel::Connect), then asks the reader for its features
  // (card::pcsc::QueryFeatures, one SCardControl that sends nothing to the card). With
  // options.use_pin_pad and a reader that offers FEATURE_VERIFY_PIN_DIRECT, the channel is a
  // card::pcsc::PinPadChannel, which the door path finds with card::SecurePinEntryOf; otherwise
  // the plain PcscChannel. Whether the reader has a PIN pad is logged when it changes.
  Result<std::unique_ptr<card::CardChannel>> WaitForCard(
      std::chrono::milliseconds timeout) override;
  Status WaitForRemoval(std::chrono::milliseconds timeout) override;
  void Cancel() override { context_->Cancel(); }
  const std::string& name() const override { return reader_; }

 private:
  PcscCardReader(std::unique_ptr<card::pcsc::PcscContext> context, std::string reader,
                 const Options& options)
      : context_(std::move(context)), reader_(std::move(reader)), options_(options) {}

  std::unique_ptr<card::pcsc::PcscContext> context_;
  std::string reader_;
  const Options options_;
  // Whether the last card's connection found a PIN pad (nullopt before the first card).
  std::optional<bool> pin_pad_seen_;
};

}  // namespace sekisho::gate
