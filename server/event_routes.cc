#include "server/event_routes.h"

#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "server/api_registry_json.h"
#include "server/api_routes.h"
#include "server/event_json.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxObjectId = std::numeric_limits<std::uint32_t>::max();

Result<EventIndex*> IndexOf(ApiContext& context) {
  if (context.events == nullptr) return UnavailableError("this server keeps no event index");
  return context.events;
}

// The staff reference of the caller's staff member.
Result<policy::StaffRef> CallerStaffRef(ApiContext& context, const ApiRequest& request) {
  if (!request.session->staff.has_value()) {
    return FailedPreconditionError("this account is not linked to a staff member");
  }
  ASSIGN_OR_RETURN(store::Staff staff,
                   context.registry.GetStaff(context.organisation, *request.session->staff));
  policy::StaffRef ref;
  std::copy(staff.staff_ref.view().begin(), staff.staff_ref.view().end(), ref.begin());
  return ref;
}

// since, until, limit and page_token of `request` into `query`.
Status ReadTimeAndPage(const ApiRequest& request, EventQuery& query) {
  if (std::string_view since = request.QueryText("since"); !since.empty()) {
    ASSIGN_OR_RETURN(query.since, ParseApiTime("since", since));
  }
  if (std::string_view until = request.QueryText("until"); !until.empty()) {
    ASSIGN_OR_RETURN(query.until, ParseApiTime("until", until));
  }
  ASSIGN_OR_RETURN(store::PageRequest page, PageRequestOf(request));
  query.limit = page.limit;
  query.page_token = std::move(page.page_token);
  return OkStatus();
}

Result<ApiResponse> PageResponse(ApiContext& context, const EventPage& page) {
  ASSIGN_OR_RETURN(EventNames names, LookUpEventNames(context.registry, context.sites,
                                                      context.organisation, page.items));
  json items = json::array();
  for (const IndexedEvent& e : page.items) items.push_back(EventToJson(e, names));
  return JsonResponse({{"items", items}, {"next_page_token", page.next_page_token}});
}

Result<ApiResponse> ListDoorEvents(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(EventIndex * index, IndexOf(context));
  EventQuery query;
  if (request.query.contains("door")) {
    ASSIGN_OR_RETURN(const std::int64_t door, request.QueryInt("door", 1, kMaxObjectId, 0));
    query.door = static_cast<policy::ObjectId>(door);
  }
  if (request.query.contains("gate")) {
    ASSIGN_OR_RETURN(const std::int64_t gate, request.QueryInt("gate", 1, kMaxObjectId, 0));
    query.gate = static_cast<gate::GateId>(gate);
  }
  if (request.query.contains("result")) {
    ASSIGN_OR_RETURN(query.result, ParseEventResult(request.QueryText("result")));
  }
  if (request.query.contains("reason")) query.reason = std::string(request.QueryText("reason"));
  if (request.query.contains("staff_id")) {
    ASSIGN_OR_RETURN(const std::int64_t id,
                     request.QueryInt("staff_id", 1, std::numeric_limits<std::int64_t>::max(), 0));
    ASSIGN_OR_RETURN(store::Staff staff,
                     context.registry.GetStaff(context.organisation, store::StaffId(id)));
    policy::StaffRef ref;
    std::copy(staff.staff_ref.view().begin(), staff.staff_ref.view().end(), ref.begin());
    query.staff = ref;
  }
  RETURN_IF_ERROR(ReadTimeAndPage(request, query));
  ASSIGN_OR_RETURN(EventPage page, index->Query(query));
  return PageResponse(context, page);
}

Result<ApiResponse> MyEvents(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(EventIndex * index, IndexOf(context));
  EventQuery query;
  ASSIGN_OR_RETURN(query.staff, CallerStaffRef(context, request));
  RETURN_IF_ERROR(ReadTimeAndPage(request, query));
  ASSIGN_OR_RETURN(EventPage page, index->Query(query));
  return PageResponse(context, page);
}

// What the proof route reads from the log under one lock.
struct ProofParts {
  audit::SignedCheckpoint checkpoint;
  audit::StoredEntry entry;
  audit::InclusionProof proof;
};

