// PinPadChannel: a card in a PC/SC reader whose PIN pad offers secure PIN verification (PC/SC
// Part 10 FEATURE_VERIFY_PIN_DIRECT): the card's CardChannel and the reader's SecurePinEntry in
// one object, so that the door path finds the PIN pad on the channel it is given
// (card::SecurePinEntryOf). Docs: docs/gate.md "PIN entry".
#pragma once

#include <cstdint>
#include <memory>

#include "card/card_channel.h"
#include "card/pcsc/pinpad_part10.h"
#include "card/pcsc/pinpad_reader_control.h"
#include "card/pinpad_entry.h"

namespace sekisho::card::pcsc {

// The reader's features, asked with GET_FEATURE_REQUEST (Part 10 §2.2) on `control`. A reader that
// answers with an error (a reader without a PIN pad; vpcd) or with a malformed list has none: the
// map is empty and the reason is logged at debug level.
FeatureMap QueryFeatures(ReaderControl& control);

// Not thread-safe (as CardChannel).
class PinPadChannel final : public CardChannel, public SecurePinEntry {
 public:
  // Asks the reader behind `control` for its features (QueryFeatures). When it offers
  // FEATURE_VERIFY_PIN_DIRECT, returns a PinPadChannel owning `card`; otherwise `card` itself.
  // `control` reaches the reader of `card` on the same connection (a PcscChannel is both) and must
  // outlive the returned channel.
  static std::unique_ptr<CardChannel> WrapIfOffered(std::unique_ptr<CardChannel> card,
                                                    ReaderControl& control,
                                                    const PinPadOptions& options = {});

  // Forwarded to the card's channel unchanged.
  Result<Bytes> Transmit(ByteView command) override { return card_->Transmit(command); }
  Result<Bytes> Atr() override { return card_->Atr(); }
  Status Reset() override { return card_->Reset(); }
  bool IsPresent() override { return card_->IsPresent(); }

  // SecurePinEntry: PinVerifyStructureFor(verify_template, format, options) sent with the
  // reader's FEATURE_VERIFY_PIN_DIRECT control code, and the answer read by PinVerifyAnswer. A
  // template or format that does not qualify is kInvalidArgument and nothing is sent. Blocks
  // while the holder types (up to the options' timeouts).
  Result<std::uint16_t> Verify(ByteView verify_template, const PinFormat& format) override;

  // The control code the reader gave for FEATURE_VERIFY_PIN_DIRECT.
  std::uint32_t verify_pin_direct_code() const { return verify_pin_direct_code_; }

 private:
  PinPadChannel(std::unique_ptr<CardChannel> card, ReaderControl& control,
                std::uint32_t verify_pin_direct_code, const PinPadOptions& options)
      : card_(std::move(card)),
        control_(control),
        verify_pin_direct_code_(verify_pin_direct_code),
        options_(options) {}

  std::unique_ptr<CardChannel> card_;
  ReaderControl& control_;
  const std::uint32_t verify_pin_direct_code_;
  const PinPadOptions options_;
};

}  // namespace sekisho::card::pcsc
