// EventQueue: the gate's local durable queue of events (DESIGN.md §5 "At the door", P5), in its
// own SQLite file (gate-queue.db). Events are appended with gap-free sequence numbers and chained
// (gate/chain.h), sealed into signed batches (gate/batch.h) for the server, and kept until the
// server acknowledges their durable commit. Schema and durability: docs/gate.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/ed25519.h"
#include "base/result.h"
#include "gate/batch.h"
#include "gate/chain.h"
#include "gate/event.h"
#include "gate/event_sink.h"
#include "store/sqlite/database.h"

namespace sekisho::gate {

// The file name of the queue in a gate's data directory.
inline constexpr std::string_view kEventQueueFile = "gate-queue.db";

enum class QueueDurability {
  // Every commit is synced to disk (SQLite synchronous=FULL): an appended event survives a power
  // loss once Append returns. The default, and the only mode for a gate that drives a door.
  kPowerLossSafe,
  // Commits survive a crash of the process but the last ones may be lost on a power loss or OS
  // crash (synchronous=NORMAL in WAL mode). For measurements only; Open logs a warning.
  kProcessCrashSafeOnly,
};

struct EventQueueOptions {
  QueueDurability durability = QueueDurability::kPowerLossSafe;
};

// Where the queue stands. Sequence numbers: events up to `acknowledged` are on the server;
// (acknowledged, sealed] are in pending batches; (sealed, last] are not yet in any batch.
struct QueueState {
  std::uint64_t last = 0;          // the last appended event's sequence (0: none yet)
  ChainHash head{};                // chain_{last}
  std::uint64_t sealed = 0;        // the last event in a batch
  std::uint64_t acknowledged = 0;  // the last event the server acknowledged
  std::uint64_t pruned = 0;        // events up to here were deleted (after acknowledgement)

  friend bool operator==(const QueueState&, const QueueState&) = default;
};

// Thread-safe: every call takes an internal lock, so the door path can append while a network
// thread seals, sends and acknowledges.
class EventQueue final : public EventSink {
 public:
  using Options = EventQueueOptions;

  // Opens the queue at `path` (creating it for `gate` if the file is new) and checks it: the
  // events kept must be gap-free from the last pruned one, decode, belong to `gate`, carry their
  // own sequence number, and chain (each stored link recomputed from the one before); the batches
  // must cover consecutive runs of them. `key` signs the batches.
  // kDataLoss "gate queue <path>: corrupt at sequence N: ..." naming the first event where the
  // check fails; kFailedPrecondition when the file belongs to another gate, is not a gate
  // queue, or has a newer format; Database::Open's errors for the file itself.
  static Result<std::unique_ptr<EventQueue>> Open(const std::filesystem::path& path, GateId gate,
                                                  Ed25519PrivateKey key,
                                                  const Options& options = {});
  ~EventQueue() override;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Assigns `event` the queue's gate and the next sequence number, chains it and stores it.
  // Durable when it returns OK (with kPowerLossSafe: synced to disk). Returns the stored event.
  // kInvalidArgument when the event breaks a rule of ValidateEvent (nothing stored); the
  // database's errors (kUnavailable for a full or failing disk) otherwise, after which the queue
  // re-reads its state from the file.
  Result<Event> Append(Event event) override;

  // Groups up to `max_events` (at most kMaxBatchEvents) of the events not yet in any batch, the
  // oldest first, into a batch signed with the gate's key, and stores it as pending (synced, so a
  // batch that was sent is never forgotten). nullopt when every event is in a batch already.
  // kInvalidArgument when max_events is 0.
  Result<std::optional<Batch>> SealBatch(std::size_t max_events);

  // The sealed batches the server has not acknowledged, oldest first: what to send (again) after
  // a reconnection.
  Result<std::vector<Batch>> PendingBatches();

  // The server has durably committed every event up to `last_sequence`, which must end a sealed
  // batch. Those events become eligible for Prune(). Repeating an acknowledgement, or
  // acknowledging less than before, is OK and changes nothing. kInvalidArgument when
  // `last_sequence` is beyond the last sealed event or not the last event of a batch.
  Status Acknowledge(std::uint64_t last_sequence);

  // Deletes the acknowledged events and batches, keeping the chain hash of the last one so the
  // chain continues. Returns how many events were deleted.
  Result<std::size_t> Prune();

  // Up to `max_events` kept events from sequence `first` on (for the console and tests).
  // kDataLoss when a stored record does not decode.
  Result<std::vector<Event>> ReadEvents(std::uint64_t first, std::size_t max_events);

  QueueState state() const;
  GateId gate() const { return gate_; }
  const Ed25519PublicKey& public_key() const { return key_.public_key(); }

 private:
  EventQueue(std::unique_ptr<store::sqlite::Database> db, GateId gate, Ed25519PrivateKey key,
             const Options& options);

  // Creates the schema of a new file, or checks the format and owner of an existing one.
  Status Initialise();
  // Reads the state row and checks every kept event and batch (the recovery check of Open).
  Status LoadAndCheck();
  store::sqlite::Transaction::Durability Durability() const;
  Result<Batch> ReadBatch(std::uint64_t first, std::uint64_t last, Bytes signature);

  mutable std::mutex mutex_;
  std::unique_ptr<store::sqlite::Database> db_;
  const GateId gate_;
  const Ed25519PrivateKey key_;
  const Options options_;
  QueueState state_;
  // Sequence numbers that end a sealed, unacknowledged batch, ascending.
  std::vector<std::uint64_t> batch_ends_;
  // After a failed write the file may hold more than this object knows; re-read before the next.
  bool reload_ = false;
};

}  // namespace sekisho::gate
