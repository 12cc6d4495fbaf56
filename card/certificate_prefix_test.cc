#include "card/certificate_prefix.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/tlv.h"

namespace sekisho::card {
namespace {

using testing::IsOk;
using testing::StatusIs;

using ::sekisho::testing::H;

// Self-signed RSA-2048 v3 certificate with the JPKI user-authentication issuer DN, made once with
// `openssl req -x509 -newkey rsa:2048 -sha256 -subj "/C=JP/O=JPKI/OU=JPKI for user
// authentication/OU=Japan Agency for Local Authority Information Systems"`. `openssl asn1parse`:
// 1003 bytes; tbsCertificate at 4; subjectPublicKeyInfo at 348, 4+290 bytes, ending at 642.
constexpr std::string_view kRsaCertificateHex =
    "308203E7308202CFA003020102021414560887270EDE10A631B2350AE7B5DC6E7EE8A5300D06092A864886F70D0101"
    "0B"
    "0500308182310B3009060355040613024A50310D300B060355040A0C044A504B4931253023060355040B0C1C4A504B"
    "49"
    "20666F7220757365722061757468656E7469636174696F6E313D303B060355040B0C344A6170616E204167656E6379"
    "20"
    "666F72204C6F63616C20417574686F7269747920496E666F726D6174696F6E2053797374656D73301E170D32363131"
    "32"
    "373132303930315A170D3331313132363132303930315A308182310B3009060355040613024A50310D300B06035504"
    "0A"
    "0C044A504B4931253023060355040B0C1C4A504B4920666F7220757365722061757468656E7469636174696F6E313D"
    "30"
    "3B060355040B0C344A6170616E204167656E637920666F72204C6F63616C20417574686F7269747920496E666F726D"
    "61"
    "74696F6E2053797374656D7330820122300D06092A864886F70D01010105000382010F003082010A0282010100C186"
    "58"
    "02D333D8A3607A2E284418FF12143C9F323247CB1D0B187C560194349C40965B01B0DA5021E429D1298046AAEEC895"
    "30"
    "31A6FC19F08BD03BED5FB2CC17DD2ADD0CDC5479BFF45933DB71D17EF35F2516ED74CC8499EAF81D26429B30F4474A"
    "3B"
    "628619BF3BD94E5A4E6A3575007EE1A846EB7D6861BF8CC4C9FDFD2353A36AE6FA875B4EF3D194E07527D7C9EB942A"
    "84"
    "6768D3686BF104BBD4F1C1C9E1CC88FB9948CE4A69FDA3C033EA69EF8B98D9FA57AAFDB5A143057D9234B87110BD66"
    "A9"
    "D036C06B91332CE32E4281215C5A8A1214E1841CCDA1F66A89CD177A524A75F4F4375F4CFCCDB61EF24BCC92AEA0A7"
    "B4"
    "2250339B96F4AE1D5AB634501D0203010001A3533051301D0603551D0E0416041471F49C97BF1AC62450E49EAE945D"
    "4D"
    "BFC4B62E11301F0603551D2304183016801471F49C97BF1AC62450E49EAE945D4DBFC4B62E11300F0603551D130101"
    "FF"
    "040530030101FF300D06092A864886F70D01010B0500038201010004D226857F7E435EC8AB62728E8D0EA56FA541E7"
    "84"
    "DD6C5351390887B4C93ACE9138350B23D29829C40B345FE68F9AC63AEDF02C96392F07BFD679FF5CCACD8A6ADD41B6"
    "B4"
    "FF281C6F23D39D55BA1B6CA6BD21FB11966DC97D6DC155D91DB0BED8BC77A7277E02E012A4308D20F1401A7C84D83F"
    "84"
    "ED7B02760B151240935370DC4B3C208404BE37EBD22312D9241BC766570FB8AA2073F384D27136961CF9F67F06C8E2"
    "F1"
    "28DE50DA8E60603DEC887C039223714DD2AE20023A6AEEE04D22F47B88B0FB2452FAAD7ACB4592C8C889E0073D9B89"
    "20"
    "09EB1475F9C8B4352C7B2FFE8E6104ED609B057407404F21BE0F605CC9E3057D37996916D66A0300C3DB3D";
constexpr std::size_t kRsaCertificateSize = 1003;
constexpr std::size_t kRsaSpkiOffset = 348;
constexpr std::size_t kRsaSpkiEnd = 642;

// A v1 certificate (no [0] version field, `openssl x509 -req` without extensions) with a P-256
// key: 279 bytes; tbsCertificate `30 81 BB` at 4; subjectPublicKeyInfo at 103, ending at 194.
constexpr std::string_view kV1CertificateHex =
    "308201133081BB02140A385111248A48C371827F89AC5000815F586A5A300A06082A8648CE3D040302300D310B3009"
    "06"
    "035504030C027631301E170D3236313132373132303930315A170D3236313232373132303930315A300D310B300906"
    "03"
    "5504030C0276313059301306072A8648CE3D020106082A8648CE3D03010703420004AC7423AB406976B396C80A34DE"
    "E4"
    "7B7CD391F66BBB597A543697C5C662CFAC4347DF06881E41C57733B6741849B7D4BBD14C880A4CD8A2BDFD8FCE63BB"
    "D2"
    "0101300A06082A8648CE3D040302034700304402205C7B629881D3BF778561C5B6A2ADCB311461D704A5E33ABEB1CC"
    "98"
    "966025F11302200BFBCCFD622822076DE12F8141E2056E672D185E2850B1CC2C14C1434C79F5FD";
constexpr std::size_t kV1CertificateSize = 279;
constexpr std::size_t kV1SpkiEnd = 194;

TEST(CertificateTotalLengthTest, FromTheFirstFourBytes) {
  const Bytes cert = H(kRsaCertificateHex);
  ASSERT_EQ(cert.size(), kRsaCertificateSize);
  EXPECT_EQ(CertificateTotalLength(ByteView(cert).first(4)).value_or(0), kRsaCertificateSize);
  EXPECT_EQ(CertificateTotalLength(cert).value_or(0), kRsaCertificateSize);
  const Bytes v1 = H(kV1CertificateHex);
  ASSERT_EQ(v1.size(), kV1CertificateSize);
  EXPECT_EQ(CertificateTotalLength(ByteView(v1).first(4)).value_or(0), kV1CertificateSize);
}

TEST(CertificateTotalLengthTest, ShortAndOneOctetLengthForms) {
  EXPECT_EQ(CertificateTotalLength(H("3081BB")).value_or(0), 3u + 0xBB);
  EXPECT_EQ(CertificateTotalLength(H("3005")).value_or(0), 7u);
  EXPECT_EQ(CertificateTotalLength(H("30830100FF")).value_or(0), 5u + 0x0100FF);
}

TEST(CertificateTotalLengthTest, RefusesWhatIsNotADerSequenceHeader) {
  EXPECT_THAT(CertificateTotalLength({}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("30")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("308203")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("318203E7")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("048203E7")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("FFFFFFFF")), StatusIs(StatusCode::kInvalidArgument));
  // Indefinite length (BER only) and a non-minimal length are not DER.
  EXPECT_THAT(CertificateTotalLength(H("3080")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("30810500")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateTotalLength(H("3082007F")), StatusIs(StatusCode::kInvalidArgument));
}

// Every prefix of a real certificate: unknown until the whole SPKI is present, then its end.
void ExpectEveryPrefix(const Bytes& cert, std::size_t spki_end) {
  for (std::size_t n = 0; n <= cert.size(); ++n) {
    auto end = SubjectPublicKeyInfoEnd(ByteView(cert).first(n));
    ASSERT_THAT(end, IsOk()) << "prefix of " << n << " bytes";
    if (n < spki_end) {
      EXPECT_FALSE(end->has_value()) << "prefix of " << n << " bytes";
    } else {
      ASSERT_TRUE(end->has_value()) << "prefix of " << n << " bytes";
      EXPECT_EQ(**end, spki_end) << "prefix of " << n << " bytes";
    }
  }
}

// The end is located as soon as the SPKI's header (`30 82 01 22`, 4 bytes at 348) is present.
TEST(LocateSubjectPublicKeyInfoEndTest, KnownFromTheSpkiHeaderOn) {
  const Bytes cert = H(kRsaCertificateHex);
  for (std::size_t n = 0; n <= cert.size(); ++n) {
    auto end = LocateSubjectPublicKeyInfoEnd(ByteView(cert).first(n));
    ASSERT_THAT(end, IsOk()) << "prefix of " << n << " bytes";
    if (n < kRsaSpkiOffset + 4) {
      EXPECT_FALSE(end->has_value()) << "prefix of " << n << " bytes";
    } else {
      EXPECT_EQ(end->value_or(0), kRsaSpkiEnd) << "prefix of " << n << " bytes";
    }
  }
}

TEST(SubjectPublicKeyInfoEndTest, EveryPrefixOfAV3RsaCertificate) {
  ExpectEveryPrefix(H(kRsaCertificateHex), kRsaSpkiEnd);
}

TEST(SubjectPublicKeyInfoEndTest, EveryPrefixOfAV1CertificateWithoutVersion) {
  ExpectEveryPrefix(H(kV1CertificateHex), kV1SpkiEnd);
}

TEST(SubjectPublicKeyInfoEndTest, EndsExactlyAtTheRsaSubjectPublicKeyInfo) {
  const Bytes cert = H(kRsaCertificateHex);
  // The SPKI that ends there is `30 82 01 22` (294 bytes) with rsaEncryption, as asn1parse shows.
  const ByteView spki = ByteView(cert).subspan(kRsaSpkiOffset, kRsaSpkiEnd - kRsaSpkiOffset);
  EXPECT_EQ(ToHex(spki.first(19)), "30820122300D06092A864886F70D0101010500");
  ASSERT_EQ(CertificateTotalLength(spki).value_or(0), spki.size());
}

TEST(SubjectPublicKeyInfoFromPrefixTest, ViewsExactlyTheSpkiOnceItIsComplete) {
  const Bytes cert = H(kRsaCertificateHex);
  auto spki = SubjectPublicKeyInfoFromPrefix(ByteView(cert).first(kRsaSpkiEnd));
  ASSERT_THAT(spki, IsOk());
  EXPECT_EQ(spki->data(), cert.data() + kRsaSpkiOffset);
  EXPECT_EQ(spki->size(), kRsaSpkiEnd - kRsaSpkiOffset);
  EXPECT_THAT(SubjectPublicKeyInfoFromPrefix(ByteView(cert).first(kRsaSpkiEnd - 1)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SubjectPublicKeyInfoFromPrefix(H("0403010203")),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(SubjectPublicKeyInfoEndTest, RefusesAnotherTagWhereAnElementBelongs) {
  Bytes cert = H(kRsaCertificateHex);
  struct Case {
    std::size_t offset;
    const char* element;
  };
  // Offsets from asn1parse: Certificate, tbsCertificate, serialNumber, signature, issuer,
  // validity, subject, subjectPublicKeyInfo.
  for (const Case& c : {Case{0, "Certificate"}, Case{4, "tbsCertificate"}, Case{13, "serialNumber"},
                        Case{35, "signature"}, Case{50, "issuer"}, Case{183, "validity"},
                        Case{215, "subject"}, Case{348, "subjectPublicKeyInfo"}}) {
    Bytes broken = cert;
    broken[c.offset] = 0x31;  // a SET where a SEQUENCE or INTEGER is due
    EXPECT_THAT(SubjectPublicKeyInfoEnd(broken),
                StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr(c.element)))
        << c.element;
  }
}

TEST(SubjectPublicKeyInfoEndTest, RefusesLengthsThatOverrunTheirParent) {
  // tbsCertificate longer than the Certificate.
  const Bytes tbs_overrun =
      H("3003"
        "3005"
        "020101");
  EXPECT_THAT(SubjectPublicKeyInfoEnd(tbs_overrun),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("overruns")));
  const Bytes serial = EncodeTlv(0x02, H("01"));
  const Bytes long_name = EncodeTlv(0x30, Bytes(200, 0x00));
  Bytes tbs_value = serial;
  Append(tbs_value, EncodeTlv(0x30, {}));
  Append(tbs_value, long_name);
  Bytes tbs = EncodeTlv(0x30, tbs_value);
  ASSERT_EQ(ToHex(ByteView(tbs).first(3)), "3081D0");
  tbs[2] = 0x90;  // claim 144 bytes instead of 208: the 203-byte issuer now overruns the tbs
  const Bytes broken = EncodeTlv(0x30, tbs);
  EXPECT_THAT(SubjectPublicKeyInfoEnd(broken),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("issuer")));
}

TEST(SubjectPublicKeyInfoEndTest, RefusesATbsCertificateWithoutSubjectPublicKeyInfo) {
  Bytes tbs_value = EncodeTlv(0xA0, EncodeTlv(0x02, H("02")));
  Append(tbs_value, EncodeTlv(0x02, H("01")));
  for (int i = 0; i < 4; ++i) Append(tbs_value, EncodeTlv(0x30, {}));  // signature .. subject
  Bytes cert_value = EncodeTlv(0x30, tbs_value);
  Append(cert_value, EncodeTlv(0x30, {}));  // signatureAlgorithm follows the tbsCertificate
  const Bytes cert = EncodeTlv(0x30, cert_value);
  EXPECT_THAT(SubjectPublicKeyInfoEnd(cert),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("subjectPublicKeyInfo")));
}

TEST(SubjectPublicKeyInfoEndTest, SyntheticMinimalCertificate) {
  Bytes tbs_value = EncodeTlv(0x02, H("01"));  // no version: v1
  for (int i = 0; i < 4; ++i) Append(tbs_value, EncodeTlv(0x30, {}));
  const Bytes spki = EncodeTlv(0x30, H("0500"));
  Append(tbs_value, spki);
  const Bytes cert = EncodeTlv(0x30, EncodeTlv(0x30, tbs_value));
  // 2 (Certificate) + 2 (tbs) + 3 (serial) + 4 * 2 + 4 (SPKI) = 19.
  EXPECT_EQ(SubjectPublicKeyInfoEnd(cert).value_or(std::nullopt), std::optional<std::size_t>(19));
}

TEST(SubjectPublicKeyInfoEndTest, RefusesNonDerHeadersInside) {
  Bytes cert = H(kRsaCertificateHex);
  cert[36] = 0x80;  // signature `30 0D` -> `30 80`: indefinite length
  EXPECT_THAT(SubjectPublicKeyInfoEnd(cert),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("signature")));
}

}  // namespace
}  // namespace sekisho::card
