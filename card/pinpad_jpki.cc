#include "card/pinpad_jpki.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string>

#include "card/command_apdu.h"
#include "card/mynumber_card.h"
#include "card/pinpad_entry.h"
#include "card/status_word.h"
#include "card/transceive.h"

namespace sekisho::card {
namespace {

namespace mn = mynumber;

// Spec §3 "VERIFY by SFI": P2 = 80|SFI names IEF 0018 without a SELECT.
constexpr std::uint8_t kAuthPinBySfi = 0x80 | mn::kJpkiAuthPin;

Status UnexpectedAnswer(std::string_view action, std::uint16_t sw) {
  const std::array<std::uint8_t, 2> bytes = {static_cast<std::uint8_t>(sw >> 8),
                                             static_cast<std::uint8_t>(sw & 0xFF)};
  return DataLossError(std::string(action) + ": the card answered " + ToHex(bytes) + " (" +
                       std::string(StatusWordName(sw)) + ")");
}

}  // namespace

Status VerifyAuthPinOnPinPad(CardChannel& channel, PinSafety safety) {
  // 1. Spec §3.1 seq 5: the retry counter, without spending a try.
  ASSIGN_OR_RETURN(
      ResponseApdu query,
      Transceive(channel,
                 CommandApdu{0x00, mn::kInsVerify, 0x00, kAuthPinBySfi, {}, std::nullopt}));
  PinStatus status;
  if (IsAuthPinBlocked(query.sw)) {
    status = PinStatus{0, true};
  } else if (const auto tries = TriesLeft(query.sw)) {
    status = PinStatus{*tries, false};
  } else if (query.ok()) {
    status = PinStatus{mn::kAuthPinMaxTries, false};  // verified in this session: counter full
  } else {
    return UnexpectedAnswer("asking for the authentication PIN's tries", query.sw);
  }

  // 2. DESIGN.md P6, before the holder is asked to type anything.
  RETURN_IF_ERROR(CheckPinSafety(status, safety));
  if (status.tries_left == 1) {
    spdlog::warn("asking for the authentication PIN on its last try, as the caller allowed");
  }

  // 3. One template, with Transmit rather than Transceive: a 6Cxx answer must not make it resend
  //    the VERIFY (and ask the holder again).
  const Bytes verify = PinVerifyTemplate(0x00, 0x00, kAuthPinBySfi, kJpkiAuthPinFormat);
  ASSIGN_OR_RETURN(Bytes answer, channel.Transmit(verify));
  if (answer.size() != 2) {
    return DataLossError("verifying the authentication PIN on the PIN pad: an answer of " +
                         std::to_string(answer.size()) + " bytes where a status word was due");
  }
  const std::uint16_t sw = ReadU16(answer[0], answer[1]);
  if (sw == ToU16(StatusWord::kOk)) return OkStatus();
  if (IsAuthPinBlocked(sw)) return AuthPinLockedError();
  if (const auto tries = TriesLeft(sw)) {
    return UnauthenticatedError("wrong PIN, " + std::to_string(*tries) +
                                (*tries == 1 ? " try left" : " tries left"));
  }
  return UnexpectedAnswer("verifying the authentication PIN on the PIN pad", sw);
}

}  // namespace sekisho::card
