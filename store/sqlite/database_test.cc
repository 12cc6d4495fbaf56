#include "store/sqlite/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "base/random.h"
#include "base/status_matchers.h"
#include "store/test_util.h"

namespace sekisho::store::sqlite {
namespace {

using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::store::testing::ReadFile;
using ::sekisho::store::testing::WriteFile;

class DatabaseTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / "test.db"; }
  ScopedTempDir dir_;
};

TEST_F(DatabaseTest, OpensWithTheDocumentedSettings) {
  ASSERT_OK_AND_ASSIGN(auto db,
                       Database::Open(Path(), {std::chrono::milliseconds(1234), 2048, 1 << 20}));
  EXPECT_EQ(db->path(), Path());
  EXPECT_EQ(db->busy_timeout(), std::chrono::milliseconds(1234));
  ASSERT_OK_AND_ASSIGN(const std::string mode, db->QueryText("PRAGMA journal_mode"));
  EXPECT_EQ(mode, "wal");
  ASSERT_OK_AND_ASSIGN(const std::int64_t foreign_keys, db->QueryInt("PRAGMA foreign_keys"));
  EXPECT_EQ(foreign_keys, 1);
  ASSERT_OK_AND_ASSIGN(const std::int64_t synchronous, db->QueryInt("PRAGMA synchronous"));
  EXPECT_EQ(synchronous, 1);  // NORMAL
  ASSERT_OK_AND_ASSIGN(const std::int64_t busy_timeout, db->QueryInt("PRAGMA busy_timeout"));
  EXPECT_EQ(busy_timeout, 1234);
  ASSERT_OK_AND_ASSIGN(const std::int64_t cache_size, db->QueryInt("PRAGMA cache_size"));
  EXPECT_EQ(cache_size, -2048);  // KiB
  ASSERT_OK_AND_ASSIGN(const std::int64_t mmap_size, db->QueryInt("PRAGMA mmap_size"));
  EXPECT_EQ(mmap_size, 1 << 20);
  EXPECT_TRUE(std::filesystem::exists(Path()));
}

