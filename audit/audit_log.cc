#include "audit/audit_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <string>
#include <vector>

#include "audit/proof_builder.h"

namespace sekisho::audit {
namespace {

using store::sqlite::Transaction;

// Salts are drawn for this many records at a time.
constexpr std::size_t kSaltChunk = 1024;

// What Append refuses in record `i` of a batch.
Status CheckNewRecord(std::size_t i, const NewRecord& record) {
  if (record.kind == RecordKind::kErasure) {
    return InvalidArgumentError("record " + std::to_string(i) +
                                " of the batch is an erasure record; only "
                                "Erase writes those");
  }
  if (record.record.size() > kMaxRecordSize) {
    return InvalidArgumentError("record " + std::to_string(i) + " of the batch has " +
                                std::to_string(record.record.size()) +
                                " bytes, above the limit of " + std::to_string(kMaxRecordSize));
  }
  return OkStatus();
}

Status CheckFeedName(std::string_view feed) {
  const bool printable =
      std::all_of(feed.begin(), feed.end(), [](char c) { return c > ' ' && c < 0x7F; });
  if (feed.empty() || feed.size() > kMaxFeedNameLength || !printable) {
    return InvalidArgumentError("feed name '" + std::string(feed) + "': expected 1 to " +
                                std::to_string(kMaxFeedNameLength) +
                                " printable ASCII characters without spaces");
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::filesystem::path& path,
                                                 std::string_view origin,
                                                 const Ed25519PublicKey& checkpoint_key,
                                                 Random& random, const Clock& clock,
                                                 const Options& options) {
  RETURN_IF_ERROR(CheckOrigin(origin));
  ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store, LogStore::Open(path, origin, options.database));
  std::unique_ptr<AuditLog> log(
      new AuditLog(std::move(store), checkpoint_key, random, clock, options));
  const std::string where = "audit log " + path.string();
  RETURN_IF_ERROR(log->CatchUp().WithContext(where));
  RETURN_IF_ERROR(log->CheckAgainstLatestCheckpoint().WithContext(where));
  return log;
}

Status AuditLog::CatchUp() {
  ASSIGN_OR_RETURN(const std::uint64_t size, store_->Size());
  if (size == frontier_.size() && size > 0) return OkStatus();
  // The nodes table must end exactly with the last node a tree of `size` leaves completes.
  ASSIGN_OR_RETURN(const std::optional<NodeId> last, store_->LastNode());
  std::optional<NodeId> expected;
  if (size >= 2) {
    const int level = std::countr_zero(size);  // the last leaf completed this many levels
    if (level >= 1) {
      expected = NodeId{level, (size >> level) - 1};
    } else {
      // The last complete internal node belongs to the previous even size.
      const std::uint64_t even = size - 1;
      const int even_level = std::countr_zero(even);
      expected = NodeId{even_level, (even >> even_level) - 1};
    }
  }
  if (last != expected) {
    return DataLossError("the stored nodes do not end where a tree of " + std::to_string(size) +
                         " records ends: the file was altered or truncated");
  }
  std::vector<Hash> hashes;
  if (size > 0) {
    const std::vector<NodeId> edge = SubtreesOf(0, size);
    ASSIGN_OR_RETURN(hashes, store_->Reader()(edge));
  }
  ASSIGN_OR_RETURN(frontier_, Frontier::FromSubtrees(size, std::move(hashes)));
  return OkStatus();
}

Status AuditLog::Refresh() { return CatchUp(); }

Status AuditLog::CheckAgainstLatestCheckpoint() {
  ASSIGN_OR_RETURN(const std::optional<StoredCheckpoint> latest, store_->LatestCheckpoint());
  if (!latest) return OkStatus();
  const std::string name = "the latest checkpoint (#" + std::to_string(latest->id) + ")";
  auto checkpoint = OpenCheckpoint(latest->text, origin(), keys_);
  if (!checkpoint.ok()) return DataLossError(name + ": " + checkpoint.status().message());
  const std::uint64_t covered = checkpoint->tree_size;
  if (covered > size()) {
    return DataLossError(name + " covers " + std::to_string(covered) +
                         " records but the log holds " + std::to_string(size()) +
                         ": records were lost");
  }
  ASSIGN_OR_RETURN(const Hash root, BuildRoot(covered, store_->Reader()));
  if (root != checkpoint->root) {
    return DataLossError("the stored tree's root at size " + std::to_string(covered) +
                         " differs from " + name + ": the log was altered");
  }
  return OkStatus();
}

Status AuditLog::CheckTreeSize(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgumentError("tree size " + std::to_string(tree_size) + " is beyond the " +
                                std::to_string(size()) + " records of the log");
  }
  return OkStatus();
}

Status AuditLog::AppendInTransaction(std::span<const NewRecord> records) {
  Bytes salts;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i % kSaltChunk == 0) {
      salts = random_.Generate(kSaltSize * std::min(kSaltChunk, records.size() - i));
    }
    const ByteView salt = ByteView(salts).subspan((i % kSaltChunk) * kSaltSize, kSaltSize);
    const NewRecord& r = records[i];
    const Hash leaf = RecordLeafHash(salt, r.kind, r.record);
    RETURN_IF_ERROR(store_->InsertEntry(frontier_.size(), leaf, r.kind, salt, r.record));
    Status node_status;
    frontier_.Append(leaf, [&](NodeId node, const Hash& hash) {
      if (node_status.ok()) node_status = store_->InsertNode(node, hash);
    });
    RETURN_IF_ERROR(node_status);
  }
  return OkStatus();
}

