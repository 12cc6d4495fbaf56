// Sign-in, sign-out and "who am I" (/api/v1/auth).
#include <string>

#include "server/api_routes.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

json SessionJson(const Session& session) {
  return {{"login", session.login},
          {"role", RoleName(session.role)},
          {"organisation", session.org.value()},
          {"staff", session.staff ? json(session.staff->value()) : json(nullptr)},
          {"csrf", session.csrf}};
}

Result<ApiResponse> Login(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"login", "password"}));
  ASSIGN_OR_RETURN(std::string login, fields.String("login"));
  ASSIGN_OR_RETURN(std::string password, fields.String("password"));
  const std::string& address = request.http.peer.address;
  if (auto wait = context.rate_limiter.Check(login, address); wait.has_value()) {
    ApiResponse response = JsonResponse(
        {{"error", "rate_limited"},
         {"message", "too many failed sign-ins; retry in " + std::to_string(wait->count()) + " s"}},
        429);
    response.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    return response;
  }
  Result<User> user = context.users.Authenticate(login, password);
  // A user of another organisation does not exist for this server.
  if (user.ok() && user->org != context.organisation) {
    user = UnauthenticatedError("wrong login name or password");
  }
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kUnauthenticated) {
      context.rate_limiter.RecordFailure(login, address);
    }
    return user.status();
  }
  context.rate_limiter.RecordSuccess(login);
  const Session session = context.sessions.Create(*user);
  ApiResponse response = JsonResponse(SessionJson(session));
  response.headers.emplace_back("Set-Cookie", SessionCookie(session.token, context.secure_cookie));
  return response;
}

}  // namespace

void AddAuthRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("LoginRequest",
                   {{"type", "object"},
                    {"additionalProperties", false},
                    {"required", {"login", "password"}},
                    {"properties",
                     {{"login", {{"type", "string"}}},
                      {"password", {{"type", "string"}, {"format", "password"}}}}}});
  router.AddSchema("Session", {{"type", "object"},
                               {"required", {"login", "role", "organisation", "csrf"}},
                               {"properties",
                                {{"login", {{"type", "string"}}},
                                 {"role", {{"type", "string"}}},
                                 {"organisation", {{"type", "integer"}}},
                                 {"staff", {{"type", "integer"}, {"nullable", true}}},
                                 {"csrf", {{"type", "string"}}}}}});
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));

  router.Add({.method = "POST",
              .path = "/api/v1/auth/login",
              .public_route = true,
              .summary = "Sign in: sets the session cookie and returns the CSRF token",
              .request_schema = "LoginRequest",
              .response_schema = "Session",
              .handler = [&context](const ApiRequest& r) { return Login(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/auth/logout",
              .roles = everyone,
              .summary = "Sign out",
              .success_status = 204,
              .handler = [&context](const ApiRequest& r) -> Result<ApiResponse> {
                context.sessions.Remove(r.session->token);
                ApiResponse response = JsonResponse(nullptr, 204);
                response.headers.emplace_back("Set-Cookie",
                                              ExpiredSessionCookie(context.secure_cookie));
                return response;
              }});
  router.Add({.method = "GET",
              .path = "/api/v1/auth/me",
              .roles = everyone,
              .summary = "The signed-in user and the session's CSRF token",
              .response_schema = "Session",
              .handler = [](const ApiRequest& r) -> Result<ApiResponse> {
                return JsonResponse(SessionJson(*r.session));
              }});
}

}  // namespace sekisho::server
