// POST /api/v1/gates/badge-terminal: a registered gate asks for a short-lived badge terminal
// certificate for a key it generated itself (docs/server.md; docs/gate.md "Badge terminal
// credentials"; in the spirit of RFC 7030 §4.2.2 simplereenroll). The gate's client certificate
// (mutual TLS) names it; the organisation's badge keys (access/badge_keys.h) issue the certificate.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "access/data_dir.h"
#include "server/api_context.h"
#include "server/api_router.h"
#include "server/gate_store.h"

namespace sekisho::server {

// The default validity of the terminal certificates gates receive.
inline constexpr std::chrono::days kDefaultBadgeTerminalValidity{3};

// What the route needs beyond ApiContext. References must outlive the router.
struct BadgeTerminalRouteContext {
  GateStore& gates;
  const access::DataDir& dir;
  std::string org_name;  // whose badge keys issue
  // 1 to badge::kMaxTerminalValidity days (checked by the issuance: 400 otherwise is a server
  // misconfiguration reported as 500).
  std::chrono::days validity = kDefaultBadgeTerminalValidity;
  std::mutex issue_mutex;  // one issuance at a time (loading the keys may renew the DV)
};

// Adds the route (public in the session sense: the client certificate authenticates). Answers:
//   200  gate::EncodeTerminalIssuance: DV and terminal certificates (rights badge::rights::kGate,
//        holder reference ...TM<gate id>, valid from today for `validity` days), the current
//        batch's chip key, the sector key, not_before/not_after;
//   400  a body other than {"public_key": hex of an uncompressed brainpoolP256r1 point};
//   401  no client certificate; 403 a certificate no gate has, or a gate that is not active or
//        of another organisation; 404 the organisation has no badge keys ("run `sekisho badge
//        init`"); 409 the badge CVCA or DV is not valid today.
// Each issuance appends an admin audit record "badge-terminal-issued" naming the gate, the
// certificate holder reference and the expiry date (no key bytes).
void AddBadgeTerminalRoute(ApiRouter& router, ApiContext& api, BadgeTerminalRouteContext& context);

}  // namespace sekisho::server
