// BadgeAuthenticator: the door's authentication of a Sekisho badge, a derived card or the applet in
// a My Number Card's free area (DESIGN.md §2 `badge`/`free-area`, §5 "At the door"), by the EAC
// sequence of docs/decisions/badge-eac-sequence.md: at card-only doors Chip Authentication, then
// Terminal Authentication, without PACE; at card+PIN doors PACE with the badge PIN, Terminal and
// Chip Authentication; then Restricted Identification and the organisation's RI pseudonym.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "badge/badge_terminal.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/apdu_firewall.h"
#include "card/card_channel.h"
#include "gate/authenticator.h"
#include "gate/keypad.h"
#include "identity/org_key.h"

namespace sekisho::gate {

// The badge PIN is 6 ASCII digits (card/sim/badge_profile.h).
inline constexpr std::size_t kBadgePinLength = 6;

// What a gate needs to read badges: its terminal credentials. No door needs the batch CAN
// (card-only doors authenticate the chip without PACE), so a gate never holds it.
struct BadgeGateCredentials {
  badge::TerminalCredentials terminal;
};

// badge::BadgeGatePolicy() (the JPKI user-authentication path and the badge applet), built once
// and shared by every firewall a door puts in front of a card.
const std::shared_ptr<const card::FirewallPolicy>& SharedBadgeGatePolicy();

// Not thread-safe (one card at a time); every reference must outlive the authenticator.
class BadgeAuthenticator final : public Authenticator {
 public:
  // `credentials` are the gate's terminal credentials (badge/badge_terminal.h).
  static Result<std::unique_ptr<BadgeAuthenticator>> Create(
      const badge::TerminalCredentials& credentials, const identity::OrgKey& k_org, Keypad& keypad);

  // Puts the APDU firewall with badge::BadgeGatePolicy() in front of `channel` and:
  //   required == kCard: Chip Authentication in plain, then Terminal Authentication under its
  //     secure messaging (badge::BadgeTerminal::ReadIdentifierWithoutPassword); the holder is
  //     not asked for anything.
  //   required == kCardAndPin (DESIGN.md P6), on a My Number Card first the Chip Authentication
  //   check (BadgeTerminal::CheckChip: another organisation's badge is not_ours before the PIN);
  //   then the PIN sequence (BadgeTerminal::ReadIdentifier with a password source):
  //     1. SELECT of the badge applet and MSE:SET AT for PACE with the PIN, which spends no
  //        try: a card that reports the PIN's retry counter there (63Cx, as BSI TR-03110-3
  //        App. B.11.1 allows) with one try left, or that answers 6983 or 63C0 (blocked), gets
  //        kPinRefused and the holder is not asked. A card that answers 9000 is taken to have
  //        its tries. A badge without a PIN (6A88) is read as at a card-only door and the success
  //        is Assurance::kCard, so that the policy denies it as kInsufficientAssurance with the
  //        holder's credential known;
  //     2. asks the keypad for the badge PIN: cancelled, timed out or not 6 digits is
  //        kAuthenticationFailed with no PIN sent; a keypad failure is kCardError;
  //     3. PACE with the PIN in the same session, never retried: a wrong PIN is
  //        kAuthenticationFailed ("... N tries left", from the card's 63Cx).
  //   Then Terminal Authentication, Chip Authentication and Restricted Identification
  //   (badge::BadgeTerminal::ReadIdentifier); for both, the credential key: the first 16 bytes of
  //   identity::RiPseudonym(K_org, identifier).
  // Failures (BadgeTerminal's codes, which the status keeps):
  //   kUnauthenticated (wrong PIN, terminal refused by the badge: expired or foreign
  //   certificate, chip not genuine) and kPermissionDenied (RI refused: the terminal lacks the
  //   right) are kAuthenticationFailed; kNotFound (no badge applet), kDataLoss, kFailedPrecondition
  //   (an unexpected status word), the channel's errors (kUnavailable ...) and a command the
  //   firewall refused are kCardError; kInvalidArgument (the gate's credentials are malformed)
  //   and kInternal are kInternalError. A failure carries no claimed credential: nothing
  //   identifying is read before the sequence completes. Messages never hold the PIN
  //   or the identifier.
  // Success: Assurance::kCard without the PIN, kCardAndPin after PACE with the PIN.
  AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                     policy::Assurance required) override;

  // Authenticate() continued through `firewall` (built with SharedBadgeGatePolicy()), through
  // which the caller has just selected the badge applet (9000) and sent nothing since
  // (AuthenticatorRouter): at card-only doors the sequence does not SELECT the applet again, so
  // the card sees the 12 commands of docs/decisions/badge-eac-sequence.md and nothing more. At
  // card+PIN doors it is Authenticate(), which starts with other SELECTs.
  AuthenticationOutcome AuthenticateSelected(card::ApduFirewall& firewall,
                                             policy::Assurance required);

 private:
  BadgeAuthenticator(const badge::TerminalCredentials& credentials, const identity::OrgKey& k_org,
                     Keypad& keypad)
      : credentials_(credentials), k_org_(k_org), keypad_(keypad) {}

  AuthenticationOutcome AuthenticateFrom(card::ApduFirewall& firewall, policy::Assurance required,
                                         badge::AppletSelection selection);

  const badge::TerminalCredentials& credentials_;
  const identity::OrgKey& k_org_;
  Keypad& keypad_;
  std::optional<badge::PreparedCredentials> prepared_;  // credentials_ parsed, while they match
};

}  // namespace sekisho::gate
