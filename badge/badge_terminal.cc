// The gate's side of the badge EAC sequence (badge_terminal.h;
// docs/decisions/badge-eac-sequence.md; TR-03110-3 App. B).
#include "badge/badge_terminal.h"

#include <optional>
#include <utility>

#include "badge/badge_ids.h"
#include "badge/cv_certificate.h"
#include "badge/ec_key.h"
#include "badge/secure_messaging.h"
#include "badge/security_infos.h"
#include "card/command_apdu.h"
#include "card/status_word.h"
#include "card/tlv.h"
#include "card/transceive.h"

namespace sekisho::badge {
namespace {

using card::CommandApdu;
using card::ResponseApdu;

constexpr std::uint8_t kClaChained = 0x10;  // ISO/IEC 7816-4 §5.4.1 command chaining

Bytes Tlv(std::uint32_t tag, ByteView value) { return card::EncodeTlv(tag, value); }

Bytes DynamicAuthenticationData(std::uint32_t tag, ByteView value) {
  return Tlv(0x7C, Tlv(tag, value));
}

CommandApdu Mse(std::uint16_t p1p2, Bytes data) {
  return {.cla = 0x00,
          .ins = kInsManageSecurityEnvironment,
          .p1 = static_cast<std::uint8_t>(p1p2 >> 8),
          .p2 = static_cast<std::uint8_t>(p1p2),
          .data = std::move(data)};
}

CommandApdu GeneralAuthenticate(std::uint8_t cla, Bytes data) {
  return {.cla = cla,
          .ins = kInsGeneralAuthenticate,
          .p1 = 0x00,
          .p2 = 0x00,
          .data = std::move(data),
          .ne = card::kMaxShortNe};
}

StatusCode CodeForStatusWord(std::uint16_t sw) {
  if (sw == kSwVerificationFailed || (sw >> 8) == card::kSw1CounterWarning ||
      sw == ToU16(card::StatusWord::kReferencedDataNotFound) ||
      sw == ToU16(card::StatusWord::kAuthenticationMethodBlocked)) {
    return StatusCode::kUnauthenticated;
  }
  if (sw == ToU16(card::StatusWord::kSecurityStatusNotSatisfied)) {
    return StatusCode::kPermissionDenied;
  }
  if (sw == ToU16(card::StatusWord::kFileNotFound)) return StatusCode::kNotFound;
  if (sw == kSwSmObjectsMissing || sw == kSwSmObjectsIncorrect) return StatusCode::kDataLoss;
  return StatusCode::kFailedPrecondition;
}

// One run of the sequence: the channel, the current secure-messaging session and the step.
class Run {
 public:
  Run(card::CardChannel& channel, std::vector<ResponseApdu>* transcript)
      : channel_(channel), transcript_(transcript) {}

  void set_step(BadgeStep step) { step_ = step; }
  void StartSecureMessaging(SmSession sm) { sm_.emplace(std::move(sm)); }

  Status Error(StatusCode code, std::string_view message) const {
    return Status(code, std::string(BadgeStepName(step_)) + ": " + std::string(message));
  }

  // Sends `command` (protected when SM is on) and returns the card's answer when it is 9000 (or,
  // with `counter_warning_ok`, the warning 63Cx: carried out, x tries left); otherwise an error
  // naming `what` and the status word.
  Result<ResponseApdu> Exchange(const CommandApdu& command, std::string_view what,
                                bool counter_warning_ok = false) {
    ResponseApdu response;
    if (sm_) {
      auto wrapped = sm_->WrapCommand(command);
      if (!wrapped.ok()) return Error(wrapped.status().code(), wrapped.status().message());
      auto raw = channel_.Transmit(*wrapped);
      if (!raw.ok()) return raw.status().WithContext(BadgeStepName(step_));
      if (raw->size() == 2 && ReadU16((*raw)[0], (*raw)[1]) != ToU16(card::StatusWord::kOk)) {
        // The card answered in clear: it refused the command outside SM and ended the session.
        response.sw = ReadU16((*raw)[0], (*raw)[1]);
        sm_.reset();
      } else {
        auto plain = sm_->UnwrapResponse(*raw);
        if (!plain.ok()) {
          return Error(StatusCode::kDataLoss,
                       std::string(what) + ": secure messaging: " + plain.status().message());
        }
        response = std::move(plain).value();
      }
    } else {
      auto plain = card::Transceive(channel_, command);
      if (!plain.ok()) return plain.status().WithContext(BadgeStepName(step_));
      response = std::move(plain).value();
    }
    if (transcript_ != nullptr) transcript_->push_back(response);
    const bool counter_warning = response.sw1() == card::kSw1CounterWarning &&
                                 (response.sw2() & 0xF0) == 0xC0 && (response.sw2() & 0x0F) != 0;
    if (!response.ok() && !(counter_warning_ok && counter_warning)) {
      return Error(CodeForStatusWord(response.sw),
                   std::string(what) + " refused: " + ToHex(Bytes{response.sw1(), response.sw2()}) +
                       " (" + std::string(card::StatusWordName(response.sw)) + ")");
    }
    return response;
  }

