#include "audit/log_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/audit_log.h"
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

Ed25519PrivateKey TestKey() { return *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x24)); }

// A log of 13 records (record 4 erased by record 13, a 14th), with checkpoints at sizes 6 and
// 14, built once and copied for each test; then a tampering statement, then the full check.
class LogCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    template_dir_ = new ScopedTempDir();
    const Ed25519PrivateKey key = TestKey();
    SeededRandom random(3);
    FakeClock clock(FromUnixSeconds(1743499800));
    AuditLog::Options options;
    options.durability = store::sqlite::Transaction::Durability::kNormal;
    auto log = AuditLog::Open(template_dir_->path() / "audit.db", kLogOrigin, key.public_key(),
                              random, clock, options);
    ASSERT_THAT(log, IsOk());
    std::vector<NewRecord> records;
    for (int i = 0; i < 13; ++i) {
      records.push_back({RecordKind::kAdminAction, ToBytes("admin action " + std::to_string(i))});
    }
    ASSERT_THAT((*log)->Append(std::span(records).first(6)), IsOk());
    ASSERT_THAT((*log)->AddCheckpoint(key), IsOk());
    ASSERT_THAT((*log)->Append(std::span(records).subspan(6)), IsOk());
    ASSERT_THAT((*log)->Erase(4), IsOk());
    ASSERT_THAT((*log)->AddCheckpoint(key), IsOk());
  }
  static void TearDownTestSuite() {
    delete template_dir_;
    template_dir_ = nullptr;
  }

  LogCheckTest() : key_(TestKey()) {
    // The template's connection is closed, so the file holds everything (no -wal).
    std::filesystem::copy(template_dir_->path() / "audit.db", Path());
  }

  std::filesystem::path Path() const { return dir_.path() / "audit.db"; }
  Result<LogCheckReport> CheckAfter(std::string_view tamper) {
    {
      auto raw = Database::Open(Path());
      if (!raw.ok()) return raw.status();
      RETURN_IF_ERROR((*raw)->Exec(tamper));
    }
    ASSIGN_OR_RETURN(auto store, LogStore::Open(Path(), kLogOrigin, {}));
    return CheckLog(*store, key_.public_key());
  }

  static ScopedTempDir* template_dir_;
  ScopedTempDir dir_;
  Ed25519PrivateKey key_;
};

ScopedTempDir* LogCheckTest::template_dir_ = nullptr;

TEST_F(LogCheckTest, AnUntouchedLogPasses) {
  auto report = CheckAfter("SELECT 1");
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->tree_size, 14u);
  EXPECT_EQ(report->erased, 1u);
  EXPECT_EQ(report->checkpoints, 2u);
  ASSERT_TRUE(report->latest_checkpoint.has_value());
  EXPECT_EQ(report->latest_checkpoint->tree_size, 14u);
  EXPECT_EQ(report->latest_checkpoint->root, report->root);
}

TEST_F(LogCheckTest, AlteredRecordContent) {
  EXPECT_THAT(CheckAfter("UPDATE entries SET record = CAST('admin action 9!' AS BLOB) "
                         "WHERE idx = 9"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("record 9: its leaf hash does not match its salt, kind and "
                                 "content")));
}

TEST_F(LogCheckTest, AlteredKind) {
  EXPECT_THAT(CheckAfter("UPDATE entries SET kind = 1 WHERE idx = 2"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("record 2: its leaf hash")));
}

TEST_F(LogCheckTest, AlteredSalt) {
  EXPECT_THAT(CheckAfter("UPDATE entries SET salt = zeroblob(32) WHERE idx = 0"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("record 0: its leaf hash")));
}

TEST_F(LogCheckTest, AlteredLeafHashOfAnErasedRecord) {
  // The content is gone, so the leaf hash is checked through the nodes above it.
  EXPECT_THAT(CheckAfter("UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 4"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("node (level 1, index 2) differs from the hash recomputed from "
                                 "the leaves")));
}

TEST_F(LogCheckTest, AlteredNode) {
  EXPECT_THAT(CheckAfter("UPDATE nodes SET hash = zeroblob(32) WHERE key = 8 * 64 + 3"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("node (level 3, index 0) differs from the hash recomputed")));
}

