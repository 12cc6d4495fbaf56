#include "pki/test_pki.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "pki/file_io.h"
#include "pki/rsa_key.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::HolderKey;
using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::OtherTestPki;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::pki::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr TimePoint kTenYearsLater = FromUnixSeconds(2082758400);   // 2036-01-01T00:00:00Z
constexpr TimePoint kFiveYearsLater = FromUnixSeconds(1924992000);  // 2031-01-01T00:00:00Z

// DER of the auth root's DN, made with `openssl asn1parse -genconf` (PrintableString values);
// the same bytes are the issuer in docs/formats/identifiers.md's worked example.
constexpr char kAuthRootDnHex[] =
    "308187310B3009060355040613024A5031123010060355040A13094A504B492D5445535431253023060355040B"
    "131C4A504B4920666F7220757365722061757468656E7469636174696F6E313D303B060355040B13344A617061"
    "6E204167656E637920666F72204C6F63616C20417574686F7269747920496E666F726D6174696F6E2053797374"
    "656D73";

const TestIdentity kIdentity = {
    .name = "関所 太郎",
    .address = "東京都千代田区霞が関二丁目1番2号",
    .birth_date = "19800401",
    .sex = '1',
};

bool IsCritical(X509* cert, int nid) {
  const int index = X509_get_ext_by_NID(cert, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

bool SignedBy(const Certificate& cert, const Certificate& issuer) {
  const bool ok = X509_verify(cert.get(), X509_get0_pubkey(issuer.get())) == 1;
  OpenSslErrorText();  // drain the queue
  return ok;
}

bool HasPrivatePart(const EVP_PKEY& key) {
  BIGNUM* d = nullptr;
  const bool has = EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_D, &d) == 1;
  BN_free(d);
  OpenSslErrorText();
  return has;
}

Bytes SubjectNameDer(const Certificate& cert) {
  const unsigned char* der = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(X509_NAME_get0_der(X509_get_subject_name(cert.get()), &der, &size), 1);
  return Bytes(der, der + size);
}

// otherName OID -> UTF8String value, from the subjectAltName.
std::map<std::string, std::string> OtherNames(const Certificate& cert) {
  std::map<std::string, std::string> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    EXPECT_EQ(name->type, GEN_OTHERNAME);
    if (name->type != GEN_OTHERNAME) continue;
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, name->d.otherName->type_id, 1);
    const ASN1_TYPE* value = name->d.otherName->value;
    EXPECT_EQ(value->type, V_ASN1_UTF8STRING) << oid;
    const ASN1_STRING* text = value->value.utf8string;
    out[oid] = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                           static_cast<std::size_t>(ASN1_STRING_length(text)));
  }
  return out;
}

// The policy OIDs of certificatePolicies, in order.
std::vector<std::string> PolicyOids(const Certificate& cert) {
  std::vector<std::string> out;
  OpenSslPtr<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> policies(
      static_cast<CERTIFICATEPOLICIES*>(
          X509_get_ext_d2i(cert.get(), NID_certificate_policies, nullptr, nullptr)));
  if (!policies) return out;
  for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i) {
    const POLICYINFO* info = sk_POLICYINFO_value(policies.get(), i);
    EXPECT_EQ(info->qualifiers, nullptr);
    char oid[128];
    OBJ_obj2txt(oid, sizeof oid, info->policyid, 1);
    out.push_back(oid);
  }
  return out;
}