Result<std::uint64_t> AuditLog::Append(std::span<const NewRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) RETURN_IF_ERROR(CheckNewRecord(i, records[i]));
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(store_->database(), options_.durability));
  RETURN_IF_ERROR(CatchUp());
  const std::uint64_t first = frontier_.size();
  const Frontier before = frontier_;
  Status status = AppendInTransaction(records);
  if (status.ok()) status = transaction.Commit();
  if (!status.ok()) {
    frontier_ = before;  // the transaction rolled back
    return status.WithContext("appending " + std::to_string(records.size()) +
                              " records to the audit log");
  }
  return first;
}

Result<std::optional<std::int64_t>> AuditLog::FeedPosition(std::string_view feed) {
  RETURN_IF_ERROR(CheckFeedName(feed));
  return store_->FeedPosition(feed);
}

Result<std::size_t> AuditLog::AppendFeed(std::string_view feed,
                                         std::span<const FeedRecord> records) {
  RETURN_IF_ERROR(CheckFeedName(feed));
  for (std::size_t i = 0; i < records.size(); ++i) {
    RETURN_IF_ERROR(CheckNewRecord(i, records[i].record));
    if (i > 0 && records[i].position <= records[i - 1].position) {
      return InvalidArgumentError(
          "record " + std::to_string(i) + " of the batch of feed '" + std::string(feed) +
          "' has the position " + std::to_string(records[i].position) +
          ", not beyond the previous record's " + std::to_string(records[i - 1].position));
    }
  }
  if (records.empty()) return std::size_t{0};
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(store_->database(), options_.durability));
  RETURN_IF_ERROR(CatchUp());
  // Read under the write lock: no other writer can move the position before the commit.
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> stored, store_->FeedPosition(feed));
  std::size_t skip = 0;
  while (skip < records.size() && stored && records[skip].position <= *stored) ++skip;
  if (skip == records.size()) return std::size_t{0};  // the rollback writes nothing
  std::vector<NewRecord> fresh;
  fresh.reserve(records.size() - skip);
  for (const FeedRecord& r : records.subspan(skip)) fresh.push_back(r.record);
  const Frontier before = frontier_;
  Status status = AppendInTransaction(fresh);
  if (status.ok()) status = store_->SetFeedPosition(feed, records.back().position);
  if (status.ok()) status = transaction.Commit();
  if (!status.ok()) {
    frontier_ = before;
    return status.WithContext("appending " + std::to_string(fresh.size()) +
                              " records of the feed '" + std::string(feed) + "' to the audit log");
  }
  return fresh.size();
}