  // The value of `tag` inside the 7C template of a GENERAL AUTHENTICATE response.
  Result<Bytes> Field(const ResponseApdu& response, std::uint32_t tag) const {
    auto outer = card::ParseTlv(response.data, card::TlvMode::kStrict);
    if (!outer.ok() || outer->header.tag != 0x7C ||
        outer->header.total_length() != response.data.size()) {
      return Error(StatusCode::kDataLoss, "response is not one 7C template");
    }
    auto children = card::ParseChildren(*outer, card::TlvMode::kStrict);
    if (!children.ok()) return Error(StatusCode::kDataLoss, children.status().message());
    const card::Tlv* field = card::FindTag(*children, tag);
    if (field == nullptr) {
      return Error(StatusCode::kDataLoss,
                   "response lacks data object " + ToHex(Tlv(tag, {})).substr(0, 2));
    }
    return Bytes(field->value.begin(), field->value.end());
  }

 private:
  card::CardChannel& channel_;
  std::vector<ResponseApdu>* transcript_;
  std::optional<SmSession> sm_;
  BadgeStep step_ = BadgeStep::kSelect;
};

// Lifts an error from a local computation into the step's context.
Status InStep(const Run& run, const Status& status, std::optional<StatusCode> code = {}) {
  return run.Error(code.value_or(status.code()), status.message());
}

}  // namespace

std::string_view BadgeStepName(BadgeStep step) {
  switch (step) {
    case BadgeStep::kSelect:
      return "select badge applet";
    case BadgeStep::kPace:
      return "PACE";
    case BadgeStep::kTerminalAuthentication:
      return "terminal authentication";
    case BadgeStep::kChipAuthentication:
      return "chip authentication";
    case BadgeStep::kRestrictedIdentification:
      return "restricted identification";
  }
  return "unknown step";
}

Result<PreparedCredentials> PreparedCredentials::Prepare(const TerminalCredentials& credentials) {
  auto dv = CvCertificate::Parse(credentials.dv_certificate);
  if (!dv.ok()) return dv.status().WithContext("DV certificate");
  auto terminal = CvCertificate::Parse(credentials.terminal_certificate);
  if (!terminal.ok()) return terminal.status().WithContext("terminal certificate");
  if (Status s = CheckPublicPoint(credentials.sector_public_point); !s.ok()) {
    return s.WithContext("sector public key");
  }
  return PreparedCredentials(std::move(dv).value(), std::move(terminal).value(),
                             credentials.sector_public_point);
}

bool PreparedCredentials::Matches(const TerminalCredentials& credentials) const {
  return dv_.der() == credentials.dv_certificate &&
         terminal_.der() == credentials.terminal_certificate &&
         sector_public_point_ == credentials.sector_public_point;
}

BadgeTerminal::BadgeTerminal(card::CardChannel& channel, const TerminalCredentials& credentials)
    : channel_(channel), credentials_(credentials) {}

namespace {

// The gate's credentials, parsed and checked before anything is sent (a malformed certificate
// is the gate's problem, not the badge's) into `storage`, or `prepared` when it still matches.
Result<const PreparedCredentials*> ResolveCredentials(const Run& run,
                                                      const TerminalCredentials& credentials,
                                                      const PreparedCredentials* prepared,
                                                      std::optional<PreparedCredentials>& storage) {
  if (prepared != nullptr && prepared->Matches(credentials)) return prepared;
  auto parsed = PreparedCredentials::Prepare(credentials);
  if (!parsed.ok()) return InStep(run, parsed.status());
  storage.emplace(std::move(parsed).value());
  return &*storage;
}

// SELECT by AID (ISO/IEC 7816-4 §11.2.2), no response data.
Status SelectBadge(Run& run) {
  run.set_step(BadgeStep::kSelect);
  return run
      .Exchange({.cla = 0x00,
                 .ins = kInsSelect,
                 .p1 = 0x04,
                 .p2 = 0x0C,
                 .data = Bytes(kBadgeAid.begin(), kBadgeAid.end())},
                "SELECT")
      .status();
}

// Terminal Authentication v2 (TR-03110-3 App. B.3, B.11.4-B.11.7): the DV and terminal
// certificates, then the signature over ID_PICC || r_PICC || Comp(ephemeral CA key).
Status AuthenticateTerminal(Run& run, const PreparedCredentials& certificates,
                            const TerminalCredentials& credentials, ByteView id_picc,
                            ByteView comp_ephemeral) {
  run.set_step(BadgeStep::kTerminalAuthentication);
  for (const CvCertificate* cert : {&certificates.dv(), &certificates.terminal()}) {
    RETURN_IF_ERROR(
        run.Exchange(Mse(kMseSetDst, Tlv(0x83, ToBytes(cert->car()))), "MSE:SET DST").status());
    Bytes pso = cert->body_der();
    Append(pso, Tlv(0x5F37, cert->signature()));
    RETURN_IF_ERROR(run.Exchange({.cla = 0x00,
                                  .ins = kInsPerformSecurityOperation,
                                  .p1 = static_cast<std::uint8_t>(kPsoVerifyCertificate >> 8),
                                  .p2 = static_cast<std::uint8_t>(kPsoVerifyCertificate),
                                  .data = std::move(pso)},
                                 "PSO:VERIFY CERTIFICATE")
                        .status());
  }
  Bytes mse_ta = Tlv(0x80, ProtocolOid(EacProtocol::kTa));
  Append(mse_ta, Tlv(0x83, ToBytes(certificates.terminal().chr())));
  Append(mse_ta, Tlv(0x91, comp_ephemeral));
  RETURN_IF_ERROR(run.Exchange(Mse(kMseSetAtTa, mse_ta), "MSE:SET AT").status());
  ASSIGN_OR_RETURN(
      ResponseApdu challenge,
      run.Exchange(
          {.cla = 0x00, .ins = kInsGetChallenge, .p1 = 0x00, .p2 = 0x00, .data = {}, .ne = 8},
          "GET CHALLENGE"));
  const Bytes message = TerminalAuthenticationMessage(id_picc, challenge.data, comp_ephemeral);
  auto signature = SignPlain(credentials.terminal_private_pkcs8, message);
  if (!signature.ok()) {
    return InStep(run, signature.status().WithContext("terminal key"),
                  StatusCode::kInvalidArgument);
  }
  return run
      .Exchange({.cla = 0x00,
                 .ins = kInsExternalAuthenticate,
                 .p1 = 0x00,
                 .p2 = 0x00,
                 .data = *signature},
                "EXTERNAL AUTHENTICATE")
      .status();
}

// MSE:SET AT (CA) and GENERAL AUTHENTICATE (CA) (TR-03110-3 App. B.4, B.11.8), plain or
// protected as the run stands; returns the chip's nonce (81) and token (82).
Result<std::pair<Bytes, Bytes>> ChipAuthenticationExchange(Run& run, ByteView ephemeral) {
  run.set_step(BadgeStep::kChipAuthentication);
  Bytes mse_ca = Tlv(0x80, ProtocolOid(EacProtocol::kCa));
  Append(mse_ca, Tlv(0x84, Bytes{kChipAuthenticationKeyId}));
  RETURN_IF_ERROR(run.Exchange(Mse(kMseSetAtInternal, mse_ca), "MSE:SET AT").status());
  ASSIGN_OR_RETURN(
      ResponseApdu ca,
      run.Exchange(GeneralAuthenticate(0x00, DynamicAuthenticationData(0x80, ephemeral)),
                   "GENERAL AUTHENTICATE"));
  ASSIGN_OR_RETURN(Bytes nonce, run.Field(ca, 0x81));
  ASSIGN_OR_RETURN(Bytes token, run.Field(ca, 0x82));
  return std::pair<Bytes, Bytes>(std::move(nonce), std::move(token));
}

// Restricted Identification (TR-03110-3 App. B.5, B.11.8): the identifier in our sector.
Result<Bytes> RestrictedIdentification(Run& run, const TerminalCredentials& credentials) {
  run.set_step(BadgeStep::kRestrictedIdentification);
  Bytes mse_ri = Tlv(0x80, ProtocolOid(EacProtocol::kRi));
  Append(mse_ri, Tlv(0x84, Bytes{kRestrictedIdentificationKeyId}));
  RETURN_IF_ERROR(run.Exchange(Mse(kMseSetAtInternal, mse_ri), "MSE:SET AT").status());
  ASSIGN_OR_RETURN(
      ResponseApdu ri,
      run.Exchange(GeneralAuthenticate(0x00, DynamicAuthenticationData(
                                                 0xA0, Tlv(0x86, credentials.sector_public_point))),
                   "GENERAL AUTHENTICATE"));
  ASSIGN_OR_RETURN(Bytes identifier, run.Field(ri, 0x81));
  if (identifier.size() != kRestrictedIdentifierSize) {
    return run.Error(StatusCode::kDataLoss, "identifier is not 32 bytes");
  }
  return identifier;
}

}  // namespace

namespace {

// The trusted batch key a chip proved it holds, and CA's session keys.
struct TrustedChip {
  const Bytes* key = nullptr;
  SmKeys keys;
};

// Completes Chip Authentication (the chip's nonce and token in `answer`) with the trusted batch
// key under which the token verifies. Every badge of a batch holds the same key, so the gate
// knows it beforehand and EF.CardSecurity is not read: the token picks the key. Sets `untrusted`
// and returns kUnauthenticated when it verifies under none of them.
Result<TrustedChip> FinishWithTrustedKey(Run& run, EacTerminal& eac,
                                         const TerminalCredentials& credentials,
                                         const std::pair<Bytes, Bytes>& answer, bool& untrusted) {
  for (const Bytes& candidate : credentials.trusted_chip_keys) {
    auto keys = eac.CaFinish(candidate, answer.first, answer.second);
    if (keys.ok()) return TrustedChip{.key = &candidate, .keys = std::move(keys).value()};
    if (keys.status().code() != StatusCode::kUnauthenticated) {
      return InStep(run, keys.status(), StatusCode::kInvalidArgument);
    }
  }
  untrusted = true;
  return run.Error(StatusCode::kUnauthenticated,
                   "Chip Authentication token verifies under no trusted batch key (not a "
                   "genuine badge)");
}

// What Chip Authentication in plain established.
struct PlainChipAuthentication {
  std::unique_ptr<EacTerminal> eac;
  Bytes ephemeral;                  // the terminal's CA ephemeral public key
  const Bytes* chip_key = nullptr;  // the trusted batch key the token verified under
  SmKeys keys;
};

// SELECT (unless the caller made it), then Chip Authentication v2 in plain (the EAC1 order of
// TR-03110-1 with the commands of TR-03110-3 App. B.4). EF.CardAccess is the same on every badge,
// so the gate sets OpenPACE up from its own copy instead of reading it; the chip's static key is
// one of the trusted batch keys, the one whose token verifies, so EF.CardSecurity is not read
// either. Sets `untrusted` when the token verifies under none of them.
Result<PlainChipAuthentication> AuthenticateChipInPlain(Run& run,
                                                        const TerminalCredentials& credentials,
                                                        AppletSelection selection,
                                                        bool& untrusted) {
  if (credentials.trusted_chip_keys.empty()) {
    return run.Error(StatusCode::kInvalidArgument, "no trusted batch chip-authentication key");
  }
  if (selection == AppletSelection::kSelect) RETURN_IF_ERROR(SelectBadge(run));
  run.set_step(BadgeStep::kChipAuthentication);
  PlainChipAuthentication ca;
  auto eac = EacTerminal::Create(EncodeCardAccess());
  if (!eac.ok()) return InStep(run, eac.status(), StatusCode::kInternal);
  ca.eac = std::move(eac).value();
  auto ephemeral = ca.eac->CaEphemeralKey();
  if (!ephemeral.ok()) return InStep(run, ephemeral.status());
  ca.ephemeral = std::move(ephemeral).value();
  ASSIGN_OR_RETURN(auto answer, ChipAuthenticationExchange(run, ca.ephemeral));
  ASSIGN_OR_RETURN(TrustedChip chip,
                   FinishWithTrustedKey(run, *ca.eac, credentials, answer, untrusted));
  ca.chip_key = chip.key;
  ca.keys = std::move(chip.keys);
  return ca;
}

}  // namespace

Status BadgeTerminal::CheckChip() {
  chip_key_untrusted_ = false;
  Run run(channel_, transcript_);
  return AuthenticateChipInPlain(run, credentials_, AppletSelection::kSelect, chip_key_untrusted_)
      .status();
}

Result<Bytes> BadgeTerminal::ReadIdentifierWithoutPassword(AppletSelection selection) {
  chip_key_untrusted_ = false;
  Run run(channel_, transcript_);
  run.set_step(BadgeStep::kTerminalAuthentication);
  std::optional<PreparedCredentials> storage;
  ASSIGN_OR_RETURN(const PreparedCredentials* certificates,
                   ResolveCredentials(run, credentials_, prepared_, storage));
  ASSIGN_OR_RETURN(PlainChipAuthentication ca,
                   AuthenticateChipInPlain(run, credentials_, selection, chip_key_untrusted_));
  auto ca_sm = SmSession::Create(std::move(ca.keys));
  if (!ca_sm.ok()) return InStep(run, ca_sm.status(), StatusCode::kInternal);
  run.StartSecureMessaging(std::move(ca_sm).value());

  // Terminal Authentication under CA's secure messaging; ID_PICC is Comp of the batch key the
  // chip proved (docs/decisions/badge-eac-sequence.md), Comp(PK_PCD) CA's ephemeral key.
  RETURN_IF_ERROR(AuthenticateTerminal(run, *certificates, credentials_,
                                       CompressedPoint(*ca.chip_key),
                                       CompressedPoint(ca.ephemeral)));
  return RestrictedIdentification(run, credentials_);
}

Result<Bytes> BadgeTerminal::ReadIdentifier(const SecretBytes& password, PacePassword kind) {
  return ReadIdentifier(kind, [&password](std::uint16_t) -> Result<SecretBytes> {
    return SecretBytes(password.view());
  });
}

Result<Bytes> BadgeTerminal::ReadIdentifier(PacePassword kind, const PasswordSource& password) {
  Run run(channel_, transcript_);
  run.set_step(BadgeStep::kTerminalAuthentication);
  std::optional<PreparedCredentials> storage;
  ASSIGN_OR_RETURN(const PreparedCredentials* certificates,
                   ResolveCredentials(run, credentials_, prepared_, storage));
  if (credentials_.trusted_chip_keys.empty()) {
    return run.Error(StatusCode::kInvalidArgument, "no trusted batch chip-authentication key");
  }
  RETURN_IF_ERROR(SelectBadge(run));

  // EF.CardAccess is the same on every badge: the gate sets OpenPACE up from its own copy.
  auto eac = EacTerminal::Create(EncodeCardAccess());
  if (!eac.ok()) return InStep(run, eac.status(), StatusCode::kInternal);

  // PACE (TR-03110-3 App. B.1 and B.11.1-B.11.2): MSE:SET AT, then four GENERAL AUTHENTICATE.
  run.set_step(BadgeStep::kPace);
  Bytes mse = Tlv(0x80, ProtocolOid(EacProtocol::kPace));
  Append(mse, Tlv(0x83, Bytes{static_cast<std::uint8_t>(kind)}));
  // A PIN tried wrongly before answers 63Cx (x tries left) and PACE goes on; whether to spend a
  // try is the password source's decision (gate::BadgeAuthenticator), made now.
  ASSIGN_OR_RETURN(ResponseApdu set_at,
                   run.Exchange(Mse(kMseSetAtPace, mse), "MSE:SET AT",
                                /*counter_warning_ok=*/kind == PacePassword::kPin));
  ASSIGN_OR_RETURN(const SecretBytes secret, password(set_at.sw));
  ASSIGN_OR_RETURN(ResponseApdu r1, run.Exchange(GeneralAuthenticate(kClaChained, Tlv(0x7C, {})),
                                                 "GENERAL AUTHENTICATE (encrypted nonce)"));
  ASSIGN_OR_RETURN(Bytes encrypted_nonce, run.Field(r1, 0x80));
  auto mapping = (*eac)->PaceMapping(secret, kind, encrypted_nonce);
  if (!mapping.ok()) return InStep(run, mapping.status(), StatusCode::kDataLoss);
  ASSIGN_OR_RETURN(
      ResponseApdu r2,
      run.Exchange(GeneralAuthenticate(kClaChained, DynamicAuthenticationData(0x81, *mapping)),
                   "GENERAL AUTHENTICATE (map nonce)"));
  ASSIGN_OR_RETURN(Bytes chip_mapping, run.Field(r2, 0x82));
  auto ephemeral = (*eac)->PaceKeyAgreement(chip_mapping);
  if (!ephemeral.ok()) return InStep(run, ephemeral.status(), StatusCode::kDataLoss);
  ASSIGN_OR_RETURN(
      ResponseApdu r3,
      run.Exchange(GeneralAuthenticate(kClaChained, DynamicAuthenticationData(0x83, *ephemeral)),
                   "GENERAL AUTHENTICATE (key agreement)"));
  ASSIGN_OR_RETURN(Bytes chip_ephemeral, run.Field(r3, 0x84));
  auto token = (*eac)->PaceToken(chip_ephemeral);
  if (!token.ok()) return InStep(run, token.status(), StatusCode::kDataLoss);
  ASSIGN_OR_RETURN(ResponseApdu r4,
                   run.Exchange(GeneralAuthenticate(0x00, DynamicAuthenticationData(0x85, *token)),
                                "GENERAL AUTHENTICATE (mutual authentication)"));
  ASSIGN_OR_RETURN(Bytes chip_token, run.Field(r4, 0x86));
  if (Status s = (*eac)->PaceVerify(chip_token); !s.ok()) return InStep(run, s);
  auto pace_keys = (*eac)->PaceKeys();
  if (!pace_keys.ok()) return InStep(run, pace_keys.status(), StatusCode::kInternal);
  auto pace_sm = SmSession::Create(std::move(pace_keys).value());
  if (!pace_sm.ok()) return InStep(run, pace_sm.status(), StatusCode::kInternal);
  run.StartSecureMessaging(std::move(pace_sm).value());

  auto ca_ephemeral = (*eac)->CaEphemeralKey();
  if (!ca_ephemeral.ok()) return InStep(run, ca_ephemeral.status());
  RETURN_IF_ERROR(AuthenticateTerminal(run, *certificates, credentials_,
                                       CompressedPoint((*eac)->chip_pace_ephemeral_public()),
                                       CompressedPoint(*ca_ephemeral)));

  // Chip Authentication v2 (TR-03110-3 App. B.4): the badge proves it holds a trusted batch key;
  // new session keys replace PACE's.
  ASSIGN_OR_RETURN(auto answer, ChipAuthenticationExchange(run, *ca_ephemeral));
  bool untrusted = false;
  ASSIGN_OR_RETURN(TrustedChip chip,
                   FinishWithTrustedKey(run, **eac, credentials_, answer, untrusted));
  auto ca_sm = SmSession::Create(std::move(chip.keys));
  if (!ca_sm.ok()) return InStep(run, ca_sm.status(), StatusCode::kInternal);
  run.StartSecureMessaging(std::move(ca_sm).value());

  return RestrictedIdentification(run, credentials_);
}

}  // namespace sekisho::badge
