#include "audit/key_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "base/digest.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "store/test_util.h"

namespace sekisho::audit {
namespace {

using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::testing::ModeOf;

class KeyFileTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / kCheckpointKeyFileName; }
  ScopedTempDir dir_;
  SeededRandom random_{5};
};

TEST_F(KeyFileTest, WritesTheSeedWithMode0600EvenUnderAPermissiveUmask) {
  const Ed25519PrivateKey key = Ed25519PrivateKey::Generate(random_);
  const mode_t old_umask = ::umask(0);
  const Status written = WriteCheckpointKeyFile(Path(), key);
  ::umask(old_umask);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(ModeOf(Path()), 0600u);
  EXPECT_EQ(std::filesystem::file_size(Path()), 32u);
  auto read = ReadCheckpointKeyFile(Path());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->public_key(), key.public_key());
}

TEST_F(KeyFileTest, NeverReplacesAKey) {
  ASSERT_THAT(WriteCheckpointKeyFile(Path(), Ed25519PrivateKey::Generate(random_)), IsOk());
  const Ed25519PublicKey before = ReadCheckpointKeyFile(Path())->public_key();
  EXPECT_THAT(WriteCheckpointKeyFile(Path(), Ed25519PrivateKey::Generate(random_)),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("never replaced")));
  EXPECT_EQ(ReadCheckpointKeyFile(Path())->public_key(), before);
}

TEST_F(KeyFileTest, LoadOrCreateMakesOneKeyAndThenKeepsIt) {
  auto first = LoadOrCreateCheckpointKeyFile(Path(), random_);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(ModeOf(Path()), 0600u);
  auto second = LoadOrCreateCheckpointKeyFile(Path(), random_);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->public_key(), second->public_key());
}

TEST_F(KeyFileTest, RefusesMissingLooseLinkedAndWrongSizedFiles) {
  EXPECT_THAT(ReadCheckpointKeyFile(Path()),
              StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
  EXPECT_THAT(WriteCheckpointKeyFile(dir_.path() / "no-such-dir" / "k",
                                     Ed25519PrivateKey::Generate(random_)),
              StatusIs(StatusCode::kNotFound, HasSubstr("directory does not exist")));
  ASSERT_THAT(WriteCheckpointKeyFile(Path(), Ed25519PrivateKey::Generate(random_)), IsOk());

  ASSERT_EQ(::chmod(Path().c_str(), 0640), 0);
  EXPECT_THAT(ReadCheckpointKeyFile(Path()),
              StatusIs(StatusCode::kPermissionDenied,
                       ::testing::AllOf(HasSubstr("mode 0640"),
                                        HasSubstr("chmod 600 " + Path().string()))));
  ASSERT_EQ(::chmod(Path().c_str(), 0600), 0);

  const auto link = dir_.path() / "link";
  std::filesystem::create_symlink(Path(), link);
  EXPECT_THAT(ReadCheckpointKeyFile(link),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("symbolic link")));
  EXPECT_THAT(ReadCheckpointKeyFile(dir_.path()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("not a regular file")));

  {
    std::ofstream out(Path(), std::ios::binary | std::ios::app);
    out << 'x';
  }
  EXPECT_THAT(ReadCheckpointKeyFile(Path()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("holds 33 bytes")));
}

TEST_F(KeyFileTest, TheLogOriginFollowsTheKey) {
  const Ed25519PrivateKey key = *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x01));
  const std::string origin = LogOriginForKey(key.public_key());
  const std::string hex = ToHex(ByteView(Sha256(key.public_key().bytes())).first(8));
  std::string lower;
  for (const char c : hex) lower += static_cast<char>(std::tolower(c));
  EXPECT_EQ(origin, "sekisho-audit/" + lower);
  EXPECT_EQ(origin.size(), 14u + 16u);
  EXPECT_NE(LogOriginForKey(Ed25519PrivateKey::Generate(random_).public_key()), origin);
}

}  // namespace
}  // namespace sekisho::audit
