// Site objects (/api/v1/sites, zones, doors, schedules, levels, level-assignments) through
// site/site_store.h in their site/model_json.h form: security admins write, HR and auditors read.
// Each write is recorded in the audit log (server/api_audit_record.h) and republished to the
// gates (policy_changed). Lockdown and threat level are their own small writes on a site.
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "server/api_audit_record.h"
#include "server/api_routes.h"
#include "site/model_json.h"

namespace sekisho::server {
namespace {

using nlohmann::json;
using site::SiteStore;

// One kind of site object and the store's and JSON functions for it.
template <typename T>
struct SiteKind {
  std::string singular;  // "door": the audit object prefix and action stem
  std::string plural;    // "doors": the path segment
  std::string schema;    // "Door"
  std::function<json(const T&)> to_json;
  std::function<Result<T>(const json&)> from_json;
  std::function<policy::ObjectId&(T&)> id_of;
  Result<T> (SiteStore::*create)(store::OrganisationId, const T&);
  Result<T> (SiteStore::*update)(store::OrganisationId, const T&);
  Status (SiteStore::*remove)(store::OrganisationId, policy::ObjectId);
  Result<T> (SiteStore::*get)(store::OrganisationId, policy::ObjectId);
  Result<std::vector<T>> (SiteStore::*list)(store::OrganisationId);
};

Result<policy::ObjectId> ObjectIdOf(const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t id,
                   request.PathId("id", std::numeric_limits<policy::ObjectId>::max()));
  return static_cast<policy::ObjectId>(id);
}

// After a committed write: republish to the gates, then append the audit record.
Status Written(ApiContext& context, const ApiRequest& request, const std::string& action,
               const std::string& object) {
  NotifyPolicyChanged(context);
  return AppendApiAdminRecord(context.audit_log, context.clock, request.session->login, action,
                              object)
      .status();
}

// A staff id in an assignment must name a staff member of the organisation (the site store
// cannot check it).
Status CheckStaff(ApiContext& context, const site::LevelAssignment& assignment) {
  Result<store::Staff> staff = context.registry.GetStaff(context.organisation, assignment.staff);
  if (!staff.ok() && staff.status().code() == StatusCode::kNotFound) {
    return InvalidArgumentError("staff: staff member " + std::to_string(assignment.staff.value()) +
                                " does not exist");
  }
  return staff.status();
}

// References the site store cannot check: none, but an assignment's staff member.
template <typename T>
Status CheckReferences(ApiContext&, const T&) {
  return OkStatus();
}
Status CheckReferences(ApiContext& context, const site::LevelAssignment& assignment) {
  return CheckStaff(context, assignment);
}

template <typename T>
void AddKind(ApiRouter& router, ApiContext& context, SiteKind<T> kind) {
  const std::vector<Role> readers = {Role::kSecurityAdmin, Role::kHr, Role::kAuditor};
  const std::vector<Role> writers = {Role::kSecurityAdmin};
  const std::string collection = "/api/v1/" + kind.plural;
  const std::string item = collection + "/{id}";
  router.AddSchema(kind.schema, {{"type", "object"}, {"description", "docs/formats/site-json.md"}});
  router.AddSchema(
      kind.schema + "List",
      {{"type", "object"},
       {"properties",
        {{"items",
          {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + kind.schema}}}}}}}});
  auto shared = std::make_shared<SiteKind<T>>(std::move(kind));
  SiteStore* sites = &context.sites;

  router.Add({.method = "GET",
              .path = collection,
              .roles = readers,
              .summary = "Every " + shared->singular + " of the organisation",
              .response_schema = shared->schema + "List",
              .handler = [&context, shared, sites](const ApiRequest&) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(std::vector<T> all,
                                 (sites->*(shared->list))(context.organisation));
                json items = json::array();
                for (const T& value : all) items.push_back(shared->to_json(value));
                return JsonResponse({{"items", items}});
              }});
  router.Add(
      {.method = "POST",
       .path = collection,
       .roles = writers,
       .summary = "Create a " + shared->singular,
       .request_schema = shared->schema,
       .response_schema = shared->schema,
       .success_status = 201,
       .handler = [&context, shared, sites](const ApiRequest& r) -> Result<ApiResponse> {
         ASSIGN_OR_RETURN(T value, shared->from_json(r.body));
         RETURN_IF_ERROR(CheckReferences(context, value));
         ASSIGN_OR_RETURN(T created, (sites->*(shared->create))(context.organisation, value));
         RETURN_IF_ERROR(Written(context, r, shared->singular + "-created",
                                 shared->singular + "/" + std::to_string(shared->id_of(created))));
         return JsonResponse(shared->to_json(created), 201);
       }});
  router.Add({.method = "GET",
              .path = item,
              .roles = readers,
              .summary = "One " + shared->singular,
              .response_schema = shared->schema,
              .handler = [&context, shared, sites](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(const policy::ObjectId id, ObjectIdOf(r));
                ASSIGN_OR_RETURN(T value, (sites->*(shared->get))(context.organisation, id));
                return JsonResponse(shared->to_json(value));
              }});
  router.Add({.method = "PUT",
              .path = item,
              .roles = writers,
              .summary = "Replace a " + shared->singular,
              .request_schema = shared->schema,
              .response_schema = shared->schema,
              .handler = [&context, shared, sites](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(const policy::ObjectId id, ObjectIdOf(r));
                ASSIGN_OR_RETURN(T value, shared->from_json(r.body));
                policy::ObjectId& body_id = shared->id_of(value);
                if (body_id != policy::kNone && body_id != id) {
                  return InvalidArgumentError("id: " + std::to_string(body_id) +
                                              " differs from the URL's " + std::to_string(id));
                }
                body_id = id;
                RETURN_IF_ERROR(CheckReferences(context, value));
                ASSIGN_OR_RETURN(T updated,
                                 (sites->*(shared->update))(context.organisation, value));
                RETURN_IF_ERROR(Written(context, r, shared->singular + "-updated",
                                        shared->singular + "/" + std::to_string(id)));
                return JsonResponse(shared->to_json(updated));
              }});
  router.Add({.method = "DELETE",
              .path = item,
              .roles = writers,
              .summary = "Delete a " + shared->singular + " that nothing uses",
              .success_status = 204,
              .handler = [&context, shared, sites](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(const policy::ObjectId id, ObjectIdOf(r));
                RETURN_IF_ERROR((sites->*(shared->remove))(context.organisation, id));
                RETURN_IF_ERROR(Written(context, r, shared->singular + "-deleted",
                                        shared->singular + "/" + std::to_string(id)));
                return JsonResponse(nullptr, 204);
              }});
}

