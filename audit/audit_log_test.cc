#include "audit/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "audit/memory_tree.h"
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

using ::sekisho::store::testing::ReadFile;

bool Contains(const Bytes& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

std::vector<NewRecord> Records(std::uint64_t first, std::uint64_t count,
                               RecordKind kind = RecordKind::kGateEvent) {
  std::vector<NewRecord> out;
  for (std::uint64_t i = first; i < first + count; ++i) {
    out.push_back({kind, ToBytes("record " + std::to_string(i))});
  }
  return out;
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogTest()
      : key_(*Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x42))),
        clock_(FromUnixSeconds(1743499800)) {}

  std::filesystem::path Path() const { return dir_.path() / kAuditLogFileName; }
  Result<std::unique_ptr<AuditLog>> Open() {
    AuditLog::Options options;
    options.durability = store::sqlite::Transaction::Durability::kNormal;
    return AuditLog::Open(Path(), kLogOrigin, key_.public_key(), random_, clock_, options);
  }
  std::unique_ptr<AuditLog> OpenOrDie() {
    auto log = Open();
    EXPECT_THAT(log, IsOk());
    return log.ok() ? std::move(log).value() : nullptr;
  }
  // The leaf hashes as stored, in a memory tree: the reference for roots and proofs.
  MemoryTree Reference(AuditLog& log) {
    MemoryTree tree;
    for (std::uint64_t i = 0; i < log.size(); ++i) tree.Append(log.GetRecord(i)->leaf_hash);
    return tree;
  }
  // A raw connection to the log's file, for tampering.
  std::unique_ptr<Database> Raw() { return std::move(Database::Open(Path())).value(); }

  ScopedTempDir dir_;
  Ed25519PrivateKey key_;
  SeededRandom random_{9};
  FakeClock clock_;
};

TEST_F(AuditLogTest, AppendsSaltedRecordsAndMatchesTheNaiveRoot) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_EQ(log->Root(), EmptyTreeRoot());
  EXPECT_EQ(*log->Append(Records(0, 5)), 0u);
  EXPECT_EQ(*log->Append(Records(5, 1, RecordKind::kAdminAction)), 5u);
  EXPECT_EQ(*log->Append(std::span<const NewRecord>()), 6u);  // nothing appended
  EXPECT_EQ(*log->Append(Records(6, 30)), 6u);
  ASSERT_EQ(log->size(), 36u);

  std::vector<Bytes> leaf_inputs;
  for (std::uint64_t i = 0; i < log->size(); ++i) {
    auto record = log->GetRecord(i);
    ASSERT_THAT(record, IsOk());
    EXPECT_EQ(record->index, i);
    EXPECT_EQ(record->record, ToBytes("record " + std::to_string(i)));
    EXPECT_EQ(record->kind, i == 5 ? RecordKind::kAdminAction : RecordKind::kGateEvent);
    ASSERT_EQ(record->salt->size(), kSaltSize);
    leaf_inputs.push_back(LeafInput(*record->salt, record->kind, *record->record));
  }
  // Salts differ from record to record.
  EXPECT_NE(log->GetRecord(0)->salt, log->GetRecord(1)->salt);
  // The root is RFC 9162's MTH of salt || kind || record, computed the naive way.
  EXPECT_EQ(log->Root(), testing::NaiveMth(leaf_inputs));
  for (std::uint64_t size = 0; size <= log->size(); ++size) {
    EXPECT_EQ(*log->RootAt(size), testing::NaiveMth(std::span(leaf_inputs).first(size)));
  }
  EXPECT_THAT(log->RootAt(37), StatusIs(StatusCode::kInvalidArgument,
                                        HasSubstr("tree size 37 is beyond the 36 records")));
  EXPECT_THAT(log->GetRecord(36), StatusIs(StatusCode::kNotFound));
}

