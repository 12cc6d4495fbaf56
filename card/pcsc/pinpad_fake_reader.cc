#include "card/pcsc/pinpad_fake_reader.h"

#include <algorithm>

#include "card/command_apdu.h"

namespace sekisho::card::pcsc::testing {
namespace {

// The short APDU header before the data field: CLA INS P1 P2 Lc.
constexpr std::size_t kApduHeaderSize = 5;

Bytes Answer(std::uint16_t sw) {
  return Bytes{static_cast<std::uint8_t>(sw >> 8), static_cast<std::uint8_t>(sw & 0xFF)};
}

}  // namespace

void FakePinPadReader::HolderTypes(std::string_view digits) {
  holder_.push_back({Move::Kind::kType, SecretBytes(digits)});
}
void FakePinPadReader::HolderCancels() { holder_.push_back({Move::Kind::kCancel, {}}); }
void FakePinPadReader::HolderWalksAway() { holder_.push_back({Move::Kind::kWalkAway, {}}); }

std::string FakePinPadReader::Problem(const PinVerifyStructure& s) {
  if ((s.format_string & kFormatUnitsBytes) == 0) return "system units are bits";
  if ((s.format_string & kFormatTypeMask) != kFormatTypeAscii) return "PIN type is not ASCII";
  if ((s.format_string & kFormatRightJustify) != 0) return "right justification";
  if ((s.pin_block_string >> 4) != 0 || s.pin_length_format != 0) return "a PIN length field";
  auto apdu = CommandApdu::Parse(s.apdu);
  if (!apdu.ok() || apdu->Case() != ApduCase::k3 ||
      s.apdu.size() != kApduHeaderSize + apdu->data.size()) {
    return "abData is not a short case-3 APDU";
  }
  const std::size_t block = s.pin_block_string & 0x0F;
  if (apdu->data.size() != block) return "the PIN block is not the APDU's data field";
  if (!std::ranges::all_of(apdu->data, [](std::uint8_t b) { return b == 0xFF; })) {
    return "the PIN block is not filled with FF placeholders";
  }
  const std::size_t position = (s.format_string >> 3) & 0x0F;
  if (s.min_pin_digits < 1 || s.min_pin_digits > s.max_pin_digits ||
      position + s.max_pin_digits > block) {
    return "minimum and maximum digits do not fit the PIN block";
  }
  if ((s.entry_validation_condition &
       (kValidateMaxSizeReached | kValidateKeyPressed | kValidateTimeout)) == 0) {
    return "no entry validation condition";
  }
  if (s.number_message != 0x00 && s.number_message != 0x01 && s.number_message != 0xFF) {
    return "bNumberMessage is not 00, 01 or FF";
  }
  if (std::ranges::any_of(s.teo_prologue, [](std::uint8_t b) { return b != 0; })) {
    return "bTeoPrologue is not 00 00 00";
  }
  return {};
}

Result<Bytes> FakePinPadReader::Control(std::uint32_t code, ByteView in) {
  ++control_calls_;
  if (code == kGetFeatureRequestCode) {
    ++feature_requests_;
    if (feature_error) return *feature_error;
    if (raw_feature_answer) return *raw_feature_answer;
    return EncodeFeatureList(features);
  }
  if (code == kFakeVerifyPinDirectCode && features.contains(kFeatureVerifyPinDirect)) {
    return VerifyPin(in);
  }
  return FailedPreconditionError("SCardControl: the reader does not support control code " +
                                 std::to_string(code) + " (SCARD_E_UNSUPPORTED_FEATURE)");
}

Result<Bytes> FakePinPadReader::VerifyPin(ByteView in) {
  last_refusal_.clear();
  auto decoded = DecodePinVerifyStructure(in);
  if (!decoded.ok()) {
    last_refusal_ = decoded.status().message();
    return Answer(kPinPadInvalidParameter);
  }
  verify_requests_.push_back(*decoded);
  const PinVerifyStructure& s = verify_requests_.back();
  if (std::string problem = Problem(s); !problem.empty() || refuse_every_request) {
    last_refusal_ = problem.empty() ? "refuses every request" : problem;
    return Answer(kPinPadInvalidParameter);
  }
  if (holder_.empty()) return Answer(kPinPadTimeout);
  Move move = std::move(holder_.front());
  holder_.pop_front();
  switch (move.kind) {
    case Move::Kind::kCancel:
      return Answer(kPinPadCancelled);
    case Move::Kind::kWalkAway:
      return Answer(kPinPadTimeout);
    case Move::Kind::kType:
      break;
  }
  // The keys after the maximum are ignored; OK is not taken before the minimum.
  const std::size_t typed = std::min<std::size_t>(move.digits.size(), s.max_pin_digits);
  if (typed < s.min_pin_digits) return Answer(kPinPadTimeout);
  Bytes apdu = s.apdu;
  const std::size_t at = kApduHeaderSize + ((s.format_string >> 3) & 0x0F);
  std::copy_n(move.digits.view().begin(), typed, apdu.begin() + static_cast<std::ptrdiff_t>(at));
  move.digits.Wipe();
  ++verifies_sent_;
  auto response = card_.Transmit(apdu);
  WipeBytes(apdu);
  return response;
}

}  // namespace sekisho::card::pcsc::testing