Certificate IssueAuth(std::uint64_t seed, const TestPki& pki = SharedTestPki()) {
  SeededRandom random(seed);
  Result<Certificate> cert =
      IssueAuthCertificate(pki, HolderKey(), random, kTestNow, kFiveYearsLater);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

Certificate IssueSign(std::uint64_t seed) {
  SeededRandom random(seed);
  Result<Certificate> cert = IssueSignCertificate(SharedTestPki(), HolderKey(), kIdentity, random,
                                                  kTestNow, kFiveYearsLater);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

using ::sekisho::testing::ModeOf;

void Overwrite(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST(TestPkiTest, RootsLookLikeJpkiRoots) {
  const TestPki& pki = SharedTestPki();
  EXPECT_EQ(pki.auth_ca.SubjectText(),
            "OU=Japan Agency for Local Authority Information Systems,"
            "OU=JPKI for user authentication,O=JPKI-TEST,C=JP");
  EXPECT_EQ(ToHex(SubjectNameDer(pki.auth_ca)), kAuthRootDnHex);
  EXPECT_EQ(pki.sign_ca.SubjectText(),
            "OU=Japan Agency for Local Authority Information Systems,"
            "OU=JPKI for digital signature,O=JPKI-TEST,C=JP");
  for (const Certificate* root : {&pki.auth_ca, &pki.sign_ca}) {
    EXPECT_EQ(root->IssuerText(), root->SubjectText());
    EXPECT_EQ(root->KeyBits(), 2048);
    EXPECT_EQ(root->NotBefore(), kTestNow);
    EXPECT_EQ(root->NotAfter(), kTenYearsLater);
    EXPECT_EQ(X509_get_version(root->get()), X509_VERSION_3);
    EXPECT_EQ(X509_get_signature_nid(root->get()), NID_sha256WithRSAEncryption);
    EXPECT_TRUE(SignedBy(*root, *root));
    EXPECT_EQ(X509_check_ca(root->get()), 1);
    EXPECT_TRUE(IsCritical(root->get(), NID_basic_constraints));
    EXPECT_TRUE(IsCritical(root->get(), NID_key_usage));
    EXPECT_EQ(X509_get_key_usage(root->get()),
              static_cast<std::uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    EXPECT_NE(X509_get0_subject_key_id(root->get()), nullptr);
    EXPECT_EQ(X509_get_ext_count(root->get()), 3);
    EXPECT_LE(root->SerialNumber().size(), 8u);
    EXPECT_FALSE(HasPrivatePart(root->PublicKey()));
  }
  EXPECT_EQ(EVP_PKEY_eq(pki.auth_ca_key.get(), &pki.auth_ca.PublicKey()), 1);
  EXPECT_EQ(EVP_PKEY_eq(pki.sign_ca_key.get(), &pki.sign_ca.PublicKey()), 1);
  EXPECT_NE(EVP_PKEY_eq(pki.auth_ca_key.get(), pki.sign_ca_key.get()), 1);
}

TEST(TestPkiTest, SameSeedSamePki) {
  SeededRandom random(1);
  Result<TestPki> again = CreateTestPki(random, kTestNow);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->auth_ca.Der(), SharedTestPki().auth_ca.Der());
  EXPECT_EQ(again->sign_ca.Der(), SharedTestPki().sign_ca.Der());
  EXPECT_NE(OtherTestPki().auth_ca.Der(), SharedTestPki().auth_ca.Der());
  // Same DN in both PKIs, different keys: the JPKI root generations look like this.
  EXPECT_EQ(OtherTestPki().auth_ca.SubjectText(), SharedTestPki().auth_ca.SubjectText());
}

TEST(TestPkiTest, AuthCertificateCarriesNoPersonalData) {
  const TestPki& pki = SharedTestPki();
  const Certificate cert = IssueAuth(10);
  EXPECT_THAT(cert.SubjectText(), MatchesRegex("CN=[0-9A-F]{20},C=JP"));
  EXPECT_EQ(cert.IssuerText(), pki.auth_ca.SubjectText());
  EXPECT_EQ(cert.IssuerNameDer(), SubjectNameDer(pki.auth_ca));
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(cert.NotBefore(), kTestNow);
  EXPECT_EQ(cert.NotAfter(), kFiveYearsLater);
  // keyUsage, authorityKeyIdentifier and certificatePolicies only: no subjectAltName.
  EXPECT_EQ(X509_get_ext_count(cert.get()), 3);
  EXPECT_FALSE(IsCritical(cert.get(), NID_certificate_policies));
  EXPECT_THAT(PolicyOids(cert), ElementsAre(std::string(kTestAuthPolicyOid)));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(IsCritical(cert.get(), NID_key_usage));
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert.get()),
                                  X509_get0_subject_key_id(pki.auth_ca.get())),
            0);
  const Bytes serial = cert.SerialNumber();
  EXPECT_LE(serial.size(), 8u);
  EXPECT_LT(serial[0], 0x80);
  EXPECT_TRUE(SignedBy(cert, pki.auth_ca));
  EXPECT_FALSE(SignedBy(cert, pki.sign_ca));
  EXPECT_EQ(cert.SubjectPublicKeyInfoDer(), *PublicKeyToDer(HolderKey()));
  EXPECT_FALSE(HasPrivatePart(cert.PublicKey()));
}

