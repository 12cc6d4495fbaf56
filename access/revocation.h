// Revocation (DESIGN.md P4): an administrator revokes a staff member's credentials or one
// credential named by its display pseudonym; an issuer CRL is imported and every credential whose
// keyed serial it lists is revoked. Raw certificate serials are never stored or logged: only
// their keyed form (identity::KeyedSerial) leaves ImportCrl.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "access/revoked_serials.h"
#include "base/clock.h"
#include "base/result.h"
#include "identity/org_key.h"
#include "pki/crl.h"
#include "pki/trust_anchors.h"
#include "store/registry.h"

namespace sekisho::access {

// The credential whose display pseudonym is `display` (identity::ParseDisplayPseudonym: its
// first 10 bytes), in any status. kInvalidArgument for a mistyped display form (the parser's
// message); kNotFound when no credential of `org` has it; kFailedPrecondition in the (2^-80)
// case that two do. Lists the organisation's credentials: a linear scan, fine for an
// administrator's command.
Result<store::Credential> FindCredentialByDisplayPseudonym(store::Registry& registry,
                                                           store::OrganisationId org,
                                                           std::string_view display);

// Revokes every active or suspended credential of `staff` (each its own transaction with its
// kRevoked event; an error stops at that credential, and running again finishes the rest).
// Returns the credentials revoked, empty when there were none. kInvalidArgument for an empty
// reason; the registry's codes otherwise.
Result<std::vector<store::Credential>> RevokeStaffCredentials(store::Registry& registry,
                                                              store::OrganisationId org,
                                                              store::StaffId staff,
                                                              std::string_view reason,
                                                              std::string_view actor);

// Revokes one credential with a kRevoked event. Revoking a revoked credential is OK and writes
// nothing; kFailedPrecondition for a retired one. Returns it as it is afterwards.
Result<store::Credential> RevokeCredential(store::Registry& registry, store::OrganisationId org,
                                           store::CredentialId id, std::string_view reason,
                                           std::string_view actor);

struct CrlImportOutcome {
  std::string
      issuer;  // subject of the anchor that signed the CRL (" [TEST ANCHOR]" for a test one)
  std::size_t listed = 0;  // entries on the CRL
  std::size_t marked = 0;  // credentials of the organisation revoked by this import
  TimePoint this_update;
  TimePoint next_update;
};

// Imports an issuer CRL for `org`:
//   1. pki::CheckCrl at the clock's time: issued by one of `anchors` (by key; kUnauthenticated),
//      complete for user certificates and current (kFailedPrecondition "CRL expired ...": get a
//      current one). kFailedPrecondition when `anchors` is empty.
//   2. it must not be older than the one imported before from the same anchor
//      (RevokedSerials::CheckNotOlder, kFailedPrecondition).
//   3. its serials are keyed with K_org (pki::KeyedRevokedSerials);
//      Registry::MarkRevokedByKeyedSerials revokes the matching credentials and appends the
//      kCrlImported event, in one transaction.
//   4. `state` takes the keyed list in place of that anchor's previous one (the caller saves it).
// Nothing is written when a step fails.
Result<CrlImportOutcome> ImportCrl(const pki::Crl& crl, const pki::TrustAnchorSet& anchors,
                                   store::Registry& registry, store::OrganisationId org,
                                   const identity::OrgKey& k_org, RevokedSerials& state,
                                   const Clock& clock, std::string_view actor);

}  // namespace sekisho::access
