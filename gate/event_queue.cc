#include "gate/event_queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace sekisho::gate {
namespace {

using store::sqlite::Database;
using store::sqlite::Transaction;

// PRAGMA application_id of a gate queue file: "SKGQ" in ASCII.
constexpr std::int64_t kQueueApplicationId = 0x534B4751;
// PRAGMA user_version: the schema below.
constexpr std::int64_t kQueueSchemaVersion = 1;

// docs/gate.md "The queue file".
constexpr std::string_view kSchema = R"sql(
CREATE TABLE queue_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  gate INTEGER NOT NULL,
  pruned_sequence INTEGER NOT NULL,
  pruned_chain BLOB NOT NULL,
  acknowledged INTEGER NOT NULL
);
CREATE TABLE events (
  sequence INTEGER PRIMARY KEY,
  record BLOB NOT NULL,
  chain BLOB NOT NULL
);
CREATE TABLE batches (
  last_sequence INTEGER PRIMARY KEY,
  first_sequence INTEGER NOT NULL,
  signature BLOB NOT NULL
);
)sql";

std::int64_t AsInt(std::uint64_t value) { return static_cast<std::int64_t>(value); }
std::uint64_t AsSequence(std::int64_t value) { return static_cast<std::uint64_t>(value); }

}  // namespace

EventQueue::EventQueue(std::unique_ptr<Database> db, GateId gate, Ed25519PrivateKey key,
                       const Options& options)
    : db_(std::move(db)), gate_(gate), key_(std::move(key)), options_(options) {}

EventQueue::~EventQueue() = default;

Result<std::unique_ptr<EventQueue>> EventQueue::Open(const std::filesystem::path& path, GateId gate,
                                                     Ed25519PrivateKey key,
                                                     const Options& options) {
  if (gate == 0) return InvalidArgumentError("gate queue: gate id 0 is not a gate");
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  std::unique_ptr<EventQueue> queue(new EventQueue(std::move(db), gate, std::move(key), options));
  const std::string context = "gate queue " + path.string();
  RETURN_IF_ERROR(queue->Initialise().WithContext(context));
  RETURN_IF_ERROR(queue->LoadAndCheck().WithContext(context));
  if (options.durability != QueueDurability::kPowerLossSafe) {
    spdlog::warn(
        "{}: commits are not synced to disk (QueueDurability::kProcessCrashSafeOnly); events of "
        "doors opened just before a power loss can be lost. Use this mode for measurements only",
        context);
  }
  return queue;
}

Transaction::Durability EventQueue::Durability() const {
  return options_.durability == QueueDurability::kPowerLossSafe ? Transaction::Durability::kSync
                                                                : Transaction::Durability::kNormal;
}

Status EventQueue::Initialise() {
  ASSIGN_OR_RETURN(const std::int64_t application_id, db_->QueryInt("PRAGMA application_id"));
  ASSIGN_OR_RETURN(const std::int64_t version, db_->QueryInt("PRAGMA user_version"));
  ASSIGN_OR_RETURN(const std::int64_t objects, db_->QueryInt("SELECT count(*) FROM sqlite_schema"));
  if (application_id == 0 && version == 0 && objects == 0) {
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability()));
    RETURN_IF_ERROR(db_->Exec(kSchema));
    const ChainHash genesis = GenesisChainHash(gate_);
    ASSIGN_OR_RETURN(store::sqlite::Statement insert,
                     db_->Prepare("INSERT INTO queue_state (id, gate, pruned_sequence, "
                                  "pruned_chain, acknowledged) VALUES (1, ?1, 0, ?2, 0)"));
    RETURN_IF_ERROR(insert.BindInt(1, gate_).BindBlob(2, genesis).Run());
    RETURN_IF_ERROR(db_->Exec("PRAGMA application_id = " + std::to_string(kQueueApplicationId)));
    RETURN_IF_ERROR(db_->Exec("PRAGMA user_version = " + std::to_string(kQueueSchemaVersion)));
    return transaction.Commit();
  }
  if (application_id != kQueueApplicationId) {
    return FailedPreconditionError("the file is not a gate event queue (application id " +
                                   std::to_string(application_id) + ")");
  }
  if (version > kQueueSchemaVersion) {
    return FailedPreconditionError("queue format " + std::to_string(version) +
                                   " is newer than this sekisho reads (" +
                                   std::to_string(kQueueSchemaVersion) + "); upgrade sekisho");
  }
  if (version != kQueueSchemaVersion) {
    return DataLossError("queue format " + std::to_string(version) + " does not exist");
  }
  return OkStatus();
}

