#include "access/revocation.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "access/anchor_store.h"
#include "identity/pseudonym.h"
#include "pki/crl_check.h"
#include "store/validation.h"

namespace sekisho::access {

Result<store::Credential> FindCredentialByDisplayPseudonym(store::Registry& registry,
                                                           store::OrganisationId org,
                                                           std::string_view display) {
  ASSIGN_OR_RETURN(const Bytes prefix, identity::ParseDisplayPseudonym(display));
  std::vector<store::Credential> matches;
  store::StaffQuery query;
  query.page.limit = store::kMaxPageSize;
  for (;;) {
    ASSIGN_OR_RETURN(store::Page<store::Staff> page, registry.ListStaff(org, query));
    for (const store::Staff& staff : page.items) {
      ASSIGN_OR_RETURN(std::vector<store::Credential> credentials,
                       registry.ListCredentials(org, staff.id));
      for (store::Credential& c : credentials) {
        if (c.pseudonym.size() >= prefix.size() &&
            std::equal(prefix.begin(), prefix.end(), c.pseudonym.begin())) {
          matches.push_back(std::move(c));
        }
      }
    }
    if (page.next_page_token.empty()) break;
    query.page.page_token = page.next_page_token;
  }
  if (matches.empty()) {
    return NotFoundError("no credential of this organisation has the pseudonym " +
                         std::string(display));
  }
  if (matches.size() > 1) {
    return FailedPreconditionError("the pseudonym " + std::string(display) + " names " +
                                   std::to_string(matches.size()) +
                                   " credentials; revoke them by staff member instead");
  }
  return std::move(matches.front());
}

Result<std::vector<store::Credential>> RevokeStaffCredentials(store::Registry& registry,
                                                              store::OrganisationId org,
                                                              store::StaffId staff,
                                                              std::string_view reason,
                                                              std::string_view actor) {
  RETURN_IF_ERROR(store::ValidateStatusReason(reason));
  if (reason.empty()) return InvalidArgumentError("a revocation needs a reason");
  ASSIGN_OR_RETURN(std::vector<store::Credential> credentials,
                   registry.ListCredentials(org, staff));
  std::vector<store::Credential> revoked;
  for (const store::Credential& c : credentials) {
    if (!store::IsUsable(c.status)) continue;
    RETURN_IF_ERROR(
        registry.SetCredentialStatus(org, c.id, store::CredentialStatus::kRevoked, reason, actor)
            .WithContext("revoking " + identity::DisplayPseudonym(c.pseudonym)));
    ASSIGN_OR_RETURN(store::Credential after, registry.GetCredential(org, c.id));
    spdlog::info("revoked credential {} of staff #{} by {}",
                 identity::DisplayPseudonym(c.pseudonym), staff.value(), actor);
    revoked.push_back(std::move(after));
  }
  return revoked;
}

Result<store::Credential> RevokeCredential(store::Registry& registry, store::OrganisationId org,
                                           store::CredentialId id, std::string_view reason,
                                           std::string_view actor) {
  RETURN_IF_ERROR(store::ValidateStatusReason(reason));
  if (reason.empty()) return InvalidArgumentError("a revocation needs a reason");
  ASSIGN_OR_RETURN(const store::Credential before, registry.GetCredential(org, id));
  if (before.status == store::CredentialStatus::kRetired) {
    return FailedPreconditionError("credential " + identity::DisplayPseudonym(before.pseudonym) +
                                   " is retired (" + before.status_reason +
                                   "); there is nothing to revoke");
  }
  RETURN_IF_ERROR(
      registry.SetCredentialStatus(org, id, store::CredentialStatus::kRevoked, reason, actor));
  if (before.status != store::CredentialStatus::kRevoked) {
    spdlog::info("revoked credential {} by {}", identity::DisplayPseudonym(before.pseudonym),
                 actor);
  }
  return registry.GetCredential(org, id);
}

Result<CrlImportOutcome> ImportCrl(const pki::Crl& crl, const pki::TrustAnchorSet& anchors,
                                   store::Registry& registry, store::OrganisationId org,
                                   const identity::OrgKey& k_org, RevokedSerials& state,
                                   const Clock& clock, std::string_view actor) {
  const TimePoint now = clock.Now();
  if (anchors.empty()) {
    return FailedPreconditionError(
        "no trust anchors are configured, so no CRL can be checked; add the JPKI "
        "user-authentication roots with `sekisho anchors add FILE`");
  }
  // 1. Issued by an anchor (by key: root generations share one DN), complete and current.
  RETURN_IF_ERROR(pki::CheckCrl(crl, anchors, now).WithContext("CRL"));
  const std::vector<const pki::TrustAnchor*> issuers = anchors.MatchCrlIssuer(crl);
  if (issuers.empty()) return InternalError("CheckCrl accepted a CRL no anchor issued");
  const pki::TrustAnchor& issuer = *issuers.front();

  CrlImportOutcome outcome;
  outcome.issuer =
      issuer.certificate.SubjectText() + (issuer.is_test ? std::string(pki::kTestAnchorMark) : "");
  outcome.listed = crl.RevokedSerials().size();
  outcome.this_update = crl.ThisUpdate();
  outcome.next_update = crl.NextUpdate();

  // 2. No replay of an older CRL.
  KeyedCrl keyed{issuer.certificate.SubjectText(),
                 AnchorFingerprint(issuer.certificate),
                 crl.ThisUpdate(),
                 crl.NextUpdate(),
                 now,
                 {}};
  RETURN_IF_ERROR(state.CheckNotOlder(keyed));

  // 3. Keyed serials only from here on; then the registry, in one transaction.
  keyed.keyed_serials = pki::KeyedRevokedSerials(crl, k_org);
  RETURN_IF_ERROR(
      registry.MarkRevokedByKeyedSerials(org, keyed.keyed_serials, now, actor, &outcome.marked));
  spdlog::info("imported the CRL of {}: {} entries, {} credentials revoked, by {}", outcome.issuer,
               outcome.listed, outcome.marked, actor);
  // 4. The keyed list replaces this issuer's previous one.
  state.Replace(std::move(keyed));
  return outcome;
}

}  // namespace sekisho::access