TEST_F(AuditLogTest, ProofsFromTheFileEqualTheReferenceAndVerify) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  for (std::uint64_t batch = 0; batch < 6; ++batch) {
    ASSERT_THAT(log->Append(Records(log->size(), batch * 3 + 1)), IsOk());
  }
  const MemoryTree reference = Reference(*log);
  const std::uint64_t n = log->size();  // 51
  for (std::uint64_t size = 1; size <= n; ++size) {
    const Hash root = *log->RootAt(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = log->ProveInclusion(index, size);
      ASSERT_THAT(proof, IsOk());
      ASSERT_EQ(proof->path, reference.ProveInclusion(index, size)->path);
      ASSERT_THAT(VerifyInclusion(log->GetRecord(index)->leaf_hash, *proof, root), IsOk());
    }
    for (std::uint64_t first = 0; first <= size; ++first) {
      auto proof = log->ProveConsistency(first, size);
      ASSERT_THAT(proof, IsOk());
      ASSERT_THAT(VerifyConsistency(*proof, *log->RootAt(first), root), IsOk());
    }
  }
  EXPECT_THAT(log->ProveInclusion(3, n + 1), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(log->ProveInclusion(n, n), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(log->ProveConsistency(3, n + 1), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(AuditLogTest, RefusesErasureRecordsAndOversizedRecordsWithoutAppendingAnything) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  std::vector<NewRecord> batch = Records(0, 3);
  batch[1].kind = RecordKind::kErasure;
  EXPECT_THAT(log->Append(batch), StatusIs(StatusCode::kInvalidArgument,
                                           HasSubstr("record 1 of the batch is an erasure")));
  batch[1].kind = RecordKind::kGateEvent;
  batch[2].record = Bytes(kMaxRecordSize + 1);
  EXPECT_THAT(log->Append(batch),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("record 2 of the batch has 65537 "
                                                               "bytes, above the limit")));
  EXPECT_EQ(log->size(), 0u);
  batch[2].record = Bytes(kMaxRecordSize);
  EXPECT_THAT(log->Append(batch), IsOk());
}

TEST_F(AuditLogTest, AFailedBatchLeavesNothingBehind) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Records(0, 3)), IsOk());
  const Hash root = log->Root();
  // A fault injected in the middle of the next batch: the insert of record 5 fails.
  {
    auto raw = Raw();
    ASSERT_THAT(raw->Exec("CREATE TRIGGER fault BEFORE INSERT ON entries WHEN NEW.idx = 5 "
                          "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"),
                IsOk());
  }
  EXPECT_THAT(log->Append(Records(3, 4)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("injected fault")));
  EXPECT_EQ(log->size(), 3u);
  EXPECT_EQ(log->Root(), root);
  EXPECT_THAT(log->GetRecord(3), StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(Raw()->Exec("DROP TRIGGER fault"), IsOk());
  EXPECT_EQ(*log->Append(Records(3, 4)), 3u);
  EXPECT_THAT(log->Check(), IsOk());
}

TEST_F(AuditLogTest, ReopensWhereItWasAndCatchesUpWithAnotherWriter) {
  Hash root;
  {
    auto log = OpenOrDie();
    ASSERT_NE(log, nullptr);
    ASSERT_THAT(log->Append(Records(0, 11)), IsOk());
    root = log->Root();
  }
  auto first = OpenOrDie();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->size(), 11u);
  EXPECT_EQ(first->Root(), root);
  auto second = OpenOrDie();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(*second->Append(Records(11, 4)), 11u);
  // The first connection's next batch goes after the second's, not over it.
  EXPECT_EQ(*first->Append(Records(15, 2)), 15u);
  ASSERT_THAT(second->Refresh(), IsOk());
  EXPECT_EQ(first->Root(), second->Root());
  EXPECT_THAT(first->Check(), IsOk());
}

