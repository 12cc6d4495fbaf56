#include "server/gate_routes.h"

#include <spdlog/spdlog.h>

#include "server/api_audit_record.h"
#include "server/api_registry_json.h"
#include "site/site_store.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

json GateToJson(const GateRecord& gate, const GateHubStats& stats) {
  json j = {{"id", gate.id},
            {"name", gate.name},
            {"status", std::string(GateStatusName(gate.status))},
            {"policy_version", gate.policy_version},
            {"events_received", gate.chain.next_sequence - 1},
            {"connected", false}};
  if (gate.registered_at) j["registered_at"] = FormatApiTime(*gate.registered_at);
  if (gate.last_seen_at) j["last_seen_at"] = FormatApiTime(*gate.last_seen_at);
  for (const ConnectedGate& c : stats.gates) {
    if (c.gate == gate.id) {
      j["connected"] = true;
      j["policy_version"] = c.applied_version;
      j["address"] = c.address;
    }
  }
  return j;
}

// The body's string field `name`; kInvalidArgument naming it otherwise.
Result<std::string> StringField(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    return InvalidArgumentError(std::string(name) + ": expected a string");
  }
  return it->get<std::string>();
}

Status OnlyFields(const json& body, std::initializer_list<std::string_view> known) {
  if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || key == k;
    if (!ok) return InvalidArgumentError(key + ": unknown field");
  }
  return OkStatus();
}

}  // namespace

