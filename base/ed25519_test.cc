#include "base/ed25519.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

struct Rfc8032Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1 and TEST 2.
constexpr Rfc8032Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
     "b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

TEST(Ed25519Test, Rfc8032KnownAnswers) {
  for (const auto& v : kVectors) {
    auto key = Ed25519PrivateKey::FromSeed(Hex(v.seed));
    ASSERT_THAT(key.status(), IsOk());
    EXPECT_EQ(key->public_key().bytes(), Hex(v.public_key));
    Bytes signature = key->Sign(Hex(v.message));
    EXPECT_EQ(signature, Hex(v.signature));
    auto public_key = Ed25519PublicKey::FromBytes(Hex(v.public_key));
    ASSERT_THAT(public_key.status(), IsOk());
    EXPECT_THAT(public_key->Verify(Hex(v.message), signature), IsOk());
  }
}

TEST(Ed25519Test, EveryFlippedSignatureBitIsRejected) {
  SeededRandom random(7);
  auto key = Ed25519PrivateKey::Generate(random);
  Bytes message = ToBytes("snapshot v42");
  Bytes signature = key.Sign(message);
  ASSERT_THAT(key.public_key().Verify(message, signature), IsOk());
  for (std::size_t bit = 0; bit < signature.size() * 8; ++bit) {
    Bytes bad = signature;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_THAT(key.public_key().Verify(message, bad), StatusIs(StatusCode::kUnauthenticated))
        << "bit " << bit;
  }
}

TEST(Ed25519Test, WrongMessageKeyOrLengthIsRejected) {
  SeededRandom random(8);
  auto key = Ed25519PrivateKey::Generate(random);
  auto other = Ed25519PrivateKey::Generate(random);
  Bytes signature = key.Sign(ToBytes("a"));
  EXPECT_THAT(key.public_key().Verify(ToBytes("b"), signature),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(other.public_key().Verify(ToBytes("a"), signature),
              StatusIs(StatusCode::kUnauthenticated));
  signature.pop_back();
  EXPECT_THAT(key.public_key().Verify(ToBytes("a"), signature),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST(Ed25519Test, MalformedKeysAreRejected) {
  EXPECT_THAT(Ed25519PrivateKey::FromSeed(Bytes(31)).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 32 bytes, got 31")));
  EXPECT_THAT(Ed25519PublicKey::FromBytes(Bytes(33)).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("got 33")));
}

TEST(Ed25519Test, SameSeedSameKeyDifferentSeedDifferentKey) {
  SeededRandom a(1), b(1), c(2);
  auto ka = Ed25519PrivateKey::Generate(a);
  auto kb = Ed25519PrivateKey::Generate(b);
  auto kc = Ed25519PrivateKey::Generate(c);
  EXPECT_EQ(ka.public_key(), kb.public_key());
  EXPECT_FALSE(ka.public_key() == kc.public_key());
  auto restored = Ed25519PrivateKey::FromSeed(ka.seed());
  ASSERT_THAT(restored.status(), IsOk());
  EXPECT_EQ(restored->public_key(), ka.public_key());
  EXPECT_EQ(Bytes(restored->seed().begin(), restored->seed().end()),
            Bytes(ka.seed().begin(), ka.seed().end()));
}

}  // namespace
}  // namespace sekisho
