#include "access/org_key_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "base/random.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::access {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

using ::sekisho::testing::ModeOf;

TEST(OrgKeyFileTest, WritesMode0600EvenUnderAPermissiveUmaskAndReadsBack) {
  TempDir dir;
  const auto path = dir.path() / "k_org";
  SeededRandom random(3);
  const identity::OrgKey key = identity::OrgKey::Generate(random);
  const mode_t old_umask = ::umask(0);
  const Status written = WriteOrgKeyFile(path, key);
  ::umask(old_umask);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  auto read = ReadOrgKeyFile(path);
  ASSERT_THAT(read, IsOk());
  EXPECT_TRUE(std::equal(read->view().begin(), read->view().end(), key.view().begin()));
}

TEST(OrgKeyFileTest, NeverReplacesAKey) {
  TempDir dir;
  const auto path = dir.path() / "k_org";
  SeededRandom random(3);
  ASSERT_THAT(WriteOrgKeyFile(path, identity::OrgKey::Generate(random)), IsOk());
  const auto before = ReadOrgKeyFile(path);
  ASSERT_THAT(before, IsOk());
  EXPECT_THAT(WriteOrgKeyFile(path, identity::OrgKey::Generate(random)),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("never replaced")));
  const auto after = ReadOrgKeyFile(path);
  ASSERT_THAT(after, IsOk());
  EXPECT_TRUE(std::equal(before->view().begin(), before->view().end(), after->view().begin()));
}

TEST(OrgKeyFileTest, MissingDirectoryIsNotFound) {
  TempDir dir;
  SeededRandom random(3);
  EXPECT_THAT(WriteOrgKeyFile(dir.path() / "nope" / "k_org", identity::OrgKey::Generate(random)),
              StatusIs(StatusCode::kNotFound));
}

TEST(OrgKeyFileTest, LooserModeIsPermissionDeniedWithTheFix) {
  TempDir dir;
  const auto path = dir.path() / "k_org";
  SeededRandom random(3);
  ASSERT_THAT(WriteOrgKeyFile(path, identity::OrgKey::Generate(random)), IsOk());
  for (mode_t mode : {0640, 0604, 0644, 0660, 0666, 0700, 0610}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const bool refused = (mode & 077) != 0;
    if (refused) {
      char octal[16];
      std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
      EXPECT_THAT(ReadOrgKeyFile(path), StatusIs(StatusCode::kPermissionDenied,
                                                 AllOf(HasSubstr(path.string()), HasSubstr(octal),
                                                       HasSubstr("chmod 600 " + path.string()))))
          << octal;
    } else {
      EXPECT_THAT(ReadOrgKeyFile(path), IsOk());
    }
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_THAT(ReadOrgKeyFile(path), IsOk());
}

TEST(OrgKeyFileTest, MissingFileIsNotFoundWithTheCommandToRun) {
  TempDir dir;
  EXPECT_THAT(ReadOrgKeyFile(dir.path() / "k_org"),
              StatusIs(StatusCode::kNotFound, HasSubstr("sekisho init --org")));
}

TEST(OrgKeyFileTest, WrongSizeIsDataLoss) {
  TempDir dir;
  const auto path = dir.path() / "k_org";
  for (std::size_t size : {0, 31, 33, 64}) {
    std::filesystem::remove(path);
    std::ofstream(path, std::ios::binary) << std::string(size, 'k');
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_THAT(ReadOrgKeyFile(path), StatusIs(StatusCode::kDataLoss, HasSubstr("exactly 32")))
        << size;
  }
}

TEST(OrgKeyFileTest, SymbolicLinkAndDirectoryAreRefused) {
  TempDir dir;
  const auto real = dir.path() / "real";
  SeededRandom random(3);
  ASSERT_THAT(WriteOrgKeyFile(real, identity::OrgKey::Generate(random)), IsOk());
  std::filesystem::create_symlink(real, dir.path() / "link");
  EXPECT_THAT(ReadOrgKeyFile(dir.path() / "link"),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("symbolic link")));
  std::filesystem::create_directory(dir.path() / "d");
  ::chmod((dir.path() / "d").c_str(), 0700);
  EXPECT_THAT(ReadOrgKeyFile(dir.path() / "d"),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("not a regular file")));
}

}  // namespace
}  // namespace sekisho::access
