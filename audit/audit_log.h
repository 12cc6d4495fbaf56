// The audit log (DESIGN.md §5, P5): an append-only Merkle log (RFC 9162 §2.1) of salted records
// in SQLite, with erasure of a record's content, inclusion and consistency proofs, and signed
// checkpoints. Guarantees: docs/audit.md; format: docs/formats/audit-log.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/frontier.h"
#include "audit/log_check.h"
#include "audit/log_store.h"
#include "audit/merkle.h"
#include "audit/proof.h"
#include "audit/record.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "base/result.h"
#include "store/sqlite/database.h"

namespace sekisho::audit {

// Its name in the data directory.
inline constexpr std::string_view kAuditLogFileName = "audit.db";

struct NewRecord {
  RecordKind kind = RecordKind::kAdminAction;
  Bytes record;  // the caller's canonical encoding, at most kMaxRecordSize bytes
};

// A record of a feed: a source whose items are copied into the log exactly once each, in order
// (access/audit_feed.h feeds the registry's admin events). `position` is the item's place in its
// source (an event id); it increases strictly from one record of a batch to the next.
struct FeedRecord {
  std::int64_t position = 0;
  NewRecord record;
};

// The longest feed name: 1 to 100 printable ASCII characters, no spaces.
inline constexpr std::size_t kMaxFeedNameLength = 100;

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string text;  // the signed form (checkpoint.h)
};

// One writer at a time per file: appends take SQLite's write lock and first catch up with
// records another connection appended. Not thread-safe: the owner serialises calls.
class AuditLog {
 public:
  struct Options {
    // Of every write (batches, erasures, checkpoints). kSync: it survives a power loss once the
    // call returns. kNormal: it survives a crash of the process and is never half-present, but
    // an OS crash or power loss may roll back the last writes.
    store::sqlite::Transaction::Durability durability =
        store::sqlite::Transaction::Durability::kSync;
    store::sqlite::Database::Options database;
    // Checkpoint keys this log used before its current one (docs/audit.md "Keys"): checkpoints
    // they signed still verify; new ones are signed by the current key only.
    std::vector<Ed25519PublicKey> retired_keys;
  };

  // Opens or creates the log at `path` (LogStore::Open's errors), then checks it against its
  // latest checkpoint, in O(log n) reads:
  //   kDataLoss "... the latest checkpoint covers M records but the log holds N: records were
  //   lost", "... the stored tree's root at size M differs from the latest checkpoint's: the log
  //   was altered", a missing node, or a checkpoint whose signature by `checkpoint_key` fails.
  // `random` (salts) and `clock` (checkpoint times) must outlive the log.
  static Result<std::unique_ptr<AuditLog>> Open(const std::filesystem::path& path,
                                                std::string_view origin,
                                                const Ed25519PublicKey& checkpoint_key,
                                                Random& random, const Clock& clock,
                                                const Options& options);
  static Result<std::unique_ptr<AuditLog>> Open(const std::filesystem::path& path,
                                                std::string_view origin,
                                                const Ed25519PublicKey& checkpoint_key,
                                                Random& random, const Clock& clock) {
    return Open(path, origin, checkpoint_key, random, clock, Options{});
  }

  const std::string& origin() const { return store_->origin(); }
  // The number of records (erased ones included) as of the last call that read or wrote the
  // file; Refresh() catches up with other writers.
  std::uint64_t size() const { return frontier_.size(); }
  Hash Root() const { return frontier_.Root(); }
  Status Refresh();

  // Appends `records` in one transaction, each with a fresh salt; returns the index of the first.
  // All or nothing: on any error none of them is in the log. kInvalidArgument for a record above
  // kMaxRecordSize or of kind kErasure (only Erase writes those); an empty batch appends nothing.
  Result<std::uint64_t> Append(std::span<const NewRecord> records);
  Result<std::uint64_t> Append(const NewRecord& record) { return Append(std::span(&record, 1)); }

