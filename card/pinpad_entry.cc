#include "card/pinpad_entry.h"

#include <algorithm>
#include <array>
#include <string>

#include "card/command_apdu.h"

namespace sekisho::card {

Bytes PinVerifyTemplate(std::uint8_t cla, std::uint8_t p1, std::uint8_t p2,
                        const PinFormat& format) {
  Bytes command = {cla, mynumber::kInsVerify, p1, p2, static_cast<std::uint8_t>(format.max_digits)};
  command.insert(command.end(), format.max_digits, kPinPlaceholder);
  return command;
}

Status CheckPinFormat(const PinFormat& format) {
  if (format.min_digits < 1 || format.min_digits > format.max_digits ||
      format.max_digits > kMaxPinBlockSize) {
    return InvalidArgumentError("PIN format of " + std::to_string(format.min_digits) + "-" +
                                std::to_string(format.max_digits) +
                                " digits: a PIN pad takes 1 <= min <= max <= " +
                                std::to_string(kMaxPinBlockSize) + " digits");
  }
  return OkStatus();
}

Status CheckPinVerifyTemplate(ByteView command, const PinFormat& format) {
  RETURN_IF_ERROR(CheckPinFormat(format));
  const std::string what = "PIN pad VERIFY template";
  auto parsed = CommandApdu::Parse(command);
  if (!parsed.ok()) return InvalidArgumentError(what + ": " + parsed.status().message());
  const CommandApdu& c = *parsed;
  if (c.ins != mynumber::kInsVerify) {
    return InvalidArgumentError(what + ": instruction " + ToHex(std::array{c.ins}) +
                                " is not VERIFY (20)");
  }
  // Short form: CLA INS P1 P2, a 1-byte Lc, the data field (ISO/IEC 7816-4:2020 §5.1).
  if (c.Case() != ApduCase::k3 || command.size() != 5 + c.data.size()) {
    return InvalidArgumentError(what +
                                ": a PIN pad completes a short case-3 VERIFY (CLA INS P1 "
                                "P2 Lc PIN-block) only");
  }
  if (c.data.size() != format.max_digits) {
    return InvalidArgumentError(what + ": a PIN block of " + std::to_string(c.data.size()) +
                                " bytes for a PIN of at most " + std::to_string(format.max_digits) +
                                " digits");
  }
  if (!std::ranges::all_of(c.data, [](std::uint8_t b) { return b == kPinPlaceholder; })) {
    return InvalidArgumentError(what +
                                ": the PIN block must hold only placeholder bytes (FF); "
                                "the host never sends a PIN to a PIN pad reader");
  }
  return OkStatus();
}

SecurePinEntry* SecurePinEntryOf(CardChannel& channel) {
  // A capability of the concrete channel a reader hands out, not of the CardChannel interface:
  // only a reader with a PIN pad implements both.
  return dynamic_cast<SecurePinEntry*>(&channel);
}

}  // namespace sekisho::card
