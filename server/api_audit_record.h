// Audit records of the API's own writes (users, site objects): the registry's changes reach the
// audit log through their admin events (access/audit_feed.h); these do not pass through the
// registry, so the API appends them itself, as kAdminAction records (DESIGN.md P5).
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "server/locked_audit_log.h"

namespace sekisho::server {

// The record: canonical JSON (RFC 8785: keys sorted, no whitespace) {"action": ..., "actor":
// <login>, "at": <RFC 3339 UTC ms>, "object": "user/5", "source": "api", "v": 1}. It names ids,
// never passwords or personal data.
Bytes EncodeApiAdminRecord(std::string_view actor, std::string_view action, std::string_view object,
                           TimePoint at);

// Appends the record to `log`; returns its index. The log's errors, with context.
Result<std::uint64_t> AppendApiAdminRecord(LockedAuditLog& log, const Clock& clock,
                                           std::string_view actor, std::string_view action,
                                           std::string_view object);

}  // namespace sekisho::server
