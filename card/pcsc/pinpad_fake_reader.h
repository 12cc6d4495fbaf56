// FakePinPadReader: test support, a ReaderControl that plays a PC/SC reader with a PIN pad (what
// vpcd cannot emulate). It lists its features, checks every PIN_VERIFY_STRUCTURE as a strict CCID
// reader would, and plays a holder typing on its keys: the PIN is written into the template and
// the VERIFY sent to the card on the given channel (a SimChannel to card/sim, say).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/secret.h"
#include "card/card_channel.h"
#include "card/pcsc/pinpad_part10.h"
#include "card/pcsc/pinpad_reader_control.h"

namespace sekisho::card::pcsc::testing {

// FEATURE_VERIFY_PIN_DIRECT's control code as pcsc-lite's CCID driver numbers it
// (SCARD_CTL_CODE(0x330000 + tag)).
inline constexpr std::uint32_t kFakeVerifyPinDirectCode = SCARD_CTL_CODE(0x330000 + 0x06);
inline constexpr std::uint32_t kFakeIfdPinPropertiesCode = SCARD_CTL_CODE(0x330000 + 0x0A);

// Not thread-safe. `card` must outlive the reader.
class FakePinPadReader final : public ReaderControl {
 public:
  explicit FakePinPadReader(CardChannel& card) : card_(card) {}

  // What GET_FEATURE_REQUEST gets: by default FEATURE_VERIFY_PIN_DIRECT and
  // FEATURE_IFD_PIN_PROPERTIES; `feature_error` (when set) is returned instead, as a reader
  // without a PIN pad does; `raw_feature_answer` (when set) is returned as it is.
  FeatureMap features = {{kFeatureVerifyPinDirect, kFakeVerifyPinDirectCode},
                         {kFeatureIfdPinProperties, kFakeIfdPinPropertiesCode}};
  std::optional<Status> feature_error;
  std::optional<Bytes> raw_feature_answer;
  // When set, every PIN verification is answered 6B80 (a reader that cannot take the request).
  bool refuse_every_request = false;

  // The holder's next move at the PIN pad; with nothing scripted, nobody types (6400).
  void HolderTypes(std::string_view digits);  // then presses OK
  void HolderCancels();                       // 6401
  void HolderWalksAway();                     // 6400

  // Control: GET_FEATURE_REQUEST and the verify code above; any other code is kFailedPrecondition,
  // as SCARD_E_UNSUPPORTED_FEATURE. A PIN_VERIFY_STRUCTURE that does not decode or that a
  // strict reader would refuse (see Problem()) is answered 6B80 without asking the holder.
  Result<Bytes> Control(std::uint32_t code, ByteView in) override;

  // What the reader received and did.
  std::size_t control_calls() const { return control_calls_; }
  std::size_t feature_requests() const { return feature_requests_; }
  const std::vector<PinVerifyStructure>& verify_requests() const { return verify_requests_; }
  std::size_t verifies_sent_to_card() const { return verifies_sent_; }
  // Why the last structure was answered 6B80 (empty when none was).
  const std::string& last_refusal() const { return last_refusal_; }

  // What a strict reader refuses in a PIN_VERIFY_STRUCTURE (empty when nothing): units other than
  // bytes, a PIN type other than ASCII, right justification, a PIN length field, abData that is
  // not a short case-3 APDU, a PIN block that is not the data field or is not filled with FF
  // placeholders, min/max digits that do not fit the block, no entry validation condition, a
  // bNumberMessage other than 00/01/FF, a non-zero bTeoPrologue.
  static std::string Problem(const PinVerifyStructure& s);

 private:
  struct Move {
    enum class Kind { kType, kCancel, kWalkAway } kind;
    SecretBytes digits;
  };

  Result<Bytes> VerifyPin(ByteView in);

  CardChannel& card_;
  std::deque<Move> holder_;
  std::size_t control_calls_ = 0;
  std::size_t feature_requests_ = 0;
  std::size_t verifies_sent_ = 0;
  std::vector<PinVerifyStructure> verify_requests_;
  std::string last_refusal_;
};

}  // namespace sekisho::card::pcsc::testing