Result<ApiResponse> MyEventProof(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(EventIndex * index, IndexOf(context));
  if (context.checkpoint_key == nullptr) {
    return UnavailableError("this server cannot publish the audit log's key");
  }
  auto it = request.path.find("id");
  ASSIGN_OR_RETURN(const std::int64_t id,
                   ParseIntParam("id", it == request.path.end() ? "" : it->second, 0,
                                 static_cast<std::int64_t>(audit::kMaxTreeSize) - 1));
  ASSIGN_OR_RETURN(const policy::StaffRef caller, CallerStaffRef(context, request));
  const Status not_yours = NotFoundError("no event " + std::to_string(id) + " of yours");
  Result<IndexedEvent> event = index->Get(static_cast<std::uint64_t>(id));
  if (!event.ok()) {
    if (event.status().code() == StatusCode::kNotFound) return not_yours;
    return event.status();
  }
  // Another staff member's event is answered exactly as a missing one.
  if (event->event.staff != caller) return not_yours;

  const Ed25519PrivateKey& key = *context.checkpoint_key;
  ASSIGN_OR_RETURN(
      ProofParts parts, context.audit_log.With([&](audit::AuditLog& log) -> Result<ProofParts> {
        RETURN_IF_ERROR(log.Refresh());
        ASSIGN_OR_RETURN(std::optional<audit::SignedCheckpoint> latest, log.LatestCheckpoint());
        if (!latest || latest->checkpoint.tree_size <= event->id) {
          // No checkpoint covers the event yet: sign one of the whole log now.
          ASSIGN_OR_RETURN(latest, log.AddCheckpoint(key));
        }
        ProofParts p{*std::move(latest), {}, {}};
        ASSIGN_OR_RETURN(p.entry, log.GetRecord(event->id));
        ASSIGN_OR_RETURN(p.proof, log.ProveInclusion(event->id, p.checkpoint.checkpoint.tree_size));
        return p;
      }));
  if (parts.entry.erased()) return not_yours;  // erased since it was looked up

  ASSIGN_OR_RETURN(EventNames names, LookUpEventNames(context.registry, context.sites,
                                                      context.organisation, std::span(&*event, 1)));
  const audit::Checkpoint& cp = parts.checkpoint.checkpoint;
  char key_id[9];
  std::snprintf(key_id, sizeof key_id, "%08x", audit::CheckpointKeyId(cp.origin, key.public_key()));
  return JsonResponse({{"event", EventToJson(*event, names)},
                       {"record",
                        {{"index", parts.entry.index},
                         {"kind", audit::RecordKindName(parts.entry.kind)},
                         {"kind_code", static_cast<int>(parts.entry.kind)},
                         {"salt", ToHex(*parts.entry.salt)},
                         {"content", ToHex(*parts.entry.record)},
                         {"leaf_hash", audit::HashHex(parts.entry.leaf_hash)}}},
                       {"inclusion",
                        {{"leaf_index", parts.proof.leaf_index},
                         {"tree_size", parts.proof.tree_size},
                         {"path", HashListToJson(parts.proof.path)}}},
                       {"checkpoint",
                        {{"text", parts.checkpoint.text},
                         {"origin", cp.origin},
                         {"tree_size", cp.tree_size},
                         {"root", audit::HashHex(cp.root)},
                         {"time", FormatApiTime(cp.time)}}},
                       {"log_key",
                        {{"name", cp.origin},
                         {"key_id", key_id},
                         {"algorithm", "ed25519"},
                         {"public_key", ToHex(key.public_key().bytes())}}}});
}

std::vector<QueryParam> TimeAndPagingQuery() {
  std::vector<QueryParam> q = {
      {.name = "since", .description = "events at or after this time (RFC 3339)"},
      {.name = "until", .description = "events before this time (RFC 3339)"}};
  for (QueryParam& p : PagingQuery()) q.push_back(std::move(p));
  return q;
}

}  // namespace

