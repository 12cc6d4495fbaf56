#include "pki/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/status_matchers.h"
#include "pki/rsa_key.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::BothGenerations;
using ::sekisho::pki::testing::HolderKey;
using ::sekisho::pki::testing::JpkiDnPki;
using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::MakeLeaf;
using ::sekisho::pki::testing::OtherTestPki;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::pki::testing::SmallRsaKey;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kYear = 365 * kDay;
const VerifyOptions kAtTomorrow = {.at = kTestNow + kDay};

Certificate IssueAuth(const TestPki& pki, const EVP_PKEY& key, TimePoint not_before,
                      TimePoint not_after, std::uint64_t seed = 100) {
  SeededRandom random(seed);
  Result<Certificate> cert = IssueAuthCertificate(pki, key, random, not_before, not_after);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

Certificate ValidLeaf() {
  return IssueAuth(SharedTestPki(), HolderKey(), kTestNow, kTestNow + 5 * kYear);
}

std::vector<Certificate> AuthAnchors() {
  std::vector<Certificate> anchors;
  anchors.push_back(SharedTestPki().auth_ca.Clone());
  return anchors;
}

Crl MakeAuthCrl(std::span<const Bytes> serials, TimePoint this_update = kTestNow,
                TimePoint next_update = kTestNow + 30 * kDay) {
  const TestPki& pki = SharedTestPki();
  Result<Crl> crl = MakeCrl(*pki.auth_ca_key, pki.auth_ca, serials, this_update, next_update);
  EXPECT_THAT(crl, IsOk());
  return std::move(crl).value();
}

TEST(VerifyTest, AcceptsAValidChain) {
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), kAtTomorrow), IsOk());
  const Crl crl = MakeAuthCrl({});
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), kAtTomorrow, &crl), IsOk());
  // Up to the second before notAfter (OpenSSL's X509_cmp_time treats notAfter itself as past).
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(),
                                {.at = kTestNow + 5 * kYear - std::chrono::seconds(1)}),
              IsOk());
}

TEST(VerifyTest, Expired) {
  const Certificate old =
      IssueAuth(SharedTestPki(), HolderKey(), kTestNow - 10 * kDay, kTestNow - kDay);
  EXPECT_THAT(
      VerifyCertificate(old, AuthAnchors(), kAtTomorrow),
      StatusIs(StatusCode::kUnauthenticated, "certificate verification: certificate expired"));
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), {.at = kTestNow + 5 * kYear}),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
}

TEST(VerifyTest, RootExpired) {
  // The roots are valid for 10 years; the leaf here for 20.
  const Certificate leaf = IssueAuth(SharedTestPki(), HolderKey(), kTestNow, kTestNow + 20 * kYear);
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), {.at = kTestNow + 11 * kYear}),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("issuer certificate expired")));
}

TEST(VerifyTest, NotYetValid) {
  const Certificate future =
      IssueAuth(SharedTestPki(), HolderKey(), kTestNow + 10 * kDay, kTestNow + kYear);
  EXPECT_THAT(VerifyCertificate(future, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated,
                       "certificate verification: certificate not yet valid"));
}

TEST(VerifyTest, UnknownIssuer) {
  // Same issuer DN, different key: OpenSSL must not accept it on the name alone.
  const Certificate foreign = IssueAuth(OtherTestPki(), HolderKey(), kTestNow, kTestNow + kYear);
  EXPECT_THAT(VerifyCertificate(foreign, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
  // The signature root is not an authentication root.
  std::vector<Certificate> sign_anchor;
  sign_anchor.push_back(SharedTestPki().sign_ca.Clone());
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), sign_anchor, kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
}

TEST(VerifyTest, RootGenerationsSharingOneDnAreMatchedByKey) {
  std::vector<Certificate> anchors;
  anchors.push_back(OtherTestPki().auth_ca.Clone());
  anchors.push_back(SharedTestPki().auth_ca.Clone());
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), anchors, kAtTomorrow), IsOk());
  const Certificate other = IssueAuth(OtherTestPki(), HolderKey(), kTestNow, kTestNow + kYear);
  EXPECT_THAT(VerifyCertificate(other, anchors, kAtTomorrow), IsOk());
}

