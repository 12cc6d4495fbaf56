#include "base/secret_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

#include "base/status_matchers.h"
#include "base/test_file_mode.h"

namespace sekisho {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr SecretFileKind kKind{
    .name = "test key file",
    .secret = "a key",
    .why_never_replaced = "what it signed would no longer verify",
    .exposure = "anyone who can read it can sign",
    .when_missing = "",
};
constexpr std::size_t kSize = 32;

using ::sekisho::testing::ModeOf;

std::string OctalText(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
  return text;
}

// Each test in a fresh directory of its own.
class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "sekisho-secret-file-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path Path() const { return dir_ / "key"; }
  // A file of `size` bytes 'k' with `mode`, written without WriteSecretFile.
  void WritePlain(std::size_t size, mode_t mode) {
    std::filesystem::remove(Path());
    std::ofstream(Path(), std::ios::binary) << std::string(size, 'k');
    ASSERT_EQ(::chmod(Path().c_str(), mode), 0);
  }
  Bytes Contents() const {
    Bytes bytes(kSize);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 5 + 3);
    return bytes;
  }

  std::filesystem::path dir_;
};

TEST_F(SecretFileTest, WritesMode0600WhateverTheUmaskAndReadsTheBytesBack) {
  for (const mode_t umask : {0, 022, 0277}) {
    std::filesystem::remove(Path());
    const mode_t old_umask = ::umask(umask);
    const Status written = WriteSecretFile(Path(), Contents(), kKind);
    ::umask(old_umask);
    ASSERT_THAT(written, IsOk()) << OctalText(umask);
    EXPECT_EQ(ModeOf(Path()), 0600u) << OctalText(umask);
    EXPECT_EQ(std::filesystem::file_size(Path()), kSize);
    auto read = ReadSecretFile(Path(), kSize, kKind);
    ASSERT_THAT(read, IsOk());
    EXPECT_EQ(Bytes(read->view().begin(), read->view().end()), Contents());
  }
}

TEST_F(SecretFileTest, NeverReplacesAFileAndLeavesItsBytesAlone) {
  ASSERT_THAT(WriteSecretFile(Path(), Contents(), kKind), IsOk());
  EXPECT_THAT(WriteSecretFile(Path(), Bytes(kSize, 0xEE), kKind),
              StatusIs(StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("test key file " + Path().string()),
                             HasSubstr("never replaced (what it signed would no longer verify)"))));
  auto read = ReadSecretFile(Path(), kSize, kKind);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(Bytes(read->view().begin(), read->view().end()), Contents());
}

TEST_F(SecretFileTest, NeverWritesThroughASymbolicLink) {
  const auto target = dir_ / "target";
  std::filesystem::create_symlink(target, Path());  // dangling
  EXPECT_THAT(WriteSecretFile(Path(), Contents(), kKind), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(SecretFileTest, WritingIntoAMissingDirectoryIsNotFound) {
  EXPECT_THAT(WriteSecretFile(dir_ / "no-such-dir" / "key", Contents(), kKind),
              StatusIs(StatusCode::kNotFound, HasSubstr("its directory does not exist")));
}

TEST_F(SecretFileTest, AFailedWriteLeavesNoFileBehind) {
  // A file size limit below the secret's size makes write() fail part way (EFBIG or short).
  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 4;
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status written = WriteSecretFile(Path(), Contents(), kKind);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(written, StatusIs(StatusCode::kUnavailable,
                                HasSubstr("cannot write test key file " + Path().string())));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(Path())));
}

TEST_F(SecretFileTest, AnEmptySecretRoundTrips) {
  ASSERT_THAT(WriteSecretFile(Path(), ByteView(), kKind), IsOk());
  auto read = ReadSecretFile(Path(), 0, kKind);
  ASSERT_THAT(read, IsOk());
  EXPECT_TRUE(read->empty());
}

TEST_F(SecretFileTest, AMissingFileIsNotFoundWithTheHintWhenThereIsOne) {
  EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind),
              StatusIs(StatusCode::kNotFound, EndsWith(Path().string() + " does not exist")));
  SecretFileKind with_hint = kKind;
  with_hint.when_missing = "create it with `make-key`";
  EXPECT_THAT(
      ReadSecretFile(Path(), kSize, with_hint),
      StatusIs(StatusCode::kNotFound, EndsWith(" does not exist; create it with `make-key`")));
}

TEST_F(SecretFileTest, AnyGroupOrOtherBitIsPermissionDeniedWithTheFix) {
  ASSERT_THAT(WriteSecretFile(Path(), Contents(), kKind), IsOk());
  for (mode_t bit = 01; bit <= 040; bit <<= 1) {
    for (mode_t owner : {0400, 0600, 0700}) {
      const mode_t mode = owner | bit;
      ASSERT_EQ(::chmod(Path().c_str(), mode), 0);
      EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind),
                  StatusIs(StatusCode::kPermissionDenied,
                           AllOf(HasSubstr("test key file " + Path().string()),
                                 HasSubstr("has mode " + OctalText(mode) + ", looser than 0600"),
                                 HasSubstr("anyone who can read it can sign"),
                                 HasSubstr("Run `chmod 600 " + Path().string() + "`"))))
          << OctalText(mode);
    }
  }
  for (mode_t mode : {0400, 0600, 0700}) {
    ASSERT_EQ(::chmod(Path().c_str(), mode), 0);
    EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind), IsOk()) << OctalText(mode);
  }
}

TEST_F(SecretFileTest, ASymbolicLinkOrADirectoryIsPermissionDenied) {
  ASSERT_THAT(WriteSecretFile(dir_ / "real", Contents(), kKind), IsOk());
  std::filesystem::create_symlink(dir_ / "real", Path());
  EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("is a symbolic link")));
  std::filesystem::create_directory(dir_ / "d");
  ASSERT_EQ(::chmod((dir_ / "d").c_str(), 0700), 0);
  EXPECT_THAT(ReadSecretFile(dir_ / "d", kSize, kKind),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("is not a regular file")));
}

TEST_F(SecretFileTest, AWrongSizeIsDataLossAndTheMessageHoldsNoByteOfTheFile) {
  for (std::size_t size : {std::size_t{0}, kSize - 1, kSize + 1, 2 * kSize}) {
    WritePlain(size, 0600);
    EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind),
                StatusIs(StatusCode::kDataLoss, AllOf(HasSubstr("holds " + std::to_string(size) +
                                                                " bytes; a key has exactly 32"),
                                                      Not(HasSubstr("kk")))))
        << size;
  }
  WritePlain(kSize, 0600);
  EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind), IsOk());
}

TEST_F(SecretFileTest, TheModeIsCheckedBeforeTheSize) {
  WritePlain(kSize + 1, 0644);
  EXPECT_THAT(ReadSecretFile(Path(), kSize, kKind), StatusIs(StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace sekisho