TEST_F(DatabaseTest, MissingDirectoryIsNotFound) {
  EXPECT_THAT(Database::Open(dir_.path() / "no-such-dir" / "test.db"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no-such-dir")));
}

TEST_F(DatabaseTest, UnwritableDirectoryIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  const auto locked = dir_.path() / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(
      locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(Database::Open(locked / "test.db"), StatusIs(StatusCode::kPermissionDenied));
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
}

TEST_F(DatabaseTest, RandomBytesAreDataLossAndLeftAlone) {
  SeededRandom random(3);
  const Bytes garbage = random.Generate(8192);
  WriteFile(Path(), garbage);
  EXPECT_THAT(Database::Open(Path()), StatusIs(StatusCode::kDataLoss, HasSubstr("test.db")));
  EXPECT_EQ(ReadFile(Path()), garbage);
  EXPECT_FALSE(std::filesystem::exists(Path().string() + "-wal"));
}

TEST_F(DatabaseTest, BindsAndReadsEveryColumnType) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_THAT(db->Exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n INTEGER) STRICT"), IsOk());
  ASSERT_OK_AND_ASSIGN(Statement insert, db->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)"));
  const std::string text("a\0b", 3);
  ASSERT_THAT(insert.BindInt(1, -9000000000)
                  .BindText(2, text)
                  .BindBlob(3, Bytes{0x00, 0xFF})
                  .BindNull(4)
                  .Run(),
              IsOk());
  EXPECT_EQ(db->LastInsertRowId(), 1);
  EXPECT_EQ(db->Changes(), 1);
  insert.Reset();
  ASSERT_THAT(insert.BindInt(1, 0).BindText(2, "").BindBlob(3, Bytes()).BindInt(4, 7).Run(),
              IsOk());

  ASSERT_OK_AND_ASSIGN(Statement select, db->Prepare("SELECT i, s, b, n FROM t ORDER BY rowid"));
  ASSERT_OK_AND_ASSIGN(bool row, select.Step());
  ASSERT_TRUE(row);
  EXPECT_EQ(select.ColumnInt(0), -9000000000);
  EXPECT_EQ(select.ColumnText(1), text);
  EXPECT_EQ(select.ColumnBlob(2), (Bytes{0x00, 0xFF}));
  EXPECT_TRUE(select.IsNull(3));
  ASSERT_OK_AND_ASSIGN(row, select.Step());
  ASSERT_TRUE(row);
  EXPECT_EQ(select.ColumnText(1), "");
  // An empty blob is stored as a zero-length blob, not as NULL.
  EXPECT_FALSE(select.IsNull(2));
  EXPECT_TRUE(select.ColumnBlob(2).empty());
  EXPECT_EQ(select.ColumnInt(3), 7);
  ASSERT_OK_AND_ASSIGN(row, select.Step());
  EXPECT_FALSE(row);
}

TEST_F(DatabaseTest, BadStatementsAreInternalErrors) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  EXPECT_THAT(db->Prepare("SELEC 1"), StatusIs(StatusCode::kInternal, HasSubstr("SELEC 1")));
  EXPECT_THAT(db->Prepare("SELECT 1; SELECT 2"),
              StatusIs(StatusCode::kInternal, HasSubstr("more than one statement")));
  EXPECT_THAT(db->Prepare("SELECT 1;\n"), IsOk());
  // A bind to a parameter that does not exist is reported by the next Step.
  ASSERT_OK_AND_ASSIGN(Statement s, db->Prepare("SELECT ?1"));
  EXPECT_THAT(s.BindInt(1, 1).BindInt(2, 2).Step(),
              StatusIs(StatusCode::kInternal, HasSubstr("bind")));
  s.Reset();
  EXPECT_THAT(s.BindInt(1, 1).Step(), IsOk());
}

TEST_F(DatabaseTest, ConstraintViolationsMapToStatusCodes) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_THAT(db->Exec("CREATE TABLE t (k TEXT UNIQUE, v INTEGER CHECK (v > 0)) STRICT"), IsOk());
  ASSERT_THAT(db->Exec("INSERT INTO t VALUES ('a', 1)"), IsOk());
  EXPECT_THAT(db->Exec("INSERT INTO t VALUES ('a', 2)"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("UNIQUE constraint failed: t.k")));
  EXPECT_THAT(db->Exec("INSERT INTO t VALUES ('b', 0)"), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(DatabaseTest, CachedStatementsAreReusedAndReset) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_THAT(db->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)"), IsOk());
  Statement* first = nullptr;
  {
    ASSERT_OK_AND_ASSIGN(StatementLease lease, db->Cached("SELECT v FROM t ORDER BY v"));
    first = &*lease;
    ASSERT_OK_AND_ASSIGN(const bool row, lease->Step());
    ASSERT_TRUE(row);
    EXPECT_EQ(lease->ColumnInt(0), 1);
  }
  ASSERT_OK_AND_ASSIGN(StatementLease again, db->Cached("SELECT v FROM t ORDER BY v"));
  EXPECT_EQ(&*again, first);
  // It starts from the beginning again.
  ASSERT_OK_AND_ASSIGN(const bool row, again->Step());
  ASSERT_TRUE(row);
  EXPECT_EQ(again->ColumnInt(0), 1);
}

// A lease that ends in the middle of a SELECT must not keep a read open: an open read would stop a
// checkpoint from another connection from emptying the WAL.
TEST_F(DatabaseTest, AnEndedLeaseHoldsNoRead) {
  ASSERT_OK_AND_ASSIGN(auto reader, Database::Open(Path()));
  ASSERT_THAT(reader->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)"), IsOk());
  ASSERT_OK_AND_ASSIGN(auto writer, Database::Open(Path(), {std::chrono::milliseconds(20)}));
  {
    ASSERT_OK_AND_ASSIGN(StatementLease lease, reader->Cached("SELECT v FROM t"));
    ASSERT_OK_AND_ASSIGN(const bool row, lease->Step());
    ASSERT_TRUE(row);
    ASSERT_THAT(writer->Exec("INSERT INTO t VALUES (3)"), IsOk());
    // While the read is open, a truncating checkpoint cannot complete (busy = 1).
    ASSERT_OK_AND_ASSIGN(const std::int64_t busy,
                         writer->QueryInt("PRAGMA wal_checkpoint(TRUNCATE)"));
    EXPECT_EQ(busy, 1);
  }
  ASSERT_OK_AND_ASSIGN(const std::int64_t busy,
                       writer->QueryInt("PRAGMA wal_checkpoint(TRUNCATE)"));
  EXPECT_EQ(busy, 0);
}

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_THAT(db->Exec("CREATE TABLE t (v INTEGER)"), IsOk());
  {
    ASSERT_OK_AND_ASSIGN(Transaction transaction, Transaction::Begin(*db));
    ASSERT_THAT(db->Exec("INSERT INTO t VALUES (1)"), IsOk());
  }
  ASSERT_OK_AND_ASSIGN(std::int64_t count, db->QueryInt("SELECT count(*) FROM t"));
  EXPECT_EQ(count, 0);
  {
    ASSERT_OK_AND_ASSIGN(Transaction transaction, Transaction::Begin(*db));
    ASSERT_THAT(db->Exec("INSERT INTO t VALUES (2)"), IsOk());
    ASSERT_THAT(transaction.Commit(), IsOk());
    EXPECT_THAT(transaction.Commit(), StatusIs(StatusCode::kFailedPrecondition));
  }
  ASSERT_OK_AND_ASSIGN(count, db->QueryInt("SELECT count(*) FROM t"));
  EXPECT_EQ(count, 1);
}