TEST(VerifyTest, BadSignatureOnTamperedTbs) {
  Bytes der = ValidLeaf().Der();
  // Change one character of the subject's CN (20 hex digits): the TBS no longer matches.
  const std::string subject = ValidLeaf().SubjectText();  // "CN=<hex>,C=JP"
  const std::string cn = subject.substr(3, 20);
  auto it = std::search(der.begin(), der.end(), cn.begin(), cn.end());
  ASSERT_NE(it, der.end());
  *it = *it == 'A' ? 'B' : 'A';
  Result<Certificate> tampered = Certificate::FromDer(der);
  ASSERT_THAT(tampered, IsOk());
  EXPECT_THAT(VerifyCertificate(*tampered, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")));
}

TEST(VerifyTest, BadSignatureOnFlippedSignatureBits) {
  const Bytes der = ValidLeaf().Der();
  // The last 256 bytes are the signature value; try a spread of bits in it.
  for (std::size_t bit = 0; bit < 256 * 8; bit += 61) {
    Bytes bad = der;
    bad[der.size() - 256 + bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    Result<Certificate> cert = Certificate::FromDer(bad);
    ASSERT_THAT(cert, IsOk());
    ASSERT_THAT(VerifyCertificate(*cert, AuthAnchors(), kAtTomorrow),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")))
        << bit;
  }
}

TEST(VerifyTest, Revoked) {
  const Certificate leaf = ValidLeaf();
  const Bytes serials[] = {Bytes{0x01}, leaf.SerialNumber()};
  const Crl crl = MakeAuthCrl(serials);
  const Status status = VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow, &crl);
  EXPECT_THAT(status, StatusIs(StatusCode::kUnauthenticated, HasSubstr("revoked")));
  // Not in the message: the serial.
  EXPECT_THAT(status.message(), Not(HasSubstr(ToHex(leaf.SerialNumber()))));
  // Another certificate of the same PKI is not affected.
  const Certificate other =
      IssueAuth(SharedTestPki(), HolderKey(), kTestNow, kTestNow + kYear, /*seed=*/101);
  EXPECT_THAT(VerifyCertificate(other, AuthAnchors(), kAtTomorrow, &crl), IsOk());
}

TEST(VerifyTest, UnusableCrl) {
  const Certificate leaf = ValidLeaf();
  const Crl stale = MakeAuthCrl({}, kTestNow, kTestNow + kDay);
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), {.at = kTestNow + 2 * kDay}, &stale),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("out of date")));
  const Crl future = MakeAuthCrl({}, kTestNow + 5 * kDay, kTestNow + 10 * kDay);
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow, &future),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not yet valid")));
  const TestPki& pki = SharedTestPki();
  Result<Crl> sign_crl = MakeCrl(*pki.sign_ca_key, pki.sign_ca, {}, kTestNow, kTestNow + kYear);
  ASSERT_THAT(sign_crl, IsOk());
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow, &*sign_crl),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("CRL")));
  // Same DN as the issuer, signed by another key.
  const TestPki& other = OtherTestPki();
  Result<Crl> forged = MakeCrl(*other.auth_ca_key, other.auth_ca, {}, kTestNow, kTestNow + kYear);
  ASSERT_THAT(forged, IsOk());
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow, &*forged),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("CRL")));
}

TEST(VerifyTest, KeyTooSmall) {
  const Certificate leaf = IssueAuth(SharedTestPki(), SmallRsaKey(), kTestNow, kTestNow + kYear);
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kPermissionDenied,
                       "certificate verification: RSA key of 1024 bits is below the minimum of "
                       "2048"));
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), {.at = kTestNow + kDay, .min_rsa_bits = 1024}),
              IsOk());
}

