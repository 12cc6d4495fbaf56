#include "card/sim/card_state.h"

#include "card/mynumber_card.h"
#include "card/sim/input_assist_application.h"
#include "card/sim/jpki_application.h"
#include "card/sim/other_applications.h"
#include "card/status_word.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

// CLA byte coding, ISO/IEC 7816-4:2020 §5.4.1: 000x xxxx is the first interindustry class
// (b5 chaining, b4-b3 secure messaging, b2-b1 logical channel 0-3), 01xx xxxx the further
// interindustry class (logical channels 4-19); JICSAP proprietary commands use 100x xxxx with
// the first-class layout (80 2A).
enum class ClaFamily { kInterindustry, kProprietary };

}  // namespace

Result<std::unique_ptr<CardState>> CardState::Create(CardProfile profile, PersistFn persist) {
  RETURN_IF_ERROR(ValidateCardProfile(profile));
  ASSIGN_OR_RETURN(CardKeys keys, ParseCardKeys(profile));
  auto state = std::unique_ptr<CardState>(
      new CardState(std::move(profile), std::move(persist), std::move(keys)));
  state->apps_.push_back(BuildJpkiApplication(state->profile_, state->keys_));
  ASSIGN_OR_RETURN(Application assist, BuildInputAssistApplication(state->profile_, state->keys_));
  state->apps_.push_back(std::move(assist));
  state->apps_.push_back(BuildCardFaceApplication(state->profile_));
  state->apps_.push_back(BuildResidenceApplication(state->profile_));
  state->apps_.push_back(BuildCommonApplication(state->profile_));
  state->mf_objects_ = MfDataObjects(state->profile_);
  return state;
}

CardState::CardState(CardProfile profile, PersistFn persist, CardKeys keys)
    : profile_(std::move(profile)),
      persist_(std::move(persist)),
      keys_(std::move(keys)),
      challenge_random_(DerivedRandom(profile_.seed, "get-challenge")) {}

void CardState::ClearSession() {
  app_.reset();
  ef_.reset();
  verified_.clear();
}

void CardState::PowerOn() {
  powered_ = true;
  ClearSession();
}

void CardState::PowerOff() {
  powered_ = false;
  ClearSession();
}

void CardState::Reset() {
  powered_ = true;
  ClearSession();
}

const Application* CardState::CurrentApp() const { return app_ ? &apps_[*app_] : nullptr; }

Status CardState::UpdateBadge(const BadgeProfile& badge) {
  CardProfile candidate = profile_;
  candidate.badge.value = std::make_shared<const BadgeProfile>(CopyBadgeProfile(badge));
  RETURN_IF_ERROR(Persist(candidate));
  profile_ = std::move(candidate);
  return OkStatus();
}

Status CardState::Persist(const CardProfile& candidate) const {
  if (!persist_) return OkStatus();
  return persist_(candidate);
}

Bytes CardState::Process(ByteView command) {
  Answer answer{{}, ToU16(StatusWord::kNoPreciseDiagnosis)};
  if (powered_) {
    auto apdu = CommandApdu::Parse(command);
    answer = apdu.ok() ? Dispatch(*apdu, command) : Answer{{}, ToU16(StatusWord::kWrongLength)};
  }
  Bytes out = std::move(answer.data);
  out.push_back(static_cast<std::uint8_t>(answer.sw >> 8));
  out.push_back(static_cast<std::uint8_t>(answer.sw & 0xFF));
  return out;
}

CardState::Answer CardState::Dispatch(const CommandApdu& apdu, ByteView raw) {
  const std::uint8_t cla = apdu.cla;
  if ((cla & 0xC0) == 0x40) return {{}, ToU16(StatusWord::kLogicalChannelNotSupported)};
  if ((cla & 0x60) != 0x00 || cla == 0xFF) return {{}, ToU16(StatusWord::kClaNotSupported)};
  const ClaFamily family = (cla & 0x80) ? ClaFamily::kProprietary : ClaFamily::kInterindustry;
  if ((cla & 0x03) != 0) return {{}, ToU16(StatusWord::kLogicalChannelNotSupported)};
  if ((cla & 0x10) != 0) return {{}, kSwChainingNotSupported};

  // Which class each instruction belongs to; unknown instructions first (6D00).
  std::optional<ClaFamily> ins_family;
  switch (apdu.ins) {
    case my::kInsSelect:
    case my::kInsReadBinary:
    case my::kInsReadRecord:
    case my::kInsVerify:
    case my::kInsChangeReferenceData:
    case my::kInsGetData:
    case my::kInsGetChallenge:
    case my::kInsInternalAuthenticate:
    case my::kInsGetResponse:
      ins_family = ClaFamily::kInterindustry;
      break;
    case my::kInsComputeSignature:
    case my::kInsChangeKey:
    case 0xA2:  // JICSAP SET PUBLIC IC KEY / VERIFY CERTIFICATE
    case 0xFC:
      ins_family = ClaFamily::kProprietary;
      break;
    default:
      return {{}, ToU16(StatusWord::kInsNotSupported)};
  }
  if (*ins_family != family) return {{}, ToU16(StatusWord::kClaNotSupported)};

  // Spec §0: the card refuses secure messaging: 6882 to SELECT, 69FC to READ and VERIFY.
  if ((cla & 0x0C) != 0) {
    switch (apdu.ins) {
      case my::kInsReadBinary:
      case my::kInsReadRecord:
      case my::kInsVerify:
        return {{}, ToU16(StatusWord::kSmDataObjectsIncorrect)};
      default:
        return {{}, ToU16(StatusWord::kSecureMessagingNotSupported)};
    }
  }

  switch (apdu.ins) {
    case my::kInsSelect:
      return Select(apdu);
    case my::kInsReadBinary:
      return ReadBinary(apdu);
    case my::kInsReadRecord:
      return ReadRecord(apdu);
    case my::kInsVerify:
      return Verify(apdu);
    case my::kInsChangeReferenceData:
      return ChangeReferenceData(apdu);
    case my::kInsGetData:
      return GetData(apdu);
    case my::kInsGetChallenge:
      return GetChallenge(apdu, raw);
    case my::kInsComputeSignature:
      return ComputeSignature(apdu);
    case my::kInsGetResponse:
      // The simulator never answers 61xx, so there is never anything to fetch.
      return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
    case 0xFC:
      // Spec §3.2: `80 FC 00 00` answers 6700.
      return {{}, ToU16(StatusWord::kWrongLength)};
    default:
      // INTERNAL AUTHENTICATE (共通AP key 0019), CHANGE KEY and 80 A2 need keys or PIN
      // management the simulator does not model: "referenced data not found".
      return {{}, ToU16(StatusWord::kReferencedDataNotFound)};
  }
}

}  // namespace sekisho::card::sim
