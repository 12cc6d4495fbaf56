// The simulated badge (badge_applet.h). Command handling follows BSI TR-03110-3 App. B.
#include "card/sim/badge_applet.h"

#include <algorithm>
#include <chrono>

#include "badge/badge_ids.h"
#include "badge/ec_key.h"
#include "badge/security_infos.h"
#include "card/status_word.h"
#include "card/tlv.h"

namespace sekisho::card::sim {
namespace {

using badge::kSwVerificationFailed;
using card::CommandApdu;
using card::ResponseApdu;
using card::StatusWord;

constexpr std::uint8_t kSmClaBits = 0x0C;
constexpr std::uint8_t kChainingBit = 0x10;

ResponseApdu Sw(StatusWord sw) { return ResponseApdu::Of(sw); }
ResponseApdu Sw(std::uint16_t sw) { return ResponseApdu{{}, sw}; }

ResponseApdu Template(std::initializer_list<std::pair<std::uint32_t, ByteView>> fields) {
  Bytes inner;
  for (const auto& [tag, value] : fields) Append(inner, card::EncodeTlv(tag, value));
  return ResponseApdu{card::EncodeTlv(0x7C, inner), ToU16(StatusWord::kOk)};
}

// The data objects of a command data field, or nullopt when it is not well-formed BER-TLV.
std::optional<std::vector<card::Tlv>> Objects(ByteView data) {
  auto tlvs = card::ParseTlvSequence(data, card::TlvMode::kStrict);
  if (!tlvs.ok()) return std::nullopt;
  return std::move(tlvs).value();
}

std::optional<Bytes> Find(const std::vector<card::Tlv>& tlvs, std::uint32_t tag) {
  const card::Tlv* t = card::FindTag(tlvs, tag);
  if (t == nullptr) return std::nullopt;
  return Bytes(t->value.begin(), t->value.end());
}

// The single object inside a GENERAL AUTHENTICATE 7C template.
std::optional<Bytes> DynamicField(ByteView data, std::uint32_t tag) {
  auto outer = card::ParseTlv(data, card::TlvMode::kStrict);
  if (!outer.ok() || outer->header.tag != 0x7C || outer->header.total_length() != data.size()) {
    return std::nullopt;
  }
  auto children = card::ParseChildren(*outer, card::TlvMode::kStrict);
  if (!children.ok()) return std::nullopt;
  return Find(*children, tag);
}

std::uint16_t P1P2(const CommandApdu& c) { return ReadU16(c.p1, c.p2); }

}  // namespace

Result<std::unique_ptr<BadgeApplet>> BadgeApplet::Create(BadgeProfile profile, const Clock& clock,
                                                         Random& random) {
  ASSIGN_OR_RETURN(Bytes security, badge::EncodeCardSecurity(profile.ca_public_point));
  return std::unique_ptr<BadgeApplet>(new BadgeApplet(
      std::move(profile), clock, random, badge::EncodeCardAccess(), std::move(security)));
}

BadgeApplet::BadgeApplet(BadgeProfile profile, const Clock& clock, Random& random,
                         Bytes card_access, Bytes card_security)
    : profile_(std::move(profile)),
      clock_(clock),
      random_(random),
      card_access_(std::move(card_access)),
      card_security_(std::move(card_security)) {}

void BadgeApplet::EndSession(bool keep_selection) {
  selected_ = keep_selection && selected_;
  stage_ = Stage::kIdle;
  eac_.reset();
  sm_.reset();
  next_sm_.reset();
  issuer_.reset();
  trust_point_.reset();
  dv_.reset();
  authorization_.reset();
  terminal_comp_ephemeral_.clear();
  challenge_.clear();
  ta_done_ = false;
  ca_done_ = false;
  chip_first_ = false;
}

badge::Date BadgeApplet::Today() const {
  return badge::Date(std::chrono::floor<std::chrono::days>(clock_.Now()));
}

Bytes BadgeApplet::Process(ByteView bytes) {
  if (sm_) {
    // ISO/IEC 7816-4 §10: once SM is on, a plain command or one that fails to unwrap ends the
    // session (TR-03110-3 App. F); the answer is in clear.
    if (bytes.empty() || (bytes[0] & kSmClaBits) != kSmClaBits) {
      EndSession(true);
      return Sw(badge::kSwSmObjectsMissing).Encode();
    }
    auto plain = sm_->UnwrapCommand(bytes);
    if (!plain.ok()) {
      EndSession(true);
      return Sw(badge::kSwSmObjectsIncorrect).Encode();
    }
    const ResponseApdu response = Dispatch(*plain);
    if (!sm_) return response.Encode();  // the command ended the session (a new SELECT/PACE)
    auto wrapped = sm_->WrapResponse(response);
    if (!wrapped.ok()) {
      EndSession(true);
      return Sw(StatusWord::kNoPreciseDiagnosis).Encode();
    }
    if (next_sm_) {
      sm_ = std::move(next_sm_);
      next_sm_.reset();
    }
    return std::move(wrapped).value();
  }
  if (!bytes.empty() && (bytes[0] & kSmClaBits) == kSmClaBits) {
    return Sw(badge::kSwSmObjectsIncorrect).Encode();  // no SM session to unwrap with
  }
  auto command = CommandApdu::Parse(bytes);
  if (!command.ok()) return Sw(StatusWord::kWrongLength).Encode();
  const ResponseApdu response = Dispatch(*command);
  if (next_sm_) {  // PACE has just finished: SM from the next command on
    sm_ = std::move(next_sm_);
    next_sm_.reset();
  }
  return response.Encode();
}

ResponseApdu BadgeApplet::Dispatch(const CommandApdu& c) {
  if ((c.cla & ~(kSmClaBits | kChainingBit)) != 0) return Sw(StatusWord::kClaNotSupported);
  if ((c.cla & kChainingBit) != 0 && c.ins != badge::kInsGeneralAuthenticate) {
    return Sw(StatusWord::kClaNotSupported);
  }
  if (c.ins == badge::kInsSelect) return Select(c);
  if (!selected_) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  switch (c.ins) {
    case badge::kInsReadBinary:
      return ReadBinary(c);
    case badge::kInsManageSecurityEnvironment:
      return ManageSecurityEnvironment(c);
    case badge::kInsPerformSecurityOperation:
      return VerifyCertificate(c);
    case badge::kInsGetChallenge:
      return GetChallenge(c);
    case badge::kInsExternalAuthenticate:
      return ExternalAuthenticate(c);
    case badge::kInsGeneralAuthenticate:
      return GeneralAuthenticate(c);
    default:
      return Sw(StatusWord::kInsNotSupported);
  }
}

ResponseApdu BadgeApplet::Select(const CommandApdu& c) {
  if (c.p1 != 0x04) return Sw(StatusWord::kIncorrectP1P2);
  if (!std::ranges::equal(c.data, badge::kBadgeAid)) {
    EndSession(false);
    return Sw(StatusWord::kFileNotFound);
  }
  EndSession(false);
  selected_ = true;
  return Sw(StatusWord::kOk);
}

ResponseApdu BadgeApplet::ReadBinary(const CommandApdu& c) {
  if ((c.p1 & 0x80) == 0) return Sw(StatusWord::kIncorrectP1P2);  // only by SFI
  const std::uint8_t sfi = c.p1 & 0x1F;
  const Bytes* file = nullptr;
  if (sfi == badge::kSfiCardAccess) {
    file = &card_access_;
  } else if (sfi == badge::kSfiCardSecurity) {
    if (!ta_done_) return Sw(StatusWord::kSecurityStatusNotSatisfied);
    file = &card_security_;
  } else {
    return Sw(StatusWord::kFileNotFound);
  }
  if (c.p2 > file->size()) return Sw(StatusWord::kWrongParametersOffset);
  const std::size_t n =
      std::min<std::size_t>(c.ne.value_or(card::kMaxShortNe), file->size() - c.p2);
  ResponseApdu r{Bytes(file->begin() + c.p2, file->begin() + c.p2 + static_cast<long>(n)),
                 ToU16(StatusWord::kOk)};
  return r;
}

ResponseApdu BadgeApplet::ManageSecurityEnvironment(const CommandApdu& c) {
  auto objects = Objects(c.data);
  if (!objects) return Sw(StatusWord::kIncorrectData);
  const auto oid = Find(*objects, 0x80);
  switch (P1P2(c)) {
    case badge::kMseSetAtPace: {
      // A new PACE run: whatever was authenticated before is gone (TR-03110-3 App. B.11.1).
      if (oid != badge::ProtocolOid(badge::EacProtocol::kPace)) {
        return Sw(StatusWord::kIncorrectData);
      }
      const auto ref = Find(*objects, 0x83);
      if (!ref || ref->size() != 1) return Sw(StatusWord::kIncorrectData);
      const bool selected = selected_;
      EndSession(true);
      selected_ = selected;
      if ((*ref)[0] == static_cast<std::uint8_t>(badge::PacePassword::kCan)) {
        password_kind_ = badge::PacePassword::kCan;
      } else if ((*ref)[0] == static_cast<std::uint8_t>(badge::PacePassword::kPin)) {
        if (!profile_.pin) return Sw(StatusWord::kReferencedDataNotFound);
        if (profile_.pin_tries == 0) return Sw(StatusWord::kAuthenticationMethodBlocked);
        password_kind_ = badge::PacePassword::kPin;
      } else {
        return Sw(StatusWord::kReferencedDataNotFound);
      }
      stage_ = Stage::kPaceSetUp;
      // A PIN that has been tried wrongly: the warning 63Cx (x tries left; ISO/IEC 7816-4:2020
      // §5.6, TR-03110-3 App. B.11.1) with the command carried out, so that a terminal learns the
      // tries before spending one (DESIGN.md P6).
      if (password_kind_ == badge::PacePassword::kPin && profile_.pin_tries < kMaxBadgePinTries) {
        return Sw(static_cast<std::uint16_t>(0x63C0 | profile_.pin_tries));
      }
      return Sw(StatusWord::kOk);
    }
    case badge::kMseSetDst: {
      if (!sm_) return Sw(StatusWord::kSecurityStatusNotSatisfied);
      const auto car = Find(*objects, 0x83);
      if (!car) return Sw(StatusWord::kIncorrectData);
      issuer_.reset();
      if (!dv_) {
        for (const Bytes& der : profile_.trust_points) {
          auto tp = badge::CvCertificate::Parse(der);
          if (tp.ok() && ToBytes(tp->chr()) == *car) {
            trust_point_.emplace(*tp);
            issuer_.emplace(std::move(tp).value());
          }
        }
      } else if (ToBytes(dv_->chr()) == *car) {
        issuer_.emplace(*dv_);
      }
      if (!issuer_) return Sw(StatusWord::kReferencedDataNotFound);
      return Sw(StatusWord::kOk);
    }
    case badge::kMseSetAtTa: {
      if (!sm_) return Sw(StatusWord::kSecurityStatusNotSatisfied);
      if (!authorization_) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
      if (oid != badge::ProtocolOid(badge::EacProtocol::kTa)) {
        return Sw(StatusWord::kIncorrectData);
      }
      const auto chr = Find(*objects, 0x83);
      const auto comp = Find(*objects, 0x91);
      if (!chr || !comp || comp->size() != badge::kFieldSize) {
        return Sw(StatusWord::kIncorrectData);
      }
      if (*chr != ToBytes(authorization_->terminal_chr)) {
        return Sw(StatusWord::kReferencedDataNotFound);
      }
      if (chip_first_) {
        // After CA the key TA binds is the one CA used (TR-03110-1, EAC1: Comp(PK_PCD) is the
        // ephemeral key of Chip Authentication).
        if (*comp != terminal_comp_ephemeral_) return Sw(StatusWord::kIncorrectData);
      } else {
        terminal_comp_ephemeral_ = *comp;
      }
      challenge_.clear();
      stage_ = Stage::kTaSetUp;
      return Sw(StatusWord::kOk);
    }
    case badge::kMseSetAtInternal: {
      const auto key_id = Find(*objects, 0x84);
      if (oid == badge::ProtocolOid(badge::EacProtocol::kCa)) {
        if (ca_done_) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
        if (!sm_) {
          // The card-only order (EAC1 order with the v2 commands): CA first, in plain, right
          // after SELECT. Its answers depend only on the batch key and fresh randomness.
          if (stage_ != Stage::kIdle) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
        } else if (!ta_done_) {
          return Sw(StatusWord::kSecurityStatusNotSatisfied);  // EAC2 order: CA after TA
        }
        if (key_id && *key_id != Bytes{badge::kChipAuthenticationKeyId}) {
          return Sw(StatusWord::kReferencedDataNotFound);
        }
        stage_ = Stage::kCaSetUp;
        return Sw(StatusWord::kOk);
      }
      if (!sm_) return Sw(StatusWord::kSecurityStatusNotSatisfied);
      if (oid == badge::ProtocolOid(badge::EacProtocol::kRi)) {
        // Both orders: RI only after CA and a completed TA (not merely a verified chain).
        if (!ca_done_ || !ta_done_ || !authorization_) {
          return Sw(StatusWord::kSecurityStatusNotSatisfied);
        }
        std::uint64_t needed = badge::rights::kRestrictedIdentification;
        // Without the PIN (PACE with the CAN, or no PACE at all) the terminal also needs the
        // CAN-allowed right: the right to read the badge without the holder's PIN.
        if (chip_first_ || password_kind_ == badge::PacePassword::kCan) {
          needed |= badge::rights::kCanAllowed;
        }
        if ((authorization_->rights & needed) != needed) {
          return Sw(StatusWord::kSecurityStatusNotSatisfied);
        }
        if (key_id && *key_id != Bytes{badge::kRestrictedIdentificationKeyId}) {
          return Sw(StatusWord::kReferencedDataNotFound);
        }
        stage_ = Stage::kRiSetUp;
        return Sw(StatusWord::kOk);
      }
      return Sw(StatusWord::kIncorrectData);
    }
    default:
      return Sw(StatusWord::kIncorrectP1P2);
  }
}

ResponseApdu BadgeApplet::VerifyCertificate(const CommandApdu& c) {
  if (P1P2(c) != badge::kPsoVerifyCertificate) return Sw(StatusWord::kIncorrectP1P2);
  if (!sm_) return Sw(StatusWord::kSecurityStatusNotSatisfied);
  if (!issuer_) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  const badge::CvCertificate issuer = std::move(*issuer_);
  issuer_.reset();  // every certificate needs its own MSE:SET DST
  auto cert = badge::CvCertificate::Parse(card::EncodeTlv(0x7F21, c.data));
  if (!cert.ok()) return Sw(StatusWord::kIncorrectData);
  if (!cert->VerifyIssuedBy(issuer).ok()) return Sw(kSwVerificationFailed);
  if (issuer.role() == badge::CvRole::kCvca) {
    if ((cert->role() != badge::CvRole::kDvOfficial &&
         cert->role() != badge::CvRole::kDvNonOfficial) ||
        !cert->CheckValidAt(Today()).ok()) {
      return Sw(kSwVerificationFailed);
    }
    dv_.emplace(std::move(cert).value());
    return Sw(StatusWord::kOk);
  }
  auto authorization = badge::VerifyTerminalChain(*trust_point_, *dv_, *cert, Today());
  if (!authorization.ok()) return Sw(kSwVerificationFailed);
  authorization_.emplace(std::move(authorization).value());
  return Sw(StatusWord::kOk);
}

ResponseApdu BadgeApplet::GetChallenge(const CommandApdu& c) {
  if (!sm_ || stage_ != Stage::kTaSetUp) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  if (c.ne != 8) return Sw(StatusWord::kWrongLength);
  challenge_ = random_.Generate(8);
  return ResponseApdu{challenge_, ToU16(StatusWord::kOk)};
}

ResponseApdu BadgeApplet::ExternalAuthenticate(const CommandApdu& c) {
  if (!sm_ || stage_ != Stage::kTaSetUp || challenge_.empty()) {
    return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  }
  // ID_PICC: Comp of the chip's PACE ephemeral key after PACE (TR-03110-2 §3.3); without PACE,
  // Comp of the batch CA key the chip has just proven it holds (docs/decisions/
  // badge-eac-sequence.md, "ID_PICC without PACE").
  const ByteView id_source =
      chip_first_ ? ByteView(profile_.ca_public_point) : ByteView(eac_->pace_ephemeral_public());
  const Bytes id_picc = badge::CompressedPoint(id_source);
  const Bytes message =
      badge::TerminalAuthenticationMessage(id_picc, challenge_, terminal_comp_ephemeral_);
  challenge_.clear();  // one signature per challenge
  if (!badge::VerifyPlain(authorization_->terminal_public_point, message, c.data).ok()) {
    stage_ = Stage::kSecure;
    return Sw(kSwVerificationFailed);
  }
  ta_done_ = true;
  stage_ = Stage::kSecure;
  return Sw(StatusWord::kOk);
}

ResponseApdu BadgeApplet::GeneralAuthenticate(const CommandApdu& c) {
  switch (stage_) {
    case Stage::kPaceSetUp:
    case Stage::kPaceNonce:
    case Stage::kPaceMapped:
    case Stage::kPaceKeyed:
      if (sm_) return Sw(StatusWord::kConditionsOfUseNotSatisfied);
      return PaceStep(c.data);
    case Stage::kCaSetUp: {
      const auto ephemeral = DynamicField(c.data, 0x80);
      if (!ephemeral) return Sw(StatusWord::kIncorrectData);
      const bool chip_first = !sm_;
      if (chip_first) {
        // The card-only order: TA comes next and must sign this key (TR-03110-1, EAC1).
        if (badge::CompressedPoint(*ephemeral).empty()) return Sw(StatusWord::kIncorrectData);
        auto eac = badge::EacChip::Create(card_access_);
        if (!eac.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
        eac_ = std::move(eac).value();
      } else if (badge::CompressedPoint(*ephemeral) != terminal_comp_ephemeral_) {
        // The key must be the one TA's signature covered (TR-03110-2 §3.4.1 step 2).
        return Sw(StatusWord::kIncorrectData);
      }
      auto answer =
          eac_->ChipAuthenticate(profile_.ca_private_pkcs8, profile_.ca_public_point, *ephemeral);
      if (!answer.ok()) return Sw(StatusWord::kIncorrectData);
      auto session = badge::SmSession::Create(std::move(answer->keys));
      if (!session.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
      next_sm_.emplace(std::move(session).value());
      ca_done_ = true;
      if (chip_first) {
        chip_first_ = true;
        terminal_comp_ephemeral_ = badge::CompressedPoint(*ephemeral);
      }
      stage_ = Stage::kSecure;
      return Template({{0x81, answer->nonce}, {0x82, answer->token}});
    }
    case Stage::kRiSetUp: {
      const auto sector = DynamicField(c.data, 0xA0);
      if (!sector) return Sw(StatusWord::kIncorrectData);
      auto key = card::ParseTlvSequence(*sector, card::TlvMode::kStrict);
      if (!key.ok()) return Sw(StatusWord::kIncorrectData);
      const auto point = Find(*key, 0x86);
      if (!point) return Sw(StatusWord::kIncorrectData);
      auto identifier = badge::RestrictedIdentifier(profile_.ri_private_pkcs8, *point);
      stage_ = Stage::kSecure;
      if (!identifier.ok()) return Sw(StatusWord::kIncorrectData);
      return Template({{0x81, *identifier}});
    }
    default:
      return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  }
}

// PACE, GENERAL AUTHENTICATE steps 1-4 (TR-03110-3 App. B.11.2, Table 41).
ResponseApdu BadgeApplet::PaceStep(ByteView data) {
  switch (stage_) {
    case Stage::kPaceSetUp: {
      auto outer = card::ParseTlv(data, card::TlvMode::kStrict);
      if (!outer.ok() || outer->header.tag != 0x7C || outer->header.length != 0) {
        return Sw(StatusWord::kIncorrectData);
      }
      auto eac = badge::EacChip::Create(card_access_);
      if (!eac.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
      eac_ = std::move(eac).value();
      const SecretBytes password(password_kind_ == badge::PacePassword::kPin ? *profile_.pin
                                                                             : profile_.can);
      auto nonce = eac_->PaceStart(password, password_kind_);
      if (!nonce.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
      stage_ = Stage::kPaceNonce;
      return Template({{0x80, *nonce}});
    }
    case Stage::kPaceNonce: {
      const auto mapping = DynamicField(data, 0x81);
      if (!mapping) return Sw(StatusWord::kIncorrectData);
      auto mine = eac_->PaceMap(*mapping);
      if (!mine.ok()) return Sw(StatusWord::kIncorrectData);
      stage_ = Stage::kPaceMapped;
      return Template({{0x82, *mine}});
    }
    case Stage::kPaceMapped: {
      const auto ephemeral = DynamicField(data, 0x83);
      if (!ephemeral) return Sw(StatusWord::kIncorrectData);
      auto mine = eac_->PaceKeyAgreement(*ephemeral);
      if (!mine.ok()) return Sw(StatusWord::kIncorrectData);
      stage_ = Stage::kPaceKeyed;
      return Template({{0x84, *mine}});
    }
    case Stage::kPaceKeyed: {
      const auto token = DynamicField(data, 0x85);
      if (!token) return Sw(StatusWord::kIncorrectData);
      auto mine = eac_->PaceAuthenticate(*token);
      if (!mine.ok()) {
        const badge::PacePassword kind = password_kind_;
        EndSession(true);
        if (kind == badge::PacePassword::kPin) {
          profile_.pin_tries = std::max(0, profile_.pin_tries - 1);
          return Sw(static_cast<std::uint16_t>(0x63C0 | profile_.pin_tries));
        }
        return Sw(kSwVerificationFailed);
      }
      if (password_kind_ == badge::PacePassword::kPin) profile_.pin_tries = kMaxBadgePinTries;
      auto keys = eac_->PaceKeys();
      if (!keys.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
      auto session = badge::SmSession::Create(std::move(keys).value());
      if (!session.ok()) return Sw(StatusWord::kNoPreciseDiagnosis);
      next_sm_.emplace(std::move(session).value());
      stage_ = Stage::kSecure;
      return Template({{0x86, *mine}});
    }
    default:
      return Sw(StatusWord::kConditionsOfUseNotSatisfied);
  }
}

}  // namespace sekisho::card::sim
