// GateState: what a gate keeps of its policy across restarts, in its data directory
// (gate-state.db): its id, the accepted policy version and the snapshot in force, saved after
// every applied snapshot or delta so a restarted gate decides at once and refuses replays of
// older versions. Schema: docs/formats/sync-protocol.md "Gate files".
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "gate/event.h"
#include "policy/model.h"
#include "store/sqlite/database.h"

namespace sekisho::gate {

inline constexpr std::string_view kGateStateFile = "gate-state.db";

// Not thread-safe: the gate's sync session owns it.
class GateState {
 public:
  // Opens or creates the state of `gate` at `path`, and reads it. kInvalidArgument for gate 0;
  // kFailedPrecondition when the file belongs to another gate or is not a gate state of this
  // build; kDataLoss when the stored snapshot does not decode; Database::Open's errors.
  static Result<std::unique_ptr<GateState>> Open(const std::filesystem::path& path, GateId gate);
  ~GateState();
  GateState(const GateState&) = delete;
  GateState& operator=(const GateState&) = delete;

  GateId gate() const { return gate_; }
  // The accepted version (0: none yet).
  std::uint64_t policy_version() const { return snapshot_ ? snapshot_->version : 0; }
  // The snapshot in force when the state was last saved.
  const std::optional<policy::Snapshot>& snapshot() const { return snapshot_; }

  // Stores `snapshot` as the one in force, synced to disk (survives a power loss once it
  // returns). kFailedPrecondition when its version is below the stored one (the accepted version
  // never goes back); kInvalidArgument when it cannot be encoded; the database's errors.
  Status Save(const policy::Snapshot& snapshot);

 private:
  GateState(std::unique_ptr<store::sqlite::Database> db, GateId gate)
      : db_(std::move(db)), gate_(gate) {}
  Status Load();

  std::unique_ptr<store::sqlite::Database> db_;
  const GateId gate_;
  std::optional<policy::Snapshot> snapshot_;
};

}  // namespace sekisho::gate
