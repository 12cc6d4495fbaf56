// The gates' badge terminal certificates (badge_terminal_route.h).
#include "server/badge_terminal_route.h"

#include <spdlog/spdlog.h>

#include "access/badge_keys.h"
#include "badge/cv_certificate.h"
#include "badge/ec_key.h"
#include "gate/terminal_issuance.h"
#include "server/api_audit_record.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

// The gate the request's client certificate names, active and of this organisation.
Result<GateRecord> GateOf(const ApiRequest& r, GateStore& gates, store::OrganisationId org) {
  const net::PeerInfo& peer = r.http.peer;
  if (!peer.client_certificate_sha256) {
    return UnauthenticatedError(
        "a badge terminal certificate needs the gate's client "
        "certificate (mutual TLS)");
  }
  auto gate = gates.FindByCertificate(*peer.client_certificate_sha256);
  if (!gate.ok()) {
    if (gate.status().code() != StatusCode::kNotFound &&
        gate.status().code() != StatusCode::kInvalidArgument) {
      return gate.status();
    }
    spdlog::warn("badge terminal certificate refused to {}: no gate has its client certificate",
                 peer.address);
    return PermissionDeniedError("no gate is registered with this client certificate");
  }
  if (gate->org != org || gate->status != GateStatus::kActive) {
    spdlog::warn("badge terminal certificate refused to gate {}: it is {}", gate->id,
                 gate->org != org ? "of another organisation" : GateStatusName(gate->status));
    return PermissionDeniedError(
        "gate " + std::to_string(gate->id) + " may not receive a badge terminal certificate: " +
        (gate->org != org ? std::string("it is of another organisation")
                          : "it is " + std::string(GateStatusName(gate->status))));
  }
  return gate;
}

// The body's public key: {"public_key": hex}, an uncompressed brainpoolP256r1 point.
Result<Bytes> PublicKeyOf(const json& body) {
  if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "public_key") return InvalidArgumentError(key + ": unknown field");
  }
  auto it = body.find("public_key");
  if (it == body.end() || !it->is_string()) {
    return InvalidArgumentError("public_key: expected a string");
  }
  Result<Bytes> point = FromHex(it->get<std::string>());
  if (!point.ok() || !badge::CheckPublicPoint(*point).ok()) {
    return InvalidArgumentError("public_key: expected an uncompressed " +
                                std::string(badge::kCurveName) + " point (" +
                                std::to_string(badge::kPointSize) + " bytes) in hex");
  }
  return point;
}

}  // namespace

void AddBadgeTerminalRoute(ApiRouter& router, ApiContext& api, BadgeTerminalRouteContext& context) {
  router.AddSchema("BadgeTerminalRequest",
                   {{"type", "object"},
                    {"required", {"public_key"}},
                    {"properties", {{"public_key", {{"type", "string"}}}}}});
  router.AddSchema("BadgeTerminalIssuance",
                   {{"type", "object"},
                    {"properties",
                     {{"dv_certificate", {{"type", "string"}}},
                      {"terminal_certificate", {{"type", "string"}}},
                      {"trusted_chip_keys", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"sector_public_key", {{"type", "string"}}},
                      {"not_before", {{"type", "string"}, {"format", "date"}}},
                      {"not_after", {{"type", "string"}, {"format", "date"}}}}}});
  router.Add({.method = "POST",
              .path = std::string(gate::kBadgeTerminalPath),
              .public_route = true,
              .summary = "A gate (its client certificate) receives a short-lived badge terminal "
                         "certificate for its own key",
              .request_schema = "BadgeTerminalRequest",
              .response_schema = "BadgeTerminalIssuance",
              .handler = [&api, &context](const ApiRequest& r) -> Result<ApiResponse> {
                ASSIGN_OR_RETURN(GateRecord gate, GateOf(r, context.gates, api.organisation));
                ASSIGN_OR_RETURN(const Bytes point, PublicKeyOf(r.body));
                std::lock_guard lock(context.issue_mutex);
                const badge::Date today = access::DateOf(api.clock.Now());
                auto keys = access::BadgeKeys::Load(context.dir, context.org_name, today);
                if (!keys.ok()) {
                  if (keys.status().code() == StatusCode::kNotFound) return keys.status();
                  if (keys.status().code() == StatusCode::kFailedPrecondition) return keys.status();
                  spdlog::error("badge keys of '{}': {}", context.org_name,
                                keys.status().ToString());
                  return InternalError("the organisation's badge keys cannot be used");
                }
                if (keys->dv_renewed()) {
                  spdlog::info("badge DV of '{}' renewed: {}", context.org_name, keys->dv().chr());
                }
                ASSIGN_OR_RETURN(
                    badge::CvCertificate terminal,
                    keys->IssueTerminalCertificate(today, context.validity, badge::rights::kGate,
                                                   point, "TM", static_cast<int>(gate.id % 1000)));
                gate::TerminalIssuance issuance;
                issuance.dv_certificate = keys->dv().der();
                issuance.terminal_certificate = terminal.der();
                issuance.trusted_chip_keys = {keys->batch().ca_public_point};
                issuance.sector_public_point = keys->sector_public_point();
                issuance.not_before = terminal.effective();
                issuance.not_after = terminal.expiration();
                const std::string gate_object = "gate/" + std::to_string(gate.id);
                RETURN_IF_ERROR(AppendApiAdminRecord(
                                    api.audit_log, api.clock, gate_object, "badge-terminal-issued",
                                    gate_object + " terminal " + terminal.chr() + " until " +
                                        gate::FormatDate(issuance.not_after))
                                    .status());
                spdlog::info("gate {}: badge terminal certificate {} issued, valid until {}",
                             gate.id, terminal.chr(), gate::FormatDate(issuance.not_after));
                return JsonResponse(gate::EncodeTerminalIssuance(issuance));
              }});
}

}  // namespace sekisho::server
