// The admin-event feed (DESIGN.md P5): copies the registry's admin events into the audit log,
// each exactly once and in id order, as admin records. Record format: docs/formats/audit-log.md
// "Admin records"; when the CLI feeds: docs/audit.md "Admin records".
#pragma once

#include <cstddef>
#include <string>

#include "audit/audit_log.h"
#include "base/bytes.h"
#include "base/result.h"
#include "store/registry.h"
#include "store/types.h"

namespace sekisho::access {

// The canonical admin record of `event` of `org`: JSON in the canonical form of RFC 8785 (keys
// sorted, no whitespace, integers as integers), with the format version "v":1, the organisation
// ("org" its name, "org_id" its id), "event" (the event id), "at" (RFC 3339 UTC with
// milliseconds), "actor", "action" (store::AdminActionName), "staff" and "credential" (row ids,
// left out when the event names none) and "detail". Nothing else: no staff number or name, no
// card data. A byte sequence that is not UTF-8 is written as U+FFFD.
Bytes EncodeAdminRecord(const store::Organisation& org, const store::AdminEvent& event);

// The audit-log feed (audit::AuditLog::AppendFeed) that carries the admin events of `org`:
// "registry/admin-events/org/N", N its id. Its position is the id of the last event appended.
std::string AdminEventFeed(store::OrganisationId org);

struct AdminFeedOptions {
  std::size_t page_size = store::kMaxPageSize;  // events read from the registry per call
  std::size_t batch_size = 500;                 // records appended per transaction
};

// Appends to `log`, as kAdminAction records, every admin event of `org` that the log does not
// hold yet, oldest first; returns how many. Idempotent and crash-safe: the feed's position is
// stored in the log's file in the same transaction as the records (AuditLog::AppendFeed), so an
// event committed to the registry but not yet fed (the process stopped in between) is appended
// by the next call, and none is appended twice, also when several processes feed at once. Reads
// the registry's events newest first back to the position: O(events not yet fed).
// Relies on event ids growing in commit order, as SQLite's single writer assigns them.
// kNotFound for an unknown organisation; kDataLoss "... the registry was replaced or restored
// from an older copy ..." when the log holds events of `org` beyond the registry's newest
// (feeding would skip the registry's next events); the registry's and the log's errors.
Result<std::size_t> FeedAdminEvents(store::Registry& registry, store::OrganisationId org,
                                    audit::AuditLog& log, const AdminFeedOptions& options = {});

// As above for every organisation of the registry, one after the other in creation order.
Result<std::size_t> FeedAdminEvents(store::Registry& registry, audit::AuditLog& log,
                                    const AdminFeedOptions& options = {});

}  // namespace sekisho::access
