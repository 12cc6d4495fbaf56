#include "base/folder_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "base/status_matchers.h"

namespace sekisho {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using Mode = FolderLock::Mode;

class FolderLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "sekisho-folder-lock-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path dir_;
};

// Each Acquire opens the folder anew, so two locks of one process conflict as two processes'.
TEST_F(FolderLockTest, SharedLocksCoexistAndKeepTheExclusiveOneOut) {
  auto first = FolderLock::Acquire(dir_, Mode::kShared, ": busy");
  ASSERT_THAT(first, IsOk());
  auto second = FolderLock::Acquire(dir_, Mode::kShared, ": busy");
  EXPECT_THAT(second, IsOk());
  EXPECT_THAT(FolderLock::Acquire(dir_, Mode::kExclusive, " (stop the server)").status(),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(dir_.string() + " is in use by another Sekisho process"),
                             EndsWith(" (stop the server)"))));
}

TEST_F(FolderLockTest, AnExclusiveLockKeepsEveryOtherOut) {
  auto exclusive = FolderLock::Acquire(dir_, Mode::kExclusive, "");
  ASSERT_THAT(exclusive, IsOk());
  EXPECT_THAT(FolderLock::Acquire(dir_, Mode::kShared, ": a rotation").status(),
              StatusIs(StatusCode::kFailedPrecondition, EndsWith(": a rotation")));
  EXPECT_THAT(FolderLock::Acquire(dir_, Mode::kExclusive, "").status(),
              StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(FolderLockTest, TheLockEndsWithItsObjectAndMovesWithIt) {
  {
    auto exclusive = FolderLock::Acquire(dir_, Mode::kExclusive, "");
    ASSERT_THAT(exclusive, IsOk());
    FolderLock moved = std::move(exclusive).value();
    EXPECT_THAT(FolderLock::Acquire(dir_, Mode::kShared, "").status(),
                StatusIs(StatusCode::kFailedPrecondition));
  }
  EXPECT_THAT(FolderLock::Acquire(dir_, Mode::kExclusive, ""), IsOk());
}

TEST_F(FolderLockTest, AMissingFolderIsUnavailable) {
  EXPECT_THAT(FolderLock::Acquire(dir_ / "missing", Mode::kShared, "").status(),
              StatusIs(StatusCode::kUnavailable, HasSubstr("cannot open")));
}

}  // namespace
}  // namespace sekisho
