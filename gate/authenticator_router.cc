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
  if (badge_ == nullptr) return CardRoute::kJpki;
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
  auto route = Route(channel);
  if (!route.ok()) {
    return AuthenticationOutcome::Failure(policy::Reason::kCardError,
                                          route.status().WithContext("looking for a badge"));
  }
  Authenticator& chosen = *route == CardRoute::kBadge ? *badge_ : jpki_;
  return chosen.Authenticate(channel, required);
}

}  // namespace sekisho::gate
