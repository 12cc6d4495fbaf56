#include "card/pinpad_router.h"

#include "card/mynumber_card.h"

namespace sekisho::card {
namespace {

// CLA INS P1 P2: a VERIFY with nothing after its header is the tries query (spec §3).
constexpr std::size_t kHeaderSize = 4;

}  // namespace

Result<Bytes> PinPadRouter::Transmit(ByteView command) {
  if (command.size() <= kHeaderSize || command[1] != mynumber::kInsVerify) {
    return card_.Transmit(command);
  }
  RETURN_IF_ERROR(CheckPinVerifyTemplate(command, format_));
  ++verifications_;
  ASSIGN_OR_RETURN(std::uint16_t sw, pin_pad_.Verify(command, format_));
  return Bytes{static_cast<std::uint8_t>(sw >> 8), static_cast<std::uint8_t>(sw & 0xFF)};
}

}  // namespace sekisho::card
