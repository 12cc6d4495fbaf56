// Authenticator: the card step of the door path (DESIGN.md §2, §5 "At the door"): proves that the
// card on a channel holds an enrolled key and yields the credential key the policy looks up,
// with the assurance reached. One implementation per credential kind (JpkiAuthenticator for
// My Number Cards).
#pragma once

#include <optional>

#include "base/status.h"
#include "card/card_channel.h"
#include "policy/model.h"
#include "policy/reason.h"

namespace sekisho::gate {

// What one authentication established, or why it failed.
struct AuthenticationOutcome {
  // The first 16 bytes of the card's pseudonym: on success, proven; on failure, the key the card
  // claimed (read from its certificate) when it got that far, which proves nothing.
  std::optional<policy::CredentialKey> credential;
  // Set on success only.
  std::optional<policy::Assurance> assurance;
  // On failure: the door-path reason (kAuthenticationFailed, kPinRefused, kCardError or
  // kInternalError) and the status that says why (never OK). On success: OK.
  policy::Reason reason = policy::Reason::kInternalError;
  Status status;
  // On failure: the card answered as a credential of this authenticator's kind but is none of
  // this organisation's, and nothing secret was asked for or spent (a free-area badge of another
  // organisation's batch at a card-only door); the card may hold another credential.
  bool not_ours = false;

  bool ok() const { return assurance.has_value(); }

  static AuthenticationOutcome Success(const policy::CredentialKey& credential,
                                       policy::Assurance assurance) {
    return {credential, assurance, policy::Reason::kGranted, OkStatus()};
  }
  // Precondition: `status` is not OK.
  static AuthenticationOutcome Failure(policy::Reason reason, Status status,
                                       std::optional<policy::CredentialKey> claimed = {}) {
    return {claimed, std::nullopt, reason, std::move(status)};
  }
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // Authenticates the card on `channel` at a door that requires `required`. Never returns an
  // outcome that is neither a success nor a failure with a reason; messages never hold a PIN or
  // card data.
  virtual AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                             policy::Assurance required) = 0;
};

}  // namespace sekisho::gate
