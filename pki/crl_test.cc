#include "pki/crl.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::OtherTestPki;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const Bytes kSerialA = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};
const Bytes kSerialB = {0x01, 0x02};
const Bytes kSerialHighBit = {0x80, 0x00, 0x00, 0x01};  // needs a 00 pad byte in DER

Crl MakeTestCrl() {
  const TestPki& pki = SharedTestPki();
  const Bytes serials[] = {kSerialA, kSerialHighBit, kSerialB, kSerialA};
  Result<Crl> crl = MakeCrl(*pki.auth_ca_key, pki.auth_ca, serials, kTestNow, kTestNow + 30 * kDay);
  EXPECT_THAT(crl, IsOk());
  return std::move(crl).value();
}

TEST(CrlTest, MakeCrlListsSerialsAndTimes) {
  const Crl crl = MakeTestCrl();
  EXPECT_EQ(crl.ThisUpdate(), kTestNow);
  EXPECT_EQ(crl.NextUpdate(), kTestNow + 30 * kDay);
  EXPECT_THAT(crl.RevokedSerials(), ElementsAre(kSerialB, kSerialHighBit, kSerialA));
  EXPECT_TRUE(crl.IsRevoked(kSerialA));
  EXPECT_TRUE(crl.IsRevoked(kSerialHighBit));
  EXPECT_TRUE(crl.IsRevoked(Bytes{0x00, 0x00, 0x01, 0x02}));  // leading zeros ignored
  EXPECT_FALSE(crl.IsRevoked(Bytes{0x01, 0x03}));
  EXPECT_FALSE(crl.IsRevoked(Bytes{0x02}));
  EXPECT_FALSE(crl.IsRevoked(Bytes{}));
  EXPECT_THAT(crl.VerifySignature(SharedTestPki().auth_ca), IsOk());
}

// Cross-checks the encoding with OpenSSL's own CRL accessors.
TEST(CrlTest, MakeCrlIsAConformingV2Crl) {
  const Crl crl = MakeTestCrl();
  X509_CRL* raw = crl.get();
  EXPECT_EQ(X509_CRL_get_version(raw), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_CRL_get_signature_nid(raw), NID_sha256WithRSAEncryption);
  EXPECT_EQ(
      X509_NAME_cmp(X509_CRL_get_issuer(raw), X509_get_subject_name(SharedTestPki().auth_ca.get())),
      0);
  int critical = -1;
  Asn1IntegerPtr number(
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(raw, NID_crl_number, &critical, nullptr)));
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(number.get()), 1767225600);
  EXPECT_EQ(critical, 0);
  AUTHORITY_KEYID* akid = static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(raw, NID_authority_key_identifier, nullptr, nullptr));
  ASSERT_NE(akid, nullptr);
  EXPECT_EQ(
      ASN1_OCTET_STRING_cmp(akid->keyid, X509_get0_subject_key_id(SharedTestPki().auth_ca.get())),
      0);
  AUTHORITY_KEYID_free(akid);
  Asn1IntegerPtr serial(ASN1_INTEGER_new());
  ASN1_INTEGER_set_uint64(serial.get(), 0x0102);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(raw, &entry, serial.get()), 1);
}

TEST(CrlTest, DerAndPemRoundTrip) {
  const Crl crl = MakeTestCrl();
  Result<Crl> from_der = Crl::FromDer(crl.Der());
  ASSERT_THAT(from_der, IsOk());
  EXPECT_EQ(from_der->Der(), crl.Der());
  EXPECT_EQ(from_der->RevokedSerials(), crl.RevokedSerials());
  Result<Crl> from_pem = Crl::FromPem(crl.Pem());
  ASSERT_THAT(from_pem, IsOk());
  EXPECT_EQ(from_pem->Der(), crl.Der());
  EXPECT_EQ(crl.Pem().rfind("-----BEGIN X509 CRL-----\n", 0), 0u);
}

TEST(CrlTest, EmptyCrl) {
  const TestPki& pki = SharedTestPki();
  Result<Crl> crl = MakeCrl(*pki.sign_ca_key, pki.sign_ca, {}, kTestNow, kTestNow + kDay);
  ASSERT_THAT(crl, IsOk());
  EXPECT_TRUE(crl->RevokedSerials().empty());
  EXPECT_FALSE(crl->IsRevoked(kSerialA));
  EXPECT_THAT(crl->VerifySignature(pki.sign_ca), IsOk());
}

