// The server's users (/api/v1/users): security admins list, create and disable them. Each write
// is recorded in the audit log (server/api_audit_record.h).
#include <string>

#include "server/api_audit_record.h"
#include "server/api_registry_json.h"
#include "server/api_routes.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

json UserToJson(const User& user) {
  return {{"id", user.id.value()},
          {"login", user.login},
          {"role", RoleName(user.role)},
          {"staff", user.staff ? json(user.staff->value()) : json(nullptr)},
          {"disabled", user.disabled},
          {"created_at", FormatApiTime(user.created_at)}};
}

// The user `id` of the server's organisation; another organisation's is kNotFound.
Result<User> OwnUser(ApiContext& context, std::int64_t id) {
  Result<User> user = context.users.Get(UserId(id));
  if (user.ok() && user->org != context.organisation) {
    return NotFoundError("no user with id " + std::to_string(id));
  }
  return user;
}

Result<ApiResponse> CreateUser(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(JsonFields fields,
                   JsonFields::Of(request.body, {"login", "role", "password", "staff"}));
  NewUser user;
  user.org = context.organisation;
  ASSIGN_OR_RETURN(user.login, fields.String("login"));
  ASSIGN_OR_RETURN(const std::string role, fields.String("role"));
  Result<Role> parsed = ParseRole(role);
  if (!parsed.ok()) return parsed.status().WithContext("role");
  user.role = *parsed;
  ASSIGN_OR_RETURN(const std::string password, fields.String("password"));
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> staff,
                   fields.OptionalInt("staff", 1, std::numeric_limits<std::int64_t>::max()));
  if (staff.has_value()) {
    // The staff member must exist in this organisation.
    RETURN_IF_ERROR(
        context.registry.GetStaff(context.organisation, store::StaffId(*staff)).status());
    user.staff = store::StaffId(*staff);
  }
  ASSIGN_OR_RETURN(User created, context.users.CreateUser(user, password));
  RETURN_IF_ERROR(AppendApiAdminRecord(context.audit_log, context.clock, request.session->login,
                                       "user-created", "user/" + std::to_string(created.id.value()))
                      .status());
  return JsonResponse(UserToJson(created), 201);
}

Result<ApiResponse> DisableUser(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("user_id"));
  ASSIGN_OR_RETURN(User user, OwnUser(context, id));
  if (user.id == request.session->user) {
    return FailedPreconditionError("you cannot disable your own account");
  }
  RETURN_IF_ERROR(context.users.Disable(user.id));
  context.sessions.RemoveUser(user.id);
  RETURN_IF_ERROR(AppendApiAdminRecord(context.audit_log, context.clock, request.session->login,
                                       "user-disabled", "user/" + std::to_string(id))
                      .status());
  user.disabled = true;
  return JsonResponse(UserToJson(user));
}

}  // namespace

void AddUserRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("User", {{"type", "object"},
                            {"properties",
                             {{"id", {{"type", "integer"}}},
                              {"login", {{"type", "string"}}},
                              {"role", {{"type", "string"}}},
                              {"staff", {{"type", "integer"}, {"nullable", true}}},
                              {"disabled", {{"type", "boolean"}}},
                              {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}});
  router.AddSchema(
      "UserList",
      {{"type", "object"},
       {"properties",
        {{"users", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/User"}}}}}}}});
  router.AddSchema(
      "NewUser",
      {{"type", "object"},
       {"additionalProperties", false},
       {"required", {"login", "role", "password"}},
       {"properties",
        {{"login", {{"type", "string"}, {"minLength", 3}, {"maxLength", 64}}},
         {"role", {{"type", "string"}, {"enum", {"security_admin", "hr", "auditor", "staff"}}}},
         {"password", {{"type", "string"}, {"format", "password"}, {"minLength", 12}}},
         {"staff", {{"type", "integer"}, {"description", "required for role staff"}}}}}});

  const std::vector<Role> admins = {Role::kSecurityAdmin};
  router.Add({.method = "GET",
              .path = "/api/v1/users",
              .roles = admins,
              .summary = "The organisation's users",
              .response_schema = "UserList",
              .handler = [&context](const ApiRequest&) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(std::vector<User> users, context.users.List(context.organisation));
                json list = json::array();
                for (const User& user : users) list.push_back(UserToJson(user));
                return JsonResponse({{"users", list}});
              }});
  router.Add({.method = "POST",
              .path = "/api/v1/users",
              .roles = admins,
              .summary = "Create a user with a role and an initial password",
              .request_schema = "NewUser",
              .response_schema = "User",
              .success_status = 201,
              .handler = [&context](const ApiRequest& r) { return CreateUser(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/users/{user_id}/disable",
              .roles = admins,
              .summary = "Disable a user and end their sessions",
              .response_schema = "User",
              .handler = [&context](const ApiRequest& r) { return DisableUser(context, r); }});
}

}  // namespace sekisho::server
