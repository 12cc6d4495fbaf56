#include "badge/ec_key.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/status_matchers.h"

namespace sekisho::badge {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

TEST(EcKeyTest, GeneratedKeySignsAndVerifies) {
  auto pair = GenerateEcKeyPair();
  ASSERT_THAT(pair, IsOk());
  ASSERT_EQ(pair->public_point.size(), kPointSize);
  EXPECT_EQ(pair->public_point[0], 0x04);
  auto point = PublicPointOf(pair->private_pkcs8);
  ASSERT_THAT(point, IsOk());
  EXPECT_EQ(*point, pair->public_point);
  const Bytes message = ToBytes("gate 7 opens");
  auto sig = SignPlain(pair->private_pkcs8, message);
  ASSERT_THAT(sig, IsOk());
  ASSERT_EQ(sig->size(), kPlainSignatureSize);
  EXPECT_THAT(VerifyPlain(pair->public_point, message, *sig), IsOk());
}

TEST(EcKeyTest, EveryFlippedSignatureBitIsRefused) {
  auto pair = GenerateEcKeyPair();
  ASSERT_THAT(pair, IsOk());
  const Bytes message = ToBytes("m");
  auto sig = SignPlain(pair->private_pkcs8, message);
  ASSERT_THAT(sig, IsOk());
  for (std::size_t bit = 0; bit < sig->size() * 8; ++bit) {
    Bytes bad = *sig;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(VerifyPlain(pair->public_point, message, bad).ok()) << "bit " << bit;
  }
  EXPECT_THAT(VerifyPlain(pair->public_point, ToBytes("n"), *sig),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST(EcKeyTest, MalformedInputsAreInvalidArgument) {
  auto pair = GenerateEcKeyPair();
  ASSERT_THAT(pair, IsOk());
  Bytes off_curve = pair->public_point;
  off_curve[40] ^= 0x01;
  EXPECT_THAT(CheckPublicPoint(off_curve), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckPublicPoint(Bytes(kPointSize - 1, 0x04)),
              StatusIs(StatusCode::kInvalidArgument));
  Bytes compressed(pair->public_point.begin(), pair->public_point.begin() + 33);
  compressed[0] = 0x02;
  EXPECT_THAT(CheckPublicPoint(compressed), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicPointOf(SecretBytes(ToBytes("not a key"))),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyPlain(pair->public_point, ToBytes("m"), Bytes(63)),
              StatusIs(StatusCode::kInvalidArgument));
}

// A key on another curve (P-256, the other common eID curve) is a wrong-domain key.
TEST(EcKeyTest, WrongDomainKeysAreRefused) {
  EVP_PKEY* p256 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(p256, nullptr);
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(p256);
  unsigned char* der = nullptr;
  const int len = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  ASSERT_GT(len, 0);
  const SecretBytes pkcs8(ByteView(der, static_cast<std::size_t>(len)));
  Bytes point(kPointSize);
  std::size_t point_len = 0;
  ASSERT_EQ(EVP_PKEY_get_octet_string_param(p256, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                            point.size(), &point_len),
            1);
  OPENSSL_free(der);
  PKCS8_PRIV_KEY_INFO_free(info);
  EVP_PKEY_free(p256);
  EXPECT_THAT(PublicPointOf(pkcs8), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SignPlain(pkcs8, ToBytes("m")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckPublicPoint(point), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::badge