void AddGateRoutes(ApiRouter& router, ApiContext& api, GateRoutesContext& gates) {
  router.AddSchema("Gate", {{"type", "object"},
                            {"properties",
                             {{"id", {{"type", "integer"}}},
                              {"name", {{"type", "string"}}},
                              {"status", {{"type", "string"}}},
                              {"connected", {{"type", "boolean"}}},
                              {"policy_version", {{"type", "integer"}}},
                              {"events_received", {{"type", "integer"}}}}}});
  router.AddSchema(
      "GateList",
      {{"type", "object"},
       {"properties",
        {{"gates", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Gate"}}}}},
         {"published_version", {{"type", "integer"}}}}}});
  router.AddSchema("NewGate", {{"type", "object"},
                               {"required", {"name"}},
                               {"properties", {{"name", {{"type", "string"}}}}}});
  router.AddSchema("GateToken", {{"type", "object"},
                                 {"properties",
                                  {{"gate", {{"type", "integer"}}},
                                   {"name", {{"type", "string"}}},
                                   {"token", {{"type", "string"}}}}}});
  router.AddSchema("GateRegistration", {{"type", "object"},
                                        {"required", {"token", "csr", "batch_public_key"}},
                                        {"properties",
                                         {{"token", {{"type", "string"}}},
                                          {"csr", {{"type", "string"}}},
                                          {"batch_public_key", {{"type", "string"}}}}}});
  router.AddSchema("GateRegistered",
                   {{"type", "object"},
                    {"properties",
                     {{"gate", {{"type", "integer"}}},
                      {"name", {{"type", "string"}}},
                      {"certificate", {{"type", "string"}}},
                      {"organisation_key", {{"type", "string"}}},
                      {"snapshot_public_key", {{"type", "string"}}},
                      {"organisation", {{"type", "string"}}},
                      {"doors", {{"type", "array"}, {"items", {{"type", "integer"}}}}}}}});

  router.Add(
      {.method = "GET",
       .path = "/api/v1/gates",
       .roles = {Role::kSecurityAdmin, Role::kAuditor},
       .summary = "The gates, with their connection and policy state",
       .response_schema = "GateList",
       .handler = [&api, &gates](const ApiRequest&) -> Result<ApiResponse> {
         ASSIGN_OR_RETURN(std::vector<GateRecord> list, gates.gates.List(api.organisation));
         const GateHubStats stats = gates.hub.Stats();
         json out = json::array();
         for (const GateRecord& g : list) out.push_back(GateToJson(g, stats));
         return JsonResponse({{"gates", out}, {"published_version", stats.published_version}});
       }});

  router.Add(
      {.method = "POST",
       .path = "/api/v1/gates",
       .roles = {Role::kSecurityAdmin},
       .summary = "Create a gate and its one-time registration token (shown once)",
       .request_schema = "NewGate",
       .response_schema = "GateToken",
       .success_status = 201,
       .handler = [&api, &gates](const ApiRequest& r) -> Result<ApiResponse> {
         RETURN_IF_ERROR(OnlyFields(r.body, {"name"}));
         ASSIGN_OR_RETURN(std::string name, StringField(r.body, "name"));
         ASSIGN_OR_RETURN(NewGate created, gates.gates.CreateGate(api.organisation, name));
         RETURN_IF_ERROR(AppendApiAdminRecord(api.audit_log, api.clock, r.session->login,
                                              "gate-created",
                                              "gate/" + std::to_string(created.gate.id))
                             .status());
         return JsonResponse(
             {{"gate", created.gate.id}, {"name", created.gate.name}, {"token", created.token}},
             201);
       }});

  router.Add({.method = "POST",
              .path = "/api/v1/gates/{gate_id}/revoke",
              .roles = {Role::kSecurityAdmin},
              .summary = "Revoke a gate: its certificate is refused and its connection cut",
              .response_schema = "Gate",
              .handler = [&api, &gates](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(std::int64_t id, r.PathId("gate_id"));
                if (id > 0xFFFFFFFF) return NotFoundError("no gate " + std::to_string(id));
                const auto gate_id = static_cast<gate::GateId>(id);
                ASSIGN_OR_RETURN(GateRecord gate, gates.gates.Get(gate_id));
                if (gate.org != api.organisation) {
                  return NotFoundError("no gate " + std::to_string(id));
                }
                RETURN_IF_ERROR(gates.gates.Revoke(gate_id));
                const std::size_t closed = gates.hub.CloseGate(
                    gate_id, PermissionDeniedError("this gate was revoked by an administrator"));
                spdlog::warn("gate {} revoked by {}; {} connection(s) closed", gate_id,
                             r.session->login, closed);
                RETURN_IF_ERROR(AppendApiAdminRecord(api.audit_log, api.clock, r.session->login,
                                                     "gate-revoked",
                                                     "gate/" + std::to_string(gate_id))
                                    .status());
                ASSIGN_OR_RETURN(GateRecord revoked, gates.gates.Get(gate_id));
                return JsonResponse(GateToJson(revoked, gates.hub.Stats()));
              }});

  router.Add(
      {.method = "POST",
       .path = "/api/v1/gates/register",
       .public_route = true,
       .summary = "A gate registers with its one-time token, a CSR and its batch public key",
       .request_schema = "GateRegistration",
       .response_schema = "GateRegistered",
       .handler = [&api, &gates](const ApiRequest& r) -> Result<ApiResponse> {
         RETURN_IF_ERROR(OnlyFields(r.body, {"token", "csr", "batch_public_key"}));
         ASSIGN_OR_RETURN(std::string token, StringField(r.body, "token"));
         ASSIGN_OR_RETURN(std::string csr, StringField(r.body, "csr"));
         ASSIGN_OR_RETURN(std::string batch_hex, StringField(r.body, "batch_public_key"));
         Result<Bytes> batch_bytes = FromHex(batch_hex);
         if (!batch_bytes.ok()) {
           return InvalidArgumentError("batch_public_key: expected 32 bytes in hex");
         }
         ASSIGN_OR_RETURN(Ed25519PublicKey batch_key, Ed25519PublicKey::FromBytes(*batch_bytes));
         // The certificate is issued first (it names the gate only by what the server says);
         // it is worth nothing unless the token then registers its fingerprint.
         ASSIGN_OR_RETURN(std::string certificate,
                          net::SignCsr(gates.ca, csr, "sekisho gate", gates.certificate_validity));
         ASSIGN_OR_RETURN(std::string fingerprint, net::CertificateSha256Hex(certificate));
         ASSIGN_OR_RETURN(GateRecord gate, gates.gates.Register(token, fingerprint, batch_key));
         if (gate.org != api.organisation) {
           // A token of another organisation's gate: served by another server.
           return PermissionDeniedError("this gate belongs to another organisation");
         }
         ASSIGN_OR_RETURN(std::vector<site::Door> doors, api.sites.ListDoors(api.organisation));
         json door_ids = json::array();
         for (const site::Door& d : doors) {
           if (d.gate == gate.id) door_ids.push_back(d.model.id);
         }
         RETURN_IF_ERROR(AppendApiAdminRecord(api.audit_log, api.clock,
                                              "gate/" + std::to_string(gate.id), "gate-registered",
                                              "gate/" + std::to_string(gate.id))
                             .status());
         spdlog::info("gate {} ({}) registered", gate.id, gate.name);
         return JsonResponse({{"gate", gate.id},
                              {"name", gate.name},
                              {"certificate", certificate},
                              {"organisation_key", ToHex(gates.org_key.view())},
                              {"snapshot_public_key", ToHex(gates.snapshot_key.bytes())},
                              {"organisation", gates.organisation},
                              {"doors", door_ids}});
       }});
}

}  // namespace sekisho::server
