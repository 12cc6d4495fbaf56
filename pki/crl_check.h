// Judging an imported CRL before its revocations are used: issued by a trust anchor (by key),
// complete for user certificates, and current (RFC 5280 §6.3.3); and turning its entries into
// keyed serials (DESIGN.md §3), the only form in which revocations are stored.
#pragma once

#include <chrono>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "identity/org_key.h"
#include "pki/crl.h"
#include "pki/trust_anchors.h"

namespace sekisho::pki {

// OK if `crl` may be used at `now`:
//   kInvalidArgument    no anchors, or a negative grace.
//   kUnauthenticated    "unknown issuer" (no anchor is named as its issuer, or none has the key
//                       its authorityKeyIdentifier names), "bad signature" (it does not verify
//                       with the key of any anchor named as its issuer), or the anchor's key
//                       usage lacks cRLSign (RFC 5280 §4.2.1.3).
//   kFailedPrecondition CheckCrlScope's reasons; or it is not current: "CRL not yet valid
//                       (thisUpdate ...)" when now < thisUpdate, "CRL expired at ...
//                       (nextUpdate)" when now > nextUpdate + max_age_beyond_next_update.
// The issuer is judged first, then the scope, then the times.
Status CheckCrl(const Crl& crl, const TrustAnchorSet& anchors, TimePoint now,
                std::chrono::seconds max_age_beyond_next_update = std::chrono::seconds(0));

// OK if `crl` lists every revocation of the user certificates it is for; kFailedPrecondition
// naming the reason for a delta CRL (RFC 5280 §5.2.4), an indirect CRL (§5.2.5, §5.3.3), one
// scoped to some reasons or to CA or attribute certificates (§5.2.5), or one with a critical
// extension, or an entry with a critical extension, not handled here. A CRL scoped by an
// issuingDistributionPoint to one distribution point is accepted: it covers the certificates
// that name that point (a partitioned CRL; docs/pki.md). Looks at nothing else.
Status CheckCrlScope(const Crl& crl);

// identity::KeyedSerial(k_org, crl.IssuerNameDer(), serial) for every entry, in the order of
// crl.RevokedSerials() (ascending serial, no duplicates). 32 bytes each.
std::vector<Bytes> KeyedRevokedSerials(const Crl& crl, const identity::OrgKey& k_org);

}  // namespace sekisho::pki