TEST(VerifyTest, KeyNotRsa) {
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  const Certificate leaf = IssueAuth(SharedTestPki(), *ec, kTestNow, kTestNow + kYear);
  EXPECT_THAT(VerifyCertificate(leaf, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("not an RSA key")));
}

TEST(VerifyTest, KeyUsageWithoutDigitalSignature) {
  // A root asserts keyCertSign and cRLSign only.
  const Certificate& root = SharedTestPki().auth_ca;
  EXPECT_THAT(VerifyCertificate(root, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("key usage"), HasSubstr("digitalSignature"))));
  EXPECT_THAT(VerifyCertificate(root, AuthAnchors(),
                                {.at = kTestNow + kDay, .require_digital_signature = false}),
              IsOk());
}

TEST(VerifyTest, SignCertificateChainsToTheSignRoot) {
  SeededRandom random(5);
  const TestIdentity identity = {"関所 花子", "東京都千代田区", "19900101", '2'};
  Result<Certificate> cert = IssueSignCertificate(SharedTestPki(), HolderKey(), identity, random,
                                                  kTestNow, kTestNow + kYear);
  ASSERT_THAT(cert, IsOk());
  std::vector<Certificate> sign_anchor;
  sign_anchor.push_back(SharedTestPki().sign_ca.Clone());
  EXPECT_THAT(VerifyCertificate(*cert, sign_anchor, kAtTomorrow), IsOk());
  EXPECT_THAT(VerifyCertificate(*cert, AuthAnchors(), kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
}

TEST(VerifyTest, NoAnchors) {
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), std::span<const Certificate>(), kAtTomorrow),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), TrustAnchorSet(), kAtTomorrow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no trust anchors")));
}

TEST(VerifyTest, OpenSslAloneTakesTheFirstSameDnRootWhenThereIsNoKeyIdentifier) {
  // Why VerifyCertificate chooses the anchor by key before OpenSSL runs: X509_verify_cert picks
  // an issuer among same-subject roots by name and key identifiers only (x509_vfy.c,
  // X509_STORE_CTX_get1_issuer), and does not try the others when the signature then fails.
  const Certificate leaf = MakeLeaf(JpkiDnPki(2).auth_ca, *JpkiDnPki(2).auth_ca_key,
                                    {{NID_key_usage, "critical,digitalSignature"}});
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_add_cert(store.get(), JpkiDnPki(1).auth_ca.get()), 1);
  ASSERT_EQ(X509_STORE_add_cert(store.get(), JpkiDnPki(2).auth_ca.get()), 1);
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr), 1);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()),
                             static_cast<time_t>(1767225600 + 86400));
  EXPECT_NE(X509_verify_cert(ctx.get()), 1);
  EXPECT_EQ(X509_STORE_CTX_get_error(ctx.get()), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  OpenSslErrorText();
}