TEST_F(AuditLogTest, ErasureRemovesTheContentAndKeepsEveryProof) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  std::vector<NewRecord> records = Records(0, 20);
  records[7].record = ToBytes("staff E-1001 entered door 3 at 09:12 secret-marker");
  ASSERT_THAT(log->Append(records), IsOk());
  auto before = log->AddCheckpoint(key_);
  ASSERT_THAT(before, IsOk());
  const Hash leaf7 = log->GetRecord(7)->leaf_hash;

  auto erasure = log->Erase(7);
  ASSERT_THAT(erasure, IsOk());
  EXPECT_EQ(*erasure, 20u);
  EXPECT_EQ(log->size(), 21u);
  auto erased = log->GetRecord(7);
  ASSERT_THAT(erased, IsOk());
  EXPECT_TRUE(erased->erased());
  EXPECT_FALSE(erased->salt.has_value());
  EXPECT_EQ(erased->leaf_hash, leaf7);
  EXPECT_EQ(erased->kind, RecordKind::kGateEvent);
  auto note = log->GetRecord(20);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->kind, RecordKind::kErasure);
  EXPECT_EQ(*ParseErasureRecord(*note->record), 7u);

  // The old checkpoint still holds, is consistent with the new tree, and every leaf, the erased
  // one included, is still proved in both.
  EXPECT_EQ(*log->RootAt(20), before->checkpoint.root);
  auto consistency = log->ProveConsistency(20, 21);
  ASSERT_THAT(consistency, IsOk());
  EXPECT_THAT(VerifyConsistency(*consistency, before->checkpoint.root, log->Root()), IsOk());
  for (std::uint64_t i = 0; i < 21; ++i) {
    for (const std::uint64_t size : {std::uint64_t{20}, std::uint64_t{21}}) {
      if (i >= size) continue;
      auto proof = log->ProveInclusion(i, size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_THAT(VerifyInclusion(log->GetRecord(i)->leaf_hash, *proof, *log->RootAt(size)),
                  IsOk());
    }
  }
  auto report = log->Check();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->erased, 1u);

  // The content is gone from the database file and its write-ahead log.
  for (const char* suffix : {"", "-wal"}) {
    const Bytes bytes = ReadFile(Path().string() + suffix);
    EXPECT_FALSE(Contains(bytes, "secret-marker")) << "found in audit.db" << suffix;
  }
  EXPECT_TRUE(Contains(ReadFile(Path()), "record 8"));  // the scan can find what is there
}

TEST_F(AuditLogTest, ErasureRefusesMissingErasedAndErasureRecords) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Records(0, 3)), IsOk());
  EXPECT_THAT(log->Erase(3), StatusIs(StatusCode::kNotFound, HasSubstr("record 3 does not exist")));
  ASSERT_THAT(log->Erase(1), IsOk());
  EXPECT_THAT(log->Erase(1),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("record 1 is erased already")));
  EXPECT_THAT(log->Erase(3), StatusIs(StatusCode::kFailedPrecondition,
                                      HasSubstr("record 3 is an erasure record")));
  EXPECT_EQ(log->size(), 4u);
}

std::vector<FeedRecord> FeedRecords(std::initializer_list<std::int64_t> positions) {
  std::vector<FeedRecord> out;
  for (const std::int64_t p : positions) {
    out.push_back({p, {RecordKind::kAdminAction, ToBytes("event " + std::to_string(p))}});
  }
  return out;
}

TEST_F(AuditLogTest, FeedsAppendEachPositionOnceAndKeepTheirPositionInTheFile) {
  {
    auto log = OpenOrDie();
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(*log->FeedPosition("admin/1"), std::nullopt);
    EXPECT_EQ(*log->AppendFeed("admin/1", FeedRecords({3, 5, 9})), 3u);
    EXPECT_EQ(*log->FeedPosition("admin/1"), 9);
    // The same items again, and an overlapping batch: only what lies beyond 9 is appended.
    EXPECT_EQ(*log->AppendFeed("admin/1", FeedRecords({3, 5, 9})), 0u);
    EXPECT_EQ(*log->AppendFeed("admin/1", FeedRecords({5, 9, 10, 12})), 2u);
    // Feeds are independent of each other.
    EXPECT_EQ(*log->FeedPosition("admin/2"), std::nullopt);
    EXPECT_EQ(*log->AppendFeed("admin/2", FeedRecords({1})), 1u);
    ASSERT_THAT(log->Append(Records(6, 1)), IsOk());
    EXPECT_EQ(*log->AppendFeed("admin/1", std::span<const FeedRecord>()), 0u);
    EXPECT_EQ(log->size(), 7u);
  }
  // Reopened, and from a second connection: the positions were stored with the records.
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  auto other = OpenOrDie();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(*log->FeedPosition("admin/1"), 12);
  EXPECT_EQ(*other->FeedPosition("admin/2"), 1);
  EXPECT_EQ(*other->AppendFeed("admin/1", FeedRecords({12, 13})), 1u);
  // The first connection did not see 13 appended, and offers it again: skipped.
  EXPECT_EQ(*log->AppendFeed("admin/1", FeedRecords({13, 14})), 1u);
  EXPECT_EQ(log->size(), 9u);
  const std::vector<std::string> expected = {"event 3",  "event 5",  "event 9",
                                             "event 10", "event 12", "event 1",
                                             "record 6", "event 13", "event 14"};
  for (std::uint64_t i = 0; i < expected.size(); ++i) {
    auto entry = log->GetRecord(i);
    ASSERT_THAT(entry, IsOk());
    EXPECT_EQ(ToString(*entry->record), expected[i]) << i;
  }
  EXPECT_THAT(log->Check(), IsOk());
}

