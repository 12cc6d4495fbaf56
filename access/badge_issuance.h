// Badge issuance (docs/badge.md "Issuing"): a badge of the organisation's current batch for a
// staff member whose identity was proofed by a verified `jpki` enrolment (the derived-credential
// idea of NIST SP 800-157), with only the keyed RI pseudonym stored in the registry.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "access/badge_keys.h"
#include "base/clock.h"
#include "base/result.h"
#include "card/sim/badge_profile.h"
#include "identity/org_key.h"
#include "store/registry.h"

namespace sekisho::access {

// A badge is valid for at most this long, and never beyond its holder's validity or its CVCA.
inline constexpr std::chrono::days kBadgeValidity{5 * 365};

struct BadgeIssueRequest {
  store::OrganisationId org;
  store::StaffId staff;
  std::string actor;               // recorded as enrolled_by and in the kEnrolled event
  std::optional<std::string> pin;  // the badge PIN (6 digits) for card+pin doors, if any
};

// Writes the new badge's secrets to its carrier (the simulated card's file here; a
// personalisation station in a real deployment). Called once, before the registry is changed.
using BadgePersonaliser = std::function<Status(const card::sim::BadgeProfile&)>;

struct BadgeIssueEnvironment {
  const BadgeKeys& keys;
  store::Registry& registry;
  const identity::OrgKey& k_org;
  const Clock& clock;
};

struct BadgeIssueOutcome {
  store::Credential credential;
  std::string display_pseudonym;  // identity::DisplayPseudonym of the credential's pseudonym
};

// Issues a badge. Steps, each ending the issuance with its error and nothing stored:
//   1. actor (store::ValidateActor's kInvalidArgument); staff member (kNotFound);
//      kFailedPrecondition when the staff member is not active, or has no active `jpki`
//      credential in this organisation ("enrol their My Number Card first");
//   2. a profile of the current batch trusting the CVCA (card::sim::NewBadgeProfile:
//      kInvalidArgument for a PIN that is not 6 digits), and its identifier in the
//      organisation's sector computed from the chip's RI public key (BadgeKeys::IdentifierOf);
//   3. `personalise` (its errors);
//   4. Registry::AddCredential of a kBadge credential holding identity::RiPseudonym(k_org,
//      identifier), not_after the earliest of now + kBadgeValidity, the staff member's validity
//      end and the CVCA's expiry, with its kEnrolled event (its codes: kAlreadyExists,
//      kFailedPrecondition from store::CheckCanEnrol). When this fails after `personalise`
//      succeeded, the carrier holds a badge the registry does not know: it opens no door.
// The identifier, the keys and the profile are never stored, logged or put in a message.
Result<BadgeIssueOutcome> IssueBadge(const BadgeIssueRequest& request,
                                     const BadgePersonaliser& personalise,
                                     const BadgeIssueEnvironment& env);

}  // namespace sekisho::access
