#include "card/sim/sim_channel.h"

namespace sekisho::card::sim {

SimChannel::SimChannel(VirtualCard& card) : card_(card) { card_.PowerOn(); }

Result<Bytes> SimChannel::Transmit(ByteView command) {
  if (!present_) return UnavailableError("card removed");
  Bytes response = card_.Process(command);
  ++stats_.commands;
  stats_.bytes_sent += command.size();
  stats_.bytes_received += response.size() >= 2 ? response.size() - 2 : 0;
  return response;
}

Result<Bytes> SimChannel::Atr() {
  if (!present_) return UnavailableError("card removed");
  return card_.Atr();
}

Status SimChannel::Reset() {
  if (!present_) return UnavailableError("card removed");
  card_.Reset();
  return OkStatus();
}

void SimChannel::Remove() {
  if (!present_) return;
  card_.PowerOff();
  present_ = false;
}

void SimChannel::Insert() {
  if (present_) return;
  card_.PowerOn();
  present_ = true;
}

}  // namespace sekisho::card::sim
