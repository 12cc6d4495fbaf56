#include "server/erasure_requests.h"

#include "store/sqlite/migrations.h"

namespace sekisho::server {
namespace {

using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// Version 1. The application id is the registry's (store/sqlite/migrations.h checks it); the
// `erasure_requests` table tells this kind of file from the others (Open). At most one pending
// request per record.
constexpr std::string_view kErasuresV1 = R"sql(
PRAGMA application_id = 1397050185;  -- store::sqlite::kApplicationId, "SEKI"
CREATE TABLE erasure_requests (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL,
  record        INTEGER NOT NULL CHECK (record >= 0),
  reason        TEXT NOT NULL
                CHECK (reason IN ('data-subject-request', 'retention-expired', 'recorded-in-error')),
  state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
  requested_by  TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  request_entry INTEGER NOT NULL,
  decided_by    TEXT,
  decided_at    INTEGER,
  erasure_entry INTEGER,
  CHECK ((state = 'pending') = (decided_by IS NULL)),
  CHECK ((state = 'approved') = (erasure_entry IS NOT NULL))
) STRICT;
CREATE INDEX erasure_requests_org ON erasure_requests (org_id, id);
CREATE UNIQUE INDEX erasure_requests_one_pending ON erasure_requests (org_id, record)
  WHERE state = 'pending';
)sql";

constexpr Migration kErasuresMigrations[] = {{1, "erasure requests", kErasuresV1}};

constexpr std::string_view kColumns =
    "SELECT id, org_id, record, reason, state, requested_by, requested_at, request_entry, "
    "decided_by, decided_at, erasure_entry FROM erasure_requests ";

Result<ErasureRequest> ReadRequest(const Statement& row) {
  ErasureRequest r;
  r.id = ErasureRequestId(row.ColumnInt(0));
  r.org = store::OrganisationId(row.ColumnInt(1));
  r.record = static_cast<std::uint64_t>(row.ColumnInt(2));
  ASSIGN_OR_RETURN(r.reason, ParseErasureReason(row.ColumnText(3)));
  ASSIGN_OR_RETURN(r.state, ParseErasureState(row.ColumnText(4)));
  r.requested_by = row.ColumnText(5);
  r.requested_at = store::FromUnixMillis(row.ColumnInt(6));
  r.request_entry = static_cast<std::uint64_t>(row.ColumnInt(7));
  if (!row.IsNull(8)) r.decided_by = row.ColumnText(8);
  if (!row.IsNull(9)) r.decided_at = store::FromUnixMillis(row.ColumnInt(9));
  if (!row.IsNull(10)) r.erasure_entry = static_cast<std::uint64_t>(row.ColumnInt(10));
  return r;
}

}  // namespace

std::string_view ErasureReasonName(ErasureReason reason) {
  switch (reason) {
    case ErasureReason::kDataSubjectRequest:
      return "data-subject-request";
    case ErasureReason::kRetentionExpired:
      return "retention-expired";
    case ErasureReason::kRecordedInError:
      return "recorded-in-error";
  }
  return "?";
}

Result<ErasureReason> ParseErasureReason(std::string_view name) {
  for (ErasureReason r : {ErasureReason::kDataSubjectRequest, ErasureReason::kRetentionExpired,
                          ErasureReason::kRecordedInError}) {
    if (name == ErasureReasonName(r)) return r;
  }
  return InvalidArgumentError(
      "reason: expected data-subject-request, retention-expired or recorded-in-error, got '" +
      std::string(name) + "'");
}

std::string_view ErasureStateName(ErasureState state) {
  switch (state) {
    case ErasureState::kPending:
      return "pending";
    case ErasureState::kApproved:
      return "approved";
    case ErasureState::kRejected:
      return "rejected";
  }
  return "?";
}

Result<ErasureState> ParseErasureState(std::string_view name) {
  for (ErasureState s :
       {ErasureState::kPending, ErasureState::kApproved, ErasureState::kRejected}) {
    if (name == ErasureStateName(s)) return s;
  }
  return InvalidArgumentError("state: expected pending, approved or rejected, got '" +
                              std::string(name) + "'");
}

Result<std::unique_ptr<ErasureRequestStore>> ErasureRequestStore::Open(
    const std::filesystem::path& path, const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  ASSIGN_OR_RETURN(const std::int64_t objects, db->QueryInt("SELECT count(*) FROM sqlite_schema"));
  ASSIGN_OR_RETURN(const std::int64_t ours,
                   db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                "name = 'erasure_requests'"));
  if (objects != 0 && ours == 0) {
    return FailedPreconditionError("database " + path.string() +
                                   " is not a Sekisho erasure requests file");
  }
  RETURN_IF_ERROR(
      store::sqlite::Migrate(*db, kErasuresMigrations[std::size(kErasuresMigrations) - 1].version,
                             kErasuresMigrations)
          .WithContext("erasure requests file " + path.string()));
  return std::unique_ptr<ErasureRequestStore>(new ErasureRequestStore(std::move(db), clock));
}

