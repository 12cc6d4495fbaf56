#include "audit/log_store.h"

#include <charconv>
#include <string>

namespace sekisho::audit {
namespace {

using store::sqlite::Database;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// Version 1. The leaf hash is kept when a record is erased; the salt and the record go.
constexpr std::string_view kSchemaV1 = R"sql(
PRAGMA application_id = 1397440853;  -- kAuditApplicationId, "SKAU"
CREATE TABLE log_info (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE entries (
  idx       INTEGER PRIMARY KEY,
  leaf_hash BLOB NOT NULL,
  kind      INTEGER NOT NULL,
  salt      BLOB,
  record    BLOB
) STRICT;
CREATE TABLE nodes (
  key  INTEGER PRIMARY KEY,
  hash BLOB NOT NULL
) STRICT;
CREATE TABLE checkpoints (
  id        INTEGER PRIMARY KEY,
  tree_size INTEGER NOT NULL,
  note      TEXT NOT NULL
) STRICT;
PRAGMA user_version = 1;
)sql";

constexpr int kLevelBits = 6;

// A feed's row in log_info.
std::string FeedInfoName(std::string_view feed) { return "feed " + std::string(feed); }

Result<Hash> HashColumn(const Statement& statement, int column, std::string_view what) {
  const Bytes bytes = statement.ColumnBlob(column);
  auto hash = HashFromBytes(bytes, what);
  if (!hash.ok()) return DataLossError(hash.status().message() + " in the audit log");
  return hash;
}

Result<StoredEntry> EntryFromRow(const Statement& row) {
  StoredEntry entry;
  entry.index = static_cast<std::uint64_t>(row.ColumnInt(0));
  const std::string what = "leaf hash of record " + std::to_string(entry.index);
  ASSIGN_OR_RETURN(entry.leaf_hash, HashColumn(row, 1, what));
  auto kind = RecordKindFromNumber(row.ColumnInt(2));
  if (!kind.ok()) {
    return DataLossError("record " + std::to_string(entry.index) + ": " + kind.status().message());
  }
  entry.kind = *kind;
  if (row.IsNull(3) != row.IsNull(4)) {
    return DataLossError("record " + std::to_string(entry.index) +
                         " has a salt without content or content without a salt");
  }
  if (!row.IsNull(3)) {
    entry.salt = row.ColumnBlob(3);
    entry.record = row.ColumnBlob(4);
  }
  return entry;
}

}  // namespace

std::string NodeName(NodeId node) {
  return "node (level " + std::to_string(node.level) + ", index " + std::to_string(node.index) +
         ")";
}

std::int64_t NodeKey(NodeId node) {
  return static_cast<std::int64_t>((node.end() << kLevelBits) |
                                   static_cast<std::uint64_t>(node.level));
}

std::optional<NodeId> NodeFromKey(std::int64_t key) {
  if (key <= 0) return std::nullopt;
  const int level = static_cast<int>(key & ((1 << kLevelBits) - 1));
  const auto end = static_cast<std::uint64_t>(key) >> kLevelBits;
  if (level < 1 || level > 56) return std::nullopt;
  const std::uint64_t span = std::uint64_t{1} << level;
  if (end == 0 || end % span != 0) return std::nullopt;
  return NodeId{level, end / span - 1};
}

Result<std::unique_ptr<LogStore>> LogStore::Open(const std::filesystem::path& path,
                                                 std::string_view origin,
                                                 const Database::Options& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path, options));
  RETURN_IF_ERROR(db->Exec("PRAGMA secure_delete = ON"));
  const std::string where = "audit log " + path.string();
  {
    // Under the write lock, so two processes creating the file at once make one schema.
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db));
    ASSIGN_OR_RETURN(const std::int64_t application_id, db->QueryInt("PRAGMA application_id"));
    ASSIGN_OR_RETURN(const std::int64_t version, db->QueryInt("PRAGMA user_version"));
    ASSIGN_OR_RETURN(const std::int64_t objects,
                     db->QueryInt("SELECT count(*) FROM sqlite_schema"));
    if (application_id == 0 && version == 0 && objects == 0) {
      RETURN_IF_ERROR(db->Exec(kSchemaV1).WithContext("creating " + where));
      ASSIGN_OR_RETURN(Statement insert,
                       db->Prepare("INSERT INTO log_info (name, value) VALUES ('origin', ?)"));
      RETURN_IF_ERROR(insert.BindText(1, origin).Run());
      RETURN_IF_ERROR(transaction.Commit().WithContext("creating " + where));
    } else if (application_id != kAuditApplicationId) {
      return FailedPreconditionError(where + " is not a Sekisho audit log (application id " +
                                     std::to_string(application_id) + ")");
    } else if (version > kAuditSchemaVersion) {
      return FailedPreconditionError(where + ": schema version " + std::to_string(version) +
                                     " is newer than this sekisho (" +
                                     std::to_string(kAuditSchemaVersion) + "); upgrade sekisho");
    } else if (version < 1) {
      return DataLossError(where + " has the invalid schema version " + std::to_string(version));
    }
  }
  ASSIGN_OR_RETURN(Statement query,
                   db->Prepare("SELECT value FROM log_info WHERE name = 'origin'"));
  ASSIGN_OR_RETURN(const bool found, query.Step());
  if (!found) return DataLossError(where + " names no log origin");
  const std::string stored_origin = query.ColumnText(0);
  if (stored_origin != origin) {
    return FailedPreconditionError(where + " belongs to the log '" + stored_origin + "', not '" +
                                   std::string(origin) + "'");
  }
  return std::unique_ptr<LogStore>(new LogStore(std::move(db), std::string(origin)));
}