void AddDoorEventRoutes(ApiRouter& router, ApiContext& context) {
  const json string = {{"type", "string"}};
  const json integer = {{"type", "integer"}};
  const json nullable_string = {{"type", "string"}, {"nullable", true}};
  router.AddSchema(
      "DoorEvent",
      {{"type", "object"},
       {"properties",
        {{"id", {{"type", "integer"}, {"description", "the record's index in the audit log"}}},
         {"time", {{"type", "string"}, {"format", "date-time"}}},
         {"gate", integer},
         {"door",
          {{"type", "object"}, {"properties", {{"id", integer}, {"name", nullable_string}}}}},
         {"kind", {{"type", "string"}, {"enum", {"access", "door-held-open", "door-forced"}}}},
         {"result", {{"type", "string"}, {"enum", {"granted", "denied", "alarm"}}}},
         {"reason", string},
         {"assurance", {{"type", "string"}, {"nullable", true}, {"enum", {"card", "card+pin"}}}},
         {"error", nullable_string},
         {"offline", {{"type", "boolean"}}},
         {"anti_passback", {{"type", "boolean"}}},
         {"staff_id", {{"type", "integer"}, {"nullable", true}}}}}});
  router.AddSchema(
      "DoorEventPage",
      {{"type", "object"},
       {"properties",
        {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/DoorEvent"}}}}},
         {"next_page_token", string}}}});
  router.AddSchema("DoorEventProof",
                   {{"type", "object"},
                    {"properties",
                     {{"event", {{"$ref", "#/components/schemas/DoorEvent"}}},
                      {"record",
                       {{"type", "object"},
                        {"properties",
                         {{"index", integer},
                          {"kind", string},
                          {"kind_code", integer},
                          {"salt", string},
                          {"content", string},
                          {"leaf_hash", string}}}}},
                      {"inclusion",
                       {{"type", "object"},
                        {"properties",
                         {{"leaf_index", integer},
                          {"tree_size", integer},
                          {"path", {{"type", "array"}, {"items", string}}}}}}},
                      {"checkpoint",
                       {{"type", "object"},
                        {"properties",
                         {{"text", string},
                          {"origin", string},
                          {"tree_size", integer},
                          {"root", string},
                          {"time", {{"type", "string"}, {"format", "date-time"}}}}}}},
                      {"log_key",
                       {{"type", "object"},
                        {"properties",
                         {{"name", string},
                          {"key_id", string},
                          {"algorithm", string},
                          {"public_key", string}}}}}}}});

  std::vector<QueryParam> filters = {
      {.name = "door", .type = "integer", .description = "only this door"},
      {.name = "gate", .type = "integer", .description = "only this gate"},
      {.name = "result", .description = "granted, denied or alarm"},
      {.name = "reason",
       .description = "a reason (granted, revoked, outside-schedule, ...) or an alarm "
                      "(door-forced, door-held-open)"},
      {.name = "staff_id", .type = "integer", .description = "only this staff member's events"}};
  for (QueryParam& p : TimeAndPagingQuery()) filters.push_back(std::move(p));
  router.Add({.method = "GET",
              .path = "/api/v1/events",
              .roles = {Role::kSecurityAdmin, Role::kAuditor},
              .summary = "The doors' events, newest first, filtered and paged",
              .response_schema = "DoorEventPage",
              .query = filters,
              .handler = [&context](const ApiRequest& r) { return ListDoorEvents(context, r); }});
  router.Add({.method = "GET",
              .path = "/api/v1/me/events",
              .roles = {Role::kStaff},
              .summary = "The caller's own door events, newest first, paged",
              .response_schema = "DoorEventPage",
              .query = TimeAndPagingQuery(),
              .handler = [&context](const ApiRequest& r) { return MyEvents(context, r); }});
  router.Add({.method = "GET",
              .path = "/api/v1/me/events/{id}/proof",
              .roles = {Role::kStaff},
              .summary = "One of the caller's events with its inclusion proof in the audit log",
              .response_schema = "DoorEventProof",
              .handler = [&context](const ApiRequest& r) { return MyEventProof(context, r); }});
}

}  // namespace sekisho::server