Status EventQueue::LoadAndCheck() {
  QueueState state;
  ChainHash head{};
  {
    ASSIGN_OR_RETURN(store::sqlite::Statement row,
                     db_->Prepare("SELECT gate, pruned_sequence, pruned_chain, acknowledged "
                                  "FROM queue_state WHERE id = 1"));
    ASSIGN_OR_RETURN(const bool found, row.Step());
    if (!found) return DataLossError("the queue's state row is missing");
    if (const std::int64_t owner = row.ColumnInt(0); owner != gate_) {
      return FailedPreconditionError("the queue belongs to gate " + std::to_string(owner) +
                                     ", not to gate " + std::to_string(gate_));
    }
    if (row.ColumnInt(1) < 0 || row.ColumnInt(3) < row.ColumnInt(1)) {
      return DataLossError("the queue's state row is inconsistent (pruned " +
                           std::to_string(row.ColumnInt(1)) + ", acknowledged " +
                           std::to_string(row.ColumnInt(3)) + ")");
    }
    state.pruned = AsSequence(row.ColumnInt(1));
    state.acknowledged = AsSequence(row.ColumnInt(3));
    ASSIGN_OR_RETURN(head, ChainHashFromBytes(row.ColumnBlob(2), "the queue's state row"));
  }

  // The chain, from the last pruned event (or the genesis hash) to the tail.
  const auto corrupt_at = [](std::uint64_t sequence, const std::string& why) {
    return DataLossError("corrupt at sequence " + std::to_string(sequence) + ": " + why);
  };
  std::uint64_t expected = state.pruned + 1;
  {
    ASSIGN_OR_RETURN(store::sqlite::Statement rows,
                     db_->Prepare("SELECT sequence, record, chain FROM events ORDER BY sequence"));
    while (true) {
      ASSIGN_OR_RETURN(const bool more, rows.Step());
      if (!more) break;
      const std::int64_t sequence = rows.ColumnInt(0);
      if (sequence != AsInt(expected)) {
        return corrupt_at(expected, "the event is missing (the next one kept is " +
                                        std::to_string(sequence) + ")");
      }
      const Bytes record = rows.ColumnBlob(1);
      auto event = DecodeEvent(record);
      if (!event.ok()) {
        return corrupt_at(expected, "the record does not decode: " + event.status().message());
      }
      if (event->gate != gate_ || event->sequence != expected) {
        return corrupt_at(expected, "the record is event " + std::to_string(event->sequence) +
                                        " of gate " + std::to_string(event->gate));
      }
      head = NextChainHash(head, record);
      auto stored = ChainHashFromBytes(rows.ColumnBlob(2), "stored chain hash");
      if (!stored.ok() || *stored != head) {
        return corrupt_at(expected,
                          "chain break (the stored chain hash is not the hash of the event and "
                          "the chain before it)");
      }
      ++expected;
    }
  }
  state.last = expected - 1;
  state.head = head;

  // The batches: consecutive runs from the last pruned event on.
  std::vector<std::uint64_t> ends;
  std::uint64_t next_first = state.pruned + 1;
  {
    ASSIGN_OR_RETURN(store::sqlite::Statement rows,
                     db_->Prepare("SELECT first_sequence, last_sequence, length(signature) "
                                  "FROM batches ORDER BY last_sequence"));
    while (true) {
      ASSIGN_OR_RETURN(const bool more, rows.Step());
      if (!more) break;
      const std::int64_t first = rows.ColumnInt(0);
      const std::int64_t last = rows.ColumnInt(1);
      if (first != AsInt(next_first) || last < first || last > AsInt(state.last) ||
          rows.ColumnInt(2) != static_cast<std::int64_t>(kEd25519SignatureSize)) {
        return corrupt_at(next_first, "the sealed batch of events " + std::to_string(first) + ".." +
                                          std::to_string(last) +
                                          " does not continue the batches before it");
      }
      if (AsSequence(last) > state.acknowledged) ends.push_back(AsSequence(last));
      next_first = AsSequence(last) + 1;
    }
  }
  state.sealed = next_first - 1;
  if (state.acknowledged > state.sealed) {
    return corrupt_at(state.acknowledged, "acknowledged, but only events up to " +
                                              std::to_string(state.sealed) + " were sealed");
  }
  state_ = state;
  batch_ends_ = std::move(ends);
  reload_ = false;
  return OkStatus();
}