Result<std::uint64_t> LogStore::Size() {
  ASSIGN_OR_RETURN(auto query, db_->Cached("SELECT coalesce(max(idx) + 1, 0) FROM entries"));
  ASSIGN_OR_RETURN(const bool row, query->Step());
  if (!row) return InternalError("counting the audit log's records returned no row");
  return static_cast<std::uint64_t>(query->ColumnInt(0));
}

Result<std::optional<NodeId>> LogStore::LastNode() {
  ASSIGN_OR_RETURN(auto query, db_->Cached("SELECT max(key) FROM nodes"));
  ASSIGN_OR_RETURN(const bool row, query->Step());
  if (!row || query->IsNull(0)) return std::optional<NodeId>();
  const std::int64_t key = query->ColumnInt(0);
  const std::optional<NodeId> node = NodeFromKey(key);
  if (!node)
    return DataLossError("the audit log holds a node with the invalid key " + std::to_string(key));
  return node;
}

Status LogStore::InsertEntry(std::uint64_t index, const Hash& leaf_hash, RecordKind kind,
                             ByteView salt, ByteView record) {
  ASSIGN_OR_RETURN(auto insert, db_->Cached("INSERT INTO entries (idx, leaf_hash, kind, salt, "
                                            "record) VALUES (?, ?, ?, ?, ?)"));
  return insert->BindInt(1, static_cast<std::int64_t>(index))
      .BindBlob(2, leaf_hash)
      .BindInt(3, static_cast<std::int64_t>(kind))
      .BindBlob(4, salt)
      .BindBlob(5, record)
      .Run();
}

Status LogStore::InsertNode(NodeId node, const Hash& hash) {
  ASSIGN_OR_RETURN(auto insert, db_->Cached("INSERT INTO nodes (key, hash) VALUES (?, ?)"));
  return insert->BindInt(1, NodeKey(node)).BindBlob(2, hash).Run();
}

Status LogStore::EraseEntry(std::uint64_t index) {
  ASSIGN_OR_RETURN(auto erase,
                   db_->Cached("UPDATE entries SET salt = NULL, record = NULL WHERE idx = ?"));
  RETURN_IF_ERROR(erase->BindInt(1, static_cast<std::int64_t>(index)).Run());
  if (db_->Changes() != 1)
    return NotFoundError("record " + std::to_string(index) + " does not exist");
  return OkStatus();
}

Result<StoredEntry> LogStore::GetEntry(std::uint64_t index) {
  ASSIGN_OR_RETURN(auto query, db_->Cached("SELECT idx, leaf_hash, kind, salt, record FROM "
                                           "entries WHERE idx = ?"));
  ASSIGN_OR_RETURN(const bool row, query->BindInt(1, static_cast<std::int64_t>(index)).Step());
  if (!row) return NotFoundError("record " + std::to_string(index) + " does not exist");
  return EntryFromRow(*query);
}

