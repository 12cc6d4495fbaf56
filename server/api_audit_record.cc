#include "server/api_audit_record.h"

#include <nlohmann/json.hpp>
#include <string>

#include "server/api_registry_json.h"

namespace sekisho::server {

Bytes EncodeApiAdminRecord(std::string_view actor, std::string_view action, std::string_view object,
                           TimePoint at) {
  // nlohmann::json objects are std::map-ordered, so dump() sorts keys and adds no whitespace;
  // every value here is ASCII (login names, action names, ids, times).
  const nlohmann::json record = {{"v", 1},           {"source", "api"},  {"actor", actor},
                                 {"action", action}, {"object", object}, {"at", FormatApiTime(at)}};
  return ToBytes(record.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
}

Result<std::uint64_t> AppendApiAdminRecord(LockedAuditLog& log, const Clock& clock,
                                           std::string_view actor, std::string_view action,
                                           std::string_view object) {
  audit::NewRecord record{audit::RecordKind::kAdminAction,
                          EncodeApiAdminRecord(actor, action, object, clock.Now())};
  Result<std::uint64_t> index =
      log.With([&](audit::AuditLog& audit_log) { return audit_log.Append(record); });
  if (!index.ok()) {
    return index.status().WithContext("audit record of " + std::string(action) + " " +
                                      std::string(object));
  }
  return index;
}

}  // namespace sekisho::server
