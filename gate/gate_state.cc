#include "gate/gate_state.h"

#include <string>
#include <utility>

#include "snapshot/header.h"
#include "snapshot/snapshot_codec.h"
#include "store/sqlite/migrations.h"

namespace sekisho::gate {
namespace {

using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// docs/formats/sync-protocol.md "Gate files". The snapshot is stored in the snapshot format
// (docs/formats/snapshot.md §5) with this gate's id in its header, unsigned.
constexpr std::string_view kV1 = R"sql(
PRAGMA application_id = 1397050185;  -- "SEKI", store/sqlite/migrations.h kApplicationId

CREATE TABLE gate_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  gate           INTEGER NOT NULL CHECK (gate BETWEEN 1 AND 4294967295),
  policy_version INTEGER NOT NULL CHECK (policy_version >= 0),
  snapshot       BLOB,
  CHECK ((policy_version = 0) = (snapshot IS NULL))
) STRICT;
)sql";

constexpr Migration kMigrations[] = {
    {1, "gate id, accepted policy version and snapshot", kV1},
};

}  // namespace

GateState::~GateState() = default;

Result<std::unique_ptr<GateState>> GateState::Open(const std::filesystem::path& path, GateId gate) {
  if (gate == 0) return InvalidArgumentError("gate state: gate id 0 is not a gate");
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  const std::string context = "gate state " + path.string();
  RETURN_IF_ERROR(
      store::sqlite::Migrate(*db, kMigrations[std::size(kMigrations) - 1].version, kMigrations)
          .WithContext(context));
  std::unique_ptr<GateState> state(new GateState(std::move(db), gate));
  RETURN_IF_ERROR(state->Load().WithContext(context));
  return state;
}

Status GateState::Load() {
  {
    ASSIGN_OR_RETURN(Transaction transaction,
                     Transaction::Begin(*db_, Transaction::Durability::kSync));
    ASSIGN_OR_RETURN(Statement insert,
                     db_->Prepare("INSERT INTO gate_state (id, gate, policy_version, snapshot) "
                                  "VALUES (1, ?, 0, NULL) ON CONFLICT (id) DO NOTHING"));
    insert.BindInt(1, gate_);
    RETURN_IF_ERROR(insert.Run());
    RETURN_IF_ERROR(transaction.Commit());
  }
  ASSIGN_OR_RETURN(Statement query,
                   db_->Prepare("SELECT gate, policy_version, snapshot FROM gate_state"));
  ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return InternalError("the state row is missing after its insert");
  if (query.ColumnInt(0) != gate_) {
    return FailedPreconditionError("the file belongs to gate " +
                                   std::to_string(query.ColumnInt(0)) + ", this is gate " +
                                   std::to_string(gate_));
  }
  const auto version = static_cast<std::uint64_t>(query.ColumnInt(1));
  if (version == 0) return OkStatus();
  auto decoded = snapshot::DecodeSnapshot(query.ColumnBlob(2));
  if (!decoded.ok()) return DataLossError("stored snapshot: " + decoded.status().message());
  if (decoded->header.gate_id != gate_ || decoded->snapshot.version != version) {
    return DataLossError("stored snapshot: made for gate " +
                         std::to_string(decoded->header.gate_id) + " at version " +
                         std::to_string(decoded->snapshot.version) + ", the state says gate " +
                         std::to_string(gate_) + " at version " + std::to_string(version));
  }
  snapshot_ = std::move(decoded->snapshot);
  return OkStatus();
}

Status GateState::Save(const policy::Snapshot& snapshot) {
  if (snapshot.version < policy_version()) {
    return FailedPreconditionError("gate state: policy version " +
                                   std::to_string(snapshot.version) + " is below the accepted " +
                                   std::to_string(policy_version()));
  }
  if (snapshot.version == 0) {
    return InvalidArgumentError("gate state: a policy in force has a version above 0");
  }
  snapshot::Header header;
  header.gate_id = gate_;
  ASSIGN_OR_RETURN(const Bytes encoded, snapshot::EncodeSnapshot(header, snapshot));
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  ASSIGN_OR_RETURN(Statement update,
                   db_->Prepare("UPDATE gate_state SET policy_version = ?, snapshot = ?"));
  update.BindInt(1, static_cast<std::int64_t>(snapshot.version)).BindBlob(2, encoded);
  RETURN_IF_ERROR(update.Run().WithContext("gate state"));
  RETURN_IF_ERROR(transaction.Commit().WithContext("gate state"));
  snapshot_ = snapshot;
  return OkStatus();
}

}  // namespace sekisho::gate