TEST(CrlTest, SignatureChecksNameAndKey) {
  const Crl crl = MakeTestCrl();
  // Different DN.
  EXPECT_THAT(crl.VerifySignature(SharedTestPki().sign_ca),
              StatusIs(StatusCode::kUnauthenticated,
                       "CRL issuer is not the subject of the given CA certificate"));
  // Same DN, different key (like the three JPKI root generations).
  EXPECT_THAT(crl.VerifySignature(OtherTestPki().auth_ca),
              StatusIs(StatusCode::kUnauthenticated, "CRL signature does not verify"));
}

TEST(CrlTest, EveryFlippedSignatureBitFails) {
  const Bytes der = MakeTestCrl().Der();
  // The signature BIT STRING's 256 value bytes end the DER.
  for (std::size_t bit = 0; bit < 256 * 8; ++bit) {
    Bytes bad = der;
    bad[der.size() - 256 + bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    Result<Crl> crl = Crl::FromDer(bad);
    ASSERT_THAT(crl, IsOk());
    ASSERT_THAT(crl->VerifySignature(SharedTestPki().auth_ca),
                StatusIs(StatusCode::kUnauthenticated))
        << bit;
  }
}

TEST(CrlTest, TamperedEntryFails) {
  Bytes der = MakeTestCrl().Der();
  // Find kSerialA in the TBS and change it: the list changes and the signature breaks.
  auto it = std::search(der.begin(), der.end(), kSerialA.begin(), kSerialA.end());
  ASSERT_NE(it, der.end());
  *it ^= 0x01;
  Result<Crl> crl = Crl::FromDer(der);
  ASSERT_THAT(crl, IsOk());
  EXPECT_FALSE(crl->IsRevoked(kSerialA));
  EXPECT_THAT(crl->VerifySignature(SharedTestPki().auth_ca),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST(CrlTest, RejectsMalformedInput) {
  const Bytes der = MakeTestCrl().Der();
  for (std::size_t size = 0; size < der.size(); ++size) {
    ASSERT_THAT(Crl::FromDer(ByteView(der).first(size)),
                StatusIs(StatusCode::kInvalidArgument, StartsWith("CRL: not a DER X.509 CRL: ")))
        << size;
  }
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_THAT(Crl::FromDer(trailing),
              StatusIs(StatusCode::kInvalidArgument, "CRL: 1 trailing bytes after the DER CRL"));
  EXPECT_THAT(Crl::FromDer(ToBytes("not a CRL")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Crl::FromPem(SharedTestPki().auth_ca.Pem()),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("CRL: not a PEM X.509 CRL: ")));
  // A certificate is not a CRL, in DER either.
  EXPECT_THAT(Crl::FromDer(SharedTestPki().auth_ca.Der()), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CrlTest, RejectsCrlWithoutNextUpdate) {
  const TestPki& pki = SharedTestPki();
  X509CrlPtr raw(X509_CRL_new());
  Asn1TimePtr now(ASN1_TIME_set(nullptr, 1767225600));
  ASSERT_EQ(X509_CRL_set_issuer_name(raw.get(), X509_get_subject_name(pki.auth_ca.get())), 1);
  ASSERT_EQ(X509_CRL_set1_lastUpdate(raw.get(), now.get()), 1);
  ASSERT_GT(X509_CRL_sign(raw.get(), pki.auth_ca_key.get(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(raw.get(), &der);
  ASSERT_GT(size, 0);
  const Bytes encoded(der, der + size);
  OPENSSL_free(der);
  EXPECT_THAT(Crl::FromDer(encoded),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no nextUpdate")));
}

TEST(CrlTest, MakeCrlRejectsBadArguments) {
  const TestPki& pki = SharedTestPki();
  EXPECT_THAT(
      MakeCrl(*pki.sign_ca_key, pki.auth_ca, {}, kTestNow, kTestNow + kDay),
      StatusIs(StatusCode::kInvalidArgument, "CRL: the key is not the CA certificate's key"));
  EXPECT_THAT(MakeCrl(*pki.auth_ca_key, pki.auth_ca, {}, kTestNow, kTestNow),
              StatusIs(StatusCode::kInvalidArgument, "CRL: nextUpdate must be after thisUpdate"));
  const Bytes empty[] = {Bytes{}};
  EXPECT_THAT(MakeCrl(*pki.auth_ca_key, pki.auth_ca, empty, kTestNow, kTestNow + kDay),
              StatusIs(StatusCode::kInvalidArgument, "CRL: empty serial number"));
}

}  // namespace
}  // namespace sekisho::pki
