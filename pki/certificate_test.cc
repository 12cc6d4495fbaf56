#include "pki/certificate.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::pki {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Made with the openssl command-line tool (not with Sekisho), so the expected values below are
// an independent reading: `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256
// -subj "/C=JP/O=関所/OU=Gate, Inc./CN=テスト" -utf8 -days 3650 -set_serial 0x00F102030405`,
// then `openssl x509 -noout -dates -serial -nameopt RFC2253,-esc_msb -subject`.
constexpr char kPem[] = R"(-----BEGIN CERTIFICATE-----
MIIB1TCCAXugAwIBAgIGAPECAwQFMAoGCCqGSM49BAMCMEcxCzAJBgNVBAYTAkpQ
MQ8wDQYDVQQKDAbplqLmiYAxEzARBgNVBAsMCkdhdGUsIEluYy4xEjAQBgNVBAMM
CeODhuOCueODiDAeFw0yNjExMjcxMjEwMjFaFw0zNjExMjQxMjEwMjFaMEcxCzAJ
BgNVBAYTAkpQMQ8wDQYDVQQKDAbplqLmiYAxEzARBgNVBAsMCkdhdGUsIEluYy4x
EjAQBgNVBAMMCeODhuOCueODiDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABN/x
Ah65TKbkY2ti9wj6oejWM3312rjVnNezJ924ilquwYjv94gbg8zpeUJA57i0Y/o3
6pFkiVqYV0IGMtWqQDajUzBRMB0GA1UdDgQWBBR0TaEHbYO91Bpv0k0c8o0JrcyN
djAfBgNVHSMEGDAWgBR0TaEHbYO91Bpv0k0c8o0JrcyNdjAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIE1wewo6/DDX5wpPlIgpGY1dd5C6kouMwxhT
4a1jII08AiEAyhSHc5X4WyrJpLpmP7rEHw4guBrz5YHWT4UtKeji55M=
-----END CERTIFICATE-----
)";
constexpr std::size_t kDerSize = 473;
constexpr char kSpkiHex[] =
    "3059301306072A8648CE3D020106082A8648CE3D03010703420004DFF1021EB94CA6E4636B62F708FAA1E8D633"
    "7DF5DAB8D59CD7B327DDB88A5AAEC188EFF7881B83CCE9794240E7B8B463FA37EA9164895A9857420632D5AA40"
    "36";
constexpr char kIssuerHex[] =
    "3047310B3009060355040613024A50310F300D060355040A0C06E996A2E6898031133011060355040B0C0A4761"
    "74652C20496E632E3112301006035504030C09E38386E382B9E38388";

Certificate Known() {
  Result<Certificate> cert = Certificate::FromPem(kPem);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

TEST(CertificateTest, ReadsTheFieldsOpenSslPrints) {
  const Certificate cert = Known();
  EXPECT_EQ(cert.SubjectText(), "CN=テスト,OU=Gate\\, Inc.,O=関所,C=JP");
  EXPECT_EQ(cert.IssuerText(), "CN=テスト,OU=Gate\\, Inc.,O=関所,C=JP");
  EXPECT_EQ(cert.SerialNumber(), (Bytes{0xF1, 0x02, 0x03, 0x04, 0x05}));  // DER 00 F1 02 03 04 05
  EXPECT_EQ(cert.NotBefore(), FromUnixSeconds(1795781421));               // 2026-11-27 12:10:21 UTC
  EXPECT_EQ(cert.NotAfter(), FromUnixSeconds(2111141421));                // 2036-11-24 12:10:21 UTC
  EXPECT_EQ(cert.KeyBits(), 256);
  EXPECT_EQ(EVP_PKEY_is_a(&cert.PublicKey(), "EC"), 1);
  EXPECT_EQ(ToHex(cert.SubjectPublicKeyInfoDer()), kSpkiHex);
  EXPECT_EQ(ToHex(cert.IssuerNameDer()), kIssuerHex);
  EXPECT_EQ(cert.Pem(), kPem);
  EXPECT_EQ(cert.Der().size(), kDerSize);
}

TEST(CertificateTest, DerRoundTripAndClone) {
  const Certificate cert = Known();
  Result<Certificate> again = Certificate::FromDer(cert.Der());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->Der(), cert.Der());

  Certificate clone = cert.Clone();
  EXPECT_NE(clone.get(), cert.get());
  EXPECT_EQ(clone.Der(), cert.Der());
  EXPECT_EQ(clone.NotAfter(), cert.NotAfter());

  Certificate moved = std::move(clone);
  EXPECT_EQ(moved.Der(), cert.Der());
}

TEST(CertificateTest, RejectsEveryTruncation) {
  const Bytes der = Known().Der();
  for (std::size_t size = 0; size < der.size(); ++size) {
    ASSERT_THAT(Certificate::FromDer(ByteView(der).first(size)),
                StatusIs(StatusCode::kInvalidArgument,
                         StartsWith("certificate: not a DER X.509 certificate: ")))
        << size;
  }
}

TEST(CertificateTest, RejectsTrailingBytes) {
  const Bytes der = Known().Der();
  Bytes one = der;
  one.push_back(0x00);
  EXPECT_THAT(Certificate::FromDer(one),
              StatusIs(StatusCode::kInvalidArgument,
                       "certificate: 1 trailing bytes after the DER certificate"));
  Bytes twice = der;
  Append(twice, der);
  EXPECT_THAT(Certificate::FromDer(twice),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("473 trailing bytes")));
}

TEST(CertificateTest, RejectsFlippedStructureBytes) {
  const Bytes der = Known().Der();
  // Outer SEQUENCE tag, its length, the TBSCertificate tag, the version's context tag.
  for (std::size_t offset : {0u, 2u, 3u, 4u, 8u}) {
    Bytes bad = der;
    bad[offset] ^= 0x01;
    EXPECT_THAT(Certificate::FromDer(bad), StatusIs(StatusCode::kInvalidArgument)) << offset;
  }
}

// Parsing does not check signatures (verify.h does): a flipped signature byte still parses.
TEST(CertificateTest, FlippedSignatureByteStillParses) {
  Bytes der = Known().Der();
  der[der.size() - 1] ^= 0x01;
  Result<Certificate> cert = Certificate::FromDer(der);
  ASSERT_THAT(cert, IsOk());
  EXPECT_EQ(cert->Der(), der);
}

TEST(CertificateTest, RejectsGarbage) {
  EXPECT_THAT(Certificate::FromDer(ToBytes("hello, world")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("asn1")));
  EXPECT_THAT(Certificate::FromDer(Bytes{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Certificate::FromPem(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      Certificate::FromPem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
      StatusIs(StatusCode::kInvalidArgument,
               StartsWith("certificate: not a PEM X.509 certificate: ")));
}

TEST(CertificateTest, AdoptValidates) {
  EXPECT_THAT(Certificate::Adopt(nullptr), StatusIs(StatusCode::kInvalidArgument));
  // A fresh X509 has empty validity times and no key.
  EXPECT_THAT(
      Certificate::Adopt(X509Ptr(X509_new())),
      StatusIs(StatusCode::kInvalidArgument, "certificate: notBefore: malformed ASN.1 time"));
}

}  // namespace
}  // namespace sekisho::pki
