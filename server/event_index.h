// EventIndex: the door events of the audit log, indexed for queries, in the organisation's
// events.db (docs/formats/event-index.md). Derived data only: every row is a gate record of the
// log decoded with gate/event.h, keyed by its audit index, and the file can be deleted at any time
// and rebuilt from the log (CatchUp), so it never disagrees with the log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "gate/event.h"
#include "server/locked_audit_log.h"
#include "store/sqlite/database.h"

namespace sekisho::server {

inline constexpr std::string_view kEventIndexFile = "events.db";

// What became of an event: an access event granted or denied, or a door alarm.
enum class EventResult { kGranted, kDenied, kAlarm };

// "granted", "denied", "alarm".
std::string_view EventResultName(EventResult result);
// kInvalidArgument "result: expected granted, denied or alarm, got 'x'".
Result<EventResult> ParseEventResult(std::string_view text);
EventResult ResultOf(const gate::Event& event);
// The reason an event is filed under: policy::ReasonName of an access event ("granted",
// "revoked" ...), the alarm's gate::EventKindName ("door-forced", "door-held-open") otherwise.
std::string_view ReasonOf(const gate::Event& event);

// One indexed event.
struct IndexedEvent {
  std::uint64_t id = 0;  // the record's index in the audit log
  gate::Event event;
  friend bool operator==(const IndexedEvent&, const IndexedEvent&) = default;
};

// A query: every set filter must hold. Newest first (event time, then id).
struct EventQuery {
  std::optional<policy::ObjectId> door;
  std::optional<gate::GateId> gate;
  std::optional<EventResult> result;
  // A reason as ReasonOf names it. An unknown name is kInvalidArgument.
  std::optional<std::string> reason;
  std::optional<policy::StaffRef> staff;
  std::optional<TimePoint> since;  // event time at or after
  std::optional<TimePoint> until;  // event time before
  std::size_t limit = 100;         // 1 ... 1000
  std::string page_token;          // next_page_token of the previous page; empty: the first
};

struct EventPage {
  std::vector<IndexedEvent> items;
  std::string next_page_token;  // empty on the last page
};

// Whether a gate's events belong in the index (the organisation's, when organisations share one
// audit log). An error stops the catch-up, which resumes at that record next time.
using GateFilter = std::function<Result<bool>(gate::GateId)>;

// Thread-safe: every call takes an internal lock.
class EventIndex {
 public:
  // Opens or creates the index at `path`. Database::Open's errors; kFailedPrecondition for a
  // file of a newer sekisho or another application.
  static Result<std::unique_ptr<EventIndex>> Open(const std::filesystem::path& path);
  ~EventIndex();
  EventIndex(const EventIndex&) = delete;
  EventIndex& operator=(const EventIndex&) = delete;

  // Brings the index up to date with `log`: reads the records it has not seen yet, in chunks
  // (the log's lock is released between chunks), adds each gate record whose gate `ours`
  // accepts (null: every gate), and removes the events whose records an erasure record names.
  // Records that are not gate events, gate records that do not decode (a record `sekisho audit
  // append --kind gate` wrote by hand) and erased records are skipped. When the index was built
  // from another log (another origin) or from a longer one (the log was restored from an older
  // copy), it is emptied and rebuilt. Returns the events added and not removed again, in log order.
  // Errors: the log's (kUnavailable, kDataLoss) and the index file's; what was committed before
  // an error stays, and the next call goes on from there.
  Result<std::vector<IndexedEvent>> CatchUp(LockedAuditLog& log, const GateFilter& ours);

  // The page of `query`. kInvalidArgument for a limit out of range, an unknown reason or a
  // malformed page token.
  Result<EventPage> Query(const EventQuery& query);
  // The event with audit index `id`. kNotFound "no event N" when the index has none (also for
  // an erased record or another kind of record).
  Result<IndexedEvent> Get(std::uint64_t id);
  // How many records of the log the index has looked at.
  Result<std::uint64_t> IndexedSize();

 private:
  explicit EventIndex(std::unique_ptr<store::sqlite::Database> db) : db_(std::move(db)) {}

  // Called with mutex_ held.
  Status Reset();

  std::mutex catch_up_mutex_;  // one catch-up at a time; taken before mutex_
  std::mutex mutex_;
  std::unique_ptr<store::sqlite::Database> db_;
};

}  // namespace sekisho::server
