#include "server/event_index.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "audit/audit_log.h"
#include "audit/record.h"
#include "store/sqlite/migrations.h"

namespace sekisho::server {
namespace {

using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// docs/formats/event-index.md. Times are Unix milliseconds; keys and references lower-case hex.
constexpr std::string_view kEventsV1 = R"sql(
PRAGMA application_id = 1397050185;  -- "SEKI", store/sqlite/migrations.h kApplicationId

CREATE TABLE progress (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  origin       TEXT NOT NULL,
  indexed_size INTEGER NOT NULL CHECK (indexed_size >= 0)
) STRICT;
INSERT INTO progress (id, origin, indexed_size) VALUES (1, '', 0);

CREATE TABLE events (
  id               INTEGER PRIMARY KEY CHECK (id >= 0),
  gate             INTEGER NOT NULL CHECK (gate BETWEEN 1 AND 4294967295),
  sequence         INTEGER NOT NULL CHECK (sequence >= 1),
  door             INTEGER NOT NULL,
  time_ms          INTEGER NOT NULL,
  kind             INTEGER NOT NULL,
  result           TEXT NOT NULL CHECK (result IN ('granted', 'denied', 'alarm')),
  reason           TEXT NOT NULL,
  reason_code      INTEGER,
  assurance        INTEGER,
  error            INTEGER NOT NULL,
  credential_key   TEXT CHECK (credential_key IS NULL OR length(credential_key) = 32),
  staff_ref        TEXT CHECK (staff_ref IS NULL OR length(staff_ref) = 32),
  snapshot_version INTEGER NOT NULL,
  flags            INTEGER NOT NULL
) STRICT;
CREATE INDEX events_time ON events (time_ms, id);
CREATE INDEX events_staff ON events (staff_ref, time_ms, id);
CREATE INDEX events_door ON events (door, time_ms, id);
CREATE INDEX events_gate ON events (gate, time_ms, id);
)sql";

constexpr Migration kEventsMigrations[] = {
    {1, "door events indexed by audit index", kEventsV1},
};

constexpr std::string_view kEventsColumns =
    "id, gate, sequence, door, time_ms, kind, reason_code, assurance, error, credential_key, "
    "staff_ref, snapshot_version, flags";

// Records read from the log under its lock at a time.
constexpr std::uint64_t kChunk = 512;

std::int64_t AsInt(std::uint64_t v) { return static_cast<std::int64_t>(v); }

template <std::size_t N>
Result<std::array<std::uint8_t, N>> ArrayFromHex(std::string_view hex, std::string_view what) {
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok() || bytes->size() != N) {
    return DataLossError("event index: stored " + std::string(what) + " is not " +
                         std::to_string(N) + " bytes of hex");
  }
  std::array<std::uint8_t, N> out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// The known values of EventQuery::reason.
bool IsKnownReasonName(std::string_view name) {
  for (policy::Reason r : policy::kAllReasons) {
    if (policy::ReasonName(r) == name) return true;
  }
  return name == gate::EventKindName(gate::EventKind::kDoorHeldOpen) ||
         name == gate::EventKindName(gate::EventKind::kDoorForced);
}

Result<IndexedEvent> ReadRow(const Statement& row) {
  IndexedEvent out;
  out.id = static_cast<std::uint64_t>(row.ColumnInt(0));
  gate::Event& e = out.event;
  e.gate = static_cast<gate::GateId>(row.ColumnInt(1));
  e.sequence = static_cast<std::uint64_t>(row.ColumnInt(2));
  e.door = static_cast<policy::ObjectId>(row.ColumnInt(3));
  e.time = gate::EventTime(std::chrono::milliseconds(row.ColumnInt(4)));
  e.kind = static_cast<gate::EventKind>(row.ColumnInt(5));
  if (!row.IsNull(6)) e.reason = static_cast<policy::Reason>(row.ColumnInt(6));
  if (!row.IsNull(7)) e.assurance = static_cast<policy::Assurance>(row.ColumnInt(7));
  const std::int64_t error = row.ColumnInt(8);
  if (error < 0 || error > static_cast<std::int64_t>(StatusCode::kInternal)) {
    return DataLossError("event index: event " + std::to_string(out.id) +
                         " has an unknown error code");
  }
  e.error = static_cast<StatusCode>(error);
  if (!row.IsNull(9)) {
    ASSIGN_OR_RETURN(e.credential,
                     ArrayFromHex<policy::kCredentialKeySize>(row.ColumnText(9), "credential key"));
  }
  if (!row.IsNull(10)) {
    ASSIGN_OR_RETURN(e.staff, ArrayFromHex<16>(row.ColumnText(10), "staff reference"));
  }
  e.snapshot_version = static_cast<std::uint64_t>(row.ColumnInt(11));
  e.flags = static_cast<std::uint8_t>(row.ColumnInt(12));
  // The row must be an event the log could hold: a damaged file is not served.
  if (Status valid = gate::ValidateEvent(e); !valid.ok()) {
    return DataLossError("event index: event " + std::to_string(out.id) +
                         " is damaged: " + valid.message() + "; delete events.db to rebuild it");
  }
  return out;
}

Status Insert(Database& db, const IndexedEvent& indexed) {
  const gate::Event& e = indexed.event;
  ASSIGN_OR_RETURN(
      store::sqlite::StatementLease s,
      db.Cached("INSERT OR REPLACE INTO events (id, gate, sequence, door, time_ms, kind, result, "
                "reason, reason_code, assurance, error, credential_key, staff_ref, "
                "snapshot_version, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                "?12, ?13, ?14, ?15)"));
  s->BindInt(1, AsInt(indexed.id))
      .BindInt(2, e.gate)
      .BindInt(3, AsInt(e.sequence))
      .BindInt(4, e.door)
      .BindInt(5, e.time.time_since_epoch().count())
      .BindInt(6, static_cast<std::int64_t>(e.kind))
      .BindText(7, EventResultName(ResultOf(e)))
      .BindText(8, ReasonOf(e))
      .BindInt(11, static_cast<std::int64_t>(e.error))
      .BindInt(14, AsInt(e.snapshot_version))
      .BindInt(15, e.flags);
  if (e.reason) {
    s->BindInt(9, static_cast<std::int64_t>(*e.reason));
  } else {
    s->BindNull(9);
  }
  if (e.assurance) {
    s->BindInt(10, static_cast<std::int64_t>(*e.assurance));
  } else {
    s->BindNull(10);
  }
  if (e.credential) {
    s->BindText(12, ToHex(ByteView(e.credential->data(), e.credential->size())));
  } else {
    s->BindNull(12);
  }
  if (e.staff) {
    s->BindText(13, ToHex(ByteView(e.staff->data(), e.staff->size())));
  } else {
    s->BindNull(13);
  }
  return s->Run();
}

Status Delete(Database& db, std::uint64_t id) {
  ASSIGN_OR_RETURN(store::sqlite::StatementLease s, db.Cached("DELETE FROM events WHERE id = ?1"));
  s->BindInt(1, AsInt(id));
  return s->Run();
}

struct Progress {
  std::string origin;  // empty before the first catch-up
  std::uint64_t indexed_size = 0;
};

Result<Progress> ReadProgress(Database& db) {
  ASSIGN_OR_RETURN(store::sqlite::StatementLease s,
                   db.Cached("SELECT origin, indexed_size FROM progress WHERE id = 1"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return DataLossError("event index: the progress row is missing");
  return Progress{s->ColumnText(0), static_cast<std::uint64_t>(s->ColumnInt(1))};
}

Status WriteProgress(Database& db, const Progress& p) {
  ASSIGN_OR_RETURN(store::sqlite::StatementLease s,
                   db.Cached("UPDATE progress SET origin = ?1, indexed_size = ?2 WHERE id = 1"));
  s->BindText(1, p.origin).BindInt(2, AsInt(p.indexed_size));
  return s->Run();
}

// "<time_ms>.<id>" of the last item of a page.
std::string PageToken(const IndexedEvent& last) {
  return std::to_string(last.event.time.time_since_epoch().count()) + "." + std::to_string(last.id);
}

Result<std::pair<std::int64_t, std::int64_t>> ParsePageToken(std::string_view token) {
  const Status bad = InvalidArgumentError("page_token: malformed; pass next_page_token as given");
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return bad;
  std::int64_t time = 0;
  std::int64_t id = 0;
  const char* begin = token.data();
  auto [p1, e1] = std::from_chars(begin, begin + dot, time);
  if (e1 != std::errc() || p1 != begin + dot || dot == 0) return bad;
  auto [p2, e2] = std::from_chars(begin + dot + 1, begin + token.size(), id);
  if (e2 != std::errc() || p2 != begin + token.size() || dot + 1 == token.size() || id < 0) {
    return bad;
  }
  return std::make_pair(time, id);
}

}  // namespace

std::string_view EventResultName(EventResult result) {
  switch (result) {
    case EventResult::kGranted:
      return "granted";
    case EventResult::kDenied:
      return "denied";
    case EventResult::kAlarm:
      return "alarm";
  }
  return "unknown";
}

Result<EventResult> ParseEventResult(std::string_view text) {
  for (EventResult r : {EventResult::kGranted, EventResult::kDenied, EventResult::kAlarm}) {
    if (EventResultName(r) == text) return r;
  }
  return InvalidArgumentError("result: expected granted, denied or alarm, got '" +
                              std::string(text.substr(0, 40)) + "'");
}

EventResult ResultOf(const gate::Event& event) {
  if (event.kind != gate::EventKind::kAccess || !event.reason) return EventResult::kAlarm;
  return policy::IsGrant(*event.reason) ? EventResult::kGranted : EventResult::kDenied;
}

std::string_view ReasonOf(const gate::Event& event) {
  if (event.kind == gate::EventKind::kAccess && event.reason) {
    return policy::ReasonName(*event.reason);
  }
  return gate::EventKindName(event.kind);
}

EventIndex::~EventIndex() = default;

Result<std::unique_ptr<EventIndex>> EventIndex::Open(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  RETURN_IF_ERROR(
      store::sqlite::Migrate(*db, kEventsMigrations[std::size(kEventsMigrations) - 1].version,
                             kEventsMigrations)
          .WithContext("event index " + path.string()));
  return std::unique_ptr<EventIndex>(new EventIndex(std::move(db)));
}

Status EventIndex::Reset() {
  ASSIGN_OR_RETURN(Transaction t, Transaction::Begin(*db_));
  RETURN_IF_ERROR(db_->Exec("DELETE FROM events"));
  RETURN_IF_ERROR(WriteProgress(*db_, Progress{}));
  return t.Commit();
}

Result<std::vector<IndexedEvent>> EventIndex::CatchUp(LockedAuditLog& log, const GateFilter& ours) {
  std::lock_guard catch_up(catch_up_mutex_);
  Progress progress;
  {
    std::lock_guard lock(mutex_);
    ASSIGN_OR_RETURN(progress, ReadProgress(*db_));
  }
  std::vector<IndexedEvent> added;
  std::map<gate::GateId, bool> gate_is_ours;
  struct Chunk {
    std::string origin;
    std::uint64_t log_size = 0;
    std::vector<audit::StoredEntry> entries;
  };
  while (true) {
    ASSIGN_OR_RETURN(Chunk chunk, log.With([&](audit::AuditLog& l) -> Result<Chunk> {
      RETURN_IF_ERROR(l.Refresh());
      Chunk c{l.origin(), l.size(), {}};
      if (!progress.origin.empty() && progress.origin != c.origin) return c;
      const std::uint64_t end = std::min(c.log_size, progress.indexed_size + kChunk);
      for (std::uint64_t i = progress.indexed_size; i < end; ++i) {
        ASSIGN_OR_RETURN(audit::StoredEntry entry, l.GetRecord(i));
        c.entries.push_back(std::move(entry));
      }
      return c;
    }));
    std::lock_guard lock(mutex_);
    if ((!progress.origin.empty() && progress.origin != chunk.origin) ||
        progress.indexed_size > chunk.log_size) {
      spdlog::warn(
          "event index: built from {} records of log '{}', but the log is '{}' with {} records; "
          "rebuilding it",
          progress.indexed_size, progress.origin, chunk.origin, chunk.log_size);
      RETURN_IF_ERROR(Reset());
      progress = Progress{};
      added.clear();
      continue;
    }
    if (chunk.entries.empty()) {
      if (progress.origin.empty() && !chunk.origin.empty()) {
        progress.origin = chunk.origin;
        RETURN_IF_ERROR(WriteProgress(*db_, progress));
      }
      break;
    }
    ASSIGN_OR_RETURN(Transaction t, Transaction::Begin(*db_));
    std::vector<IndexedEvent> chunk_added;
    std::vector<std::uint64_t> removed;
    for (const audit::StoredEntry& entry : chunk.entries) {
      if (!entry.record.has_value()) continue;  // erased: nothing to index
      if (entry.kind == audit::RecordKind::kErasure) {
        Result<std::uint64_t> erased = audit::ParseErasureRecord(*entry.record);
        if (!erased.ok()) {
          spdlog::warn("event index: erasure record {} does not name a record", entry.index);
          continue;
        }
        RETURN_IF_ERROR(Delete(*db_, *erased));
        removed.push_back(*erased);
        continue;
      }
      if (entry.kind != audit::RecordKind::kGateEvent) continue;
      Result<gate::Event> event = gate::DecodeEvent(*entry.record);
      if (!event.ok()) {
        spdlog::warn("event index: gate record {} is not a gate event ({}); not indexed",
                     entry.index, event.status().message());
        continue;
      }
      auto known = gate_is_ours.find(event->gate);
      if (known == gate_is_ours.end()) {
        bool accepted = true;
        if (ours) {
          ASSIGN_OR_RETURN(accepted, ours(event->gate));
        }
        known = gate_is_ours.emplace(event->gate, accepted).first;
      }
      if (!known->second) continue;
      IndexedEvent indexed{entry.index, *std::move(event)};
      RETURN_IF_ERROR(Insert(*db_, indexed));
      chunk_added.push_back(std::move(indexed));
    }
    progress.origin = chunk.origin;
    progress.indexed_size += chunk.entries.size();
    RETURN_IF_ERROR(WriteProgress(*db_, progress));
    RETURN_IF_ERROR(t.Commit());
    added.insert(added.end(), chunk_added.begin(), chunk_added.end());
    for (std::uint64_t id : removed) {
      std::erase_if(added, [id](const IndexedEvent& e) { return e.id == id; });
    }
  }
  return added;
}

Result<EventPage> EventIndex::Query(const EventQuery& query) {
  if (query.limit < 1 || query.limit > 1000) {
    return InvalidArgumentError("limit: expected an integer from 1 to 1000, got " +
                                std::to_string(query.limit));
  }
  if (query.reason && !IsKnownReasonName(*query.reason)) {
    return InvalidArgumentError("reason: unknown reason '" + query.reason->substr(0, 40) + "'");
  }
  std::optional<std::pair<std::int64_t, std::int64_t>> after;
  if (!query.page_token.empty()) {
    ASSIGN_OR_RETURN(after, ParsePageToken(query.page_token));
  }
  std::string sql = "SELECT " + std::string(kEventsColumns) + " FROM events WHERE 1";
  int n = 0;
  std::vector<std::function<void(Statement&)>> binds;
  auto add = [&](std::string condition, std::function<void(Statement&, int)> bind) {
    sql += " AND " + condition;
    const int at = ++n;
    binds.push_back([bind = std::move(bind), at](Statement& s) { bind(s, at); });
  };
  const auto millis = [](TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  if (query.door) {
    add("door = ?" + std::to_string(n + 1),
        [v = *query.door](Statement& s, int i) { s.BindInt(i, v); });
  }
  if (query.gate) {
    add("gate = ?" + std::to_string(n + 1),
        [v = *query.gate](Statement& s, int i) { s.BindInt(i, v); });
  }
  if (query.result) {
    add("result = ?" + std::to_string(n + 1),
        [v = *query.result](Statement& s, int i) { s.BindText(i, EventResultName(v)); });
  }
  if (query.reason) {
    add("reason = ?" + std::to_string(n + 1),
        [v = *query.reason](Statement& s, int i) { s.BindText(i, v); });
  }
  if (query.staff) {
    add("staff_ref = ?" + std::to_string(n + 1), [v = *query.staff](Statement& s, int i) {
      s.BindText(i, ToHex(ByteView(v.data(), v.size())));
    });
  }
  if (query.since) {
    add("time_ms >= ?" + std::to_string(n + 1),
        [v = millis(*query.since)](Statement& s, int i) { s.BindInt(i, v); });
  }
  if (query.until) {
    add("time_ms < ?" + std::to_string(n + 1),
        [v = millis(*query.until)](Statement& s, int i) { s.BindInt(i, v); });
  }
  if (after) {
    const std::string t = "?" + std::to_string(n + 1);
    const std::string id = "?" + std::to_string(n + 2);
    sql += " AND (time_ms < " + t + " OR (time_ms = " + t + " AND id < " + id + "))";
    n += 2;
    binds.push_back([v = *after, at = n - 1](Statement& s) {
      s.BindInt(at, v.first).BindInt(at + 1, v.second);
    });
  }
  sql += " ORDER BY time_ms DESC, id DESC LIMIT " + std::to_string(query.limit + 1);

  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Statement s, db_->Prepare(sql));
  for (const auto& bind : binds) bind(s);
  EventPage page;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (page.items.size() == query.limit) {
      page.next_page_token = PageToken(page.items.back());
      break;
    }
    ASSIGN_OR_RETURN(IndexedEvent e, ReadRow(s));
    page.items.push_back(std::move(e));
  }
  return page;
}

Result<IndexedEvent> EventIndex::Get(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      store::sqlite::StatementLease s,
      db_->Cached("SELECT " + std::string(kEventsColumns) + " FROM events WHERE id = ?1"));
  s->BindInt(1, AsInt(id));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFoundError("no event " + std::to_string(id));
  return ReadRow(*s);
}

Result<std::uint64_t> EventIndex::IndexedSize() {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Progress p, ReadProgress(*db_));
  return p.indexed_size;
}

}  // namespace sekisho::server
