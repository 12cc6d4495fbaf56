#include "server/api_openapi.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace sekisho::server {
namespace {

using nlohmann::json;

json SchemaRef(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json ErrorResponseObject(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", SchemaRef("Error")}}}}}};
}

// "/api/v1/staff/{staff_id}" -> ["staff_id"].
std::vector<std::string> PathParams(const std::string& path) {
  std::vector<std::string> out;
  std::size_t open = path.find('{');
  while (open != std::string::npos) {
    const std::size_t close = path.find('}', open);
    out.push_back(path.substr(open + 1, close - open - 1));
    open = path.find('{', close);
  }
  return out;
}

std::string OperationId(const Route& route) {
  std::string id;
  for (char c : route.method) id.push_back(static_cast<char>(std::tolower(c)));
  bool upper = true;
  for (char c : route.path.substr(std::string_view("/api/v1").size())) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id.push_back(upper ? static_cast<char>(std::toupper(c)) : c);
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

json Operation(const Route& route) {
  json op = {{"operationId", OperationId(route)}, {"summary", route.summary}};
  json parameters = json::array();
  for (const std::string& name : PathParams(route.path)) {
    parameters.push_back({{"name", name},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "integer"}, {"minimum", 0}}}});
  }
  for (const QueryParam& q : route.query) {
    parameters.push_back({{"name", q.name},
                          {"in", "query"},
                          {"required", q.required},
                          {"description", q.description},
                          {"schema", {{"type", q.type}}}});
  }
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!route.request_schema.empty()) {
    op["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", SchemaRef(route.request_schema)}}}}}};
  }
  json success = {{"description", "success"}};
  if (!route.response_schema.empty()) {
    success["content"] = {{"application/json", {{"schema", SchemaRef(route.response_schema)}}}};
  }
  json responses = {{std::to_string(route.success_status), success},
                    {"400", ErrorResponseObject("malformed or invalid input")}};
  if (route.public_route) {
    op["security"] = json::array();
  } else {
    json requirement = {{"sessionCookie", json::array()}};
    if (IsStateChanging(route.method)) requirement["csrfHeader"] = json::array();
    op["security"] = json::array({requirement});
    json roles = json::array();
    for (Role role : route.roles) roles.push_back(RoleName(role));
    op["x-roles"] = roles;
    responses["401"] = ErrorResponseObject("no valid session");
    responses["403"] = ErrorResponseObject("role not allowed, or missing or wrong CSRF token");
  }
  if (!route.request_schema.empty()) {
    responses["415"] = ErrorResponseObject("body is not application/json");
  }
  op["responses"] = responses;
  return op;
}

}  // namespace

json OpenApiDocument(const ApiRouter& router, std::string_view version) {
  json paths = json::object();
  for (const Route& route : router.routes()) {
    std::string method;
    for (char c : route.method) method.push_back(static_cast<char>(std::tolower(c)));
    paths[route.path][method] = Operation(route);
  }
  json schemas = json::object();
  for (const auto& [name, schema] : router.schemas()) schemas[name] = schema;
  schemas["Error"] = {
      {"type", "object"},
      {"required", {"error", "message"}},
      {"properties", {{"error", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}};
  return {
      {"openapi", "3.0.3"},
      {"info", {{"title", "Sekisho REST API"}, {"version", std::string(version)}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"sessionCookie",
           {{"type", "apiKey"}, {"in", "cookie"}, {"name", std::string(kSessionCookieName)}}},
          {"csrfHeader", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-CSRF-Token"}}}}}}},
  };
}

void AddOpenApiRoute(ApiRouter& router, std::string_view version) {
  router.AddSchema("OpenApiDocument", {{"type", "object"}});
  // Generated per request from the table (a few dozen routes), so routes added after this one,
  // before serving starts, are documented too.
  router.Add({.method = "GET",
              .path = std::string(kOpenApiPath),
              .public_route = true,
              .summary = "This OpenAPI document",
              .response_schema = "OpenApiDocument",
              .handler = [&router, version = std::string(version)](
                             const ApiRequest&) -> Result<ApiResponse> {
                return JsonResponse(OpenApiDocument(router, version));
              }});
}

}  // namespace sekisho::server
