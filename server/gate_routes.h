// The REST routes for gates (DESIGN.md §6): administrators create a gate (its one-time
// registration token is shown once), list gates with their connection and policy state, and
// revoke one (its connection is cut at once); a gate registers itself with its token, a CSR and
// its batch public key, and receives its client certificate, doors and keys.
#pragma once

#include <chrono>
#include <string>

#include "base/ed25519.h"
#include "identity/org_key.h"
#include "net/certificate_authority.h"
#include "server/api_context.h"
#include "server/api_router.h"
#include "server/gate_hub.h"
#include "server/gate_store.h"

namespace sekisho::server {

// What the gate routes need beyond ApiContext. Every reference must outlive the router.
struct GateRoutesContext {
  GateStore& gates;
  GateHub& hub;
  const net::CertifiedKey& ca;      // signs the gates' client certificates
  const identity::OrgKey& org_key;  // K_org: the gate computes pseudonyms of presented cards
  Ed25519PublicKey snapshot_key;    // the gate verifies snapshots and deltas with it
  std::string organisation;         // the folder name (slug) a key rollover chain names
  std::chrono::seconds certificate_validity = std::chrono::hours(24 * 365);
};

// GET /api/v1/gates (security_admin, auditor), POST /api/v1/gates (security_admin),
// POST /api/v1/gates/{gate_id}/revoke (security_admin), POST /api/v1/gates/register (public:
// the token authenticates).
void AddGateRoutes(ApiRouter& router, ApiContext& api, GateRoutesContext& gates);

}  // namespace sekisho::server
