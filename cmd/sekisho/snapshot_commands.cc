// `sekisho snapshot rotate-key`: on the server's data directory, replaces the organisation's
// snapshot signing key; the old key signs a rollover statement naming the new one, which every
// gate follows on its next connection (docs/operations.md §4).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "audit/audit_log.h"
#include "audit/record.h"
#include "base/clock.h"
#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "server/snapshot_keys.h"
#include "sync/key_rollover.h"

namespace sekisho::cli {
namespace {

struct SnapshotKeyOptions {
  DataOptions data;
};

// The admin record of a rotation: canonical JSON (keys sorted, no whitespace), public key ids
// only.
Bytes SnapshotKeyRotatedRecord(const DataSession& s, const server::SnapshotKeyRotation& rotation,
                               TimePoint at) {
  const nlohmann::json record = {{"action", "snapshot-key-rotated"},
                                 {"actor", s.actor},
                                 {"at", FormatUtc(at)},
                                 {"key_id", sync::SnapshotKeyIdHex(rotation.next)},
                                 {"object", "organisation/" + std::to_string(s.org.id.value())},
                                 {"previous_key_id", sync::SnapshotKeyIdHex(rotation.previous)},
                                 {"rollover", rotation.sequence},
                                 {"v", 1}};
  return ToBytes(record.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
}

Status RotateSnapshotKey(const SnapshotKeyOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  OsRandom random;
  const std::filesystem::path org_dir = s.dir->org_dir(s.org.name);
  ASSIGN_OR_RETURN(const server::SnapshotKeyRotation rotation,
                   server::RotateSnapshotKey(org_dir, org_dir.filename().string(), random));
  std::printf(
      "rotated:     snapshot key %s -> %s (rollover %llu%s)\n"
      "chain:       %s\n"
      "gates:       follow the rollover on their next connection to the server; none registers "
      "again\n"
      "next:        start `sekisho serve`: it signs with the new key and hands the chain to "
      "every gate\n",
      sync::SnapshotKeyIdHex(rotation.previous).c_str(),
      sync::SnapshotKeyIdHex(rotation.next).c_str(),
      static_cast<unsigned long long>(rotation.sequence),
      rotation.resumed ? ", finishing an interrupted rotation" : "",
      (org_dir / server::kSnapshotKeyChainFile).c_str());
  spdlog::info("snapshot key of organisation '{}' rotated to key id {} (rollover {}) by {}",
               s.org.name, sync::SnapshotKeyIdHex(rotation.next), rotation.sequence, s.actor);
  // The rotation is done; its record follows (as `sekisho audit rotate-key`'s).
  Result<std::uint64_t> record = [&]() -> Result<std::uint64_t> {
    ASSIGN_OR_RETURN(const std::unique_ptr<audit::AuditLog> log,
                     OpenAuditLog(*s.dir, random, *s.clock));
    return log->Append(
        {audit::RecordKind::kAdminAction, SnapshotKeyRotatedRecord(s, rotation, s.clock->Now())});
  }();
  if (!record.ok()) {
    return record.status().WithContext(
        "the snapshot key is rotated, but its audit record was not appended");
  }
  std::printf("audit:       record %llu (snapshot-key-rotated)\n",
              static_cast<unsigned long long>(*record));
  return OkStatus();
}

}  // namespace

void RegisterSnapshotCommands(CLI::App& app, Action& action) {
  CLI::App* snapshot = app.add_subcommand(
      "snapshot", "The organisation's policy snapshots for gates: their signing key");
  snapshot->require_subcommand(1);

  auto r = std::make_shared<SnapshotKeyOptions>();
  CLI::App* rotate = snapshot->add_subcommand(
      "rotate-key",
      "Replace the snapshot signing key: the old key signs a rollover statement naming the new "
      "one, which gates follow on their next connection (stop `sekisho serve` first; run again "
      "to finish an interrupted rotation)");
  AddDataOptions(rotate, r->data);
  rotate->callback([&action, r] { action = [r] { return RotateSnapshotKey(*r); }; });
}

}  // namespace sekisho::cli
