#include "pki/certificate_builder.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::HolderKey;
using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

int StringType(const X509_NAME& name, int index) {
  return ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(&name, index)));
}

TEST(MakeNameTest, PrintableStringWhereItFitsUtf8Otherwise) {
  Result<X509NamePtr> name = MakeName({{"C", "JP"}, {"O", "Gate, Inc. (1)"}, {"CN", "関所"}});
  ASSERT_THAT(name, IsOk());
  ASSERT_EQ(X509_NAME_entry_count(name->get()), 3);
  EXPECT_EQ(StringType(**name, 0), V_ASN1_PRINTABLESTRING);
  EXPECT_EQ(StringType(**name, 1), V_ASN1_PRINTABLESTRING);
  EXPECT_EQ(StringType(**name, 2), V_ASN1_UTF8STRING);
  EXPECT_EQ(StringType(**MakeName({{"CN", "a_b"}}), 0), V_ASN1_UTF8STRING);  // '_' is not printable
}

TEST(MakeNameTest, Errors) {
  EXPECT_THAT(MakeName({{"XX", "value"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown name attribute XX")));
  EXPECT_THAT(MakeName({{"CN", ""}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty value for CN")));
}

class BuildCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<X509NamePtr> name = MakeName({{"C", "JP"}, {"CN", "builder test"}});
    ASSERT_THAT(name, IsOk());
    name_ = std::move(name).value();
    spec_.subject = name_.get();
    spec_.issuer = &SharedTestPki().auth_ca;
    spec_.serial = Bytes{0x00, 0x80, 0x01};
    spec_.not_before = kTestNow;
    spec_.not_after = kTestNow + kDay;
    spec_.subject_key = &HolderKey();
    spec_.signing_key = SharedTestPki().auth_ca_key.get();
    spec_.extensions = {{NID_key_usage, "critical,digitalSignature"}};
    spec_.policies = {"1.2.3.4", "2.25.1"};
  }

  X509NamePtr name_;
  CertificateTemplate spec_;
};

TEST_F(BuildCertificateTest, BuildsWhatItIsGiven) {
  Result<Certificate> cert = BuildCertificate(spec_);
  ASSERT_THAT(cert, IsOk());
  EXPECT_EQ(cert->SubjectText(), "CN=builder test,C=JP");
  EXPECT_EQ(cert->IssuerText(), SharedTestPki().auth_ca.SubjectText());
  EXPECT_EQ(cert->SerialNumber(), (Bytes{0x80, 0x01}));
  EXPECT_EQ(cert->NotBefore(), kTestNow);
  EXPECT_EQ(cert->NotAfter(), kTestNow + kDay);
  EXPECT_EQ(X509_get_ext_count(cert->get()), 2);
  OpenSslPtr<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> policies(
      static_cast<CERTIFICATEPOLICIES*>(
          X509_get_ext_d2i(cert->get(), NID_certificate_policies, nullptr, nullptr)));
  ASSERT_NE(policies, nullptr);
  ASSERT_EQ(sk_POLICYINFO_num(policies.get()), 2);
  char oid[32];
  OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies.get(), 1)->policyid, 1);
  EXPECT_STREQ(oid, "2.25.1");
  EXPECT_EQ(X509_get_key_usage(cert->get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_get_signature_nid(cert->get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_verify(cert->get(), X509_get0_pubkey(SharedTestPki().auth_ca.get())), 1);
  // Self-issued when no issuer is given.
  spec_.issuer = nullptr;
  spec_.signing_key = &HolderKey();
  Result<Certificate> self = BuildCertificate(spec_);
  ASSERT_THAT(self, IsOk());
  EXPECT_EQ(self->IssuerText(), self->SubjectText());
  EXPECT_EQ(X509_verify(self->get(), X509_get0_pubkey(self->get())), 1);
}

TEST_F(BuildCertificateTest, Errors) {
  CertificateTemplate no_subject = spec_;
  no_subject.subject = nullptr;
  EXPECT_THAT(BuildCertificate(no_subject), StatusIs(StatusCode::kInvalidArgument));
  CertificateTemplate backwards = spec_;
  backwards.not_after = kTestNow;
  EXPECT_THAT(BuildCertificate(backwards),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("notAfter must be after")));
  CertificateTemplate no_serial = spec_;
  no_serial.serial.clear();
  EXPECT_THAT(BuildCertificate(no_serial), StatusIs(StatusCode::kInvalidArgument));
  CertificateTemplate bad_extension = spec_;
  bad_extension.extensions.emplace_back(NID_key_usage, "frobnicate");
  EXPECT_THAT(BuildCertificate(bad_extension),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("extension keyUsage")));
  CertificateTemplate bad_policy = spec_;
  bad_policy.policies = {"not.an.oid"};
  EXPECT_THAT(BuildCertificate(bad_policy),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("policy 'not.an.oid'")));
  // A public key cannot sign.
  EvpPkeyPtr public_only(X509_get_pubkey(SharedTestPki().auth_ca.get()));
  CertificateTemplate unsigned_spec = spec_;
  unsigned_spec.signing_key = public_only.get();
  EXPECT_THAT(BuildCertificate(unsigned_spec),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot sign")));
}

}  // namespace
}  // namespace sekisho::pki