  // A feed's position is the position of the last record it appended. It is kept in the log's
  // file and moves in the same transaction as the records that carry it, so a crash never
  // separates the two. docs/formats/audit-log.md "Database".
  //
  // The stored position of `feed`; nullopt before its first record. kInvalidArgument for a bad
  // feed name; kDataLoss when the stored value is not a number.
  Result<std::optional<std::int64_t>> FeedPosition(std::string_view feed);
  // Appends, in one transaction, the records of `records` whose position is beyond the feed's
  // stored position, and stores the position of the last one. Records at or below the stored
  // position were appended already (by another writer, or by a run that stopped after its
  // commit) and are skipped, so feeding the same items again, after a crash or from two
  // processes at once, adds no duplicate. Returns how many records were appended.
  // kInvalidArgument (nothing appended) for a bad feed name, positions that do not increase
  // strictly, and what Append refuses; otherwise Append's errors.
  Result<std::size_t> AppendFeed(std::string_view feed, std::span<const FeedRecord> records);

  // Erases the content of record `index`: its salt and record bytes are removed from the file
  // (overwritten, and the write-ahead log truncated when no reader holds it), its leaf hash and
  // kind stay, so every proof and checkpoint stays valid. In the same transaction an erasure
  // record naming `index` is appended; returns its index. kNotFound when there is no such
  // record; kFailedPrecondition when it is an erasure record or erased already.
  Result<std::uint64_t> Erase(std::uint64_t index);

  // kNotFound "record N does not exist".
  Result<StoredEntry> GetRecord(std::uint64_t index);

  // MTH of the first `tree_size` records, and the proofs of RFC 9162 §2.1.3.1 and §2.1.4.1,
  // from O(log n) stored hashes. kInvalidArgument "tree size S is beyond the N records of the
  // log" and BuildInclusionProof's / BuildConsistencyProof's errors.
  Result<Hash> RootAt(std::uint64_t tree_size);
  Result<InclusionProof> ProveInclusion(std::uint64_t index, std::uint64_t tree_size);
  Result<ConsistencyProof> ProveConsistency(std::uint64_t first, std::uint64_t second);

  // Signs a checkpoint of the whole log at the clock's time (whole seconds) and stores it.
  // kInvalidArgument when `key` is not the checkpoint key the log was opened with.
  Result<SignedCheckpoint> AddCheckpoint(const Ed25519PrivateKey& key);
  // The latest stored checkpoint, its signature verified; nullopt when there is none.
  Result<std::optional<SignedCheckpoint>> LatestCheckpoint();

  // The whole file, checked from the leaves up (CheckLog): O(n).
  Result<LogCheckReport> Check();

 private:
  AuditLog(std::unique_ptr<LogStore> store, Ed25519PublicKey key, Random& random,
           const Clock& clock, const Options& options)
      : store_(std::move(store)),
        key_(key),
        keys_(KeysOf(std::move(key), options.retired_keys)),
        random_(random),
        clock_(clock),
        options_(options) {}
  // Reloads the frontier when the stored size differs from the cached one.
  Status CatchUp();
  Status CheckAgainstLatestCheckpoint();
  Status CheckTreeSize(std::uint64_t tree_size) const;
  // Inserts the records and their nodes; the caller holds the transaction.
  Status AppendInTransaction(std::span<const NewRecord> records);

  std::unique_ptr<LogStore> store_;
  static std::vector<Ed25519PublicKey> KeysOf(Ed25519PublicKey current,
                                              const std::vector<Ed25519PublicKey>& retired) {
    std::vector<Ed25519PublicKey> keys{std::move(current)};
    keys.insert(keys.end(), retired.begin(), retired.end());
    return keys;
  }

  Ed25519PublicKey key_;
  std::vector<Ed25519PublicKey> keys_;  // the current key first, then the retired ones
  Random& random_;
  const Clock& clock_;
  Options options_;
  Frontier frontier_;
};

}  // namespace sekisho::audit
