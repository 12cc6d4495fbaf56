#include "identity/hmac.h"

#include <gtest/gtest.h>

namespace sekisho::identity {
namespace {

std::string Hmac(ByteView key, std::initializer_list<ByteView> parts) {
  return ToHex(HmacSha256(key, parts));
}

// RFC 4231 §4.2, test case 1.
TEST(HmacSha256Test, Rfc4231TestCase1) {
  EXPECT_EQ(Hmac(Bytes(20, 0x0B), {ToBytes("Hi There")}),
            "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
}

// RFC 4231 §4.3, test case 2: a key shorter than the output.
TEST(HmacSha256Test, Rfc4231TestCase2) {
  EXPECT_EQ(Hmac(ToBytes("Jefe"), {ToBytes("what do ya want for nothing?")}),
            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
}

// RFC 4231 §4.7, test case 6: a key longer than the block size is hashed first.
TEST(HmacSha256Test, Rfc4231TestCase6) {
  EXPECT_EQ(
      Hmac(Bytes(131, 0xAA), {ToBytes("Test Using Larger Than Block-Size Key - Hash Key First")}),
      "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54");
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  EXPECT_EQ(Hmac(Bytes{}, {}), "B613679A0814D9EC772F95D778C35FC5FF1697C493715653C6C712144292C5AD");
}

TEST(HmacSha256Test, PartsAreConcatenated) {
  const Bytes key = ToBytes("Jefe");
  EXPECT_EQ(Hmac(key, {ToBytes("what do ya "), Bytes{}, ToBytes("want for nothing?")}),
            Hmac(key, {ToBytes("what do ya want for nothing?")}));
}

TEST(HmacSha256PrefixedTest, SameValuesAsOneShot) {
  const Bytes key = ToBytes("Jefe");
  const HmacSha256Prefixed prefixed(key, {ToBytes("what do ya "), ToBytes("want ")});
  EXPECT_EQ(ToHex(prefixed.Of(ToBytes("for nothing?"))),
            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
  // The state is copied, not consumed: the same suffix again, then others.
  EXPECT_EQ(prefixed.Of(ToBytes("for nothing?")),
            HmacSha256(key, {ToBytes("what do ya want for nothing?")}));
  EXPECT_EQ(prefixed.Of({}), HmacSha256(key, {ToBytes("what do ya want ")}));
  EXPECT_EQ(ToHex(HmacSha256Prefixed(Bytes(20, 0x0B), {}).Of(ToBytes("Hi There"))),
            "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
}

}  // namespace
}  // namespace sekisho::identity