Result<Event> EventQueue::Append(Event event) {
  std::lock_guard lock(mutex_);
  if (reload_) RETURN_IF_ERROR(LoadAndCheck().WithContext("re-reading the gate queue"));
  event.gate = gate_;
  event.sequence = state_.last + 1;
  ASSIGN_OR_RETURN(const Bytes record, EncodeEvent(event));
  const ChainHash head = NextChainHash(state_.head, record);
  const Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability()));
    {
      ASSIGN_OR_RETURN(auto insert, db_->Cached("INSERT INTO events (sequence, record, chain) "
                                                "VALUES (?1, ?2, ?3)"));
      RETURN_IF_ERROR(
          insert->BindInt(1, AsInt(event.sequence)).BindBlob(2, record).BindBlob(3, head).Run());
    }
    return transaction.Commit();
  }();
  if (!written.ok()) {
    reload_ = true;
    return written.WithContext("appending event " + std::to_string(event.sequence) +
                               " to the gate queue");
  }
  state_.last = event.sequence;
  state_.head = head;
  return event;
}

Result<Batch> EventQueue::ReadBatch(std::uint64_t first, std::uint64_t last, Bytes signature) {
  Batch batch;
  batch.gate = gate_;
  batch.first_sequence = first;
  batch.last_sequence = last;
  batch.signature = std::move(signature);
  batch.records.reserve(static_cast<std::size_t>(last - first + 1));
  ASSIGN_OR_RETURN(auto rows, db_->Cached("SELECT sequence, record, chain FROM events "
                                          "WHERE sequence BETWEEN ?1 AND ?2 ORDER BY sequence"));
  rows->BindInt(1, AsInt(first)).BindInt(2, AsInt(last));
  std::uint64_t expected = first;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, rows->Step());
    if (!more) break;
    if (rows->ColumnInt(0) != AsInt(expected)) break;
    batch.records.push_back(rows->ColumnBlob(1));
    if (expected == last) {
      ASSIGN_OR_RETURN(batch.chain_head, ChainHashFromBytes(rows->ColumnBlob(2), "gate queue"));
    }
    ++expected;
  }
  if (expected != last + 1) {
    return DataLossError("gate queue: event " + std::to_string(expected) +
                         " of the batch of events " + std::to_string(first) + ".." +
                         std::to_string(last) + " is missing");
  }
  return batch;
}

Result<std::optional<Batch>> EventQueue::SealBatch(std::size_t max_events) {
  std::lock_guard lock(mutex_);
  if (max_events == 0) return InvalidArgumentError("a batch holds at least one event");
  if (reload_) RETURN_IF_ERROR(LoadAndCheck().WithContext("re-reading the gate queue"));
  if (state_.sealed == state_.last) return std::optional<Batch>();
  const std::uint64_t count =
      std::min<std::uint64_t>({max_events, kMaxBatchEvents, state_.last - state_.sealed});
  const std::uint64_t first = state_.sealed + 1;
  const std::uint64_t last = state_.sealed + count;
  ASSIGN_OR_RETURN(Batch batch, ReadBatch(first, last, {}));
  RETURN_IF_ERROR(SignBatch(batch, key_));
  const Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability()));
    {
      ASSIGN_OR_RETURN(auto insert, db_->Cached("INSERT INTO batches (last_sequence, "
                                                "first_sequence, signature) VALUES (?1, ?2, ?3)"));
      RETURN_IF_ERROR(insert->BindInt(1, AsInt(last))
                          .BindInt(2, AsInt(first))
                          .BindBlob(3, batch.signature)
                          .Run());
    }
    return transaction.Commit();
  }();
  if (!written.ok()) {
    reload_ = true;
    return written.WithContext("sealing a batch in the gate queue");
  }
  state_.sealed = last;
  batch_ends_.push_back(last);
  return std::optional<Batch>(std::move(batch));
}

Result<std::vector<Batch>> EventQueue::PendingBatches() {
  std::lock_guard lock(mutex_);
  if (reload_) RETURN_IF_ERROR(LoadAndCheck().WithContext("re-reading the gate queue"));
  struct Sealed {
    std::uint64_t first;
    std::uint64_t last;
    Bytes signature;
  };
  std::vector<Sealed> sealed;
  {
    ASSIGN_OR_RETURN(auto rows, db_->Cached("SELECT first_sequence, last_sequence, signature "
                                            "FROM batches WHERE last_sequence > ?1 "
                                            "ORDER BY last_sequence"));
    rows->BindInt(1, AsInt(state_.acknowledged));
    while (true) {
      ASSIGN_OR_RETURN(const bool more, rows->Step());
      if (!more) break;
      sealed.push_back(
          {AsSequence(rows->ColumnInt(0)), AsSequence(rows->ColumnInt(1)), rows->ColumnBlob(2)});
    }
  }
  std::vector<Batch> batches;
  batches.reserve(sealed.size());
  for (Sealed& s : sealed) {
    ASSIGN_OR_RETURN(Batch batch, ReadBatch(s.first, s.last, std::move(s.signature)));
    batches.push_back(std::move(batch));
  }
  return batches;
}

