// Badge issuance (badge_issuance.h).
#include "access/badge_issuance.h"

#include <algorithm>
#include <vector>

#include "badge/ec_key.h"
#include "identity/pseudonym.h"
#include "store/validation.h"

namespace sekisho::access {
namespace {

// The end of the last day a CV certificate is valid on (its expiration date is inclusive).
TimePoint EndOf(badge::Date date) {
  return TimePoint(std::chrono::sys_days(date) + std::chrono::days(1) -
                   std::chrono::milliseconds(1));
}

}  // namespace

Result<BadgeIssueOutcome> IssueBadge(const BadgeIssueRequest& request,
                                     const BadgePersonaliser& personalise,
                                     const BadgeIssueEnvironment& env) {
  RETURN_IF_ERROR(store::ValidateActor(request.actor));
  ASSIGN_OR_RETURN(const store::Staff staff, env.registry.GetStaff(request.org, request.staff));
  if (staff.status != store::StaffStatus::kActive) {
    return FailedPreconditionError("staff " + staff.staff_number + " is " +
                                   std::string(store::StaffStatusName(staff.status)) +
                                   "; only active staff get a badge");
  }
  // Identity proofing (NIST SP 800-157 §2.1): the badge derives from a verified national-card
  // enrolment that is still active.
  ASSIGN_OR_RETURN(const std::vector<store::Credential> credentials,
                   env.registry.ListCredentials(request.org, request.staff));
  const bool proofed = std::any_of(credentials.begin(), credentials.end(), [](const auto& c) {
    return c.kind == store::CredentialKind::kJpki && c.status == store::CredentialStatus::kActive;
  });
  if (!proofed) {
    return FailedPreconditionError(
        "staff " + staff.staff_number +
        " has no active jpki credential; a badge is derived from a verified My Number Card "
        "enrolment: enrol their card first (`sekisho enrol --staff " +
        staff.staff_number + "`)");
  }

  ASSIGN_OR_RETURN(
      const card::sim::BadgeProfile profile,
      card::sim::NewBadgeProfile(env.keys.batch(), env.keys.cvca().der(), request.pin));
  ASSIGN_OR_RETURN(const Bytes chip_ri_public, badge::PublicPointOf(profile.ri_private_pkcs8));
  ASSIGN_OR_RETURN(Bytes identifier, env.keys.IdentifierOf(chip_ri_public));
  store::NewCredential credential;
  credential.kind = store::CredentialKind::kBadge;
  credential.pseudonym = identity::RiPseudonym(env.k_org, identifier);
  WipeBytes(identifier);
  const TimePoint now = env.clock.Now();
  credential.not_after =
      std::min({TimePoint(now + kBadgeValidity), EndOf(env.keys.cvca().expiration()),
                staff.valid_until.value_or(TimePoint::max())});

  RETURN_IF_ERROR(personalise(profile));
  ASSIGN_OR_RETURN(store::Credential stored, env.registry.AddCredential(request.org, request.staff,
                                                                        credential, request.actor));
  BadgeIssueOutcome outcome;
  outcome.display_pseudonym = identity::DisplayPseudonym(stored.pseudonym);
  outcome.credential = std::move(stored);
  return outcome;
}

}  // namespace sekisho::access