TEST_F(AuditLogTest, FeedsRefuseBadNamesAndPositionsAndFailedBatchesKeepThePosition) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  for (const std::string& name : {std::string(), std::string("admin 1"), std::string("admin\n"),
                                  std::string(kMaxFeedNameLength + 1, 'a')}) {
    EXPECT_THAT(log->AppendFeed(name, FeedRecords({1})),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("feed name")))
        << name;
    EXPECT_THAT(log->FeedPosition(name), StatusIs(StatusCode::kInvalidArgument));
  }
  EXPECT_THAT(log->AppendFeed(std::string(kMaxFeedNameLength, 'a'), FeedRecords({1})), IsOk());
  EXPECT_THAT(log->AppendFeed("f", FeedRecords({4, 4})),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("record 1 of the batch of feed 'f' has the position 4, not "
                                 "beyond the previous record's 4")));
  EXPECT_THAT(log->AppendFeed("f", FeedRecords({5, 2})), StatusIs(StatusCode::kInvalidArgument));
  std::vector<FeedRecord> erasure = FeedRecords({1});
  erasure[0].record.kind = RecordKind::kErasure;
  EXPECT_THAT(log->AppendFeed("f", erasure),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("erasure record")));
  EXPECT_EQ(*log->FeedPosition("f"), std::nullopt);
  EXPECT_EQ(log->size(), 1u);

  // A fault in the middle of a batch: neither the records nor the position move.
  ASSERT_THAT(log->AppendFeed("f", FeedRecords({1, 2})), IsOk());
  ASSERT_THAT(Raw()->Exec("CREATE TRIGGER fault BEFORE INSERT ON entries WHEN NEW.idx = 4 "
                          "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"),
              IsOk());
  EXPECT_THAT(log->AppendFeed("f", FeedRecords({3, 4, 5})),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("injected fault")));
  EXPECT_EQ(*log->FeedPosition("f"), 2);
  EXPECT_EQ(log->size(), 3u);
  ASSERT_THAT(Raw()->Exec("DROP TRIGGER fault"), IsOk());
  EXPECT_EQ(*log->AppendFeed("f", FeedRecords({3, 4, 5})), 3u);
  EXPECT_EQ(*log->FeedPosition("f"), 5);

  // A stored position that is not a number is corrupt data.
  ASSERT_THAT(Raw()->Exec("UPDATE log_info SET value = '5x' WHERE name = 'feed f'"), IsOk());
  EXPECT_THAT(log->FeedPosition("f"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("the stored position of the feed 'f'")));
  EXPECT_THAT(log->AppendFeed("f", FeedRecords({6})), StatusIs(StatusCode::kDataLoss));
  EXPECT_EQ(log->size(), 6u);
}

