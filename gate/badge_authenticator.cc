// The door's badge authentication (badge_authenticator.h; docs/decisions/badge-eac-sequence.md;
// BSI TR-03110-3 App. B).
#include "gate/badge_authenticator.h"

#include <optional>
#include <string>
#include <utility>

#include "badge/badge_firewall.h"
#include "badge/badge_ids.h"
#include "badge/security_infos.h"
#include "card/apdu_firewall.h"
#include "card/command_apdu.h"
#include "card/mynumber_card.h"
#include "card/status_word.h"
#include "card/tlv.h"
#include "card/transceive.h"
#include "identity/pseudonym.h"

namespace sekisho::gate {
namespace {

using policy::Reason;

AuthenticationOutcome Fail(Reason reason, const Status& status, std::string_view step) {
  return AuthenticationOutcome::Failure(reason, status.WithContext(step));
}

bool IsDigits(ByteView value, std::size_t length) {
  if (value.size() != length) return false;
  for (std::uint8_t b : value) {
    if (b < '0' || b > '9') return false;
  }
  return true;
}

bool IsCounterWarning(std::uint16_t sw) {
  return (sw >> 8) == card::kSw1CounterWarning && (sw & 0xF0) == 0xC0;
}

// Records the status words the badge gives to the plain PACE commands: MSE:SET AT (C1 A4), which
// answers 6983 when the PIN is blocked, and GENERAL AUTHENTICATE before secure messaging, whose
// last step answers 63Cx (x tries left) to a wrong PIN (docs/decisions/badge-eac-sequence.md).
class PaceTap final : public card::CardChannel {
 public:
  explicit PaceTap(card::CardChannel& inner) : inner_(inner) {}

