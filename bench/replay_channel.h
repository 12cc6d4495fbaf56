// A card's answers recorded once and played back, so that a benchmark of a door path measures
// the host's work without the simulated card's RSA signing (work a real card does on its chip).
#pragma once

#include <cstddef>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "card/card_channel.h"

namespace sekisho::bench {

// One command APDU and the card's raw response to it (data + SW1 SW2).
struct Exchange {
  Bytes command;
  Bytes response;
};

// Passes everything to `inner` and records each command that got a response, in order.
class RecordingChannel final : public card::CardChannel {
 public:
  explicit RecordingChannel(card::CardChannel& inner) : inner_(inner) {}

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  const std::vector<Exchange>& exchanges() const { return exchanges_; }

 private:
  card::CardChannel& inner_;
  std::vector<Exchange> exchanges_;
};

// Answers each command with the next recorded response. kInternal when a command differs from
// the recorded one, kUnavailable when the recording is used up. A My Number Card's contact ATR
// (card/mynumber_card.h), always present, Reset does nothing. `exchanges` must outlive it.
class ReplayChannel final : public card::CardChannel {
 public:
  explicit ReplayChannel(const std::vector<Exchange>& exchanges) : exchanges_(exchanges) {}

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override;
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }

  // Starts again from the first exchange.
  void Rewind() { next_ = 0; }

 private:
  const std::vector<Exchange>& exchanges_;
  std::size_t next_ = 0;
};

}  // namespace sekisho::bench