TEST_F(LogCheckTest, MissingNode) {
  EXPECT_THAT(CheckAfter("DELETE FROM nodes WHERE key = 4 * 64 + 1"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("node (level 1, index 1) is missing from the audit log")));
}

TEST_F(LogCheckTest, ExtraNode) {
  EXPECT_THAT(CheckAfter("INSERT INTO nodes VALUES (16 * 64 + 1, zeroblob(32))"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("node (level 1, index 7) is stored but not part of a tree of 14 "
                                 "records")));
}

TEST_F(LogCheckTest, MissingRecord) {
  EXPECT_THAT(CheckAfter("DELETE FROM entries WHERE idx = 10"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("record 10 is missing")));
}

TEST_F(LogCheckTest, ContentRemovedWithoutAnErasureRecord) {
  EXPECT_THAT(CheckAfter("UPDATE entries SET salt = NULL, record = NULL WHERE idx = 8"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("record 8's content is erased but no erasure record names it")));
}

TEST_F(LogCheckTest, CheckpointTextAltered) {
  EXPECT_THAT(CheckAfter("UPDATE checkpoints SET note = replace(note, 'time 17', 'time 18') "
                         "WHERE id = 1"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("checkpoint #1: checkpoint of tree size 6: Ed25519 signature "
                                 "does not verify")));
}

TEST_F(LogCheckTest, CheckpointStoredUnderAnotherSize) {
  EXPECT_THAT(CheckAfter("UPDATE checkpoints SET tree_size = 7 WHERE id = 1"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("checkpoint #1 is stored for tree size 7 but signs tree size "
                                 "6")));
}

TEST_F(LogCheckTest, CheckpointsOutOfOrder) {
  EXPECT_THAT(CheckAfter("UPDATE checkpoints SET id = 3 WHERE id = 1"),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("checkpoint #3 has a smaller tree size than the earlier "
                                 "checkpoint #2")));
}

TEST_F(LogCheckTest, RecordsLostAfterACheckpoint) {
  EXPECT_THAT(CheckAfter("DELETE FROM entries WHERE idx = 13; DELETE FROM nodes WHERE key >= "
                         "14 * 64"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("checkpoint #2 covers 14 records but "
                                                        "the log holds 13")));
}

TEST_F(LogCheckTest, AConsistentRewriteIsCaughtByTheSignedRoots) {
  ASSERT_OK_AND_ASSIGN(auto store, LogStore::Open(Path(), kLogOrigin, {}));
  Database& db = store->database();
  // Record 1 rewritten with a fresh salt, its leaf hash and every node above it rebuilt to match.
  const Bytes salt(kSaltSize, 0x77);
  const Bytes record = ToBytes("admin action 1, rewritten");
  ASSERT_OK_AND_ASSIGN(auto rewrite,
                       db.Prepare("UPDATE entries SET salt = ?, record = ?, leaf_hash = ? "
                                  "WHERE idx = 1"));
  ASSERT_THAT(rewrite.BindBlob(1, salt)
                  .BindBlob(2, record)
                  .BindBlob(3, RecordLeafHash(salt, RecordKind::kAdminAction, record))
                  .Run(),
              IsOk());
  ASSERT_OK_AND_ASSIGN(auto update, db.Prepare("UPDATE nodes SET hash = ? WHERE key = ?"));
  Frontier frontier;
  for (std::uint64_t i = 0; i < 14; ++i) {
    ASSERT_OK_AND_ASSIGN(const StoredEntry entry, store->GetEntry(i));
    frontier.Append(entry.leaf_hash, [&](NodeId node, const Hash& hash) {
      update.Reset();
      EXPECT_THAT(update.BindBlob(1, hash).BindInt(2, NodeKey(node)).Run(), IsOk());
    });
  }
  EXPECT_THAT(CheckLog(*store, key_.public_key()),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("checkpoint #1: its root differs from the root recomputed at "
                                 "size 6")));
}

TEST_F(LogCheckTest, SwappedRecords) {
  EXPECT_THAT(CheckAfter("UPDATE entries SET idx = -1 WHERE idx = 1;"
                         "UPDATE entries SET idx = 1 WHERE idx = 2;"
                         "UPDATE entries SET idx = 2 WHERE idx = -1"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("node (level 1, index 0) differs")));
}

}  // namespace
}  // namespace sekisho::audit