  Result<Bytes> Transmit(ByteView command) override {
    ASSIGN_OR_RETURN(Bytes response, inner_.Transmit(command));
    if (command.size() >= 4 && (command[0] & 0x0C) == 0 && response.size() >= 2) {
      const std::uint16_t sw = ReadU16(response[response.size() - 2], response.back());
      if (command[1] == badge::kInsManageSecurityEnvironment &&
          ReadU16(command[2], command[3]) == badge::kMseSetAtPace) {
        set_at_sw_ = sw;
      } else if (command[1] == badge::kInsGeneralAuthenticate) {
        general_authenticate_sw_ = sw;
      }
    }
    return response;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  std::optional<std::uint16_t> set_at_sw() const { return set_at_sw_; }
  std::optional<std::uint16_t> general_authenticate_sw() const { return general_authenticate_sw_; }
  void Forget() {
    set_at_sw_.reset();
    general_authenticate_sw_.reset();
  }

 private:
  card::CardChannel& inner_;
  std::optional<std::uint16_t> set_at_sw_;
  std::optional<std::uint16_t> general_authenticate_sw_;
};

Status BadgePinBlockedError() {
  return FailedPreconditionError(
      "the badge PIN is blocked; the organisation's security office can reset it");
}

Status BadgePinLastTryError() {
  return PermissionDeniedError(
      "only one try is left on the badge PIN, and a wrong PIN would block the badge; the PIN "
      "was not asked. Please have the badge PIN reset by the security office rather than risk "
      "blocking the badge");
}

// SELECT of the JPKI application by name (ISO/IEC 7816-4:2020 §11.2.2), no response data: true on
// a My Number Card, false on a derived badge (6A82). On a My Number Card it also ends any session
// of the badge in its free area. The card's other refusals are kFailedPrecondition.
Result<bool> SelectJpkiApplication(card::CardChannel& channel) {
  ASSIGN_OR_RETURN(card::ResponseApdu selected,
                   card::Transceive(channel, {.cla = 0x00,
                                              .ins = badge::kInsSelect,
                                              .p1 = 0x04,
                                              .p2 = 0x0C,
                                              .data = Bytes(card::mynumber::kJpkiAid.begin(),
                                                            card::mynumber::kJpkiAid.end())}));
  if (selected.ok()) return true;
  if (selected.sw == ToU16(card::StatusWord::kFileNotFound)) return false;
  return FailedPreconditionError("SELECT of the JPKI application refused: " + ToHex16(selected.sw));
}

// The door-path reason for a failure of the EAC sequence (BadgeTerminal::ReadIdentifier's codes).
Reason ReasonForTerminal(StatusCode code) {
  switch (code) {
    case StatusCode::kUnauthenticated:   // wrong PIN, terminal refused, chip not genuine
    case StatusCode::kPermissionDenied:  // RI refused: the terminal lacks the right
      return Reason::kAuthenticationFailed;
    case StatusCode::kInvalidArgument:  // the gate's own credentials are malformed
    case StatusCode::kInternal:
      return Reason::kInternalError;
    default:  // kNotFound, kDataLoss, kFailedPrecondition, the channel's errors
      return Reason::kCardError;
  }
}

// The outcome of the EAC sequence run with `kind` (kCan: without a password).
AuthenticationOutcome Finish(Result<Bytes> identifier, const badge::BadgeTerminal& terminal,
                             const PaceTap& tap, const card::ApduFirewall& firewall,
                             badge::PacePassword kind, const identity::OrgKey& k_org) {
  if (!identifier.ok()) {
    const Status& status = identifier.status();
    if (firewall.stats().refused > 0) return Fail(Reason::kCardError, status, "badge");
    if (kind == badge::PacePassword::kPin) {
      const std::optional<std::uint16_t> answer = tap.general_authenticate_sw();
      if (answer && IsCounterWarning(*answer) && status.code() == StatusCode::kUnauthenticated) {
        const int tries = *answer & 0x0F;
        return Fail(Reason::kAuthenticationFailed,
                    UnauthenticatedError(
                        tries == 0 ? std::string("the badge PIN is wrong, and the badge PIN is "
                                                 "now blocked")
                                   : "the badge PIN is wrong; " + std::to_string(tries) +
                                         (tries == 1 ? " try left" : " tries left")),
                    "badge PIN");
      }
    }
    AuthenticationOutcome failed = Fail(ReasonForTerminal(status.code()), status, "badge");
    // Without the PIN nothing was asked of the holder before CA showed the badge is none of
    // this organisation's batches: the router may read the card as a My Number Card instead
    // (at card+PIN doors the check before the PIN found that out).
    failed.not_ours = kind != badge::PacePassword::kPin && terminal.chip_key_untrusted();
    return failed;
  }

  // The credential key: the first 16 bytes of the organisation's RI pseudonym (DESIGN.md §3).
  const Bytes pseudonym = identity::RiPseudonym(k_org, *identifier);
  WipeBytes(*identifier);
  return AuthenticationOutcome::Success(policy::CredentialKeyOf(pseudonym),
                                        kind == badge::PacePassword::kPin
                                            ? policy::Assurance::kCardAndPin
                                            : policy::Assurance::kCard);
}

}  // namespace

const std::shared_ptr<const card::FirewallPolicy>& SharedBadgeGatePolicy() {
  static const std::shared_ptr<const card::FirewallPolicy> policy =
      std::make_shared<const card::FirewallPolicy>(badge::BadgeGatePolicy());
  return policy;
}

Result<std::unique_ptr<BadgeAuthenticator>> BadgeAuthenticator::Create(
    const badge::TerminalCredentials& credentials, const identity::OrgKey& k_org, Keypad& keypad) {
  return std::unique_ptr<BadgeAuthenticator>(new BadgeAuthenticator(credentials, k_org, keypad));
}

AuthenticationOutcome BadgeAuthenticator::Authenticate(card::CardChannel& channel,
                                                       policy::Assurance required) {
  // DESIGN.md P3: the card sees the badge applet's EAC commands and the JPKI user-authentication
  // path, nothing else.
  auto firewall = card::ApduFirewall::Create(channel, SharedBadgeGatePolicy());
  if (!firewall.ok()) return Fail(Reason::kInternalError, firewall.status(), "APDU firewall");
  return AuthenticateFrom(**firewall, required, badge::AppletSelection::kSelect);
}

AuthenticationOutcome BadgeAuthenticator::AuthenticateSelected(card::ApduFirewall& firewall,
                                                               policy::Assurance required) {
  return AuthenticateFrom(firewall, required, badge::AppletSelection::kAlreadySelected);
}

AuthenticationOutcome BadgeAuthenticator::AuthenticateFrom(card::ApduFirewall& firewall,
                                                           policy::Assurance required,
                                                           badge::AppletSelection selection) {
  PaceTap tap(firewall);

  if (required == policy::Assurance::kCardAndPin) {
    // A My Number Card may carry another organisation's badge in its free area, and its holder
    // be enrolled here by JPKI: Chip Authentication in plain tells, before the holder is asked,
    // so that the PIN typed goes to JPKI, never to that badge's retry counter. A derived badge
    // has no JPKI application to fall back on and skips this.
    auto my_number_card = SelectJpkiApplication(tap);
    if (!my_number_card.ok()) {
      return Fail(Reason::kCardError, my_number_card.status(), "looking for JPKI");
    }
    if (*my_number_card) {
      badge::BadgeTerminal probe(tap, credentials_);
      if (Status chip = probe.CheckChip(); !chip.ok()) {
        if (firewall.stats().refused > 0) return Fail(Reason::kCardError, chip, "badge");
        AuthenticationOutcome failed = Fail(ReasonForTerminal(chip.code()), chip, "badge");
        failed.not_ours = probe.chip_key_untrusted();
        return failed;
      }
      // Ends the session CA opened, so the badge is selected afresh below.
      auto deselected = SelectJpkiApplication(tap);
      if (!deselected.ok()) return Fail(Reason::kCardError, deselected.status(), "badge");
    }
  }

  // The EAC sequence, once: without the PIN CA, TA, RI; with it PACE, TA, CA, RI.
  tap.Forget();
  badge::BadgeTerminal terminal(tap, credentials_);
  // The gate's certificates and sector key are parsed once, not on every tap; a change of
  // credentials (renewal) is noticed by Matches and they are parsed again. Malformed ones are
  // left to the terminal, which names them in its error.
  if (!prepared_ || !prepared_->Matches(credentials_)) {
    prepared_.reset();
    auto prepared = badge::PreparedCredentials::Prepare(credentials_);
    if (prepared.ok()) prepared_.emplace(std::move(prepared).value());
  }
  if (prepared_) terminal.set_prepared(&*prepared_);
  if (required != policy::Assurance::kCardAndPin) {
    return Finish(terminal.ReadIdentifierWithoutPassword(selection), terminal, tap, firewall,
                  badge::PacePassword::kCan, k_org_);
  }
  // The PIN door (DESIGN.md P6): the PIN is asked only once MSE:SET AT has said what the retry
  // counter allows, before anything that can spend a try. A refusal made here is the outcome.
  std::optional<AuthenticationOutcome> refused;
  const auto ask = [&](std::uint16_t set_at_sw) -> Result<SecretBytes> {
    if (IsCounterWarning(set_at_sw) && (set_at_sw & 0x0F) == 1) {
      refused = Fail(Reason::kPinRefused, BadgePinLastTryError(), "PIN safety");
      return refused->status;
    }
    // The PIN, typed on the gate's keypad.
    auto typed = keypad_.ReadPin();
    if (!typed.ok()) {
      const Reason reason = typed.status().code() == StatusCode::kDeadlineExceeded
                                ? Reason::kAuthenticationFailed
                                : Reason::kCardError;
      refused = Fail(reason, typed.status(), "reading the badge PIN from the keypad");
      return refused->status;
    }
    if (!typed->has_value()) {
      refused = Fail(Reason::kAuthenticationFailed,
                     UnauthenticatedError("the holder cancelled the PIN entry"), "badge PIN");
      return refused->status;
    }
    SecretBytes pin = std::move(**typed);
    if (!IsDigits(pin.view(), kBadgePinLength)) {
      refused = Fail(Reason::kAuthenticationFailed,
                     InvalidArgumentError(
                         "the badge PIN must be 6 digits (0-9); nothing was sent to the card"),
                     "badge PIN");
      return refused->status;
    }
    return pin;
  };
  auto identifier = terminal.ReadIdentifier(badge::PacePassword::kPin, ask);
  if (refused) return *refused;
  const std::optional<std::uint16_t> set_at = tap.set_at_sw();
  if (!identifier.ok() && firewall.stats().refused == 0 && set_at) {
    if (*set_at == ToU16(card::StatusWord::kAuthenticationMethodBlocked) || *set_at == 0x63C0) {
      return Fail(Reason::kPinRefused, BadgePinBlockedError(), "PIN safety");
    }
    if (*set_at == ToU16(card::StatusWord::kReferencedDataNotFound)) {
      // A badge without a PIN: read without it, so that the policy refuses the door
      // (kInsufficientAssurance) knowing whose badge it was.
      tap.Forget();
      return Finish(terminal.ReadIdentifierWithoutPassword(badge::AppletSelection::kSelect),
                    terminal, tap, firewall, badge::PacePassword::kCan, k_org_);
    }
  }
  return Finish(std::move(identifier), terminal, tap, firewall, badge::PacePassword::kPin, k_org_);
}

}  // namespace sekisho::gate
