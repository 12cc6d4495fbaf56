// The REST API's JSON form of registry values (store/types.h), of times and of audit-log
// hashes. What leaves the
// server is only what the console shows: no pseudonym, no keyed serial (DESIGN.md §3).
// Times are RFC 3339 §5.6 UTC strings with milliseconds ("2026-04-01T09:00:00.000Z").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "base/clock.h"
#include "base/result.h"
#include "store/types.h"

namespace sekisho::server {

std::string FormatApiTime(TimePoint time);
// "YYYY-MM-DDTHH:MM:SS[.fff]Z" or with a numeric offset "+09:00" (RFC 3339 §5.6; one to three
// fraction digits). kInvalidArgument "<what>: expected an RFC 3339 time like
// 2026-04-01T09:00:00Z, got '...'".
Result<TimePoint> ParseApiTime(std::string_view what, std::string_view text);

nlohmann::json OrganisationToJson(const store::Organisation& org);
// {id, staff_ref (hex), staff_number, display_name, department, status, valid_from,
//  valid_until (null: open-ended)}
nlohmann::json StaffToJson(const store::Staff& staff);
// {id, staff, kind, status, status_reason, status_changed_at, not_after, enrolled_at,
//  enrolled_by, replaced_by (null unless replaced)}
nlohmann::json CredentialToJson(const store::Credential& credential);
// {id, at, actor, action, staff, credential (null when none), detail}
nlohmann::json AdminEventToJson(const store::AdminEvent& event);
// Audit-log hashes (a proof's path) as an array of lower-case hex strings (audit::HashHex).
nlohmann::json HashListToJson(const std::vector<audit::Hash>& hashes);

}  // namespace sekisho::server
