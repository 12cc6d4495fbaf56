#include "card/vpcd/vpcd_frame.h"

#include <string>

namespace sekisho::card::vpcd {

std::optional<Control> ParseControl(std::uint8_t value) {
  switch (value) {
    case 0x00:
      return Control::kPowerOff;
    case 0x01:
      return Control::kPowerOn;
    case 0x02:
      return Control::kReset;
    case 0x04:
      return Control::kGetAtr;
    default:
      return std::nullopt;
  }
}

const char* ControlName(Control control) {
  switch (control) {
    case Control::kPowerOff:
      return "power off";
    case Control::kPowerOn:
      return "power on";
    case Control::kReset:
      return "reset";
    case Control::kGetAtr:
      return "get ATR";
  }
  return "unknown";
}

Result<Bytes> EncodeFrame(ByteView payload) {
  if (payload.size() > kMaxFramePayload) {
    return InvalidArgumentError("a vpcd frame carries at most " + std::to_string(kMaxFramePayload) +
                                " bytes, not " + std::to_string(payload.size()));
  }
  Bytes frame;
  frame.reserve(kFrameHeaderSize + payload.size());
  frame.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  frame.push_back(static_cast<std::uint8_t>(payload.size() & 0xFF));
  Append(frame, payload);
  return frame;
}

Result<std::size_t> DecodeFrameHeader(std::span<const std::uint8_t, kFrameHeaderSize> header) {
  const std::size_t length = ReadU16(header[0], header[1]);
  if (length == 0)
    return DataLossError("zero-length frame from the driver (the protocol has none)");
  return length;
}

DriverMessage ParseDriverMessage(ByteView payload) {
  DriverMessage message;
  if (payload.size() == 1) {
    message.is_control = true;
    message.control = ParseControl(payload[0]);
  } else {
    message.command = payload;
  }
  return message;
}

}  // namespace sekisho::card::vpcd
