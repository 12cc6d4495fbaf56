#include "pki/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "base/status_matchers.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FileIoTest, WriteThenRead) {
  TempDir dir;
  const auto path = dir.path() / "a.pem";
  ASSERT_THAT(WriteFileAtomically(path, "first", 0600), IsOk());
  ASSERT_THAT(WriteFileAtomically(path, "second", 0640), IsOk());
  EXPECT_EQ(*ReadSmallFile(path), "second");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(FileIoTest, Errors) {
  TempDir dir;
  EXPECT_THAT(ReadSmallFile(dir.path() / "missing"),
              StatusIs(StatusCode::kNotFound, HasSubstr("missing does not exist")));
  EXPECT_THAT(ReadSmallFile(dir.path()), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(WriteFileAtomically(dir.path() / "no" / "such" / "dir", "x", 0600),
              StatusIs(StatusCode::kUnavailable, HasSubstr("cannot create")));
  const auto big = dir.path() / "big";
  ASSERT_THAT(WriteFileAtomically(big, std::string((1 << 20) + 1, 'x'), 0600), IsOk());
  EXPECT_THAT(ReadSmallFile(big), StatusIs(StatusCode::kDataLoss, HasSubstr("larger than 1 MiB")));
}

TEST(FileIoTest, ReadFileUpToAnyLimit) {
  TempDir dir;
  const auto path = dir.path() / "three";
  ASSERT_THAT(WriteFileAtomically(path, std::string(3 * (1 << 20), 'x'), 0600), IsOk());
  Result<std::string> text = ReadFileUpTo(path, 3 << 20);
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(text->size(), 3u << 20);
  EXPECT_THAT(ReadFileUpTo(path, (3 << 20) - 1),
              StatusIs(StatusCode::kDataLoss, HasSubstr("larger than 3145727 bytes")));
  EXPECT_THAT(ReadFileUpTo(path, 0), StatusIs(StatusCode::kDataLoss, HasSubstr("0 bytes")));
  EXPECT_THAT(ReadFileUpTo(path, SIZE_MAX), IsOk());
  EXPECT_EQ(SizeText(64u << 20), "64 MiB");
  EXPECT_EQ(SizeText((1u << 20) + 1), "1048577 bytes");
  EXPECT_EQ(SizeText(0), "0 bytes");
}

}  // namespace
}  // namespace sekisho::pki
