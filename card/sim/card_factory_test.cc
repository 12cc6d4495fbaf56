#include "card/sim/card_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/verification_code.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

using ::sekisho::card::sim::testing::kTestCardSeed;
using ::sekisho::card::sim::testing::kTestNow;
using ::sekisho::card::sim::testing::World;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

bool Contains(ByteView haystack, std::string_view needle) {
  if (needle.empty()) return false;
  const Bytes n = ToBytes(needle);
  return std::search(haystack.begin(), haystack.end(), n.begin(), n.end()) != haystack.end();
}

TEST(CardFactoryTest, SameSeedGivesByteIdenticalJson) {
  auto again = NewCard(World().pki, kTestCardSeed, kTestNow);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(CardProfileToJson(*again), CardProfileToJson(World().profile));
}

TEST(CardFactoryTest, ProfileIsValidAndComplete) {
  const CardProfile& p = World().profile;
  EXPECT_THAT(ValidateCardProfile(p), IsOk());
  EXPECT_TRUE(IsValidMyNumber(p.my_number));
  EXPECT_EQ(p.seed, kTestCardSeed);
  EXPECT_EQ(p.auth_pin, "1234");
  EXPECT_EQ(p.sign_password, "ABC123");
  EXPECT_EQ(p.input_assist_pin, "1234");
  EXPECT_EQ(p.counters, RetryCounters{});
  EXPECT_TRUE(p.sign_certificate.has_value());
  EXPECT_EQ(p.card_expiry, "20350401");  // ten years after 2025-04-01
  EXPECT_TRUE(VerificationCodeB(p.identity.birth_date, p.card_expiry, p.security_code));
  // Spec §6: surname and given name separated by U+3000.
  EXPECT_NE(p.identity.name.find("\u3000"), std::string::npos);
  EXPECT_EQ(p.auth_ca_certificate, World().pki.auth_ca.Der());
  EXPECT_EQ(p.sign_ca_certificate, World().pki.sign_ca.Der());
}

TEST(CardFactoryTest, CertificatesMatchKeysAndValidity) {
  const CardProfile& p = World().profile;
  auto auth = pki::Certificate::FromDer(p.auth_certificate);
  ASSERT_THAT(auth, IsOk());
  auto auth_key = pki::PrivateKeyFromPem(p.auth_key_pem);
  ASSERT_THAT(auth_key, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(&auth->PublicKey(), auth_key->get()), 1);
  EXPECT_EQ(auth->KeyBits(), 2048);
  EXPECT_EQ(auth->NotBefore(), kTestNow);
  EXPECT_EQ(auth->NotAfter(), kTestNow + std::chrono::years(5));
  auto sign = pki::Certificate::FromDer(*p.sign_certificate);
  ASSERT_THAT(sign, IsOk());
  auto sign_key = pki::PrivateKeyFromPem(p.sign_key_pem);
  ASSERT_THAT(sign_key, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(&sign->PublicKey(), sign_key->get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(auth_key->get(), sign_key->get()), 0);  // two different key pairs
}

TEST(CardFactoryTest, AuthCertificateCarriesNoPersonalData) {
  const CardProfile& p = World().profile;
  for (std::string_view s :
       {std::string_view(p.identity.name), std::string_view(p.identity.address),
        std::string_view(p.identity.birth_date), std::string_view(p.my_number)}) {
    EXPECT_FALSE(Contains(p.auth_certificate, s));
  }
  // Positive control: the signature certificate does carry the name and address.
  EXPECT_TRUE(Contains(*p.sign_certificate, p.identity.name));
  EXPECT_TRUE(Contains(*p.sign_certificate, p.identity.address));
  EXPECT_FALSE(Contains(*p.sign_certificate, p.my_number));
}

TEST(CardFactoryTest, DifferentSeedsGiveDifferentCards) {
  NewCardOptions options;
  options.with_sign_certificate = false;
  options.auth_pin = "4321";
  auto other = NewCard(World().pki, kTestCardSeed + 1, kTestNow, options);
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->my_number, World().profile.my_number);
  EXPECT_NE(other->auth_key_pem, World().profile.auth_key_pem);
  EXPECT_TRUE(IsValidMyNumber(other->my_number));
  EXPECT_FALSE(other->sign_certificate.has_value());
  EXPECT_EQ(other->auth_pin, "4321");
  EXPECT_THAT(ValidateCardProfile(*other), IsOk());
}

TEST(CardFactoryTest, RejectsMalformedOptions) {
  const auto bad = [](auto mutate) {
    NewCardOptions o;
    mutate(o);
    return NewCard(World().pki, 1, kTestNow, o);
  };
  EXPECT_THAT(bad([](NewCardOptions& o) { o.auth_pin = "12345"; }),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad([](NewCardOptions& o) { o.input_assist_pin = "12a4"; }),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad([](NewCardOptions& o) { o.residence_pin = ""; }),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad([](NewCardOptions& o) { o.sign_password = "abc123"; }),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad([](NewCardOptions& o) { o.sign_password = "ABCDEF"; }),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad([](NewCardOptions& o) { o.sign_password = "12345"; }),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::card::sim
