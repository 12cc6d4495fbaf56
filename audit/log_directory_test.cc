#include "audit/log_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "audit/key_file.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "store/test_util.h"

namespace sekisho::audit {
namespace {

using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::ModeOf;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class LogDirectoryTest : public ::testing::Test {
 protected:
  // A log of three records with a checkpoint, as a data directory holds it.
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto log, OpenLogInDirectory(dir_.path(), random_, clock_, {}));
    for (int i = 0; i < 3; ++i) {
      ASSERT_THAT(log->Append({RecordKind::kAdminAction, ToBytes("r" + std::to_string(i))}),
                  IsOk());
    }
    ASSERT_OK_AND_ASSIGN(first_key_, LoadLogKey(dir_.path(), random_));
    ASSERT_THAT(log->AddCheckpoint(first_key_).status(), IsOk());
    origin_ = log->origin();
  }

  ScopedTempDir dir_;
  SeededRandom random_{21};
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  Ed25519PrivateKey first_key_ = Ed25519PrivateKey::Generate(random_);
  std::string origin_;
};

TEST_F(LogDirectoryTest, RotationHandsOverFromTheOldKeyToTheNew) {
  clock_.Advance(1h);
  ASSERT_OK_AND_ASSIGN(KeyRotation rotation,
                       RotateLogKey(dir_.path(), random_, clock_, "operator", {}));
  ASSERT_OK_AND_ASSIGN(const Ed25519PrivateKey current, LoadLogKey(dir_.path(), random_));
  EXPECT_FALSE(current.public_key() == first_key_.public_key());
  EXPECT_EQ(ModeOf(dir_.path() / kCheckpointKeyFileName), 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / kNextCheckpointKeyFileName));
  EXPECT_EQ(rotation.previous_key_id, CheckpointKeyId(origin_, first_key_.public_key()));
  EXPECT_EQ(rotation.new_key_id, CheckpointKeyId(origin_, current.public_key()));

  // The old key vouches for the new one: its last checkpoint covers the record naming it.
  EXPECT_EQ(rotation.record, 3u);
  EXPECT_EQ(rotation.last_by_previous.checkpoint.tree_size, 4u);
  EXPECT_THAT(
      OpenCheckpoint(rotation.last_by_previous.text, origin_, first_key_.public_key()).status(),
      IsOk());
  EXPECT_THAT(OpenCheckpoint(rotation.first_by_new.text, origin_, current.public_key()).status(),
              IsOk());

  ASSERT_OK_AND_ASSIGN(auto log, OpenLogInDirectory(dir_.path(), random_, clock_, {}));
  EXPECT_EQ(log->origin(), origin_);  // the log keeps its name
  ASSERT_OK_AND_ASSIGN(const StoredEntry record, log->GetRecord(rotation.record));
  ASSERT_TRUE(record.record.has_value());
  const std::string text = ToString(record.record.value_or(Bytes{}));
  EXPECT_THAT(text, HasSubstr("\"action\":\"checkpoint-key-rotated\""));
  EXPECT_THAT(text, HasSubstr("\"actor\":\"operator\""));
  EXPECT_THAT(text, HasSubstr("\"new_key\":\"" + ToHex(current.public_key().bytes()) + "\""));
  // Every checkpoint, the old key's included, verifies; new ones need the new key.
  ASSERT_OK_AND_ASSIGN(const LogCheckReport report, log->Check());
  EXPECT_EQ(report.checkpoints, 3u);
  EXPECT_THAT(log->AddCheckpoint(first_key_), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(log->AddCheckpoint(current).status(), IsOk());
}

TEST_F(LogDirectoryTest, WithoutItsRetiredKeysARotatedLogIsRefused) {
  ASSERT_THAT(RotateLogKey(dir_.path(), random_, clock_, "operator", {}).status(), IsOk());
  std::filesystem::remove(dir_.path() / kRetiredCheckpointKeysFileName);
  // Its name follows its first key, which nothing lists any more.
  EXPECT_THAT(OpenLogInDirectory(dir_.path(), random_, clock_, {}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("belongs to the log")));
}