TEST(TestPkiTest, AuthCertificateIsDeterministic) {
  EXPECT_EQ(IssueAuth(10).Der(), IssueAuth(10).Der());
  const Certificate a = IssueAuth(10);
  const Certificate b = IssueAuth(11);
  EXPECT_NE(a.SubjectText(), b.SubjectText());
  EXPECT_NE(a.SerialNumber(), b.SerialNumber());
}

TEST(TestPkiTest, SignCertificateCarriesTheFourAttributes) {
  const TestPki& pki = SharedTestPki();
  const Certificate cert = IssueSign(20);
  EXPECT_THAT(cert.SubjectText(), MatchesRegex("CN=[0-9A-F]{20},C=JP"));
  EXPECT_EQ(cert.IssuerText(), pki.sign_ca.SubjectText());
  EXPECT_EQ(X509_get_key_usage(cert.get()),
            static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
  EXPECT_TRUE(IsCritical(cert.get(), NID_key_usage));
  EXPECT_FALSE(IsCritical(cert.get(), NID_subject_alt_name));
  EXPECT_THAT(PolicyOids(cert), ::testing::IsEmpty());
  EXPECT_THAT(OtherNames(cert),
              UnorderedElementsAre(Pair("1.2.392.200149.8.5.5.1", kIdentity.name),
                                   Pair("1.2.392.200149.8.5.5.3", "1"),
                                   Pair("1.2.392.200149.8.5.5.4", "19800401"),
                                   Pair("1.2.392.200149.8.5.5.5", kIdentity.address)));
  EXPECT_TRUE(SignedBy(cert, pki.sign_ca));
  EXPECT_FALSE(SignedBy(cert, pki.auth_ca));
}

TEST(TestPkiTest, SignCertificateRejectsBadIdentity) {
  struct Case {
    TestIdentity identity;
    std::string field;
  };
  TestIdentity no_name = kIdentity;
  no_name.name.clear();
  TestIdentity bad_utf8 = kIdentity;
  bad_utf8.address = "\xE6\x9D";  // truncated sequence
  TestIdentity bad_date = kIdentity;
  bad_date.birth_date = "19800231";
  TestIdentity short_date = kIdentity;
  short_date.birth_date = "1980041";
  TestIdentity bad_sex = kIdentity;
  bad_sex.sex = 'M';
  const Case cases[] = {{no_name, "name"},
                        {bad_utf8, "address"},
                        {bad_date, "birth_date"},
                        {short_date, "birth_date"},
                        {bad_sex, "sex"}};
  for (const Case& c : cases) {
    SeededRandom random(1);
    Result<Certificate> cert = IssueSignCertificate(SharedTestPki(), HolderKey(), c.identity,
                                                    random, kTestNow, kFiveYearsLater);
    EXPECT_THAT(
        cert, StatusIs(StatusCode::kInvalidArgument, HasSubstr("test identity: " + c.field + " ")));
    // Never the value itself.
    EXPECT_THAT(cert.status().message(), Not(HasSubstr("1980")));
  }
}

TEST(TestPkiTest, IssuingRejectsEmptyValidity) {
  SeededRandom random(1);
  EXPECT_THAT(IssueAuthCertificate(SharedTestPki(), HolderKey(), random, kTestNow, kTestNow),
              StatusIs(StatusCode::kInvalidArgument, "test PKI: notAfter must be after notBefore"));
  EXPECT_THAT(IssueSignCertificate(SharedTestPki(), HolderKey(), kIdentity, random, kTestNow,
                                   kTestNow - kDay),
              StatusIs(StatusCode::kInvalidArgument));
}

class SavedTestPkiTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(SaveTestPki(SharedTestPki(), dir_.path()), IsOk()); }
  const std::filesystem::path& dir() const { return dir_.path(); }

  TempDir dir_;
};

