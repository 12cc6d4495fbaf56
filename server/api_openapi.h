// The OpenAPI 3.0.3 document of the REST API, generated from the router's table so that it cannot
// drift from what is served: one operation per route, its path and query parameters, its
// security (session cookie, plus the CSRF header on state-changing methods; none on public
// routes), the roles that may call it (x-roles), and request and response schemas by name under
// components/schemas.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "server/api_router.h"

namespace sekisho::server {

inline constexpr std::string_view kOpenApiPath = "/api/v1/openapi.json";

// The document for every route and schema of `router`.
nlohmann::json OpenApiDocument(const ApiRouter& router, std::string_view version);

// Adds the public route GET /api/v1/openapi.json, which serves OpenApiDocument(router) of the
// table as it is at the request (every route added before serving starts). `router` must
// outlive the route (it does: the route is in it).
void AddOpenApiRoute(ApiRouter& router, std::string_view version);

}  // namespace sekisho::server
