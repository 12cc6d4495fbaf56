// The REST API's router: a route table of {method, path template, who may call it, summary,
// schema names, handler} and a pure dispatch function HttpRequest -> HttpResponse that applies,
// in order: path (404), method (405 with Allow), session (401), role (403), CSRF token on
// state-changing methods (403), JSON content type (415) and syntax (400), then the handler.
// The OpenAPI document (server/api_openapi.h) is generated from the same table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "net/http_message.h"
#include "server/api_json.h"
#include "server/auth_role.h"
#include "server/auth_sessions.h"

namespace sekisho::server {

// The largest request body the API reads (413 beyond).
inline constexpr std::size_t kMaxApiBodySize = 64 * 1024;

// What a handler sees of one request.
struct ApiRequest {
  const net::HttpRequest& http;
  std::map<std::string, std::string, std::less<>> path;  // {staff_id} -> "12"
  QueryParams query;  // only the route's declared parameters (others are refused)
  // The caller's session; null on public routes.
  const Session* session = nullptr;
  nlohmann::json body;  // null when the route takes no body

  // The path parameter `name` as an id from 1 to `max`. kInvalidArgument "staff_id: expected an
  // integer from 1 to 9223372036854775807, got 'x'".
  Result<std::int64_t> PathId(std::string_view name,
                              std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  // The query parameter `name` as an integer in [min, max]; `fallback` when absent.
  Result<std::int64_t> QueryInt(std::string_view name, std::int64_t min, std::int64_t max,
                                std::int64_t fallback) const;
  // The query parameter `name`, or "" when absent.
  std::string_view QueryText(std::string_view name) const;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> headers;  // added to the API headers
};

// A response with `body` and `status`.
inline ApiResponse JsonResponse(nlohmann::json body, int status = 200) {
  return ApiResponse{status, std::move(body), {}};
}

using RouteHandler = std::function<Result<ApiResponse>(const ApiRequest&)>;

struct QueryParam {
  std::string name;
  std::string type = "string";  // the OpenAPI type: "string" or "integer"
  bool required = false;
  std::string description;
};

struct Route {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;    // "/api/v1/staff/{staff_id}"
  // A public route needs no session (login, the OpenAPI document); the others admit a session
  // whose role is in `roles`.
  bool public_route = false;
  std::vector<Role> roles;
  std::string summary;
  std::string request_schema;   // a schema name (ApiRouter::AddSchema); empty: no body
  std::string response_schema;  // a schema name; empty: {} with the status
  int success_status = 200;
  std::vector<QueryParam> query;
  RouteHandler handler;
};

// Thread-safe once built: Handle only reads the table. Add and AddSchema are for building.
class ApiRouter {
 public:
  explicit ApiRouter(SessionStore& sessions);

  // Precondition (checked with an abort, as a bug in the table): a valid method and template and
  // no second route with the same method and template.
  void Add(Route route);
  // A JSON Schema (OpenAPI 3.0 schema object) that routes name.
  void AddSchema(std::string name, nlohmann::json schema);

  net::HttpResponse Handle(const net::HttpRequest& request) const;
  net::HttpHandler AsHandler() const {
    return [this](const net::HttpRequest& r) { return Handle(r); };
  }

  const std::vector<Route>& routes() const { return routes_; }
  const std::map<std::string, nlohmann::json>& schemas() const { return schemas_; }

  // True when `path` matches `path_template` segment by segment; fills `params`.
  static bool MatchPath(std::string_view path_template, std::string_view path,
                        std::map<std::string, std::string, std::less<>>* params);

 private:
  // Handle without its last-resort exception guard.
  net::HttpResponse HandleUnguarded(const net::HttpRequest& request) const;
  net::HttpResponse Dispatch(const Route& route, const net::HttpRequest& request,
                             std::map<std::string, std::string, std::less<>> params) const;

  SessionStore& sessions_;
  std::vector<Route> routes_;
  std::map<std::string, nlohmann::json> schemas_;
};

// True for the methods that change state and so need the CSRF token (all but GET and HEAD).
bool IsStateChanging(std::string_view method);

}  // namespace sekisho::server
