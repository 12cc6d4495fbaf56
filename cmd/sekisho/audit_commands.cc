// `sekisho audit append | erase | checkpoint | verify | proof`: the data directory's tamper-evident
// audit log (docs/audit.md), its signed checkpoints and the proofs anyone can check.
#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "access/data_dir.h"
#include "audit/audit_log.h"
#include "audit/key_file.h"
#include "audit/log_directory.h"
#include "base/clock.h"
#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"

namespace sekisho::cli {
namespace {

using audit::AuditLog;

struct AuditOptions {
  DataOptions data;
};

// The data directory's audit log, opened with its checkpoint key.
struct AuditSession {
  std::optional<access::DataDir> dir;
  std::unique_ptr<SystemClock> clock = std::make_unique<SystemClock>();
  std::unique_ptr<OsRandom> random = std::make_unique<OsRandom>();
  std::optional<Ed25519PrivateKey> key;
  std::size_t retired_keys = 0;
  std::unique_ptr<AuditLog> log;
};

// `create`: the key and the log file are made on first use (by a command that writes); otherwise
// both must exist: kNotFound "... has no audit log yet".
Result<AuditSession> OpenAudit(const DataOptions& o, bool create) {
  AuditSession s;
  ASSIGN_OR_RETURN(s.dir, access::DataDir::Open(o.data));
  LogToDataDir(*s.dir);
  const std::filesystem::path log_path = s.dir->root() / audit::kAuditLogFileName;
  if (!create && !std::filesystem::exists(log_path)) {
    return NotFoundError("the data directory " + o.data +
                         " has no audit log yet; append a record or make a checkpoint first");
  }
  // The current key, created with the log; the retired ones its earlier checkpoints name.
  ASSIGN_OR_RETURN(audit::LogKeys keys, audit::LoadLogKeys(s.dir->root(), *s.random));
  AuditLog::Options options;
  options.database.busy_timeout = s.dir->config().busy_timeout;
  options.retired_keys = keys.retired;
  s.retired_keys = keys.retired.size();
  auto log = AuditLog::Open(log_path, keys.origin, keys.current.public_key(), *s.random, *s.clock,
                            options);
  if (!log.ok()) return log.status();
  s.key.emplace(std::move(keys.current));
  s.log = std::move(log).value();
  return s;
}

// The record as text when it is printable (UTF-8 passes through), else as hex.
std::string Printable(ByteView record) {
  for (const std::uint8_t b : record) {
    if ((b < 0x20 && b != '\t') || b == 0x7F) return "hex " + ToHex(record);
  }
  return "\"" + ToString(record) + "\"";
}

std::string KeyIdHex(const AuditSession& s) {
  return audit::KeyIdHex(audit::CheckpointKeyId(s.log->origin(), s.key->public_key()));
}

struct AppendOptions {
  DataOptions data;
  std::string kind;
  std::string text;
};

Status Append(const AppendOptions& o) {
  ASSIGN_OR_RETURN(const audit::RecordKind kind, audit::ParseRecordKind(o.kind));
  if (kind == audit::RecordKind::kErasure) {
    return InvalidArgumentError(
        "--kind erasure: erasure records are written by `sekisho audit "
        "erase`");
  }
  ASSIGN_OR_RETURN(AuditSession s, OpenAudit(o.data, /*create=*/true));
  ASSIGN_OR_RETURN(const std::uint64_t index,
                   s.log->Append(audit::NewRecord{kind, ToBytes(o.text)}));
  ASSIGN_OR_RETURN(const audit::StoredEntry entry, s.log->GetRecord(index));
  std::printf("appended:    record %llu (%s)\nleaf hash:   %s\nlog size:    %llu\n",
              static_cast<unsigned long long>(index), o.kind.c_str(),
              audit::HashHex(entry.leaf_hash).c_str(),
              static_cast<unsigned long long>(s.log->size()));
  spdlog::info("audit record {} ({}) appended by {}", index, o.kind, o.data.actor);
  return OkStatus();
}

struct RecordOptions {
  DataOptions data;
  std::uint64_t record = 0;
};

Status Erase(const RecordOptions& o) {
  ASSIGN_OR_RETURN(AuditSession s, OpenAudit(o.data, /*create=*/false));
  ASSIGN_OR_RETURN(const std::uint64_t erasure, s.log->Erase(o.record));
  std::printf(
      "erased:      the content of record %llu (its leaf hash stays in the tree)\n"
      "erasure:     recorded as record %llu\n",
      static_cast<unsigned long long>(o.record), static_cast<unsigned long long>(erasure));
  spdlog::info("audit record {} erased by {} (erasure record {})", o.record, o.data.actor, erasure);
  return OkStatus();
}

Status MakeCheckpoint(const AuditOptions& o) {
  ASSIGN_OR_RETURN(AuditSession s, OpenAudit(o.data, /*create=*/true));
  ASSIGN_OR_RETURN(const audit::SignedCheckpoint checkpoint, s.log->AddCheckpoint(*s.key));
  std::fputs(checkpoint.text.c_str(), stdout);
  spdlog::info("audit checkpoint of {} records signed by {}", checkpoint.checkpoint.tree_size,
               o.data.actor);
  return OkStatus();
}

Status Verify(const AuditOptions& o) {
  ASSIGN_OR_RETURN(AuditSession s, OpenAudit(o.data, /*create=*/false));
  ASSIGN_OR_RETURN(const audit::LogCheckReport report, s.log->Check());
  std::printf("audit log:   %s (%s, key ID %s)\n",
              (s.dir->root() / audit::kAuditLogFileName).c_str(), s.log->origin().c_str(),
              KeyIdHex(s).c_str());
  if (s.retired_keys > 0) {
    std::printf("retired:     %zu earlier key(s) (audit-key.retired), their checkpoints verified\n",
                s.retired_keys);
  }
  std::printf("records:     %llu (%llu erased, their leaf hashes kept)\n",
              static_cast<unsigned long long>(report.tree_size),
              static_cast<unsigned long long>(report.erased));
  std::printf("root:        %s\n", audit::HashHex(report.root).c_str());
  if (report.latest_checkpoint) {
    std::printf(
        "checkpoints: %zu, every signature, root and consistency with the latest verified\n"
        "latest:      %llu records, signed %s\n",
        report.checkpoints, static_cast<unsigned long long>(report.latest_checkpoint->tree_size),
        FormatTime(report.latest_checkpoint->time).c_str());
    if (report.latest_checkpoint->tree_size < report.tree_size) {
      std::printf(
          "note:        %llu record(s) not covered by a checkpoint yet (`sekisho audit "
          "checkpoint`)\n",
          static_cast<unsigned long long>(report.tree_size - report.latest_checkpoint->tree_size));
    }
  } else {
    std::printf("checkpoints: none yet (`sekisho audit checkpoint`)\n");
  }
  std::printf("verified:    every record, leaf hash and stored node recomputed from the leaves\n");
  return OkStatus();
}

Status RotateKey(const AuditOptions& o) {
  ASSIGN_OR_RETURN(access::DataDir dir, access::DataDir::Open(o.data.data));
  LogToDataDir(dir);
  SystemClock clock;
  OsRandom random;
  AuditLog::Options options;
  options.database.busy_timeout = dir.config().busy_timeout;
  ASSIGN_OR_RETURN(const audit::KeyRotation rotation,
                   audit::RotateLogKey(dir.root(), random, clock, o.data.actor, options));
  std::printf(
      "rotated:     checkpoint key %s -> %s\n"
      "handover:    record %llu names the new key; the old key signed the checkpoint of %llu "
      "records that covers it\n"
      "first:       checkpoint of %llu records signed by the new key\n",
      audit::KeyIdHex(rotation.previous_key_id).c_str(),
      audit::KeyIdHex(rotation.new_key_id).c_str(),
      static_cast<unsigned long long>(rotation.record),
      static_cast<unsigned long long>(rotation.last_by_previous.checkpoint.tree_size),
      static_cast<unsigned long long>(rotation.first_by_new.checkpoint.tree_size));
  std::fputs(rotation.first_by_new.text.c_str(), stdout);
  spdlog::info("audit checkpoint key {} replaced by {} (record {}) by {}",
               audit::KeyIdHex(rotation.previous_key_id), audit::KeyIdHex(rotation.new_key_id),
               rotation.record, o.data.actor);
  return OkStatus();
}

Status Proof(const RecordOptions& o) {
  ASSIGN_OR_RETURN(AuditSession s, OpenAudit(o.data, /*create=*/false));
  ASSIGN_OR_RETURN(const std::optional<audit::SignedCheckpoint> latest, s.log->LatestCheckpoint());
  if (!latest) {
    return FailedPreconditionError(
        "the audit log has no checkpoint yet; make one with `sekisho "
        "audit checkpoint --data " +
        o.data.data + "`");
  }
  const audit::Checkpoint& checkpoint = latest->checkpoint;
  ASSIGN_OR_RETURN(const audit::StoredEntry entry, s.log->GetRecord(o.record));
  if (o.record >= checkpoint.tree_size) {
    return FailedPreconditionError("record " + std::to_string(o.record) +
                                   " was appended after the latest checkpoint (" +
                                   std::to_string(checkpoint.tree_size) +
                                   " records); make one with `sekisho audit "
                                   "checkpoint`");
  }
  if (!entry.erased() &&
      audit::RecordLeafHash(*entry.salt, entry.kind, *entry.record) != entry.leaf_hash) {
    return DataLossError("record " + std::to_string(o.record) +
                         ": its leaf hash does not match its salt, kind and content");
  }
  ASSIGN_OR_RETURN(const audit::InclusionProof proof,
                   s.log->ProveInclusion(o.record, checkpoint.tree_size));
  RETURN_IF_ERROR(audit::VerifyInclusion(entry.leaf_hash, proof, checkpoint.root));

  std::printf("record:      %llu (%s)\n", static_cast<unsigned long long>(o.record),
              std::string(audit::RecordKindName(entry.kind)).c_str());
  if (entry.erased()) {
    std::printf("content:     erased (the leaf hash stays, so the proof still holds)\n");
  } else {
    std::string salt = ToHex(*entry.salt);
    for (char& c : salt) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::printf("content:     %s\nsalt:        %s\n", Printable(*entry.record).c_str(),
                salt.c_str());
  }
  std::printf("leaf hash:   %s  = SHA-256(00 || salt || kind %02x || content)\n",
              audit::HashHex(entry.leaf_hash).c_str(), static_cast<unsigned>(entry.kind));
  std::printf("tree size:   %llu\nroot:        %s\n",
              static_cast<unsigned long long>(checkpoint.tree_size),
              audit::HashHex(checkpoint.root).c_str());
  std::printf("inclusion proof (RFC 9162 §2.1.3, %zu hashes, leaf to root):\n", proof.path.size());
  for (const audit::Hash& hash : proof.path) std::printf("  %s\n", audit::HashHex(hash).c_str());
  std::printf("checkpoint (signed %s, key ID %s):\n%s", FormatTime(checkpoint.time).c_str(),
              KeyIdHex(s).c_str(), latest->text.c_str());
  std::printf("verified:    record %llu is in the log of %llu records the checkpoint signs\n",
              static_cast<unsigned long long>(o.record),
              static_cast<unsigned long long>(checkpoint.tree_size));
  return OkStatus();
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, Action& action) {
  CLI::App* audit = app.add_subcommand(
      "audit", "The tamper-evident audit log: signed checkpoints, proofs, erasure (docs/audit.md)");
  audit->require_subcommand(1);

  auto a = std::make_shared<AppendOptions>();
  CLI::App* append = audit->add_subcommand(
      "append", "Append an administrative record (its text as given) to the audit log");
  AddDataOptions(append, a->data, /*with_org=*/false);
  append->add_option("--kind", a->kind, "Record kind: admin or gate")
      ->default_val("admin")
      ->capture_default_str();
  append->add_option("--text", a->text, "The record's text")->required();
  append->callback([&action, a] { action = [a] { return Append(*a); }; });

  auto e = std::make_shared<RecordOptions>();
  CLI::App* erase = audit->add_subcommand(
      "erase", "Erase a record's content (right to deletion); the erasure itself is logged");
  AddDataOptions(erase, e->data, /*with_org=*/false);
  erase->add_option("--record", e->record, "Record index")->required();
  erase->callback([&action, e] { action = [e] { return Erase(*e); }; });

  auto c = std::make_shared<AuditOptions>();
  CLI::App* checkpoint = audit->add_subcommand(
      "checkpoint", "Sign a checkpoint of the current tree, store it and print it");
  AddDataOptions(checkpoint, c->data, /*with_org=*/false);
  checkpoint->callback([&action, c] { action = [c] { return MakeCheckpoint(*c); }; });

  auto v = std::make_shared<AuditOptions>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the whole log: every record, node and checkpoint, and their consistency");
  AddDataOptions(verify, v->data, /*with_org=*/false);
  verify->callback([&action, v] { action = [v] { return Verify(*v); }; });

  auto r = std::make_shared<AuditOptions>();
  CLI::App* rotate = audit->add_subcommand(
      "rotate-key",
      "Replace the checkpoint key: the old key signs a checkpoint covering a record that names the "
      "new one, and stays listed for verifying its checkpoints (refused while `sekisho serve` "
      "runs)");
  AddDataOptions(rotate, r->data, /*with_org=*/false);
  rotate->callback([&action, r] { action = [r] { return RotateKey(*r); }; });

  auto p = std::make_shared<RecordOptions>();
  CLI::App* proof = audit->add_subcommand(
      "proof", "Print and verify the inclusion proof of a record against the latest checkpoint");
  AddDataOptions(proof, p->data, /*with_org=*/false);
  proof->add_option("--record", p->record, "Record index")->required();
  proof->callback([&action, p] { action = [p] { return Proof(*p); }; });
}

}  // namespace sekisho::cli
