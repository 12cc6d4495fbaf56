// The REST routes of door events (DESIGN.md §7 "live events", "my access log", P5): the
// organisation's events with filters for security admins and auditors, a staff member's own
// events, and the proof that one of their events is in the tamper-evident log, with everything a
// browser needs to check it (RFC 9162 §2.1.3.2). docs/server.md §9.
#pragma once

#include "server/api_context.h"
#include "server/api_router.h"

namespace sekisho::server {

// GET /api/v1/events (security_admin, auditor), GET /api/v1/me/events and
// GET /api/v1/me/events/{id}/proof (staff). Without context.events they answer 503.
void AddDoorEventRoutes(ApiRouter& router, ApiContext& context);

}  // namespace sekisho::server