Result<ErasureRequest> ErasureRequestStore::Create(store::OrganisationId org, std::uint64_t record,
                                                   ErasureReason reason,
                                                   std::string_view requested_by,
                                                   std::uint64_t request_entry) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(auto pending, db_->Cached("SELECT id FROM erasure_requests WHERE org_id = ? "
                                               "AND record = ? AND state = 'pending'"));
    pending->BindInt(1, org.value()).BindInt(2, static_cast<std::int64_t>(record));
    ASSIGN_OR_RETURN(const bool row, pending->Step());
    if (row) {
      return AlreadyExistsError("record " + std::to_string(record) +
                                " already has a pending erasure request (id " +
                                std::to_string(pending->ColumnInt(0)) + ")");
    }
  }
  const std::int64_t now = store::ToUnixMillis(clock_.Now());
  {
    ASSIGN_OR_RETURN(auto insert,
                     db_->Cached("INSERT INTO erasure_requests (org_id, record, reason, state, "
                                 "requested_by, requested_at, request_entry) "
                                 "VALUES (?, ?, ?, 'pending', ?, ?, ?)"));
    RETURN_IF_ERROR(insert->BindInt(1, org.value())
                        .BindInt(2, static_cast<std::int64_t>(record))
                        .BindText(3, ErasureReasonName(reason))
                        .BindText(4, requested_by)
                        .BindInt(5, now)
                        .BindInt(6, static_cast<std::int64_t>(request_entry))
                        .Run());
  }
  const ErasureRequestId id(db_->LastInsertRowId());
  RETURN_IF_ERROR(transaction.Commit());
  return GetLocked(org, id);
}

Result<ErasureRequest> ErasureRequestStore::GetLocked(store::OrganisationId org,
                                                      ErasureRequestId id) {
  ASSIGN_OR_RETURN(auto query, db_->Cached(std::string(kColumns) + "WHERE org_id = ? AND id = ?"));
  query->BindInt(1, org.value()).BindInt(2, id.value());
  ASSIGN_OR_RETURN(const bool row, query->Step());
  if (!row) return NotFoundError("no erasure request " + std::to_string(id.value()));
  return ReadRequest(*query);
}

Result<ErasureRequest> ErasureRequestStore::Get(store::OrganisationId org, ErasureRequestId id) {
  std::lock_guard lock(mu_);
  return GetLocked(org, id);
}

Result<std::vector<ErasureRequest>> ErasureRequestStore::List(store::OrganisationId org,
                                                              std::optional<ErasureState> state) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto query,
                   db_->Cached(std::string(kColumns) +
                               "WHERE org_id = ? AND (? IS NULL OR state = ?) ORDER BY id DESC"));
  query->BindInt(1, org.value());
  if (state.has_value()) {
    query->BindText(2, ErasureStateName(*state)).BindText(3, ErasureStateName(*state));
  } else {
    query->BindNull(2).BindNull(3);
  }
  std::vector<ErasureRequest> requests;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, query->Step());
    if (!row) break;
    ASSIGN_OR_RETURN(ErasureRequest r, ReadRequest(*query));
    requests.push_back(std::move(r));
  }
  return requests;
}

Result<ErasureRequest> ErasureRequestStore::Decide(store::OrganisationId org, ErasureRequestId id,
                                                   ErasureState decision,
                                                   std::string_view decided_by,
                                                   std::optional<std::uint64_t> erasure_entry) {
  if (decision == ErasureState::kPending) {
    return InvalidArgumentError("a decision is approved or rejected, not pending");
  }
  if ((decision == ErasureState::kApproved) != erasure_entry.has_value()) {
    return InvalidArgumentError("an approval names the log's erasure record, a rejection none");
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(const ErasureRequest current, GetLocked(org, id));
  if (current.state != ErasureState::kPending) {
    return FailedPreconditionError("erasure request " + std::to_string(id.value()) + " is " +
                                   std::string(ErasureStateName(current.state)) + " already");
  }
  {
    ASSIGN_OR_RETURN(auto update,
                     db_->Cached("UPDATE erasure_requests SET state = ?, decided_by = ?, "
                                 "decided_at = ?, erasure_entry = ? WHERE id = ?"));
    update->BindText(1, ErasureStateName(decision))
        .BindText(2, decided_by)
        .BindInt(3, store::ToUnixMillis(clock_.Now()))
        .BindInt(5, id.value());
    if (erasure_entry.has_value()) {
      update->BindInt(4, static_cast<std::int64_t>(*erasure_entry));
    } else {
      update->BindNull(4);
    }
    RETURN_IF_ERROR(update->Run());
  }
  RETURN_IF_ERROR(transaction.Commit());
  return GetLocked(org, id);
}

}  // namespace sekisho::server
