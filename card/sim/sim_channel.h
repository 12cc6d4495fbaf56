// SimChannel: the in-process transport to a VirtualCard (no PC/SC), with a card that tests can
// pull out and put back, and counters of the APDU traffic.
#pragma once

#include <cstddef>

#include "card/card_channel.h"
#include "card/virtual_card.h"

namespace sekisho::card::sim {

struct ChannelStats {
  std::size_t commands = 0;        // command APDUs delivered to the card
  std::size_t bytes_sent = 0;      // command bytes delivered
  std::size_t bytes_received = 0;  // response data bytes, status words excluded (as
                                   // card::CountingChannel counts them)
};

// Not thread-safe (as CardChannel). The card must outlive the channel. The card is powered on
// when the channel is built, and inserted.
class SimChannel final : public CardChannel {
 public:
  explicit SimChannel(VirtualCard& card);

  // Process() on the card. kUnavailable "card removed" while the card is out.
  Result<Bytes> Transmit(ByteView command) override;
  // The card's ATR; kUnavailable while the card is out.
  Result<Bytes> Atr() override;
  // Warm reset of the card; kUnavailable while the card is out.
  Status Reset() override;
  bool IsPresent() override { return present_; }

  // Pulls the card out (it loses power: selection and verified PINs are gone).
  void Remove();
  // Puts the card back and powers it on. No effect if it is present.
  void Insert();

  const ChannelStats& stats() const { return stats_; }
  void ResetStats() { stats_ = {}; }

 private:
  VirtualCard& card_;
  bool present_ = true;
  ChannelStats stats_;
};

}  // namespace sekisho::card::sim
