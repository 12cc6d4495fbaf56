#include "identity/base32.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::identity {
namespace {

using ::sekisho::testing::StatusIs;

// RFC 4648 §10 test vectors, shown there with '=' padding, which this encoding omits.
struct Vector {
  const char* input;
  const char* padded;
};
constexpr Vector kRfc4648[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

std::string WithoutPadding(std::string s) {
  s.erase(s.find_last_not_of('=') + 1);
  return s;
}

TEST(Base32Test, Rfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    const std::string expected = WithoutPadding(v.padded);
    EXPECT_EQ(Base32Encode(ToBytes(v.input)), expected) << v.input;
    Result<Bytes> decoded = Base32Decode(expected);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(ToString(*decoded), v.input);
  }
}

TEST(Base32Test, DecodeIsCaseInsensitive) {
  EXPECT_EQ(ToString(*Base32Decode("mzxw6ytboi")), "foobar");
  EXPECT_EQ(ToString(*Base32Decode("MzXw6YtBoI")), "foobar");
}

TEST(Base32Test, EveryByteValueRoundTrips) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  for (std::size_t size = 0; size <= all.size(); size += 7) {
    const ByteView part = ByteView(all).first(size);
    EXPECT_EQ(*Base32Decode(Base32Encode(part)), Bytes(part.begin(), part.end())) << size;
  }
}

TEST(Base32Test, DecodeRejectsMalformedText) {
  EXPECT_THAT(Base32Decode("M"), StatusIs(StatusCode::kInvalidArgument,
                                          "base32: 1 characters is not a possible length"));
  EXPECT_THAT(Base32Decode("MZX"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Base32Decode("MZXW6Y"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Base32Decode("MY======"), StatusIs(StatusCode::kInvalidArgument,
                                                 "base32: not a base32 character at position 2"));
  EXPECT_THAT(Base32Decode("M0"), StatusIs(StatusCode::kInvalidArgument,
                                           "base32: not a base32 character at position 1"));
  EXPECT_THAT(Base32Decode("M1"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Base32Decode("M8"), StatusIs(StatusCode::kInvalidArgument));
  // "MZ" would carry the bits 01 after the byte 'f': not a canonical encoding.
  EXPECT_THAT(Base32Decode("MZ"), StatusIs(StatusCode::kInvalidArgument,
                                           "base32: non-zero unused bits in the last character"));
}

}  // namespace
}  // namespace sekisho::identity
