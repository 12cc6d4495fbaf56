// Erasure requests (/api/v1/audit/erasure-requests, server/erasure_requests.h): security admins
// and HR ask for one audit record's content to be erased, with a reason from a fixed list; an
// auditor who did not ask approves (the log erases the content and appends its erasure record,
// docs/formats/audit-log.md "Erasure") or rejects. Each request and decision is also an admin
// record of the log, so the log itself shows who asked, who decided and why.
#include <cstdint>
#include <optional>
#include <string>

#include "audit/record.h"
#include "server/api_audit_record.h"
#include "server/api_registry_json.h"
#include "server/api_routes.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxRecord = static_cast<std::int64_t>(audit::kMaxTreeSize) - 1;

json RequestToJson(const ErasureRequest& r) {
  return {{"id", r.id.value()},
          {"record", r.record},
          {"reason", ErasureReasonName(r.reason)},
          {"state", ErasureStateName(r.state)},
          {"requested_by", r.requested_by},
          {"requested_at", FormatApiTime(r.requested_at)},
          {"request_entry", r.request_entry},
          {"decided_by", r.decided_by ? json(*r.decided_by) : json(nullptr)},
          {"decided_at", r.decided_at ? json(FormatApiTime(*r.decided_at)) : json(nullptr)},
          {"erasure_entry", r.erasure_entry ? json(*r.erasure_entry) : json(nullptr)}};
}

Result<ErasureRequestStore*> Store(const ApiContext& context) {
  if (context.erasures == nullptr) {
    return UnavailableError("erasure requests are not kept by this server");
  }
  return context.erasures;
}

// The record must exist, hold content and not be an erasure record itself.
Status CheckErasable(ApiContext& context, std::uint64_t record) {
  ASSIGN_OR_RETURN(audit::StoredEntry entry,
                   context.audit_log.With([&](audit::AuditLog& log) -> Result<audit::StoredEntry> {
                     RETURN_IF_ERROR(log.Refresh());
                     return log.GetRecord(record);
                   }));
  if (entry.kind == audit::RecordKind::kErasure) {
    return FailedPreconditionError("record " + std::to_string(record) +
                                   " is an erasure record; those stay");
  }
  if (entry.erased()) {
    return FailedPreconditionError("record " + std::to_string(record) + " is erased already");
  }
  return OkStatus();
}

Result<ApiResponse> ListRequests(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(ErasureRequestStore * store, Store(context));
  std::optional<ErasureState> state;
  if (const std::string_view text = request.QueryText("state"); !text.empty()) {
    ASSIGN_OR_RETURN(state, ParseErasureState(text));
  }
  ASSIGN_OR_RETURN(std::vector<ErasureRequest> requests, store->List(context.organisation, state));
  json items = json::array();
  for (const ErasureRequest& r : requests) items.push_back(RequestToJson(r));
  return JsonResponse({{"items", items}});
}

Result<ApiResponse> CreateRequest(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(ErasureRequestStore * store, Store(context));
  ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Of(request.body, {"record", "reason"}));
  ASSIGN_OR_RETURN(const std::int64_t record, fields.Int("record", 0, kMaxRecord));
  ASSIGN_OR_RETURN(const std::string reason_text, fields.String("reason"));
  ASSIGN_OR_RETURN(const ErasureReason reason, ParseErasureReason(reason_text));
  const auto index = static_cast<std::uint64_t>(record);
  RETURN_IF_ERROR(CheckErasable(context, index).WithContext("record"));
  ASSIGN_OR_RETURN(
      const std::uint64_t entry,
      AppendApiAdminRecord(context.audit_log, context.clock, request.session->login,
                           "erasure-requested", "audit-record/" + std::to_string(index)));
  ASSIGN_OR_RETURN(ErasureRequest created, store->Create(context.organisation, index, reason,
                                                         request.session->login, entry));
  return JsonResponse(RequestToJson(created), 201);
}

// The pending request named by the path, and a check that the caller is not the one who asked
// for it (two people for every erasure).
Result<ErasureRequest> PendingForDecision(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(ErasureRequestStore * store, Store(context));
  ASSIGN_OR_RETURN(const std::int64_t id, request.PathId("request_id"));
  ASSIGN_OR_RETURN(ErasureRequest pending, store->Get(context.organisation, ErasureRequestId(id)));
  if (pending.state != ErasureState::kPending) {
    return FailedPreconditionError("erasure request " + std::to_string(id) + " is " +
                                   std::string(ErasureStateName(pending.state)) + " already");
  }
  if (pending.requested_by == request.session->login) {
    return PermissionDeniedError("an erasure request is decided by someone other than its author");
  }
  return pending;
}

// The erasure record that names `record`, searched from the newest record back to it; nullopt
// when `record` still holds its content or no erasure record names it.
Result<std::optional<std::uint64_t>> ErasureRecordOf(audit::AuditLog& log, std::uint64_t record) {
  ASSIGN_OR_RETURN(const audit::StoredEntry target, log.GetRecord(record));
  if (!target.erased()) return std::optional<std::uint64_t>();
  for (std::uint64_t i = log.size(); i-- > record + 1;) {
    ASSIGN_OR_RETURN(const audit::StoredEntry entry, log.GetRecord(i));
    if (entry.kind != audit::RecordKind::kErasure || !entry.record) continue;
    Result<std::uint64_t> named = audit::ParseErasureRecord(*entry.record);
    if (named.ok() && *named == record) return std::optional<std::uint64_t>(i);
  }
  return std::optional<std::uint64_t>();
}