TEST_F(LogDirectoryTest, ARotationThatStoppedIsFinishedWithTheKeyItHadMade) {
  // Stopped after writing the new key: the next run uses that key.
  const Ed25519PrivateKey next = Ed25519PrivateKey::Generate(random_);
  ASSERT_THAT(WriteCheckpointKeyFile(dir_.path() / kNextCheckpointKeyFileName, next), IsOk());
  ASSERT_OK_AND_ASSIGN(KeyRotation rotation,
                       RotateLogKey(dir_.path(), random_, clock_, "operator", {}));
  EXPECT_EQ(rotation.new_key_id, CheckpointKeyId(origin_, next.public_key()));

  // Two rotations: both retired keys are listed, oldest first, and the log still checks out.
  ASSERT_OK_AND_ASSIGN(KeyRotation second,
                       RotateLogKey(dir_.path(), random_, clock_, "operator", {}));
  EXPECT_EQ(second.previous_key_id, rotation.new_key_id);
  ASSERT_OK_AND_ASSIGN(const std::vector<Ed25519PublicKey> retired,
                       ReadRetiredCheckpointKeys(dir_.path() / kRetiredCheckpointKeysFileName));
  ASSERT_EQ(retired.size(), 2u);
  EXPECT_TRUE(retired[0] == first_key_.public_key());
  EXPECT_TRUE(retired[1] == next.public_key());
  ASSERT_OK_AND_ASSIGN(auto log, OpenLogInDirectory(dir_.path(), random_, clock_, {}));
  EXPECT_EQ(log->origin(), origin_);
  ASSERT_OK_AND_ASSIGN(const LogCheckReport report, log->Check());
  EXPECT_EQ(report.checkpoints, 5u);
}

TEST_F(LogDirectoryTest, NoRotationWhileTheLogIsOpenElsewhereAndNoOpeningDuringOne) {
  {
    ASSERT_OK_AND_ASSIGN(const FolderLock server,
                         LockLogDirectory(dir_.path(), FolderLock::Mode::kShared));
    EXPECT_THAT(RotateLogKey(dir_.path(), random_, clock_, "operator", {}).status(),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("`sekisho serve`")));
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / kNextCheckpointKeyFileName));
  }
  {
    ASSERT_OK_AND_ASSIGN(const FolderLock rotation,
                         LockLogDirectory(dir_.path(), FolderLock::Mode::kExclusive));
    EXPECT_THAT(LockLogDirectory(dir_.path(), FolderLock::Mode::kShared).status(),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("rotation is under way")));
  }
  EXPECT_THAT(RotateLogKey(dir_.path(), random_, clock_, "operator", {}), IsOk());
}

TEST_F(LogDirectoryTest, NoLogNoRotation) {
  ScopedTempDir empty;
  EXPECT_THAT(RotateLogKey(empty.path(), random_, clock_, "operator", {}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("there is no audit log")));
}

TEST(RetiredCheckpointKeysTest, RoundTripAndPreciseRefusals) {
  ScopedTempDir dir;
  SeededRandom random(3);
  const std::filesystem::path path = dir.path() / kRetiredCheckpointKeysFileName;
  ASSERT_OK_AND_ASSIGN(auto none, ReadRetiredCheckpointKeys(path));
  EXPECT_TRUE(none.empty());

  const std::vector<Ed25519PublicKey> keys = {Ed25519PrivateKey::Generate(random).public_key(),
                                              Ed25519PrivateKey::Generate(random).public_key()};
  ASSERT_THAT(WriteRetiredCheckpointKeys(path, keys), IsOk());
  EXPECT_EQ(ModeOf(path), 0600u);
  ASSERT_OK_AND_ASSIGN(auto read, ReadRetiredCheckpointKeys(path));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_TRUE(read[0] == keys[0]);
  EXPECT_TRUE(read[1] == keys[1]);

  auto write = [&](const std::string& text) { std::ofstream(path, std::ios::trunc) << text; };
  const std::string first = ToHex(keys[0].bytes());
  write(first + "\nnot a key\n");
  EXPECT_THAT(
      ReadRetiredCheckpointKeys(path),
      StatusIs(StatusCode::kDataLoss, HasSubstr(", line 2: expected an Ed25519 public key")));
  write(first + "\n" + first + "\n");
  EXPECT_THAT(ReadRetiredCheckpointKeys(path),
              StatusIs(StatusCode::kDataLoss, HasSubstr("line 2: the key is listed twice")));
  write(first.substr(2) + "\n");
  EXPECT_THAT(ReadRetiredCheckpointKeys(path),
              StatusIs(StatusCode::kDataLoss, HasSubstr("line 1: expected")));
}

}  // namespace
}  // namespace sekisho::audit