NodeReader LogStore::Reader() {
  return [this](std::span<const NodeId> nodes) -> Result<std::vector<Hash>> {
    std::vector<Hash> out;
    out.reserve(nodes.size());
    for (const NodeId& node : nodes) {
      const bool leaf = node.level == 0;
      ASSIGN_OR_RETURN(auto query, db_->Cached(leaf ? "SELECT leaf_hash FROM entries WHERE idx = ?"
                                                    : "SELECT hash FROM nodes WHERE key = ?"));
      const auto key = leaf ? static_cast<std::int64_t>(node.index) : NodeKey(node);
      ASSIGN_OR_RETURN(const bool row, query->BindInt(1, key).Step());
      if (!row) return DataLossError(NodeName(node) + " is missing from the audit log");
      ASSIGN_OR_RETURN(const Hash hash, HashColumn(*query, 0, NodeName(node)));
      out.push_back(hash);
    }
    return out;
  };
}

Result<std::optional<std::int64_t>> LogStore::FeedPosition(std::string_view feed) {
  ASSIGN_OR_RETURN(auto query, db_->Cached("SELECT value FROM log_info WHERE name = ?"));
  ASSIGN_OR_RETURN(const bool row, query->BindText(1, FeedInfoName(feed)).Step());
  if (!row) return std::optional<std::int64_t>();
  const std::string text = query->ColumnText(0);
  std::int64_t position = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), position);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return DataLossError("the stored position of the feed '" + std::string(feed) + "' ('" + text +
                         "') is not a number");
  }
  return std::optional<std::int64_t>(position);
}

Status LogStore::SetFeedPosition(std::string_view feed, std::int64_t position) {
  ASSIGN_OR_RETURN(auto upsert, db_->Cached("INSERT INTO log_info (name, value) VALUES (?, ?) "
                                            "ON CONFLICT (name) DO UPDATE SET value = "
                                            "excluded.value"));
  return upsert->BindText(1, FeedInfoName(feed)).BindText(2, std::to_string(position)).Run();
}

Status LogStore::InsertCheckpoint(std::uint64_t tree_size, std::string_view text) {
  ASSIGN_OR_RETURN(auto insert,
                   db_->Cached("INSERT INTO checkpoints (tree_size, note) VALUES (?, ?)"));
  return insert->BindInt(1, static_cast<std::int64_t>(tree_size)).BindText(2, text).Run();
}

Result<std::optional<StoredCheckpoint>> LogStore::LatestCheckpoint() {
  ASSIGN_OR_RETURN(auto query, db_->Cached("SELECT id, tree_size, note FROM checkpoints ORDER "
                                           "BY id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(const bool row, query->Step());
  if (!row) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(StoredCheckpoint{
      query->ColumnInt(0), static_cast<std::uint64_t>(query->ColumnInt(1)), query->ColumnText(2)});
}

Result<std::vector<StoredCheckpoint>> LogStore::Checkpoints() {
  ASSIGN_OR_RETURN(auto query,
                   db_->Cached("SELECT id, tree_size, note FROM checkpoints ORDER BY id"));
  std::vector<StoredCheckpoint> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, query->Step());
    if (!row) return out;
    out.push_back({query->ColumnInt(0), static_cast<std::uint64_t>(query->ColumnInt(1)),
                   query->ColumnText(2)});
  }
}

Result<LogStore::EntryCursor> LogStore::ScanEntries() {
  ASSIGN_OR_RETURN(Statement statement, db_->Prepare("SELECT idx, leaf_hash, kind, salt, record "
                                                     "FROM entries ORDER BY idx"));
  return EntryCursor(std::move(statement));
}

Result<LogStore::NodeCursor> LogStore::ScanNodes() {
  ASSIGN_OR_RETURN(Statement statement, db_->Prepare("SELECT key, hash FROM nodes ORDER BY key"));
  return NodeCursor(std::move(statement));
}

Result<std::optional<StoredEntry>> LogStore::EntryCursor::Next() {
  ASSIGN_OR_RETURN(const bool row, statement_.Step());
  if (!row) return std::optional<StoredEntry>();
  ASSIGN_OR_RETURN(StoredEntry entry, EntryFromRow(statement_));
  return std::optional<StoredEntry>(std::move(entry));
}

Result<std::optional<std::pair<NodeId, Hash>>> LogStore::NodeCursor::Next() {
  using Item = std::optional<std::pair<NodeId, Hash>>;
  ASSIGN_OR_RETURN(const bool row, statement_.Step());
  if (!row) return Item();
  const std::int64_t key = statement_.ColumnInt(0);
  const std::optional<NodeId> node = NodeFromKey(key);
  if (!node) {
    return DataLossError("the audit log holds a node with the invalid key " + std::to_string(key));
  }
  ASSIGN_OR_RETURN(const Hash hash, HashColumn(statement_, 1, NodeName(*node)));
  return Item(std::pair(*node, hash));
}

}  // namespace sekisho::audit
