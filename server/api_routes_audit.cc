// The admin events (/api/v1/admin-events) and the audit log (/api/v1/audit, DESIGN.md §5
// "Audit", P5): the latest signed checkpoint, inclusion and consistency proofs (RFC 9162
// §2.1.3, §2.1.4) and single records, for auditors to verify with `sekisho audit verify` or
// their own tools.
#include <string>

#include "server/api_registry_json.h"
#include "server/api_routes.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxSize = static_cast<std::int64_t>(audit::kMaxTreeSize);

Result<ApiResponse> ListAdminEvents(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(store::PageRequest page, PageRequestOf(request));
  ASSIGN_OR_RETURN(store::Page<store::AdminEvent> events,
                   context.registry.ListEvents(context.organisation, page));
  json items = json::array();
  for (const store::AdminEvent& e : events.items) items.push_back(AdminEventToJson(e));
  return JsonResponse({{"items", items}, {"next_page_token", events.next_page_token}});
}

Result<ApiResponse> Checkpoint(ApiContext& context) {
  ASSIGN_OR_RETURN(std::optional<audit::SignedCheckpoint> latest,
                   context.audit_log.With(
                       [](audit::AuditLog& log) -> Result<std::optional<audit::SignedCheckpoint>> {
                         RETURN_IF_ERROR(log.Refresh());
                         return log.LatestCheckpoint();
                       }));
  if (!latest.has_value()) return NotFoundError("no checkpoint has been signed yet");
  return JsonResponse({{"checkpoint", latest->text},
                       {"tree_size", latest->checkpoint.tree_size},
                       {"root", audit::HashHex(latest->checkpoint.root)},
                       {"time", FormatApiTime(latest->checkpoint.time)}});
}

Result<ApiResponse> Inclusion(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t index, request.QueryInt("index", 0, kMaxSize - 1, -1));
  ASSIGN_OR_RETURN(const std::int64_t size, request.QueryInt("size", 1, kMaxSize, -1));
  if (index >= size) {
    return InvalidArgumentError("index: " + std::to_string(index) + " is not below the tree size " +
                                std::to_string(size));
  }
  ASSIGN_OR_RETURN(
      audit::InclusionProof proof,
      context.audit_log.With([&](audit::AuditLog& log) -> Result<audit::InclusionProof> {
        RETURN_IF_ERROR(log.Refresh());
        return log.ProveInclusion(static_cast<std::uint64_t>(index),
                                  static_cast<std::uint64_t>(size));
      }));
  return JsonResponse({{"leaf_index", proof.leaf_index},
                       {"tree_size", proof.tree_size},
                       {"path", HashListToJson(proof.path)}});
}

Result<ApiResponse> Consistency(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const std::int64_t first, request.QueryInt("first", 0, kMaxSize, -1));
  ASSIGN_OR_RETURN(const std::int64_t second, request.QueryInt("second", 0, kMaxSize, -1));
  if (first > second) {
    return InvalidArgumentError("first: " + std::to_string(first) +
                                " is larger than second: " + std::to_string(second));
  }
  ASSIGN_OR_RETURN(
      audit::ConsistencyProof proof,
      context.audit_log.With([&](audit::AuditLog& log) -> Result<audit::ConsistencyProof> {
        RETURN_IF_ERROR(log.Refresh());
        return log.ProveConsistency(static_cast<std::uint64_t>(first),
                                    static_cast<std::uint64_t>(second));
      }));
  return JsonResponse({{"first_size", proof.first_size},
                       {"second_size", proof.second_size},
                       {"path", HashListToJson(proof.path)}});
}

