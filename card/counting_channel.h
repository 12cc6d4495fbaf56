// CountingChannel: a CardChannel wrapper that counts commands and bytes in each direction, for
// the "APDUs per door authentication" figure in benchmarks and the CLI.
#pragma once

#include <cstddef>

#include "card/card_channel.h"

namespace sekisho::card {

struct ChannelCounts {
  std::size_t commands = 0;
  std::size_t bytes_sent = 0;      // command APDU bytes
  std::size_t bytes_received = 0;  // response data bytes, status words excluded
};

class CountingChannel final : public CardChannel {
 public:
  explicit CountingChannel(CardChannel& inner) : inner_(inner) {}

  Result<Bytes> Transmit(ByteView command) override {
    ++counts_.commands;
    counts_.bytes_sent += command.size();
    auto response = inner_.Transmit(command);
    if (response.ok() && response->size() >= 2) counts_.bytes_received += response->size() - 2;
    return response;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  const ChannelCounts& counts() const { return counts_; }
  void ResetCounts() { counts_ = {}; }

 private:
  CardChannel& inner_;
  ChannelCounts counts_;
};

}  // namespace sekisho::card
