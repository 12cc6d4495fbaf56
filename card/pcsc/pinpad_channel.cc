#include "card/pcsc/pinpad_channel.h"

#include <spdlog/spdlog.h>

namespace sekisho::card::pcsc {

FeatureMap QueryFeatures(ReaderControl& control) {
  auto answer = control.Control(kGetFeatureRequestCode, {});
  if (!answer.ok()) {
    spdlog::debug("reader features: none ({})", answer.status().ToString());
    return {};
  }
  auto features = ParseFeatureList(*answer);
  if (!features.ok()) {
    spdlog::debug("reader features: none ({})", features.status().ToString());
    return {};
  }
  return std::move(features).value();
}

std::unique_ptr<CardChannel> PinPadChannel::WrapIfOffered(std::unique_ptr<CardChannel> card,
                                                          ReaderControl& control,
                                                          const PinPadOptions& options) {
  const FeatureMap features = QueryFeatures(control);
  const auto verify = features.find(kFeatureVerifyPinDirect);
  if (verify == features.end()) return card;
  return std::unique_ptr<CardChannel>(
      new PinPadChannel(std::move(card), control, verify->second, options));
}

Result<std::uint16_t> PinPadChannel::Verify(ByteView verify_template, const PinFormat& format) {
  ASSIGN_OR_RETURN(PinVerifyStructure structure,
                   PinVerifyStructureFor(verify_template, format, options_));
  spdlog::debug("PIN pad: asking the holder for a PIN of {}-{} digits", format.min_digits,
                format.max_digits);
  ASSIGN_OR_RETURN(Bytes answer,
                   control_.Control(verify_pin_direct_code_, EncodePinVerifyStructure(structure)));
  return PinVerifyAnswer(answer);
}

}  // namespace sekisho::card::pcsc