TEST_F(DatabaseTest, TransactionsDoNotNest) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_OK_AND_ASSIGN(Transaction outer, Transaction::Begin(*db));
  EXPECT_THAT(Transaction::Begin(*db), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(DatabaseTest, SyncTransactionsUseFullSynchronousForOneCommit) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_THAT(db->Exec("CREATE TABLE t (v INTEGER)"), IsOk());
  {
    ASSERT_OK_AND_ASSIGN(Transaction transaction,
                         Transaction::Begin(*db, Transaction::Durability::kSync));
    ASSERT_OK_AND_ASSIGN(const std::int64_t during, db->QueryInt("PRAGMA synchronous"));
    EXPECT_EQ(during, 2);  // FULL
    ASSERT_THAT(db->Exec("INSERT INTO t VALUES (1)"), IsOk());
    ASSERT_THAT(transaction.Commit(), IsOk());
  }
  ASSERT_OK_AND_ASSIGN(const std::int64_t after, db->QueryInt("PRAGMA synchronous"));
  EXPECT_EQ(after, 1);
  {
    // Also after a rollback.
    ASSERT_OK_AND_ASSIGN(Transaction transaction,
                         Transaction::Begin(*db, Transaction::Durability::kSync));
  }
  ASSERT_OK_AND_ASSIGN(const std::int64_t after_rollback, db->QueryInt("PRAGMA synchronous"));
  EXPECT_EQ(after_rollback, 1);
}

TEST_F(DatabaseTest, ASecondWriterWaitsThenGetsUnavailable) {
  ASSERT_OK_AND_ASSIGN(auto first, Database::Open(Path()));
  ASSERT_THAT(first->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)"), IsOk());
  ASSERT_OK_AND_ASSIGN(auto second, Database::Open(Path(), {std::chrono::milliseconds(20)}));
  ASSERT_OK_AND_ASSIGN(Transaction holding, Transaction::Begin(*first));
  EXPECT_THAT(Transaction::Begin(*second), StatusIs(StatusCode::kUnavailable, HasSubstr("locked")));
  // Readers are not blocked by the writer (WAL).
  ASSERT_OK_AND_ASSIGN(const std::int64_t count, second->QueryInt("SELECT count(*) FROM t"));
  EXPECT_EQ(count, 1);
  ASSERT_THAT(holding.Commit(), IsOk());
  ASSERT_OK_AND_ASSIGN(Transaction now_free, Transaction::Begin(*second));
}

}  // namespace
}  // namespace sekisho::store::sqlite