// PUT /sites/{id}/lockdown {"lockdown": bool} and /sites/{id}/threat-level {"threat_level": n}.
void AddSiteStateRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("Lockdown", {{"type", "object"},
                                {"additionalProperties", false},
                                {"required", {"lockdown"}},
                                {"properties", {{"lockdown", {{"type", "boolean"}}}}}});
  router.AddSchema("ThreatLevel",
                   {{"type", "object"},
                    {"additionalProperties", false},
                    {"required", {"threat_level"}},
                    {"properties",
                     {{"threat_level", {{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}}}}});
  router.Add({.method = "PUT",
              .path = "/api/v1/sites/{id}/lockdown",
              .roles = {Role::kSecurityAdmin},
              .summary = "Lock a site down, or lift the lockdown",
              .request_schema = "Lockdown",
              .response_schema = "Site",
              .handler = [&context](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(const policy::ObjectId id, ObjectIdOf(r));
                ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(r.body, {"lockdown"}));
                ASSIGN_OR_RETURN(const bool lockdown, fields.Bool("lockdown"));
                RETURN_IF_ERROR(context.sites.SetLockdown(context.organisation, id, lockdown));
                RETURN_IF_ERROR(Written(context, r, lockdown ? "lockdown-set" : "lockdown-lifted",
                                        "site/" + std::to_string(id)));
                ASSIGN_OR_RETURN(site::Site after, context.sites.GetSite(context.organisation, id));
                return JsonResponse(site::SiteToJson(after));
              }});
  router.Add({.method = "PUT",
              .path = "/api/v1/sites/{id}/threat-level",
              .roles = {Role::kSecurityAdmin},
              .summary = "Set a site's threat level",
              .request_schema = "ThreatLevel",
              .response_schema = "Site",
              .handler = [&context](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(const policy::ObjectId id, ObjectIdOf(r));
                ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(r.body, {"threat_level"}));
                ASSIGN_OR_RETURN(const std::int64_t level, fields.Int("threat_level", 0, 255));
                RETURN_IF_ERROR(context.sites.SetThreatLevel(context.organisation, id,
                                                             static_cast<std::uint8_t>(level)));
                RETURN_IF_ERROR(
                    Written(context, r, "threat-level-set", "site/" + std::to_string(id)));
                ASSIGN_OR_RETURN(site::Site after, context.sites.GetSite(context.organisation, id));
                return JsonResponse(site::SiteToJson(after));
              }});
}

}  // namespace

