// AuthenticatorRouter: the door's choice of authenticator by what the card answers (DESIGN.md §2):
// a My Number Card goes to JPKI, a derived badge or a My Number Card with the badge applet in its
// free area goes to the badge.
#pragma once

#include <memory>

#include "base/clock.h"
#include "base/result.h"
#include "card/apdu_firewall.h"
#include "card/card_channel.h"
#include "gate/authenticator.h"
#include "gate/badge_authenticator.h"
#include "gate/badge_credentials_holder.h"
#include "gate/keypad.h"
#include "identity/org_key.h"

namespace sekisho::gate {

// The authenticator a card is sent to.
enum class CardRoute { kJpki, kBadge };

// Not thread-safe (one card at a time); the authenticators must outlive the router.
//
// Rule: when the gate has badge credentials (`badge` is not null) and the card answers SELECT of
// the badge AID (badge/badge_ids.h, sent through the APDU firewall with badge::BadgeGatePolicy())
// with 9000, the badge authenticator runs from there (BadgeAuthenticator::AuthenticateSelected:
// at card-only doors it does not SELECT again); otherwise JPKI. So a My Number Card with the badge
// in its free area is read as a badge, PIN-less where the door requires only the card; without
// badge credentials the gate sends the card nothing but JPKI's commands. A badge the badge
// authenticator finds to be none of this organisation's before asking for anything
// (AuthenticationOutcome::not_ours: another organisation's batch at a card-only door) is then
// read by JPKI, so a My Number Card carrying another organisation's free-area badge still opens
// doors for a holder enrolled here; a card without the JPKI application keeps the badge's refusal.
class AuthenticatorRouter final : public Authenticator {
 public:
  // `badge` may be null: the gate has no badge credentials.
  AuthenticatorRouter(Authenticator& jpki, BadgeAuthenticator* badge)
      : jpki_(jpki), badge_(badge) {}

  // Badge credentials that change while the gate runs: each tap takes the set `holder` holds at
  // that moment (none: JPKI only) and reads a badge with a BadgeAuthenticator over that set, the
  // keypad and K_org. A badge presented while the set's terminal certificate has expired
  // (not_after <= clock.Now()) is refused after the SELECT as kInternalError "this gate's badge
  // terminal certificate expired ...": the gate cannot prove itself to badges until it renews it.
  AuthenticatorRouter(Authenticator& jpki, const BadgeCredentialsHolder& holder,
                      const identity::OrgKey& k_org, Keypad& keypad, const Clock& clock)
      : jpki_(jpki),
        badge_(nullptr),
        holder_(&holder),
        k_org_(&k_org),
        keypad_(&keypad),
        clock_(&clock) {}

  // The route for the card on `channel` (sends at most the one SELECT). Any status word other than
  // 9000 is kJpki. Errors: the channel's (kUnavailable when the card went away ...), and
  // kPermissionDenied if the firewall refused the SELECT.
  Result<CardRoute> Route(card::CardChannel& channel);

  // Route(), then the chosen authenticator's outcome. A failed Route() is kCardError.
  AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                     policy::Assurance required) override;

 private:
  // The held set's badge authenticator, continuing through `firewall` after the badge SELECT.
  AuthenticationOutcome AuthenticateBadge(const std::shared_ptr<const HeldBadgeCredentials>& set,
                                          card::ApduFirewall& firewall, policy::Assurance required);

  Authenticator& jpki_;
  BadgeAuthenticator* const badge_;
  // Set by the holder's constructor only.
  const BadgeCredentialsHolder* const holder_ = nullptr;
  const identity::OrgKey* const k_org_ = nullptr;
  Keypad* const keypad_ = nullptr;
  const Clock* const clock_ = nullptr;
  // The badge authenticator built for the last set used (it refers to that set's credentials,
  // which built_for_ keeps alive), so what depends only on the set is not redone at each tap.
  std::shared_ptr<const HeldBadgeCredentials> built_for_;
  std::unique_ptr<BadgeAuthenticator> built_;
};

}  // namespace sekisho::gate
