#include "audit/log_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/frontier.h"
#include "audit/test_vectors.h"
#include "base/status_matchers.h"
#include "store/test_util.h"

namespace sekisho::audit {
namespace {

using ::sekisho::store::sqlite::Database;
using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::audit::testing::kLogOrigin;

TEST(NodeKeyTest, KeysGrowInTheOrderNodesAreCompletedAndDecodeBack) {
  Frontier frontier;
  std::int64_t last = 0;
  int nodes = 0;
  for (const Hash& leaf : testing::SampleLeafHashes(300)) {
    frontier.Append(leaf, [&](NodeId node, const Hash&) {
      const std::int64_t key = NodeKey(node);
      EXPECT_GT(key, last) << "level " << node.level << " index " << node.index;
      last = key;
      EXPECT_EQ(NodeFromKey(key), node);
      ++nodes;
    });
  }
  EXPECT_EQ(nodes, 300 - 4);
  EXPECT_EQ(NodeKey({1, 0}), 2 * 64 + 1);
  EXPECT_EQ(NodeKey({3, 1}), 16 * 64 + 3);
  // Keys no node has.
  EXPECT_EQ(NodeFromKey(0), std::nullopt);
  EXPECT_EQ(NodeFromKey(-5), std::nullopt);
  EXPECT_EQ(NodeFromKey(2 * 64), std::nullopt);      // level 0 is not stored as a node
  EXPECT_EQ(NodeFromKey(3 * 64 + 1), std::nullopt);  // an odd end for level 1
  EXPECT_EQ(NodeFromKey(4 * 64 + 3), std::nullopt);  // end 4 is not a multiple of 8
}

class LogStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / "audit.db"; }
  std::unique_ptr<LogStore> OpenOrDie() {
    auto store = LogStore::Open(Path(), kLogOrigin, {});
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(store).value() : nullptr;
  }
  ScopedTempDir dir_;
};

TEST_F(LogStoreTest, CreatesTheSchemaOnceAndChecksTheOrigin) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->database().QueryInt("PRAGMA application_id"), kAuditApplicationId);
    EXPECT_EQ(*store->database().QueryInt("PRAGMA user_version"), kAuditSchemaVersion);
    EXPECT_EQ(*store->database().QueryInt("PRAGMA secure_delete"), 1);
    EXPECT_EQ(*store->Size(), 0u);
  }
  ASSERT_NE(OpenOrDie(), nullptr);
  EXPECT_THAT(LogStore::Open(Path(), "other.example/log", {}),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("belongs to the log 'example.org/audit', not "
                                 "'other.example/log'")));
}

TEST_F(LogStoreTest, RefusesOtherFilesAndNewerSchemas) {
  {
    auto db = Database::Open(dir_.path() / "other.db");
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->Exec("CREATE TABLE t (x)"), IsOk());
  }
  EXPECT_THAT(LogStore::Open(dir_.path() / "other.db", kLogOrigin, {}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("is not a Sekisho audit log")));
  ASSERT_NE(OpenOrDie(), nullptr);
  {
    auto db = Database::Open(Path());
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->Exec("PRAGMA user_version = 2"), IsOk());
  }
  EXPECT_THAT(LogStore::Open(Path(), kLogOrigin, {}),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 2 is newer than this sekisho (1)")));
}

TEST_F(LogStoreTest, StoresEntriesNodesAndCheckpoints) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  const std::vector<Hash> leaves = testing::SampleLeafHashes(3);
  const Bytes salt(kSaltSize, 0x11);
  for (std::uint64_t i = 0; i < 3; ++i) {
    ASSERT_THAT(store->InsertEntry(i, leaves[i], RecordKind::kGateEvent, salt,
                                   ToBytes("r" + std::to_string(i))),
                IsOk());
  }
  EXPECT_THAT(store->InsertEntry(1, leaves[1], RecordKind::kGateEvent, salt, ToBytes("x")),
              StatusIs(StatusCode::kAlreadyExists));
  const Hash node = HashChildren(leaves[0], leaves[1]);
  ASSERT_THAT(store->InsertNode({1, 0}, node), IsOk());
  EXPECT_EQ(*store->Size(), 3u);
  EXPECT_EQ(*store->LastNode(), (NodeId{1, 0}));

  auto hashes = store->Reader()(std::vector<NodeId>{{0, 2}, {1, 0}});
  ASSERT_THAT(hashes, IsOk());
  EXPECT_EQ((*hashes)[0], leaves[2]);
  EXPECT_EQ((*hashes)[1], node);
  EXPECT_THAT(store->Reader()(std::vector<NodeId>{{1, 1}}),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("node (level 1, index 1) is missing from the audit log")));

  auto entry = store->GetEntry(1);
  ASSERT_THAT(entry, IsOk());
  EXPECT_EQ(entry->leaf_hash, leaves[1]);
  EXPECT_EQ(entry->kind, RecordKind::kGateEvent);
  EXPECT_EQ(entry->salt, salt);
  EXPECT_EQ(entry->record, ToBytes("r1"));
  EXPECT_FALSE(entry->erased());
  ASSERT_THAT(store->EraseEntry(1), IsOk());
  entry = store->GetEntry(1);
  ASSERT_THAT(entry, IsOk());
  EXPECT_TRUE(entry->erased());
  EXPECT_FALSE(entry->salt.has_value());
  EXPECT_EQ(entry->leaf_hash, leaves[1]);
  EXPECT_THAT(store->GetEntry(3), StatusIs(StatusCode::kNotFound, HasSubstr("record 3")));
  EXPECT_THAT(store->EraseEntry(3), StatusIs(StatusCode::kNotFound));

  EXPECT_EQ(*store->LatestCheckpoint(), std::nullopt);
  ASSERT_THAT(store->InsertCheckpoint(2, "first"), IsOk());
  ASSERT_THAT(store->InsertCheckpoint(3, "second"), IsOk());
  auto latest = store->LatestCheckpoint();
  ASSERT_THAT(latest, IsOk());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->tree_size, 3u);
  EXPECT_EQ((*latest)->text, "second");
  auto all = store->Checkpoints();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].text, "first");
  EXPECT_LT((*all)[0].id, (*all)[1].id);
}

TEST_F(LogStoreTest, RowsThatBreakTheFormatAreDataLoss) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Database& db = store->database();
  ASSERT_THAT(db.Exec("INSERT INTO entries VALUES (0, x'00', 1, NULL, NULL)"), IsOk());
  ASSERT_THAT(db.Exec("INSERT INTO entries VALUES (1, zeroblob(32), 9, NULL, NULL)"), IsOk());
  ASSERT_THAT(db.Exec("INSERT INTO entries VALUES (2, zeroblob(32), 1, x'00', NULL)"), IsOk());
  ASSERT_THAT(db.Exec("INSERT INTO nodes VALUES (7, zeroblob(32))"), IsOk());
  EXPECT_THAT(store->GetEntry(0),
              StatusIs(StatusCode::kDataLoss, HasSubstr("leaf hash of record 0: expected a 32-byte "
                                                        "hash, got 1 bytes in the audit log")));
  EXPECT_THAT(store->GetEntry(1),
              StatusIs(StatusCode::kDataLoss, HasSubstr("record 1: unknown record kind number 9")));
  EXPECT_THAT(store->GetEntry(2),
              StatusIs(StatusCode::kDataLoss, HasSubstr("a salt without content")));
  EXPECT_THAT(store->LastNode(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("node with the invalid key 7")));
}

}  // namespace
}  // namespace sekisho::audit
