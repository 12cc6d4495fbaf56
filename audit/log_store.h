// The audit log's SQLite file: records with their salts and leaf hashes, the hashes of complete
// (perfect) subtrees, and the signed checkpoints. Tables and keys: docs/formats/audit-log.md
// "Database". Knows rows, not rules: AuditLog decides what is written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "audit/proof_builder.h"
#include "audit/record.h"
#include "base/result.h"
#include "store/sqlite/database.h"

namespace sekisho::audit {

// PRAGMA application_id of an audit log file: "SKAU" in ASCII.
inline constexpr std::int32_t kAuditApplicationId = 0x534B4155;
// PRAGMA user_version of the schema this build writes.
inline constexpr int kAuditSchemaVersion = 1;

// The key of an internal node in the nodes table: the tree size at which the node becomes
// complete, times 64, plus its level. Keys grow in the order the nodes are written, so appends
// go to the end of the table and a scan meets the nodes in the order a rebuild makes them.
// Precondition: node.level >= 1 and node.end() < 2^57.
std::int64_t NodeKey(NodeId node);
// The inverse of NodeKey; nullopt for a key that no node has.
std::optional<NodeId> NodeFromKey(std::int64_t key);
// The node as error messages name it: "node (level 2, index 5)".
std::string NodeName(NodeId node);

struct StoredEntry {
  std::uint64_t index = 0;
  Hash leaf_hash{};
  RecordKind kind = RecordKind::kAdminAction;
  std::optional<Bytes> salt;    // absent once erased
  std::optional<Bytes> record;  // absent once erased
  bool erased() const { return !record.has_value(); }
};

struct StoredCheckpoint {
  std::int64_t id = 0;  // increases with each checkpoint stored
  std::uint64_t tree_size = 0;
  std::string text;  // as signed (checkpoint.h)
};

class LogStore {
 public:
  // Opens or creates the log file at `path` for the log named `origin`. A new file gets the
  // schema and the origin; an existing one must carry kAuditApplicationId, a schema version this
  // build reads and the same origin. secure_delete is on, so erased content is overwritten in the
  // file. Database::Open's errors; kFailedPrecondition "... is not a Sekisho audit log",
  // "... schema version N is newer than this sekisho (1); upgrade sekisho" or
  // "... belongs to the log 'x', not 'y'".
  static Result<std::unique_ptr<LogStore>> Open(const std::filesystem::path& path,
                                                std::string_view origin,
                                                const store::sqlite::Database::Options& options);

  const std::string& origin() const { return origin_; }
  // For transactions (store::sqlite::Transaction) around the writes below.
  store::sqlite::Database& database() { return *db_; }

  // One more than the highest record index stored; 0 for an empty log.
  Result<std::uint64_t> Size();
  // The internal node with the highest key, nullopt when there is none. kDataLoss for a key no
  // node can have.
  Result<std::optional<NodeId>> LastNode();

  // kAlreadyExists when the index or node is stored already.
  Status InsertEntry(std::uint64_t index, const Hash& leaf_hash, RecordKind kind, ByteView salt,
                     ByteView record);
  Status InsertNode(NodeId node, const Hash& hash);
  // Removes the salt and the record of `index`, keeping its leaf hash and kind. kNotFound when
  // there is no such record.
  Status EraseEntry(std::uint64_t index);

  // kNotFound "record N does not exist"; kDataLoss for a row that breaks the format.
  Result<StoredEntry> GetEntry(std::uint64_t index);
  // Leaf hashes from the entries, higher levels from the nodes. kDataLoss
  // "node (level L, index I) is missing from the audit log" or "... is not 32 bytes".
  NodeReader Reader();

  // The stored position of a feed (AuditLog::AppendFeed), nullopt when it has none. kDataLoss
  // when the stored value is not a decimal number.
  Result<std::optional<std::int64_t>> FeedPosition(std::string_view feed);
  // Stores (or replaces) the position of a feed.
  Status SetFeedPosition(std::string_view feed, std::int64_t position);

  Status InsertCheckpoint(std::uint64_t tree_size, std::string_view text);
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint();
  // Oldest first.
  Result<std::vector<StoredCheckpoint>> Checkpoints();

  // Reads the entries in index order; Next() gives nullopt after the last one.
  class EntryCursor {
   public:
    Result<std::optional<StoredEntry>> Next();

   private:
    friend class LogStore;
    explicit EntryCursor(store::sqlite::Statement statement) : statement_(std::move(statement)) {}
    store::sqlite::Statement statement_;
  };
  // Reads the internal nodes in key order (the order in which they were completed).
  class NodeCursor {
   public:
    Result<std::optional<std::pair<NodeId, Hash>>> Next();

   private:
    friend class LogStore;
    explicit NodeCursor(store::sqlite::Statement statement) : statement_(std::move(statement)) {}
    store::sqlite::Statement statement_;
  };
  Result<EntryCursor> ScanEntries();
  Result<NodeCursor> ScanNodes();

 private:
  LogStore(std::unique_ptr<store::sqlite::Database> db, std::string origin)
      : db_(std::move(db)), origin_(std::move(origin)) {}

  std::unique_ptr<store::sqlite::Database> db_;
  std::string origin_;
};

}  // namespace sekisho::audit