TEST_F(SavedTestPkiTest, WritesTheFilesWithTheRightModes) {
  EXPECT_EQ(ModeOf(dir() / "auth-ca.pem"), 0644u);
  EXPECT_EQ(ModeOf(dir() / "sign-ca.pem"), 0644u);
  EXPECT_EQ(ModeOf(dir() / "auth-ca.crl.pem"), 0644u);
  EXPECT_EQ(ModeOf(dir() / "sign-ca.crl.pem"), 0644u);
  EXPECT_EQ(ModeOf(dir() / "auth-ca.key.pem"), 0600u);
  EXPECT_EQ(ModeOf(dir() / "sign-ca.key.pem"), 0600u);
  Result<std::string> readme = ReadSmallFile(dir() / "README.txt");
  ASSERT_THAT(readme, IsOk());
  EXPECT_THAT(*readme, HasSubstr("TEST PKI"));
  // Nothing else (no temporary files left behind).
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir())) {
    (void)entry;
    ++count;
  }
  EXPECT_EQ(count, 7);
}

TEST_F(SavedTestPkiTest, LoadsWhatWasSaved) {
  const TestPki& pki = SharedTestPki();
  Result<TestPki> loaded = LoadTestPki(dir());
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->auth_ca.Der(), pki.auth_ca.Der());
  EXPECT_EQ(loaded->sign_ca.Der(), pki.sign_ca.Der());
  EXPECT_EQ(EVP_PKEY_eq(loaded->auth_ca_key.get(), pki.auth_ca_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(loaded->sign_ca_key.get(), pki.sign_ca_key.get()), 1);
  EXPECT_TRUE(HasPrivatePart(*loaded->auth_ca_key));

  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    Result<Crl> crl = LoadTestPkiCrl(dir(), ca);
    ASSERT_THAT(crl, IsOk());
    EXPECT_TRUE(crl->RevokedSerials().empty());
    EXPECT_EQ(crl->ThisUpdate(), kTestNow);
    EXPECT_EQ(crl->NextUpdate(), kTestNow + 30 * kDay);
  }
}

