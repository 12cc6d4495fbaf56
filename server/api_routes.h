// The REST API's routes (/api/v1), one function per area, each in its own api_routes_<area>.cc,
// and BuildApiRouter, which puts them all and the OpenAPI document into one router.
// Who may call what is each route's `roles`; the allow matrix is tested in api_routes_test.cc.
#pragma once

#include <memory>

#include "server/api_context.h"
#include "server/api_router.h"

namespace sekisho::server {

// POST /auth/login (public), POST /auth/logout, GET /auth/me.
void AddAuthRoutes(ApiRouter& router, ApiContext& context);
// /users: list, create, disable (security_admin).
void AddUserRoutes(ApiRouter& router, ApiContext& context);
// GET /organisation.
void AddOrganisationRoutes(ApiRouter& router, ApiContext& context);
// /staff: list, create, get, status, validity (hr writes; security_admin reads).
void AddStaffRoutes(ApiRouter& router, ApiContext& context);
// /staff/{id}/credentials and /credentials/{id}/suspend|reinstate|revoke (hr, security_admin).
void AddCredentialRoutes(ApiRouter& router, ApiContext& context);
// /me/credentials and report-lost (staff).
void AddSelfServiceRoutes(ApiRouter& router, ApiContext& context);
// GET /admin-events (auditor, security_admin).
void AddEventRoutes(ApiRouter& router, ApiContext& context);
// /audit: checkpoint, inclusion and consistency proofs, records (auditor).
void AddAuditRoutes(ApiRouter& router, ApiContext& context);
// /audit/erasure-requests: list (security_admin, hr, auditor), create (security_admin, hr),
// approve and reject (auditor, not the request's author).
void AddErasureRoutes(ApiRouter& router, ApiContext& context);
// /sites, /zones, /doors, /schedules, /levels, /level-assignments: CRUD (security_admin writes;
// hr and auditor read), and PUT /sites/{id}/lockdown and /sites/{id}/threat-level.
void AddSiteRoutes(ApiRouter& router, ApiContext& context);

// A router with every area above and GET /api/v1/openapi.json (which also documents routes
// added to the router later). `context` must outlive it.
std::unique_ptr<ApiRouter> BuildApiRouter(ApiContext& context);

// The paging query parameters every list takes: limit (1..1000, default 100) and page_token.
std::vector<QueryParam> PagingQuery();
// The PageRequest they name. kInvalidArgument for a bad limit.
Result<store::PageRequest> PageRequestOf(const ApiRequest& request);

}  // namespace sekisho::server
