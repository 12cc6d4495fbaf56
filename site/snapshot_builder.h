// The snapshot builder: an organisation's policy::Snapshot from the site store (sites, zones,
// doors, schedules, levels, staff level assignments) and the registry (credentials and their
// staff). Names stay behind; what a gate receives is described in docs/formats/snapshot.md.
#pragma once

#include "base/clock.h"
#include "base/result.h"
#include "policy/model.h"
#include "site/site_store.h"
#include "store/registry.h"

namespace sekisho::site {

// The organisation's snapshot at `now`, version 0 (the publisher assigns versions), passing
// policy::Validate. Credentials (Registry::ListOrganisationCredentials, one query):
//  - retired credentials and those of staff who left are left out;
//  - active credentials of active staff have flags 0; suspended or revoked credentials, and every
//    credential of a suspended staff member, carry kCredentialRevoked (kept so that the gate
//    says "revoked", not "unknown");
//  - key = policy::CredentialKeyOf(pseudonym), staff = the registry's random staff reference;
//  - validity = the staff member's validity intersected with [-, not_after), rounded down to
//    whole minutes (a start at most 59 s early, so staff added now are not refused until the next
//    minute; an end at most 59 s early, never late); a from bound at or before `now` is written as
//    kBeginningOfTime so the snapshot stays small (docs/formats/snapshot.md §4.7). A credential
//    whose validity is empty after rounding is left out;
//  - levels = the staff member's level assignments (of levels in the model read) that have not
//    ended at `now`, sorted by (level, from, until), a from bound at or before `now` written as
//    kBeginningOfTime.
// Credentials sorted by key. Errors: those of the registry and the store; kDataLoss for a stored
// pseudonym shorter than a credential key; kInternal when the result fails policy::Validate.
Result<policy::Snapshot> BuildSnapshot(store::Registry& registry, SiteStore& site_store,
                                       OrganisationId org, TimePoint now);

}  // namespace sekisho::site
