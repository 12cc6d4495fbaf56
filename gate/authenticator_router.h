// AuthenticatorRouter: the door's choice of authenticator by what the card answers (DESIGN.md §2):
// a My Number Card goes to JPKI, a derived badge or a My Number Card with the badge applet in its
// free area goes to the badge.
#pragma once

#include "base/result.h"
#include "card/card_channel.h"
#include "gate/authenticator.h"

namespace sekisho::gate {

// The authenticator a card is sent to.
enum class CardRoute { kJpki, kBadge };

// Not thread-safe (one card at a time); the authenticators must outlive the router.
//
// Rule: when the gate has badge credentials (`badge` is not null) and the card answers SELECT of
// the badge AID (badge/badge_ids.h, sent through the APDU firewall with badge::BadgeGatePolicy())
// with 9000, the badge authenticator runs; otherwise JPKI. So a My Number Card with the badge in
// its free area is read as a badge, PIN-less where the door requires only the card; without badge
// credentials the gate sends the card nothing but JPKI's commands.
class AuthenticatorRouter final : public Authenticator {
 public:
  // `badge` may be null: the gate has no badge credentials.
  AuthenticatorRouter(Authenticator& jpki, Authenticator* badge) : jpki_(jpki), badge_(badge) {}

  // The route for the card on `channel` (sends at most the one SELECT). Any status word other than
  // 9000 is kJpki. Errors: the channel's (kUnavailable when the card went away ...), and
  // kPermissionDenied if the firewall refused the SELECT.
  Result<CardRoute> Route(card::CardChannel& channel);

  // Route(), then the chosen authenticator's outcome. A failed Route() is kCardError.
  AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                     policy::Assurance required) override;

 private:
  Authenticator& jpki_;
  Authenticator* const badge_;
};

}  // namespace sekisho::gate