// Erases the request's record. A record erased already (an approval that stopped between the
// erasure and the decision, or an erasure by other means) gives the erasure record that did it,
// so approving again completes the request instead of refusing it.
Result<std::uint64_t> EraseForRequest(ApiContext& context, std::uint64_t record) {
  return context.audit_log.With([&](audit::AuditLog& log) -> Result<std::uint64_t> {
    RETURN_IF_ERROR(log.Refresh());
    ASSIGN_OR_RETURN(const std::optional<std::uint64_t> done, ErasureRecordOf(log, record));
    if (done) return *done;
    return log.Erase(record);
  });
}

Result<ApiResponse> Approve(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const ErasureRequest pending, PendingForDecision(context, request));
  ASSIGN_OR_RETURN(const std::uint64_t erasure, EraseForRequest(context, pending.record));
  ASSIGN_OR_RETURN(
      ErasureRequest decided,
      context.erasures->Decide(context.organisation, pending.id, ErasureState::kApproved,
                               request.session->login, erasure));
  RETURN_IF_ERROR(AppendApiAdminRecord(context.audit_log, context.clock, request.session->login,
                                       "erasure-approved",
                                       "erasure-request/" + std::to_string(pending.id.value()))
                      .status());
  if (context.records_erased) context.records_erased();
  return JsonResponse(RequestToJson(decided));
}

Result<ApiResponse> Reject(ApiContext& context, const ApiRequest& request) {
  ASSIGN_OR_RETURN(const ErasureRequest pending, PendingForDecision(context, request));
  ASSIGN_OR_RETURN(
      ErasureRequest decided,
      context.erasures->Decide(context.organisation, pending.id, ErasureState::kRejected,
                               request.session->login, std::nullopt));
  RETURN_IF_ERROR(AppendApiAdminRecord(context.audit_log, context.clock, request.session->login,
                                       "erasure-rejected",
                                       "erasure-request/" + std::to_string(pending.id.value()))
                      .status());
  return JsonResponse(RequestToJson(decided));
}

}  // namespace

void AddErasureRoutes(ApiRouter& router, ApiContext& context) {
  const json nullable_int = {{"type", "integer"}, {"nullable", true}};
  router.AddSchema(
      "ErasureRequest",
      {{"type", "object"},
       {"properties",
        {{"id", {{"type", "integer"}}},
         {"record", {{"type", "integer"}}},
         {"reason", {{"type", "string"}}},
         {"state", {{"type", "string"}, {"enum", {"pending", "approved", "rejected"}}}},
         {"requested_by", {{"type", "string"}}},
         {"requested_at", {{"type", "string"}, {"format", "date-time"}}},
         {"request_entry", {{"type", "integer"}}},
         {"decided_by", {{"type", "string"}, {"nullable", true}}},
         {"decided_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
         {"erasure_entry", nullable_int}}}});
  router.AddSchema(
      "ErasureRequestList",
      {{"type", "object"},
       {"properties",
        {{"items",
          {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/ErasureRequest"}}}}}}}});
  router.AddSchema(
      "NewErasureRequest",
      {{"type", "object"},
       {"additionalProperties", false},
       {"required", {"record", "reason"}},
       {"properties",
        {{"record", {{"type", "integer"}, {"minimum", 0}}},
         {"reason",
          {{"type", "string"},
           {"enum", {"data-subject-request", "retention-expired", "recorded-in-error"}}}}}}});

  router.Add({.method = "GET",
              .path = "/api/v1/audit/erasure-requests",
              .roles = {Role::kSecurityAdmin, Role::kHr, Role::kAuditor},
              .summary = "Erasure requests, newest first; `state` keeps one state",
              .response_schema = "ErasureRequestList",
              .query = {{.name = "state", .type = "string"}},
              .handler = [&context](const ApiRequest& r) { return ListRequests(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/audit/erasure-requests",
              .roles = {Role::kSecurityAdmin, Role::kHr},
              .summary = "Ask for one audit record's content to be erased",
              .request_schema = "NewErasureRequest",
              .response_schema = "ErasureRequest",
              .success_status = 201,
              .handler = [&context](const ApiRequest& r) { return CreateRequest(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/audit/erasure-requests/{request_id}/approve",
              .roles = {Role::kAuditor},
              .summary = "Approve a pending request: the record's content is erased",
              .response_schema = "ErasureRequest",
              .handler = [&context](const ApiRequest& r) { return Approve(context, r); }});
  router.Add({.method = "POST",
              .path = "/api/v1/audit/erasure-requests/{request_id}/reject",
              .roles = {Role::kAuditor},
              .summary = "Reject a pending request: the record stays",
              .response_schema = "ErasureRequest",
              .handler = [&context](const ApiRequest& r) { return Reject(context, r); }});
}

}  // namespace sekisho::server