Result<std::uint64_t> AuditLog::Erase(std::uint64_t index) {
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(store_->database(), options_.durability));
  RETURN_IF_ERROR(CatchUp());
  ASSIGN_OR_RETURN(const StoredEntry entry, store_->GetEntry(index));
  if (entry.kind == RecordKind::kErasure) {
    return FailedPreconditionError("record " + std::to_string(index) +
                                   " is an erasure record; erasure records are kept");
  }
  if (entry.erased())
    return FailedPreconditionError("record " + std::to_string(index) + " is erased already");
  const Frontier before = frontier_;
  const std::uint64_t erasure_index = frontier_.size();
  Status status = store_->EraseEntry(index);
  if (status.ok()) {
    // The erasure record goes through the same path as any record, with its own salt.
    const NewRecord erasure{RecordKind::kErasure, ErasureRecord(index)};
    status = AppendInTransaction(std::span(&erasure, 1));
  }
  if (status.ok()) status = transaction.Commit();
  if (!status.ok()) {
    frontier_ = before;
    return status.WithContext("erasing record " + std::to_string(index));
  }
  // Old page images holding the content stay in the write-ahead log until it is checkpointed;
  // truncate it now. A reader in another connection can hold it back: the content then leaves
  // the WAL at the next checkpoint.
  auto wal = store_->database().QueryInt("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!wal.ok() || *wal != 0) {
    spdlog::warn(
        "audit log: the write-ahead log could not be truncated after erasing record {}; "
        "the erased content leaves it at the next checkpoint",
        index);
  }
  return erasure_index;
}

Result<StoredEntry> AuditLog::GetRecord(std::uint64_t index) { return store_->GetEntry(index); }

Result<Hash> AuditLog::RootAt(std::uint64_t tree_size) {
  RETURN_IF_ERROR(CheckTreeSize(tree_size));
  if (tree_size == size()) return Root();
  return BuildRoot(tree_size, store_->Reader());
}

Result<InclusionProof> AuditLog::ProveInclusion(std::uint64_t index, std::uint64_t tree_size) {
  RETURN_IF_ERROR(CheckTreeSize(tree_size));
  return BuildInclusionProof(index, tree_size, store_->Reader());
}

Result<ConsistencyProof> AuditLog::ProveConsistency(std::uint64_t first, std::uint64_t second) {
  RETURN_IF_ERROR(CheckTreeSize(second));
  return BuildConsistencyProof(first, second, store_->Reader());
}

Result<SignedCheckpoint> AuditLog::AddCheckpoint(const Ed25519PrivateKey& key) {
  if (!(key.public_key() == key_)) {
    return InvalidArgumentError("the signing key is not this audit log's checkpoint key");
  }
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(store_->database(), options_.durability));
  RETURN_IF_ERROR(CatchUp());
  SignedCheckpoint signed_checkpoint;
  Checkpoint& c = signed_checkpoint.checkpoint;
  c.origin = origin();
  c.tree_size = size();
  c.root = Root();
  c.time = std::chrono::floor<std::chrono::seconds>(clock_.Now());
  ASSIGN_OR_RETURN(signed_checkpoint.text, SignCheckpoint(c, key));
  RETURN_IF_ERROR(store_->InsertCheckpoint(c.tree_size, signed_checkpoint.text));
  RETURN_IF_ERROR(transaction.Commit().WithContext("storing a checkpoint"));
  return signed_checkpoint;
}

Result<std::optional<SignedCheckpoint>> AuditLog::LatestCheckpoint() {
  ASSIGN_OR_RETURN(const std::optional<StoredCheckpoint> latest, store_->LatestCheckpoint());
  if (!latest) return std::optional<SignedCheckpoint>();
  auto checkpoint = OpenCheckpoint(latest->text, origin(), keys_);
  if (!checkpoint.ok()) {
    return DataLossError("the latest checkpoint (#" + std::to_string(latest->id) +
                         "): " + checkpoint.status().message());
  }
  return std::optional<SignedCheckpoint>(
      SignedCheckpoint{std::move(checkpoint).value(), latest->text});
}

Result<LogCheckReport> AuditLog::Check() {
  RETURN_IF_ERROR(CatchUp());
  ASSIGN_OR_RETURN(LogCheckReport report, CheckLog(*store_, keys_));
  if (report.tree_size != size() || report.root != Root()) {
    return DataLossError(
        "the tree rebuilt from the leaves differs from the stored right edge "
        "of the tree");
  }
  return report;
}

}  // namespace sekisho::audit