TEST_F(AuditLogTest, CheckpointsAreSignedStoredAndCheckedOnOpen) {
  auto log = OpenOrDie();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->LatestCheckpoint(), std::nullopt);
  ASSERT_THAT(log->Append(Records(0, 9)), IsOk());
  clock_.Advance(std::chrono::milliseconds(1500));
  auto checkpoint = log->AddCheckpoint(key_);
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->checkpoint.tree_size, 9u);
  EXPECT_EQ(checkpoint->checkpoint.root, log->Root());
  EXPECT_EQ(checkpoint->checkpoint.time, FromUnixSeconds(1743499801));
  EXPECT_EQ(checkpoint->checkpoint.origin, kLogOrigin);
  auto opened = OpenCheckpoint(checkpoint->text, kLogOrigin, key_.public_key());
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, checkpoint->checkpoint);
  auto latest = log->LatestCheckpoint();
  ASSERT_THAT(latest, IsOk());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->text, checkpoint->text);

  SeededRandom other_random(1);
  EXPECT_THAT(log->AddCheckpoint(Ed25519PrivateKey::Generate(other_random)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not this audit log's")));
  // Another key cannot open the log: its latest checkpoint does not verify.
  log.reset();
  EXPECT_THAT(
      AuditLog::Open(Path(), kLogOrigin, Ed25519PrivateKey::Generate(other_random).public_key(),
                     random_, clock_),
      StatusIs(StatusCode::kDataLoss, HasSubstr("the latest checkpoint (#1): checkpoint "
                                                "is signed by key")));
  EXPECT_THAT(Open(), IsOk());
}

TEST_F(AuditLogTest, OpenFindsLostRecordsAndAlteredEdgeNodes) {
  {
    auto log = OpenOrDie();
    ASSERT_NE(log, nullptr);
    ASSERT_THAT(log->Append(Records(0, 12)), IsOk());
    ASSERT_THAT(log->AddCheckpoint(key_), IsOk());
  }
  std::filesystem::copy(Path(), dir_.path() / "pristine.db");
  // Records lost after the checkpoint was signed (and the nodes with them).
  ASSERT_THAT(Raw()->Exec("DELETE FROM entries WHERE idx >= 10; DELETE FROM nodes WHERE key >= "
                          "11 * 64"),
              IsOk());
  EXPECT_THAT(Open(), StatusIs(StatusCode::kDataLoss,
                               HasSubstr("the latest checkpoint (#1) covers 12 records but the log "
                                         "holds 10: records were lost")));
  // A node on the right edge altered: the root no longer matches the checkpoint.
  std::filesystem::remove(Path());
  std::filesystem::copy(dir_.path() / "pristine.db", Path());
  ASSERT_THAT(Raw()->Exec("UPDATE nodes SET hash = zeroblob(32) WHERE key = 8 * 64 + 3"), IsOk());
  EXPECT_THAT(Open(), StatusIs(StatusCode::kDataLoss,
                               HasSubstr("the stored tree's root at size 12 differs from the "
                                         "latest checkpoint (#1): the log was altered")));
  // The last node removed: the nodes table does not end where 12 records end.
  std::filesystem::remove(Path());
  std::filesystem::copy(dir_.path() / "pristine.db", Path());
  ASSERT_THAT(Raw()->Exec("DELETE FROM nodes WHERE key = 12 * 64 + 2"), IsOk());
  EXPECT_THAT(Open(), StatusIs(StatusCode::kDataLoss,
                               HasSubstr("the stored nodes do not end where a tree of 12")));
}

// A writer killed with SIGKILL at random moments: every batch it reported committed is present,
// whole, and the tree verifies from the leaves up and against the latest checkpoint.
TEST_F(AuditLogTest, EveryReportedBatchSurvivesSigkill) {
  SeededRandom moments(2024);
  std::uint64_t confirmed = 0;
  for (int round = 0; round < 6; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      SeededRandom salts(static_cast<std::uint64_t>(round) + 100);
      auto log = AuditLog::Open(Path(), kLogOrigin, key_.public_key(), salts, clock_);
      if (!log.ok()) ::_exit(2);
      for (std::uint64_t batch = 0;; ++batch) {
        const std::uint64_t first = (*log)->size();
        if (!(*log)->Append(Records(first, 1 + batch % 7)).ok()) ::_exit(3);
        if (batch % 3 == 2 && !(*log)->AddCheckpoint(key_).ok()) ::_exit(4);
        const std::uint64_t size = (*log)->size();
        if (::write(fds[1], &size, sizeof size) != sizeof size) ::_exit(5);
      }
    }
    ::close(fds[1]);
    // Kill after a random number of reports: the writer is then somewhere in its next batch.
    const int reports = 1 + moments.Generate(1)[0] % 8;
    std::uint64_t size = 0;
    for (int i = 0; i < reports; ++i) {
      ASSERT_EQ(::read(fds[0], &size, sizeof size), static_cast<ssize_t>(sizeof size))
          << "the writer stopped early";
      confirmed = std::max(confirmed, size);
    }
    ::kill(pid, SIGKILL);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wait_status)) << "writer exited with " << WEXITSTATUS(wait_status);
    // Reports written before the kill name committed batches too.
    while (::read(fds[0], &size, sizeof size) == static_cast<ssize_t>(sizeof size)) {
      confirmed = std::max(confirmed, size);
    }
    ::close(fds[0]);

    auto log = Open();
    ASSERT_THAT(log, IsOk()) << "round " << round;
    ASSERT_GE((*log)->size(), confirmed) << "round " << round;
    for (std::uint64_t i = 0; i < (*log)->size(); ++i) {
      ASSERT_EQ((*log)->GetRecord(i)->record, ToBytes("record " + std::to_string(i)));
    }
    auto report = (*log)->Check();
    ASSERT_THAT(report, IsOk()) << "round " << round;
    EXPECT_GT(report->checkpoints, 0u);
  }
  EXPECT_GT(confirmed, 6u);
}

}  // namespace
}  // namespace sekisho::audit
