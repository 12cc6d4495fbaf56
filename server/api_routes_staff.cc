// Staff records (/api/v1/staff) and the organisation served (/api/v1/organisation): HR creates
// staff and changes their name, department, status and validity (a leaver's credentials are
// retired by the registry); security admins read them. The staff number is never changed.
#include <string>

#include "server/api_registry_json.h"
#include "server/api_routes.h"
#include "store/validation.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

Result<std::optional<TimePoint>> OptionalTime(const JsonFields& fields, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, fields.OptionalString(name));
  if (!text.has_value()) return std::optional<TimePoint>();
  ASSIGN_OR_RETURN(TimePoint t, ParseApiTime(name, *text));
  return std::optional<TimePoint>(t);
}

Result<ApiResponse> ListStaff(ApiContext& context, const ApiRequest& request) {
  store::StaffQuery query;
  ASSIGN_OR_RETURN(query.page, PageRequestOf(request));
  if (const std::string_view status = request.QueryText("status"); !status.empty()) {
    Result<store::StaffStatus> parsed = store::ParseStaffStatus(status);
    if (!parsed.ok()) return parsed.status().WithContext("status");
    query.status = *parsed;
  }
  ASSIGN_OR_RETURN(store::Page<store::Staff> page,
                   context.registry.ListStaff(context.organisation, query));
  json items = json::array();
  for (const store::Staff& staff : page.items) items.push_back(StaffToJson(staff));
  return JsonResponse({{"items", items}, {"next_page_token", page.next_page_token}});
}

Result<ApiResponse> CreateStaff(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(JsonFields fields,
                   JsonFields::Of(request.body, {"staff_number", "display_name", "department",
                                                 "valid_from", "valid_until"}));
  store::NewStaff staff;
  ASSIGN_OR_RETURN(staff.staff_number, fields.String("staff_number"));
  ASSIGN_OR_RETURN(staff.display_name, fields.String("display_name"));
  ASSIGN_OR_RETURN(std::optional<std::string> department, fields.OptionalString("department"));
  staff.department = department.value_or("");
  ASSIGN_OR_RETURN(std::optional<TimePoint> from, OptionalTime(fields, "valid_from"));
  staff.valid_from = from.value_or(context.clock.Now());
  ASSIGN_OR_RETURN(staff.valid_until, OptionalTime(fields, "valid_until"));
  staff.staff_ref = store::StaffRef::Generate(context.random);
  ASSIGN_OR_RETURN(store::Staff added,
                   context.registry.AddStaff(context.organisation, staff, request.session->login));
  return JsonResponse(StaffToJson(added), 201);
}

Result<ApiResponse> GetStaff(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("staff_id"));
  ASSIGN_OR_RETURN(store::Staff staff,
                   context.registry.GetStaff(context.organisation, store::StaffId(id)));
  return JsonResponse(StaffToJson(staff));
}

Result<ApiResponse> SetStatus(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("staff_id"));
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"status"}));
  ASSIGN_OR_RETURN(const std::string text, fields.String("status"));
  Result<store::StaffStatus> status = store::ParseStaffStatus(text);
  if (!status.ok()) return status.status().WithContext("status");
  RETURN_IF_ERROR(context.registry.UpdateStaffStatus(context.organisation, store::StaffId(id),
                                                     *status, request.session->login));
  NotifyPolicyChanged(context);
  return GetStaff(context, request);
}

Result<ApiResponse> SetValidity(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("staff_id"));
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"valid_from", "valid_until"}));
  ASSIGN_OR_RETURN(const std::string from_text, fields.String("valid_from"));
  ASSIGN_OR_RETURN(const TimePoint from, ParseApiTime("valid_from", from_text));
  ASSIGN_OR_RETURN(const std::optional<TimePoint> until, OptionalTime(fields, "valid_until"));
  RETURN_IF_ERROR(context.registry.UpdateStaffValidity(context.organisation, store::StaffId(id),
                                                       from, until, request.session->login));
  NotifyPolicyChanged(context);
  return GetStaff(context, request);
}

// PATCH: the fields present replace the stored ones (store::Registry::UpdateStaffDetails).
Result<ApiResponse> EditStaff(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("staff_id"));
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"display_name", "department"}));
  store::StaffDetailsChange change;
  ASSIGN_OR_RETURN(change.display_name, fields.OptionalString("display_name"));
  ASSIGN_OR_RETURN(change.department, fields.OptionalString("department"));
  if (!change.display_name && !change.department) {
    return InvalidArgumentError("request body: give display_name, department or both");
  }
  // The registry checks these too; here its message gets the field's path for the console.
  if (change.display_name) {
    if (Status s = store::ValidateDisplayName(*change.display_name); !s.ok()) {
      return s.WithContext("display_name");
    }
  }
  if (change.department) {
    if (Status s = store::ValidateDepartment(*change.department); !s.ok()) {
      return s.WithContext("department");
    }
  }
  RETURN_IF_ERROR(context.registry.UpdateStaffDetails(context.organisation, store::StaffId(id),
                                                      change, request.session->login));
  // Names are not in the gates' snapshot, so nothing new is published; this feeds the change's
  // admin event into the audit log at once, as for every registry write (docs/server.md §6).
  NotifyPolicyChanged(context);
  return GetStaff(context, request);
}

}  // namespace

void AddOrganisationRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("Organisation",
                   {{"type", "object"},
                    {"properties",
                     {{"id", {{"type", "integer"}}},
                      {"name", {{"type", "string"}}},
                      {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}});
  router.Add({.method = "GET",
              .path = "/api/v1/organisation",
              .roles = {std::begin(kAllRoles), std::end(kAllRoles)},
              .summary = "The organisation this server serves",
              .response_schema = "Organisation",
              .handler = [&context](const ApiRequest&) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(store::Organisation org,
                                 context.registry.GetOrganisation(context.organisation));
                return JsonResponse(OrganisationToJson(org));
              }});
}

void AddStaffRoutes(ApiRouter& router, ApiContext& context) {
  const json time = {{"type", "string"}, {"format", "date-time"}};
  const json nullable_time = {{"type", "string"}, {"format", "date-time"}, {"nullable", true}};
  router.AddSchema("Staff",
                   {{"type", "object"},
                    {"properties",
                     {{"id", {{"type", "integer"}}},
                      {"staff_ref", {{"type", "string"}}},
                      {"staff_number", {{"type", "string"}}},
                      {"display_name", {{"type", "string"}}},
                      {"department", {{"type", "string"}}},
                      {"status", {{"type", "string"}, {"enum", {"active", "suspended", "left"}}}},
                      {"valid_from", time},
                      {"valid_until", nullable_time}}}});
  router.AddSchema(
      "StaffPage",
      {{"type", "object"},
       {"properties",
        {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Staff"}}}}},
         {"next_page_token", {{"type", "string"}}}}}});
  router.AddSchema("NewStaff", {{"type", "object"},
                                {"additionalProperties", false},
                                {"required", {"staff_number", "display_name"}},
                                {"properties",
                                 {{"staff_number", {{"type", "string"}}},
                                  {"display_name", {{"type", "string"}}},
                                  {"department", {{"type", "string"}}},
                                  {"valid_from", time},
                                  {"valid_until", nullable_time}}}});
  router.AddSchema(
      "StaffStatusChange",
      {{"type", "object"},
       {"additionalProperties", false},
       {"required", {"status"}},
       {"properties",
        {{"status", {{"type", "string"}, {"enum", {"active", "suspended", "left"}}}}}}});
  router.AddSchema("StaffDetails", {{"type", "object"},
                                    {"additionalProperties", false},
                                    {"minProperties", 1},
                                    {"properties",
                                     {{"display_name", {{"type", "string"}, {"minLength", 1}}},
                                      {"department", {{"type", "string"}}}}}});
  router.AddSchema("StaffValidity",
                   {{"type", "object"},
                    {"additionalProperties", false},
                    {"required", {"valid_from"}},
                    {"properties", {{"valid_from", time}, {"valid_until", nullable_time}}}});

  const std::vector<Role> readers = {Role::kHr, Role::kSecurityAdmin};
  const std::vector<Role> writers = {Role::kHr};
  std::vector<QueryParam> list_query = PagingQuery();
  list_query.push_back({.name = "status", .description = "only staff with this status"});
  router.Add({.method = "GET",
              .path = "/api/v1/staff",
              .roles = readers,
              .summary = "The organisation's staff, paged, optionally by status",
              .response_schema = "StaffPage",
              .query = list_query,
              .handler = [&context](const ApiRequest& r) { return ListStaff(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/staff",
              .roles = writers,
              .summary = "Add a staff member",
              .request_schema = "NewStaff",
              .response_schema = "Staff",
              .success_status = 201,
              .handler = [&context](const ApiRequest& r) { return CreateStaff(context, r); }});
  router.Add({.method = "GET",
              .path = "/api/v1/staff/{staff_id}",
              .roles = readers,
              .summary = "One staff member",
              .response_schema = "Staff",
              .handler = [&context](const ApiRequest& r) { return GetStaff(context, r); }});
  router.Add({.method = "PATCH",
              .path = "/api/v1/staff/{staff_id}",
              .roles = writers,
              .summary = "Change the display name and/or department (not the staff number)",
              .request_schema = "StaffDetails",
              .response_schema = "Staff",
              .handler = [&context](const ApiRequest& r) { return EditStaff(context, r); }});
  router.Add({.method = "PUT",
              .path = "/api/v1/staff/{staff_id}/status",
              .roles = writers,
              .summary = "Set the status; 'left' retires every credential",
              .request_schema = "StaffStatusChange",
              .response_schema = "Staff",
              .handler = [&context](const ApiRequest& r) { return SetStatus(context, r); }});
  router.Add({.method = "PUT",
              .path = "/api/v1/staff/{staff_id}/validity",
              .roles = writers,
              .summary = "Replace the validity period",
              .request_schema = "StaffValidity",
              .response_schema = "Staff",
              .handler = [&context](const ApiRequest& r) { return SetValidity(context, r); }});
}

}  // namespace sekisho::server