TEST_F(SavedTestPkiTest, RefusesToOverwrite) {
  EXPECT_THAT(SaveTestPki(OtherTestPki(), dir()), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_EQ(LoadTestPki(dir())->auth_ca.Der(), SharedTestPki().auth_ca.Der());
}

TEST_F(SavedTestPkiTest, LoadNamesTheMissingFile) {
  std::filesystem::remove(dir() / "sign-ca.key.pem");
  EXPECT_THAT(LoadTestPki(dir()),
              StatusIs(StatusCode::kNotFound, HasSubstr("sign-ca.key.pem does not exist")));
  TempDir empty;
  EXPECT_THAT(LoadTestPki(empty.path()),
              StatusIs(StatusCode::kNotFound, HasSubstr("auth-ca.pem does not exist")));
}

TEST_F(SavedTestPkiTest, LoadNamesTheCorruptFile) {
  Overwrite(dir() / "auth-ca.key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n");
  EXPECT_THAT(LoadTestPki(dir()), StatusIs(StatusCode::kDataLoss, HasSubstr("auth-ca.key.pem")));
  Overwrite(dir() / "auth-ca.pem", "garbage");
  EXPECT_THAT(LoadTestPki(dir()), StatusIs(StatusCode::kDataLoss, HasSubstr("auth-ca.pem: ")));
}

TEST_F(SavedTestPkiTest, LoadRejectsAKeyOfAnotherRoot) {
  std::filesystem::copy_file(dir() / "auth-ca.key.pem", dir() / "sign-ca.key.pem",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_THAT(LoadTestPki(dir()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("sign-ca.key.pem is not the key of")));
}

TEST_F(SavedTestPkiTest, LoadCrlRejectsAForeignCrl) {
  const TestPki& other = OtherTestPki();
  Result<Crl> foreign = MakeCrl(*other.auth_ca_key, other.auth_ca, {}, kTestNow, kTestNow + kDay);
  ASSERT_THAT(foreign, IsOk());
  Overwrite(dir() / "auth-ca.crl.pem", foreign->Pem());
  EXPECT_THAT(LoadTestPkiCrl(dir(), TestCa::kAuth),
              StatusIs(StatusCode::kDataLoss, HasSubstr("auth-ca.crl.pem: CRL signature")));
  Overwrite(dir() / "sign-ca.crl.pem", "garbage");
  EXPECT_THAT(LoadTestPkiCrl(dir(), TestCa::kSign),
              StatusIs(StatusCode::kDataLoss, HasSubstr("sign-ca.crl.pem: ")));
}

TEST_F(SavedTestPkiTest, RevokeAddsToTheIssuersCrl) {
  const Certificate auth = IssueAuth(30);
  const Certificate sign = IssueSign(31);
  const TimePoint later = kTestNow + 3 * kDay;
  ASSERT_THAT(RevokeInTestPki(dir(), auth, later), IsOk());

  Result<Crl> auth_crl = LoadTestPkiCrl(dir(), TestCa::kAuth);
  ASSERT_THAT(auth_crl, IsOk());
  EXPECT_THAT(auth_crl->RevokedSerials(), ElementsAre(auth.SerialNumber()));
  EXPECT_EQ(auth_crl->ThisUpdate(), later);
  EXPECT_EQ(auth_crl->NextUpdate(), later + 30 * kDay);
  EXPECT_TRUE(LoadTestPkiCrl(dir(), TestCa::kSign)->RevokedSerials().empty());

  ASSERT_THAT(RevokeInTestPki(dir(), sign, later + kDay), IsOk());
  ASSERT_THAT(RevokeInTestPki(dir(), auth, later + kDay), IsOk());  // again: harmless
  EXPECT_THAT(LoadTestPkiCrl(dir(), TestCa::kAuth)->RevokedSerials(),
              ElementsAre(auth.SerialNumber()));
  EXPECT_THAT(LoadTestPkiCrl(dir(), TestCa::kSign)->RevokedSerials(),
              ElementsAre(sign.SerialNumber()));
}

TEST_F(SavedTestPkiTest, RevokeRejectsAForeignCertificate) {
  const Certificate foreign = IssueAuth(40, OtherTestPki());
  EXPECT_THAT(RevokeInTestPki(dir(), foreign, kTestNow),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("certificate was not issued by the test PKI in")));
}

TEST_F(SavedTestPkiTest, RevokeStartsAnEmptyListWhenTheCrlIsMissing) {
  std::filesystem::remove(dir() / "auth-ca.crl.pem");
  const Certificate auth = IssueAuth(50);
  ASSERT_THAT(RevokeInTestPki(dir(), auth, kTestNow), IsOk());
  EXPECT_THAT(LoadTestPkiCrl(dir(), TestCa::kAuth)->RevokedSerials(),
              ElementsAre(auth.SerialNumber()));
}

TEST_F(SavedTestPkiTest, RevokeRefusesACorruptCrl) {
  Overwrite(dir() / "auth-ca.crl.pem", "garbage");
  EXPECT_THAT(RevokeInTestPki(dir(), IssueAuth(60), kTestNow),
              StatusIs(StatusCode::kDataLoss, HasSubstr("auth-ca.crl.pem")));
}

TEST_F(SavedTestPkiTest, RenewKeepsTheEntries) {
  const Certificate auth = IssueAuth(70);
  ASSERT_THAT(RevokeInTestPki(dir(), auth, kTestNow), IsOk());
  const TimePoint later = kTestNow + 100 * kDay;
  ASSERT_THAT(RenewTestPkiCrls(dir(), later), IsOk());
  for (TestCa ca : {TestCa::kAuth, TestCa::kSign}) {
    Result<Crl> crl = LoadTestPkiCrl(dir(), ca);
    ASSERT_THAT(crl, IsOk());
    EXPECT_EQ(crl->ThisUpdate(), later);
    EXPECT_EQ(crl->IsRevoked(auth.SerialNumber()), ca == TestCa::kAuth);
  }
}

}  // namespace
}  // namespace sekisho::pki
