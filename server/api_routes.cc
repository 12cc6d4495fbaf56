#include "server/api_routes.h"

#include <limits>

#include "server/api_openapi.h"
#include "server/event_routes.h"

namespace sekisho::server {

std::vector<QueryParam> PagingQuery() {
  return {{.name = "limit",
           .type = "integer",
           .description = "items per page, 1 to 1000 (default 100)"},
          {.name = "page_token",
           .description = "next_page_token of the previous page; absent for the first"}};
}

Result<store::PageRequest> PageRequestOf(const ApiRequest& request) {
  ASSIGN_OR_RETURN(
      const std::int64_t limit,
      request.QueryInt("limit", 1, static_cast<std::int64_t>(store::kMaxPageSize), 100));
  return store::PageRequest{static_cast<std::size_t>(limit),
                            std::string(request.QueryText("page_token"))};
}

std::unique_ptr<ApiRouter> BuildApiRouter(ApiContext& context) {
  auto router = std::make_unique<ApiRouter>(context.sessions);
  router->AddSchema("Empty", {{"type", "object"}});
  AddAuthRoutes(*router, context);
  AddUserRoutes(*router, context);
  AddOrganisationRoutes(*router, context);
  AddStaffRoutes(*router, context);
  AddCredentialRoutes(*router, context);
  AddSelfServiceRoutes(*router, context);
  AddEventRoutes(*router, context);
  AddDoorEventRoutes(*router, context);
  AddAuditRoutes(*router, context);
  AddErasureRoutes(*router, context);
  AddSiteRoutes(*router, context);
  AddOpenApiRoute(*router, context.api_version);
  return router;
}

}  // namespace sekisho::server
