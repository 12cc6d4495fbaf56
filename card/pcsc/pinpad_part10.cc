#include "card/pcsc/pinpad_part10.h"

#include <limits>
#include <string>

namespace sekisho::card::pcsc {
namespace {

// §2.2: every TLV of the feature list is tag, length 4, a 4-byte control code.
constexpr std::size_t kTlvHeaderSize = 2;
constexpr std::uint8_t kControlCodeSize = 4;

std::string Hex8(std::uint8_t b) { return ToHex(std::array{b}); }

void AppendLe16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void AppendLe32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::uint16_t Le16(ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

std::uint32_t Le32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
         static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

Result<std::uint8_t> Seconds(std::chrono::seconds s, std::string_view what) {
  if (s.count() < 0 || s.count() > std::numeric_limits<std::uint8_t>::max()) {
    return InvalidArgumentError("PIN pad " + std::string(what) + " of " +
                                std::to_string(s.count()) + " s: the reader takes 0-255 s");
  }
  return static_cast<std::uint8_t>(s.count());
}

}  // namespace

std::string_view FeatureName(std::uint8_t tag) {
  switch (tag) {
    case FEATURE_VERIFY_PIN_START:
      return "FEATURE_VERIFY_PIN_START";
    case FEATURE_VERIFY_PIN_FINISH:
      return "FEATURE_VERIFY_PIN_FINISH";
    case FEATURE_MODIFY_PIN_START:
      return "FEATURE_MODIFY_PIN_START";
    case FEATURE_MODIFY_PIN_FINISH:
      return "FEATURE_MODIFY_PIN_FINISH";
    case FEATURE_GET_KEY_PRESSED:
      return "FEATURE_GET_KEY_PRESSED";
    case FEATURE_VERIFY_PIN_DIRECT:
      return "FEATURE_VERIFY_PIN_DIRECT";
    case FEATURE_MODIFY_PIN_DIRECT:
      return "FEATURE_MODIFY_PIN_DIRECT";
    case FEATURE_MCT_READER_DIRECT:
      return "FEATURE_MCT_READER_DIRECT";
    case FEATURE_MCT_UNIVERSAL:
      return "FEATURE_MCT_UNIVERSAL";
    case FEATURE_IFD_PIN_PROPERTIES:
      return "FEATURE_IFD_PIN_PROPERTIES";
    case FEATURE_ABORT:
      return "FEATURE_ABORT";
    case FEATURE_SET_SPE_MESSAGE:
      return "FEATURE_SET_SPE_MESSAGE";
    case FEATURE_VERIFY_PIN_DIRECT_APP_ID:
      return "FEATURE_VERIFY_PIN_DIRECT_APP_ID";
    case FEATURE_MODIFY_PIN_DIRECT_APP_ID:
      return "FEATURE_MODIFY_PIN_DIRECT_APP_ID";
    case FEATURE_WRITE_DISPLAY:
      return "FEATURE_WRITE_DISPLAY";
    case FEATURE_GET_KEY:
      return "FEATURE_GET_KEY";
    case FEATURE_IFD_DISPLAY_PROPERTIES:
      return "FEATURE_IFD_DISPLAY_PROPERTIES";
    case FEATURE_GET_TLV_PROPERTIES:
      return "FEATURE_GET_TLV_PROPERTIES";
    case FEATURE_CCID_ESC_COMMAND:
      return "FEATURE_CCID_ESC_COMMAND";
    case FEATURE_EXECUTE_PACE:
      return "FEATURE_EXECUTE_PACE";
    default:
      return "unknown feature";
  }
}

Result<FeatureMap> ParseFeatureList(ByteView answer) {
  FeatureMap features;
  std::size_t at = 0;
  while (at < answer.size()) {
    const std::uint8_t tag = answer[at];
    const auto where = [&] {
      return "GET_FEATURE_REQUEST answer: feature " + Hex8(tag) + " (" +
             std::string(FeatureName(tag)) + ") at offset " + std::to_string(at);
    };
    if (answer.size() - at < kTlvHeaderSize) {
      return InvalidArgumentError(where() + " has no length byte");
    }
    const std::uint8_t length = answer[at + 1];
    if (length != kControlCodeSize) {
      return InvalidArgumentError(where() + " has length " + std::to_string(length) +
                                  "; PC/SC Part 10 §2.2 gives every control code 4 bytes");
    }
    if (answer.size() - at - kTlvHeaderSize < kControlCodeSize) {
      return InvalidArgumentError(
          where() + " is cut short: " + std::to_string(answer.size() - at - kTlvHeaderSize) +
          " of its 4 value bytes are there");
    }
    const std::size_t v = at + kTlvHeaderSize;
    const std::uint32_t code = static_cast<std::uint32_t>(answer[v]) << 24 |
                               static_cast<std::uint32_t>(answer[v + 1]) << 16 |
                               static_cast<std::uint32_t>(answer[v + 2]) << 8 |
                               static_cast<std::uint32_t>(answer[v + 3]);
    if (!features.emplace(tag, code).second) return InvalidArgumentError(where() + " is repeated");
    at = v + kControlCodeSize;
  }
  return features;
}

Bytes EncodeFeatureList(const FeatureMap& features) {
  Bytes out;
  for (const auto& [tag, code] : features) {
    out.push_back(tag);
    out.push_back(kControlCodeSize);
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(code >> shift));
  }
  return out;
}

Bytes EncodePinVerifyStructure(const PinVerifyStructure& s) {
  Bytes out;
  out.reserve(kPinVerifyStructureHeaderSize + s.apdu.size());
  out.push_back(s.timeout);
  out.push_back(s.timeout_after_first_key);
  out.push_back(s.format_string);
  out.push_back(s.pin_block_string);
  out.push_back(s.pin_length_format);
  AppendLe16(out, static_cast<std::uint16_t>(s.min_pin_digits << 8 | s.max_pin_digits));
  out.push_back(s.entry_validation_condition);
  out.push_back(s.number_message);
  AppendLe16(out, s.language_id);
  out.push_back(s.message_index);
  out.insert(out.end(), s.teo_prologue.begin(), s.teo_prologue.end());
  AppendLe32(out, static_cast<std::uint32_t>(s.apdu.size()));
  Append(out, s.apdu);
  return out;
}

Result<PinVerifyStructure> DecodePinVerifyStructure(ByteView bytes) {
  if (bytes.size() < kPinVerifyStructureHeaderSize) {
    return InvalidArgumentError("PIN_VERIFY_STRUCTURE of " + std::to_string(bytes.size()) +
                                " bytes; its fixed fields alone take 19");
  }
  PinVerifyStructure s;
  s.timeout = bytes[0];
  s.timeout_after_first_key = bytes[1];
  s.format_string = bytes[2];
  s.pin_block_string = bytes[3];
  s.pin_length_format = bytes[4];
  const std::uint16_t extra_digit = Le16(bytes, 5);
  s.min_pin_digits = static_cast<std::uint8_t>(extra_digit >> 8);
  s.max_pin_digits = static_cast<std::uint8_t>(extra_digit & 0xFF);
  s.entry_validation_condition = bytes[7];
  s.number_message = bytes[8];
  s.language_id = Le16(bytes, 9);
  s.message_index = bytes[11];
  s.teo_prologue = {bytes[12], bytes[13], bytes[14]};
  const std::uint32_t length = Le32(bytes, 15);
  const std::size_t rest = bytes.size() - kPinVerifyStructureHeaderSize;
  if (length != rest) {
    return InvalidArgumentError("PIN_VERIFY_STRUCTURE: ulDataLength says " +
                                std::to_string(length) + " bytes of abData, " +
                                std::to_string(rest) + " follow");
  }
  s.apdu.assign(bytes.begin() + kPinVerifyStructureHeaderSize, bytes.end());
  return s;
}

Result<PinVerifyStructure> PinVerifyStructureFor(ByteView verify_template, const PinFormat& format,
                                                 const PinPadOptions& options) {
  RETURN_IF_ERROR(CheckPinVerifyTemplate(verify_template, format));
  PinVerifyStructure s;
  ASSIGN_OR_RETURN(s.timeout, Seconds(options.timeout, "timeout"));
  ASSIGN_OR_RETURN(s.timeout_after_first_key,
                   Seconds(options.timeout_after_first_key, "timeout after the first key"));
  // Byte units, the PIN at data offset 0, left-justified, ASCII (card::PinFormat).
  s.format_string = kFormatUnitsBytes | kFormatTypeAscii;
  // No PIN length field in the command; the block is the whole data field.
  s.pin_block_string = static_cast<std::uint8_t>(format.max_digits);
  s.pin_length_format = 0x00;
  s.min_pin_digits = static_cast<std::uint8_t>(format.min_digits);
  s.max_pin_digits = static_cast<std::uint8_t>(format.max_digits);
  s.entry_validation_condition = kValidateKeyPressed;
  s.number_message = 0x01;
  s.language_id = options.language_id;
  s.message_index = 0x00;
  s.apdu.assign(verify_template.begin(), verify_template.end());
  return s;
}

Result<std::uint16_t> PinVerifyAnswer(ByteView answer) {
  if (answer.size() != 2) {
    return DataLossError("the reader answered the PIN verification with " +
                         std::to_string(answer.size()) + " bytes; the answer is a status word");
  }
  const std::uint16_t sw = ReadU16(answer[0], answer[1]);
  switch (sw) {
    case kPinPadTimeout:
      return DeadlineExceededError(
          "no PIN was entered on the reader's PIN pad in time (reader answer 6400); nothing was "
          "sent to the card");
    case kPinPadCancelled:
      return UnauthenticatedError(
          "the holder cancelled the PIN entry on the reader's PIN pad (reader answer 6401); "
          "nothing was sent to the card");
    case kPinPadInvalidParameter:
      return InvalidArgumentError(
          "the reader refused the PIN verification request as invalid (reader answer 6B80); "
          "nothing was sent to the card. The reader's PIN pad cannot take this PIN format");
    default:
      return sw;
  }
}

}  // namespace sekisho::card::pcsc
