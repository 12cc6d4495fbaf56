#include "card/transceive.h"

#include <spdlog/spdlog.h>

#include "base/log.h"
#include "base/secret.h"

namespace sekisho::card {
namespace {

// A card that keeps answering 61xx/6Cxx is broken; stop instead of looping forever.
constexpr int kMaxRounds = 64;

Result<ResponseApdu> SendOnce(CardChannel& channel, const CommandApdu& command) {
  ASSIGN_OR_RETURN(Bytes encoded, command.Encode());
  // The arguments of a log call are built even when its level is off: check first.
  const bool debug = spdlog::should_log(spdlog::level::debug);
  if (debug) spdlog::debug("card <- {}", ApduForLog(encoded));
  auto raw = channel.Transmit(encoded);
  // The encoded command may carry a PIN; wipe it as soon as it has been sent.
  WipeBytes(encoded);
  if (!raw.ok()) return raw.status();
  if (debug) spdlog::debug("card -> {}", ResponseForLog(*raw));
  return ResponseApdu::Parse(*raw);
}

}  // namespace

Result<ResponseApdu> Transceive(CardChannel& channel, const CommandApdu& command) {
  ASSIGN_OR_RETURN(ResponseApdu response, SendOnce(channel, command));
  Bytes collected;
  for (int round = 0; round < kMaxRounds; ++round) {
    if (response.sw1() == kSw1WrongLe) {
      // §5.3.4: resend the same command with Le = SW2 (00 means 256).
      CommandApdu again = command;
      again.ne = response.sw2() == 0 ? kMaxShortNe : response.sw2();
      auto resent = SendOnce(channel, again);
      WipeBytes(again.data);  // the copy may carry a PIN
      if (!resent.ok()) return resent.status();
      response = std::move(resent).value();
      continue;
    }
    if (response.sw1() == kSw1BytesAvailable) {
      // §7.6.1 GET RESPONSE: 00 C0 00 00 Le, collecting the data of each round.
      Append(collected, response.data);
      CommandApdu get_response;
      get_response.cla = static_cast<std::uint8_t>(command.cla & 0x03);  // keep the channel
      get_response.ins = 0xC0;
      get_response.ne = response.sw2() == 0 ? kMaxShortNe : response.sw2();
      ASSIGN_OR_RETURN(response, SendOnce(channel, get_response));
      continue;
    }
    if (!collected.empty()) {
      Append(collected, response.data);
      response.data = std::move(collected);
    }
    return response;
  }
  return DataLossError("card kept answering 61xx/6Cxx after " + std::to_string(kMaxRounds) +
                       " rounds");
}

}  // namespace sekisho::card