Result<ApiResponse> Record(ApiContext& context, const ApiRequest& request) {
  auto it = request.path.find("index");
  ASSIGN_OR_RETURN(
      const std::int64_t index,
      ParseIntParam("index", it == request.path.end() ? "" : it->second, 0, kMaxSize - 1));
  ASSIGN_OR_RETURN(audit::StoredEntry entry,
                   context.audit_log.With([&](audit::AuditLog& log) -> Result<audit::StoredEntry> {
                     RETURN_IF_ERROR(log.Refresh());
                     return log.GetRecord(static_cast<std::uint64_t>(index));
                   }));
  return JsonResponse({{"index", entry.index},
                       {"kind", audit::RecordKindName(entry.kind)},
                       {"leaf_hash", audit::HashHex(entry.leaf_hash)},
                       {"erased", entry.erased()},
                       {"salt", entry.salt ? json(ToHex(*entry.salt)) : json(nullptr)},
                       {"record", entry.record ? json(ToHex(*entry.record)) : json(nullptr)}});
}

json ProofSchema(const char* first, const char* second) {
  return {{"type", "object"},
          {"properties",
           {{first, {{"type", "integer"}}},
            {second, {{"type", "integer"}}},
            {"path", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
}

}  // namespace

void AddEventRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("AdminEventPage",
                   {{"type", "object"},
                    {"properties",
                     {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                      {"next_page_token", {{"type", "string"}}}}}});
  router.Add({.method = "GET",
              .path = "/api/v1/admin-events",
              .roles = {Role::kAuditor, Role::kSecurityAdmin},
              .summary = "The organisation's admin events, newest first, paged",
              .response_schema = "AdminEventPage",
              .query = PagingQuery(),
              .handler = [&context](const ApiRequest& r) { return ListAdminEvents(context, r); }});
}

void AddAuditRoutes(ApiRouter& router, ApiContext& context) {
  router.AddSchema("AuditCheckpoint",
                   {{"type", "object"},
                    {"properties",
                     {{"checkpoint", {{"type", "string"}}},
                      {"tree_size", {{"type", "integer"}}},
                      {"root", {{"type", "string"}}},
                      {"time", {{"type", "string"}, {"format", "date-time"}}}}}});
  router.AddSchema("InclusionProof", ProofSchema("leaf_index", "tree_size"));
  router.AddSchema("ConsistencyProof", ProofSchema("first_size", "second_size"));
  router.AddSchema("AuditRecord", {{"type", "object"},
                                   {"properties",
                                    {{"index", {{"type", "integer"}}},
                                     {"kind", {{"type", "string"}}},
                                     {"leaf_hash", {{"type", "string"}}},
                                     {"erased", {{"type", "boolean"}}},
                                     {"salt", {{"type", "string"}, {"nullable", true}}},
                                     {"record", {{"type", "string"}, {"nullable", true}}}}}});
  const std::vector<Role> auditors = {Role::kAuditor};
  router.Add({.method = "GET",
              .path = "/api/v1/audit/checkpoint",
              .roles = auditors,
              .summary = "The latest signed checkpoint (C2SP tlog-checkpoint text)",
              .response_schema = "AuditCheckpoint",
              .handler = [&context](const ApiRequest&) { return Checkpoint(context); }});
  router.Add({.method = "GET",
              .path = "/api/v1/audit/proofs/inclusion",
              .roles = auditors,
              .summary = "Inclusion proof of record `index` in the tree of `size` records",
              .response_schema = "InclusionProof",
              .query = {{.name = "index", .type = "integer", .required = true},
                        {.name = "size", .type = "integer", .required = true}},
              .handler = [&context](const ApiRequest& r) { return Inclusion(context, r); }});
  router.Add({.method = "GET",
              .path = "/api/v1/audit/proofs/consistency",
              .roles = auditors,
              .summary = "Consistency proof between the trees of `first` and `second` records",
              .response_schema = "ConsistencyProof",
              .query = {{.name = "first", .type = "integer", .required = true},
                        {.name = "second", .type = "integer", .required = true}},
              .handler = [&context](const ApiRequest& r) { return Consistency(context, r); }});
  router.Add({.method = "GET",
              .path = "/api/v1/audit/records/{index}",
              .roles = auditors,
              .summary = "One record, its salt and leaf hash (hex); null content once erased",
              .response_schema = "AuditRecord",
              .handler = [&context](const ApiRequest& r) { return Record(context, r); }});
}

}  // namespace sekisho::server
