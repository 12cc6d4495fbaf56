#include "server/auth_password.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/status_matchers.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(ValidatePasswordTest, LengthIsCountedInCodePoints) {
  EXPECT_THAT(
      ValidatePassword(std::string(11, 'a')),
      StatusIs(StatusCode::kInvalidArgument, "password must be at least 12 characters long"));
  EXPECT_THAT(ValidatePassword(std::string(12, 'a')), IsOk());
  EXPECT_THAT(ValidatePassword(std::string(256, 'a')), IsOk());
  EXPECT_THAT(
      ValidatePassword(std::string(257, 'a')),
      StatusIs(StatusCode::kInvalidArgument, "password must be at most 256 characters long"));
  std::string kana;
  for (int i = 0; i < 12; ++i) kana += "\xE3\x81\x82";  // あ: 3 bytes, 1 character
  EXPECT_THAT(ValidatePassword(kana), IsOk());
  EXPECT_THAT(ValidatePassword(kana.substr(0, 33)), StatusIs(StatusCode::kInvalidArgument));
  std::string many_kana;
  for (int i = 0; i < 256; ++i) many_kana += "\xE3\x81\x82";  // 768 bytes, 256 characters
  EXPECT_THAT(ValidatePassword(many_kana), IsOk());
}

TEST(ValidatePasswordTest, RefusesMalformedUtf8) {
  const std::string bad[] = {
      std::string(12, 'a') + "\xE3\x81",          // truncated at the end
      std::string(12, 'a') + "\xC0\xAF",          // overlong '/'
      std::string(12, 'a') + "\xED\xA0\x80",      // a UTF-16 surrogate
      std::string(12, 'a') + "\xF4\x90\x80\x80",  // beyond U+10FFFF
      std::string(12, 'a') + "\xFF",              // never valid
      std::string(12, 'a') + "\x80",              // a lone continuation byte
  };
  for (const std::string& password : bad) {
    EXPECT_THAT(ValidatePassword(password),
                StatusIs(StatusCode::kInvalidArgument, "password is not valid UTF-8"));
  }
}

TEST(HashPasswordTest, Argon2idHashVerifiesOnlyTheSamePassword) {
  const std::string password = "correct horse battery staple";
  Result<std::string> hash = HashPassword(password, TestOnlyPasswordParams());
  ASSERT_THAT(hash, IsOk());
  EXPECT_THAT(*hash, StartsWith("$argon2id$v=19$m=8,t=1,p=1$"));
  EXPECT_THAT(*hash, Not(HasSubstr(password)));
  EXPECT_TRUE(VerifyPassword(*hash, password));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery staple "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(HashPasswordTest, SaltsDiffer) {
  const std::string password = "the same password twice";
  Result<std::string> a = HashPassword(password, TestOnlyPasswordParams());
  Result<std::string> b = HashPassword(password, TestOnlyPasswordParams());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(*a, *b);
}

TEST(HashPasswordTest, RefusesAShortPasswordWithoutEchoingIt) {
  Result<std::string> hash = HashPassword("hunter2", TestOnlyPasswordParams());
  EXPECT_THAT(hash, StatusIs(StatusCode::kInvalidArgument, Not(HasSubstr("hunter2"))));
}

TEST(VerifyPasswordTest, MalformedHashesNeverVerify) {
  EXPECT_FALSE(VerifyPassword("", "anything at all"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "anything at all"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, '$'), "anything at all"));
}

TEST(ProductPasswordParamsTest, AreStrongerThanTheTestSet) {
  EXPECT_GE(ProductPasswordParams().memlimit, std::size_t{64} * 1024 * 1024);
  EXPECT_GE(ProductPasswordParams().opslimit, 2u);
}

}  // namespace
}  // namespace sekisho::server
