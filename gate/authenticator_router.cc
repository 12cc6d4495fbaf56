// The door's choice of authenticator (authenticator_router.h).
#include "gate/authenticator_router.h"

#include "badge/badge_ids.h"
#include "card/apdu_firewall.h"
#include "card/command_apdu.h"
#include "card/status_word.h"
#include "card/transceive.h"

namespace sekisho::gate {

namespace {

// The badge SELECT and the firewall it went through, which the badge authenticator continues
// with: the firewall knows the badge applet is selected.
struct BadgeSelect {
  std::unique_ptr<card::ApduFirewall> firewall;
  bool answered = false;  // 9000
};

Result<BadgeSelect> SelectBadge(card::CardChannel& channel) {
  BadgeSelect out;
  ASSIGN_OR_RETURN(out.firewall, card::ApduFirewall::Create(channel, SharedBadgeGatePolicy()));
  // SELECT by AID, no response data (ISO/IEC 7816-4:2020 §11.2.2).
  ASSIGN_OR_RETURN(card::ResponseApdu selected,
                   card::Transceive(*out.firewall, {.cla = 0x00,
                                                    .ins = badge::kInsSelect,
                                                    .p1 = 0x04,
                                                    .p2 = 0x0C,
                                                    .data = Bytes(badge::kBadgeAid.begin(),
                                                                  badge::kBadgeAid.end())}));
  out.answered = selected.ok();
  return out;
}

}  // namespace

Result<CardRoute> AuthenticatorRouter::Route(card::CardChannel& channel) {
  if (badge_ == nullptr && (holder_ == nullptr || !holder_->Current())) return CardRoute::kJpki;
  ASSIGN_OR_RETURN(const BadgeSelect select, SelectBadge(channel));
  return select.answered ? CardRoute::kBadge : CardRoute::kJpki;
}

AuthenticationOutcome AuthenticatorRouter::Authenticate(card::CardChannel& channel,
                                                        policy::Assurance required) {
  // One set of credentials for the whole tap, whatever a renewal swaps in meanwhile.
  const std::shared_ptr<const HeldBadgeCredentials> held =
      holder_ != nullptr ? holder_->Current() : nullptr;
  if (badge_ == nullptr && held == nullptr) return jpki_.Authenticate(channel, required);
  auto select = SelectBadge(channel);
  if (!select.ok()) {
    return AuthenticationOutcome::Failure(policy::Reason::kCardError,
                                          select.status().WithContext("looking for a badge"));
  }
  if (!select->answered) return jpki_.Authenticate(channel, required);
  card::ApduFirewall& firewall = *select->firewall;
  AuthenticationOutcome badge = held != nullptr ? AuthenticateBadge(held, firewall, required)
                                                : badge_->AuthenticateSelected(firewall, required);
  if (badge.ok() || !badge.not_ours) return badge;
  // A badge of another organisation's batch, found out before any PIN was asked: the card may
  // be a My Number Card with that badge in its free area, enrolled here by JPKI. A card that has
  // no JPKI application (a derived badge) keeps the badge's refusal.
  AuthenticationOutcome jpki = jpki_.Authenticate(channel, required);
  if (!jpki.ok() && jpki.reason == policy::Reason::kCardError && !jpki.credential) return badge;
  return jpki;
}

AuthenticationOutcome AuthenticatorRouter::AuthenticateBadge(
    const std::shared_ptr<const HeldBadgeCredentials>& set, card::ApduFirewall& firewall,
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
  return built_->AuthenticateSelected(firewall, required);
}

}  // namespace sekisho::gate
