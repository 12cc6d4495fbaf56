// The door's choice of authenticator (authenticator_router.h).
#include "gate/authenticator_router.h"

#include "badge/badge_ids.h"
#include "card/apdu_firewall.h"
#include "card/command_apdu.h"
#include "card/status_word.h"
#include "card/transceive.h"
#include "gate/badge_authenticator.h"

namespace sekisho::gate {

Result<CardRoute> AuthenticatorRouter::Route(card::CardChannel& channel) {
  return RouteCard(channel, badge_ != nullptr || (holder_ != nullptr && holder_->Current()));
}

Result<CardRoute> AuthenticatorRouter::RouteCard(card::CardChannel& channel, bool badges) {
  if (!badges) return CardRoute::kJpki;
  ASSIGN_OR_RETURN(std::unique_ptr<card::ApduFirewall> firewall,
                   card::ApduFirewall::Create(channel, SharedBadgeGatePolicy()));
  // SELECT by AID, no response data (ISO/IEC 7816-4:2020 §11.2.2).
  ASSIGN_OR_RETURN(card::ResponseApdu selected,
                   card::Transceive(*firewall, {.cla = 0x00,
                                                .ins = badge::kInsSelect,
                                                .p1 = 0x04,
                                                .p2 = 0x0C,
                                                .data = Bytes(badge::kBadgeAid.begin(),
                                                              badge::kBadgeAid.end())}));
  return selected.ok() ? CardRoute::kBadge : CardRoute::kJpki;
}

AuthenticationOutcome AuthenticatorRouter::Authenticate(card::CardChannel& channel,
                                                        policy::Assurance required) {
  // One set of credentials for the whole tap, whatever a renewal swaps in meanwhile.
  const std::shared_ptr<const HeldBadgeCredentials> held =
      holder_ != nullptr ? holder_->Current() : nullptr;
  auto route = RouteCard(channel, badge_ != nullptr || held != nullptr);
  if (!route.ok()) {
    return AuthenticationOutcome::Failure(policy::Reason::kCardError,
                                          route.status().WithContext("looking for a badge"));
  }
  if (*route == CardRoute::kJpki) return jpki_.Authenticate(channel, required);
  AuthenticationOutcome badge = held != nullptr ? AuthenticateBadge(held, channel, required)
                                                : badge_->Authenticate(channel, required);
  if (badge.ok() || !badge.not_ours) return badge;
  // A badge of another organisation's batch, found out before any PIN was asked: the card may
  // be a My Number Card with that badge in its free area, enrolled here by JPKI. A card that has
  // no JPKI application (a derived badge) keeps the badge's refusal.
  AuthenticationOutcome jpki = jpki_.Authenticate(channel, required);
  if (!jpki.ok() && jpki.reason == policy::Reason::kCardError && !jpki.credential) return badge;
  return jpki;
}

AuthenticationOutcome AuthenticatorRouter::AuthenticateBadge(
    const std::shared_ptr<const HeldBadgeCredentials>& set, card::CardChannel& channel,
    policy::Assurance required) {
  const HeldBadgeCredentials& held = *set;
  if (held.not_after && *held.not_after <= clock_->Now()) {
    return AuthenticationOutcome::Failure(
        policy::Reason::kInternalError,
        FailedPreconditionError("this gate's badge terminal certificate expired at " +
                                FormatUtc(*held.not_after) +
                                "; badges are refused until the gate renews it online"));
  }
  // Built once per set of credentials, so what depends only on them is not redone at each tap.
  if (built_for_ != set) {
    auto badge = BadgeAuthenticator::Create(held.credentials.terminal, *k_org_, *keypad_);
    if (!badge.ok()) {
      return AuthenticationOutcome::Failure(
          policy::Reason::kInternalError,
          badge.status().WithContext("this gate's badge credentials"));
    }
    built_ = std::move(*badge);
    built_for_ = set;
  }
  return built_->Authenticate(channel, required);
}

}  // namespace sekisho::gate
