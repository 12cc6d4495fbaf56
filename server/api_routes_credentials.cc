// Credentials (DESIGN.md §5 "Lost card", P4): HR and security admins list a staff member's
// credentials and suspend, reinstate or revoke one with a reason; staff see their own and report
// one lost, which suspends it at once. Every change is pushed to the gates (policy_changed).
#include <string>

#include "server/api_registry_json.h"
#include "server/api_routes.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

json CredentialList(const std::vector<store::Credential>& credentials) {
  json items = json::array();
  for (const store::Credential& c : credentials) items.push_back(CredentialToJson(c));
  return {{"items", items}};
}

Result<ApiResponse> ListForStaff(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("staff_id"));
  ASSIGN_OR_RETURN(std::vector<store::Credential> credentials,
                   context.registry.ListCredentials(context.organisation, store::StaffId(id)));
  return JsonResponse(CredentialList(credentials));
}

// Moves credential {credential_id} to `status` with the body's reason.
Result<ApiResponse> Transition(ApiContext& context, const ApiRequest& request,
                               store::CredentialStatus status) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("credential_id"));
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"reason"}));
  ASSIGN_OR_RETURN(const std::string reason, fields.String("reason"));
  const store::CredentialId credential(id);
  RETURN_IF_ERROR(context.registry.SetCredentialStatus(context.organisation, credential, status,
                                                       reason, request.session->login));
  NotifyPolicyChanged(context);
  ASSIGN_OR_RETURN(store::Credential after,
                   context.registry.GetCredential(context.organisation, credential));
  return JsonResponse(CredentialToJson(after));
}

// The caller's own credential `id`; another staff member's is kNotFound, as if absent.
Result<store::Credential> OwnCredential(ApiContext& context, const ApiRequest& request,
                                        std::int64_t id) {
  const Status absent = NotFoundError("credential " + std::to_string(id) + " does not exist");
  Result<store::Credential> credential =
      context.registry.GetCredential(context.organisation, store::CredentialId(id));
  if (!credential.ok()) {
    return credential.status().code() == StatusCode::kNotFound ? absent : credential.status();
  }
  if (!request.session->staff.has_value() || credential->staff != *request.session->staff) {
    return absent;
  }
  return credential;
}

Result<ApiResponse> ReportLost(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("credential_id"));
  ASSIGN_OR_RETURN(store::Credential credential, OwnCredential(context, request, id));
  RETURN_IF_ERROR(context.registry.SetCredentialStatus(
      context.organisation, credential.id, store::CredentialStatus::kSuspended,
      "reported lost by the holder", request.session->login));
  NotifyPolicyChanged(context);
  ASSIGN_OR_RETURN(store::Credential after,
                   context.registry.GetCredential(context.organisation, credential.id));
  return JsonResponse(CredentialToJson(after));
}

}  // namespace

void AddCredentialRoutes(ApiRouter& router, ApiContext& context) {
  const json time = {{"type", "string"}, {"format", "date-time"}};
  router.AddSchema(
      "Credential",
      {{"type", "object"},
       {"properties",
        {{"id", {{"type", "integer"}}},
         {"staff", {{"type", "integer"}}},
         {"kind", {{"type", "string"}, {"enum", {"jpki", "badge", "free-area"}}}},
         {"status", {{"type", "string"}, {"enum", {"active", "suspended", "revoked", "retired"}}}},
         {"status_reason", {{"type", "string"}}},
         {"status_changed_at", time},
         {"not_after", time},
         {"enrolled_at", time},
         {"enrolled_by", {{"type", "string"}}},
         {"replaced_by", {{"type", "integer"}, {"nullable", true}}}}}});
  router.AddSchema(
      "CredentialList",
      {{"type", "object"},
       {"properties",
        {{"items",
          {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Credential"}}}}}}}});
  router.AddSchema("StatusReason", {{"type", "object"},
                                    {"additionalProperties", false},
                                    {"required", {"reason"}},
                                    {"properties", {{"reason", {{"type", "string"}}}}}});

  const std::vector<Role> managers = {Role::kHr, Role::kSecurityAdmin};
  router.Add({.method = "GET",
              .path = "/api/v1/staff/{staff_id}/credentials",
              .roles = managers,
              .summary = "A staff member's credentials, in enrolment order",
              .response_schema = "CredentialList",
              .handler = [&context](const ApiRequest& r) { return ListForStaff(context, r); }});
  const struct {
    const char* verb;
    store::CredentialStatus status;
    const char* summary;
  } transitions[] = {
      {"suspend", store::CredentialStatus::kSuspended, "Suspend a credential (lost card)"},
      {"reinstate", store::CredentialStatus::kActive, "Reinstate a suspended credential"},
      {"revoke", store::CredentialStatus::kRevoked, "Revoke a credential for good"},
  };
  for (const auto& t : transitions) {
    const store::CredentialStatus status = t.status;
    router.Add({.method = "POST",
                .path = std::string("/api/v1/credentials/{credential_id}/") + t.verb,
                .roles = managers,
                .summary = t.summary,
                .request_schema = "StatusReason",
                .response_schema = "Credential",
                .handler = [&context, status](const ApiRequest& r) {
                  return Transition(context, r, status);
                }});
  }
}

void AddSelfServiceRoutes(ApiRouter& router, ApiContext& context) {
  const std::vector<Role> staff = {Role::kStaff};
  router.Add({.method = "GET",
              .path = "/api/v1/me/credentials",
              .roles = staff,
              .summary = "The caller's own credentials",
              .response_schema = "CredentialList",
              .handler = [&context](const ApiRequest& r) -> Result<ApiResponse> {
                if (!r.session->staff.has_value()) {
                  return FailedPreconditionError("this account is not linked to a staff member");
                }
                ASSIGN_OR_RETURN(
                    std::vector<store::Credential> credentials,
                    context.registry.ListCredentials(context.organisation, *r.session->staff));
                return JsonResponse(CredentialList(credentials));
              }});
  router.Add({.method = "POST",
              .path = "/api/v1/me/credentials/{credential_id}/report-lost",
              .roles = staff,
              .summary = "Report one's own credential lost: it is suspended at once",
              .response_schema = "Credential",
              .handler = [&context](const ApiRequest& r) { return ReportLost(context, r); }});
}

}  // namespace sekisho::server