void AddSiteRoutes(ApiRouter& router, ApiContext& context) {
  AddKind<site::Site>(
      router, context,
      {"site", "sites", "Site", site::SiteToJson, site::SiteFromJson,
       [](site::Site& v) -> policy::ObjectId& { return v.model.id; }, &SiteStore::CreateSite,
       &SiteStore::UpdateSite, &SiteStore::DeleteSite, &SiteStore::GetSite, &SiteStore::ListSites});
  AddKind<site::Zone>(
      router, context,
      {"zone", "zones", "Zone", site::ZoneToJson, site::ZoneFromJson,
       [](site::Zone& v) -> policy::ObjectId& { return v.model.id; }, &SiteStore::CreateZone,
       &SiteStore::UpdateZone, &SiteStore::DeleteZone, &SiteStore::GetZone, &SiteStore::ListZones});
  AddKind<site::Door>(
      router, context,
      {"door", "doors", "Door", site::DoorToJson, site::DoorFromJson,
       [](site::Door& v) -> policy::ObjectId& { return v.model.id; }, &SiteStore::CreateDoor,
       &SiteStore::UpdateDoor, &SiteStore::DeleteDoor, &SiteStore::GetDoor, &SiteStore::ListDoors});
  AddKind<site::Schedule>(
      router, context,
      {"schedule", "schedules", "Schedule", site::ScheduleToJson, site::ScheduleFromJson,
       [](site::Schedule& v) -> policy::ObjectId& { return v.model.id; },
       &SiteStore::CreateSchedule, &SiteStore::UpdateSchedule, &SiteStore::DeleteSchedule,
       &SiteStore::GetSchedule, &SiteStore::ListSchedules});
  AddKind<site::AccessLevel>(
      router, context,
      {"level", "levels", "Level", site::LevelToJson, site::LevelFromJson,
       [](site::AccessLevel& v) -> policy::ObjectId& { return v.model.id; },
       &SiteStore::CreateLevel, &SiteStore::UpdateLevel, &SiteStore::DeleteLevel,
       &SiteStore::GetLevel, &SiteStore::ListLevels});
  AddKind<site::LevelAssignment>(
      router, context,
      {"level-assignment", "level-assignments", "LevelAssignment", site::AssignmentToJson,
       site::AssignmentFromJson, [](site::LevelAssignment& v) -> policy::ObjectId& { return v.id; },
       &SiteStore::CreateAssignment, &SiteStore::UpdateAssignment, &SiteStore::DeleteAssignment,
       &SiteStore::GetAssignment, &SiteStore::ListAssignments});
  AddSiteStateRoutes(router, context);
}

}  // namespace sekisho::server