Status EventQueue::Acknowledge(std::uint64_t last_sequence) {
  std::lock_guard lock(mutex_);
  if (reload_) RETURN_IF_ERROR(LoadAndCheck().WithContext("re-reading the gate queue"));
  if (last_sequence <= state_.acknowledged) return OkStatus();
  if (last_sequence > state_.sealed) {
    return InvalidArgumentError("acknowledgement of event " + std::to_string(last_sequence) +
                                ", but only events up to " + std::to_string(state_.sealed) +
                                " were sent");
  }
  if (!std::binary_search(batch_ends_.begin(), batch_ends_.end(), last_sequence)) {
    return InvalidArgumentError("acknowledgement of event " + std::to_string(last_sequence) +
                                ", which does not end a batch");
  }
  const Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability()));
    {
      ASSIGN_OR_RETURN(auto update,
                       db_->Cached("UPDATE queue_state SET acknowledged = ?1 WHERE id = 1"));
      RETURN_IF_ERROR(update->BindInt(1, AsInt(last_sequence)).Run());
    }
    return transaction.Commit();
  }();
  if (!written.ok()) {
    reload_ = true;
    return written.WithContext("recording an acknowledgement in the gate queue");
  }
  state_.acknowledged = last_sequence;
  batch_ends_.erase(batch_ends_.begin(),
                    std::upper_bound(batch_ends_.begin(), batch_ends_.end(), last_sequence));
  return OkStatus();
}

Result<std::size_t> EventQueue::Prune() {
  std::lock_guard lock(mutex_);
  if (reload_) RETURN_IF_ERROR(LoadAndCheck().WithContext("re-reading the gate queue"));
  if (state_.acknowledged == state_.pruned) return std::size_t{0};
  const std::uint64_t through = state_.acknowledged;
  std::size_t deleted = 0;
  const Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability()));
    Bytes chain;
    {
      ASSIGN_OR_RETURN(auto row, db_->Cached("SELECT chain FROM events WHERE sequence = ?1"));
      row->BindInt(1, AsInt(through));
      ASSIGN_OR_RETURN(const bool found, row->Step());
      if (!found) return DataLossError("event " + std::to_string(through) + " is missing");
      chain = row->ColumnBlob(0);
    }
    {
      ASSIGN_OR_RETURN(auto remove, db_->Cached("DELETE FROM events WHERE sequence <= ?1"));
      RETURN_IF_ERROR(remove->BindInt(1, AsInt(through)).Run());
      deleted = static_cast<std::size_t>(db_->Changes());
    }
    {
      ASSIGN_OR_RETURN(auto remove, db_->Cached("DELETE FROM batches WHERE last_sequence <= ?1"));
      RETURN_IF_ERROR(remove->BindInt(1, AsInt(through)).Run());
    }
    {
      ASSIGN_OR_RETURN(auto update, db_->Cached("UPDATE queue_state SET pruned_sequence = ?1, "
                                                "pruned_chain = ?2 WHERE id = 1"));
      RETURN_IF_ERROR(update->BindInt(1, AsInt(through)).BindBlob(2, chain).Run());
    }
    return transaction.Commit();
  }();
  if (!written.ok()) {
    reload_ = true;
    return written.WithContext("pruning the gate queue");
  }
  state_.pruned = through;
  return deleted;
}

Result<std::vector<Event>> EventQueue::ReadEvents(std::uint64_t first, std::size_t max_events) {
  std::lock_guard lock(mutex_);
  std::vector<Event> events;
  ASSIGN_OR_RETURN(auto rows, db_->Cached("SELECT sequence, record FROM events "
                                          "WHERE sequence >= ?1 ORDER BY sequence LIMIT ?2"));
  rows->BindInt(1, AsInt(first))
      .BindInt(2, static_cast<std::int64_t>(
                      std::min<std::size_t>(max_events, std::numeric_limits<std::int64_t>::max())));
  while (true) {
    ASSIGN_OR_RETURN(const bool more, rows->Step());
    if (!more) break;
    auto event = DecodeEvent(rows->ColumnBlob(1));
    if (!event.ok()) {
      return DataLossError("gate queue: event " + std::to_string(rows->ColumnInt(0)) +
                           " does not decode: " + event.status().message());
    }
    events.push_back(std::move(event).value());
  }
  return events;
}

QueueState EventQueue::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace sekisho::gate
