#include "bench/replay_channel.h"

#include <algorithm>

#include "card/mynumber_card.h"

namespace sekisho::bench {

Result<Bytes> RecordingChannel::Transmit(ByteView command) {
  auto response = inner_.Transmit(command);
  if (response.ok()) exchanges_.push_back({Bytes(command.begin(), command.end()), *response});
  return response;
}

Result<Bytes> ReplayChannel::Transmit(ByteView command) {
  if (next_ >= exchanges_.size()) return UnavailableError("replay: no more answers");
  const Exchange& exchange = exchanges_[next_++];
  if (!std::equal(command.begin(), command.end(), exchange.command.begin(),
                  exchange.command.end())) {
    return InternalError("replay: a command differs from the recording");
  }
  return exchange.response;
}

Result<Bytes> ReplayChannel::Atr() {
  return Bytes(card::mynumber::kContactAtr.begin(), card::mynumber::kContactAtr.end());
}

}  // namespace sekisho::bench