TEST(VerifyTest, SameDnGenerationsEachVerifyTheirOwnCertificates) {
  const TrustAnchorSet set = BothGenerations();
  std::vector<Certificate> as_span;
  as_span.push_back(JpkiDnPki(1).auth_ca.Clone());
  as_span.push_back(JpkiDnPki(2).auth_ca.Clone());
  for (int generation : {1, 2}) {
    const TestPki& pki = JpkiDnPki(generation);
    const Certificate with_akid = IssueAuth(pki, HolderKey(), kTestNow, kTestNow + kYear);
    const Certificate without_akid =
        MakeLeaf(pki.auth_ca, *pki.auth_ca_key, {{NID_key_usage, "critical,digitalSignature"}});
    for (const Certificate* leaf : {&with_akid, &without_akid}) {
      EXPECT_THAT(VerifyCertificate(*leaf, set, kAtTomorrow), IsOk()) << generation;
      EXPECT_THAT(VerifyCertificate(*leaf, as_span, kAtTomorrow), IsOk()) << generation;
    }
    // Only the other generation configured: unknown issuer, whatever the DN says.
    TrustAnchorSet other;
    ASSERT_THAT(other.Add(JpkiDnPki(3 - generation).auth_ca.Clone(), "other"), IsOk());
    EXPECT_THAT(VerifyCertificate(with_akid, other, kAtTomorrow),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
    // Without a key identifier, a name-only match cannot tell a foreign key from a forgery.
    EXPECT_THAT(VerifyCertificate(without_akid, other, kAtTomorrow),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")));
  }
}

TEST(VerifyTest, TheSetOverloadGivesTheSameReasons) {
  TrustAnchorSet set;
  ASSERT_THAT(set.Add(SharedTestPki().auth_ca.Clone(), "test auth root"), IsOk());
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), set, kAtTomorrow), IsOk());
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), set, {.at = kTestNow + 5 * kYear}),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("certificate expired")));
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), set, {.at = kTestNow - kDay}),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not yet valid")));
  EXPECT_THAT(VerifyCertificate(IssueAuth(OtherTestPki(), HolderKey(), kTestNow, kTestNow + kYear),
                                set, kAtTomorrow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
  const Bytes serials[] = {ValidLeaf().SerialNumber()};
  const Crl crl = MakeAuthCrl(serials);
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), set, kAtTomorrow, &crl),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("revoked")));
  EXPECT_THAT(VerifyCertificate(SharedTestPki().auth_ca, set, kAtTomorrow),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("key usage")));
}

TEST(VerifyTest, RequiredPolicies) {
  const VerifyOptions auth_policy = {.at = kTestNow + kDay,
                                     .required_policies = {std::string(kTestAuthPolicyOid)}};
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), auth_policy), IsOk());
  // One of several is enough.
  VerifyOptions either = auth_policy;
  either.required_policies.insert(either.required_policies.begin(), "1.2.392.999.1");
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), either), IsOk());
  // A policy the leaf does not name.
  const VerifyOptions other_policy = {.at = kTestNow + kDay,
                                      .required_policies = {"1.2.392.999.1"}};
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), other_policy),
              StatusIs(StatusCode::kPermissionDenied,
                       "certificate verification: certificate policies: the certificate names "
                       "none of the required policies"));
  // The signature certificates of the test PKI name no policy.
  SeededRandom random(5);
  const TestIdentity identity = {"関所 花子", "東京都千代田区", "19900101", '2'};
  Result<Certificate> sign = IssueSignCertificate(SharedTestPki(), HolderKey(), identity, random,
                                                  kTestNow, kTestNow + kYear);
  ASSERT_THAT(sign, IsOk());
  std::vector<Certificate> sign_anchor;
  sign_anchor.push_back(SharedTestPki().sign_ca.Clone());
  EXPECT_THAT(VerifyCertificate(*sign, sign_anchor, auth_policy),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("certificate policies")));
  // anyPolicy in the leaf does not stand in for the required one.
  const TestPki& pki = SharedTestPki();
  const Certificate any =
      MakeLeaf(pki.auth_ca, *pki.auth_ca_key, {{NID_key_usage, "critical,digitalSignature"}}, 2,
               {"2.5.29.32.0"});
  EXPECT_THAT(VerifyCertificate(any, AuthAnchors(), {.at = kTestNow + kDay}), IsOk());
  EXPECT_THAT(VerifyCertificate(any, AuthAnchors(), auth_policy),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("certificate policies")));
  // Not an OID: a configuration error, whatever the certificate.
  const VerifyOptions bad = {.at = kTestNow + kDay, .required_policies = {"JPKI auth"}};
  EXPECT_THAT(VerifyCertificate(ValidLeaf(), AuthAnchors(), bad),
              StatusIs(StatusCode::kInvalidArgument,
                       "certificate verification: required policy 'JPKI auth' is not a dotted "
                       "OID"));
  EXPECT_THAT(VerifyCertificate(*sign, AuthAnchors(), bad), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::pki
