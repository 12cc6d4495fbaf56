#include "pki/trust_anchors.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/status_matchers.h"
#include "pki/file_io.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::BothGenerations;
using ::sekisho::pki::testing::HolderKey;
using ::sekisho::pki::testing::JpkiAuthRootName;
using ::sekisho::pki::testing::JpkiDnPki;
using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::MakeLeaf;
using ::sekisho::pki::testing::MakeSelfSigned;
using ::sekisho::pki::testing::OtherTestPki;
using ::sekisho::pki::testing::RootExtensions;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::pki::testing::SmallRsaKey;
using ::sekisho::pki::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Certificate IssueAuth(const TestPki& pki, std::uint64_t seed = 100) {
  SeededRandom random(seed);
  Result<Certificate> cert =
      IssueAuthCertificate(pki, HolderKey(), random, kTestNow, kTestNow + 365 * kDay);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

Crl EmptyCrl(const TestPki& pki) {
  Result<Crl> crl = MakeCrl(*pki.auth_ca_key, pki.auth_ca, {}, kTestNow, kTestNow + 30 * kDay);
  EXPECT_THAT(crl, IsOk());
  return std::move(crl).value();
}

std::vector<std::string> Labels(const std::vector<const TrustAnchor*>& anchors) {
  std::vector<std::string> out;
  for (const TrustAnchor* anchor : anchors) out.push_back(anchor->label);
  return out;
}

void Write(const std::filesystem::path& path, std::string_view text) {
  ASSERT_THAT(WriteFileAtomically(path, text, 0644), IsOk());
}

TEST(TrustAnchorSetTest, TestRootsAreMarkedWhereverShown) {
  TrustAnchorSet set;
  ASSERT_THAT(set.Add(SharedTestPki().auth_ca.Clone(), "demo auth root"), IsOk());
  ASSERT_EQ(set.size(), 1u);
  const TrustAnchor& anchor = set.anchors()[0];
  EXPECT_TRUE(anchor.is_test);
  EXPECT_EQ(anchor.label, "demo auth root");
  EXPECT_EQ(anchor.DisplayLabel(), "demo auth root [TEST ANCHOR]");
}

TEST(TrustAnchorSetTest, RootsWithTheJpkiDnAreNotTestAnchors) {
  const TrustAnchorSet set = BothGenerations();
  EXPECT_EQ(set.anchors()[0].certificate.SubjectText(),
            "OU=Japan Agency for Local Authority Information Systems,"
            "OU=JPKI for user authentication,O=JPKI,C=JP");
  EXPECT_EQ(set.anchors()[0].certificate.SubjectText(), set.anchors()[1].certificate.SubjectText());
  for (const TrustAnchor& anchor : set.anchors()) {
    EXPECT_FALSE(anchor.is_test);
    EXPECT_EQ(anchor.DisplayLabel(), anchor.label);
  }
}

TEST(TrustAnchorSetTest, AnEmptyLabelBecomesTheSubject) {
  TrustAnchorSet set;
  ASSERT_THAT(set.Add(SharedTestPki().sign_ca.Clone(), ""), IsOk());
  EXPECT_EQ(set.anchors()[0].label, SharedTestPki().sign_ca.SubjectText());
  EXPECT_EQ(set.anchors()[0].DisplayLabel(),
            SharedTestPki().sign_ca.SubjectText() + " [TEST ANCHOR]");
}

TEST(TrustAnchorSetTest, RefusesWhatCannotBeAnAnchor) {
  const TestPki& pki = SharedTestPki();
  const X509NamePtr name = JpkiAuthRootName();
  struct Case {
    std::string what;
    Certificate cert;
    std::string reason;
  };
  std::vector<Case> cases;
  cases.push_back({"leaf", IssueAuth(pki), "not self-signed: issuer and subject differ"});
  cases.push_back({"no basicConstraints",
                   MakeSelfSigned(*pki.auth_ca_key, *name, {{NID_subject_key_identifier, "hash"}}),
                   "not a CA certificate (basicConstraints CA:TRUE is missing)"});
  cases.push_back({"CA:FALSE",
                   MakeSelfSigned(*pki.auth_ca_key, *name, {{NID_basic_constraints, "CA:FALSE"}}),
                   "not a CA certificate"});
  cases.push_back({"no keyCertSign",
                   MakeSelfSigned(*pki.auth_ca_key, *name,
                                  {{NID_basic_constraints, "critical,CA:TRUE"},
                                   {NID_key_usage, "critical,cRLSign"}}),
                   "key usage does not include keyCertSign"});
  cases.push_back({"RSA-1024", MakeSelfSigned(SmallRsaKey(), *name, RootExtensions()),
                   "RSA key of 1024 bits is below the minimum of 2048"});
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  cases.push_back({"EC", MakeSelfSigned(*ec, *name, RootExtensions()), "not an RSA key"});
  // A root whose own signature is broken (last byte of the signature value changed).
  Bytes der = pki.auth_ca.Der();
  der.back() ^= 0x01;
  Result<Certificate> broken = Certificate::FromDer(der);
  ASSERT_THAT(broken, IsOk());
  cases.push_back({"broken self-signature", std::move(broken).value(),
                   "not self-signed: its signature does not verify with its own key"});
  // Issuer DN = subject DN, but signed by another key.
  CertificateTemplate spec;
  spec.subject = name.get();
  spec.serial = Bytes{9};
  spec.not_before = kTestNow;
  spec.not_after = kTestNow + kDay;
  spec.subject_key = pki.auth_ca_key.get();
  spec.signing_key = OtherTestPki().auth_ca_key.get();
  spec.extensions = RootExtensions();
  Result<Certificate> cross = BuildCertificate(spec);
  ASSERT_THAT(cross, IsOk());
  cases.push_back({"self-issued, other key", std::move(cross).value(),
                   "not self-signed: its signature does not verify with its own key"});

  for (Case& c : cases) {
    TrustAnchorSet set;
    EXPECT_THAT(
        set.Add(std::move(c.cert), "candidate"),
        StatusIs(StatusCode::kInvalidArgument, HasSubstr("trust anchor 'candidate': " + c.reason)))
        << c.what;
    EXPECT_TRUE(set.empty()) << c.what;
  }
}

TEST(TrustAnchorSetTest, RefusesTheSameCertificateTwice) {
  TrustAnchorSet set;
  ASSERT_THAT(set.Add(SharedTestPki().auth_ca.Clone(), "first"), IsOk());
  EXPECT_THAT(
      set.Add(SharedTestPki().auth_ca.Clone(), "second"),
      StatusIs(StatusCode::kAlreadyExists, "trust anchor 'second' is already present as 'first'"));
  // Same DN, other key: a different anchor.
  EXPECT_THAT(set.Add(OtherTestPki().auth_ca.Clone(), "other"), IsOk());
  EXPECT_EQ(set.size(), 2u);
}

TEST(TrustAnchorSetTest, MatchesEachCertificateToItsOwnGenerationOnly) {
  const TrustAnchorSet set = BothGenerations();
  // Issued with an authorityKeyIdentifier (the key-identifier pre-filter decides) ...
  EXPECT_THAT(Labels(set.MatchIssuer(IssueAuth(JpkiDnPki(1)))), ElementsAre("gen1"));
  EXPECT_THAT(Labels(set.MatchIssuer(IssueAuth(JpkiDnPki(2)))), ElementsAre("gen2"));
  // ... and without one (only the signature decides).
  const Certificate bare1 = MakeLeaf(JpkiDnPki(1).auth_ca, *JpkiDnPki(1).auth_ca_key, {});
  const Certificate bare2 = MakeLeaf(JpkiDnPki(2).auth_ca, *JpkiDnPki(2).auth_ca_key, {});
  ASSERT_EQ(X509_get0_authority_key_id(bare1.get()), nullptr);
  EXPECT_EQ(bare1.IssuerNameDer(), bare2.IssuerNameDer());
  EXPECT_THAT(Labels(set.MatchIssuer(bare1)), ElementsAre("gen1"));
  EXPECT_THAT(Labels(set.MatchIssuer(bare2)), ElementsAre("gen2"));
  // In the other order too.
  TrustAnchorSet reversed;
  ASSERT_THAT(reversed.Add(JpkiDnPki(2).auth_ca.Clone(), "gen2"), IsOk());
  ASSERT_THAT(reversed.Add(JpkiDnPki(1).auth_ca.Clone(), "gen1"), IsOk());
  EXPECT_THAT(Labels(reversed.MatchIssuer(bare1)), ElementsAre("gen1"));
  EXPECT_THAT(Labels(reversed.MatchIssuer(bare2)), ElementsAre("gen2"));
  // A root matches itself.
  EXPECT_THAT(Labels(set.MatchIssuer(JpkiDnPki(2).auth_ca)), ElementsAre("gen2"));
}

TEST(TrustAnchorSetTest, NeverMatchesByNameAlone) {
  TrustAnchorSet only_first;
  ASSERT_THAT(only_first.Add(JpkiDnPki(1).auth_ca.Clone(), "gen1"), IsOk());
  EXPECT_THAT(only_first.MatchIssuer(IssueAuth(JpkiDnPki(2))), IsEmpty());
  EXPECT_THAT(only_first.MatchIssuer(MakeLeaf(JpkiDnPki(2).auth_ca, *JpkiDnPki(2).auth_ca_key, {})),
              IsEmpty());
  EXPECT_THAT(only_first.MatchCrlIssuer(EmptyCrl(JpkiDnPki(2))), IsEmpty());
  // The right DN and key identifier, a tampered body.
  const Certificate genuine = IssueAuth(JpkiDnPki(1));
  ASSERT_THAT(Labels(only_first.MatchIssuer(genuine)), ElementsAre("gen1"));
  Bytes der = genuine.Der();
  const std::string cn = genuine.SubjectText().substr(3, 20);  // "CN=<20 hex>,C=JP"
  auto it = std::search(der.begin(), der.end(), cn.begin(), cn.end());
  ASSERT_NE(it, der.end());
  *it = *it == 'A' ? 'B' : 'A';
  Result<Certificate> tampered = Certificate::FromDer(der);
  ASSERT_THAT(tampered, IsOk());
  EXPECT_THAT(only_first.MatchIssuer(*tampered), IsEmpty());
  // The test PKI's roots have another DN.
  EXPECT_THAT(only_first.MatchIssuer(IssueAuth(SharedTestPki())), IsEmpty());
  EXPECT_THAT(only_first.WithSubject(*X509_get_issuer_name(IssueAuth(JpkiDnPki(2)).get())).size(),
              1u);
}

TEST(TrustAnchorSetTest, MatchesCrlsByKey) {
  const TrustAnchorSet set = BothGenerations();
  EXPECT_THAT(Labels(set.MatchCrlIssuer(EmptyCrl(JpkiDnPki(1)))), ElementsAre("gen1"));
  EXPECT_THAT(Labels(set.MatchCrlIssuer(EmptyCrl(JpkiDnPki(2)))), ElementsAre("gen2"));
  EXPECT_THAT(set.MatchCrlIssuer(EmptyCrl(SharedTestPki())), IsEmpty());
  EXPECT_TRUE(IsCrlIssuedBy(EmptyCrl(JpkiDnPki(1)), JpkiDnPki(1).auth_ca));
  EXPECT_FALSE(IsCrlIssuedBy(EmptyCrl(JpkiDnPki(1)), JpkiDnPki(2).auth_ca));
  EXPECT_FALSE(IsCrlIssuedBy(EmptyCrl(JpkiDnPki(1)), SharedTestPki().auth_ca));
}

TEST(TrustAnchorSetTest, AddsEveryCertificateOfAPemFile) {
  TempDir dir;
  const auto bundle = dir.path() / "jpki-auth.pem";
  Write(bundle, JpkiDnPki(1).auth_ca.Pem() + "\n" + JpkiDnPki(2).auth_ca.Pem());
  TrustAnchorSet set;
  ASSERT_THAT(set.AddPemFile(bundle), IsOk());
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.anchors()[0].label, "jpki-auth.pem");
  EXPECT_EQ(set.anchors()[1].label, "jpki-auth.pem#2");
  EXPECT_EQ(set.anchors()[1].certificate.Der(), JpkiDnPki(2).auth_ca.Der());
}

TEST(TrustAnchorSetTest, AddPemFileIsAllOrNothing) {
  TempDir dir;
  TrustAnchorSet set;
  ASSERT_THAT(set.Add(SharedTestPki().sign_ca.Clone(), "kept"), IsOk());
  // The second block is a leaf: the first must not stay.
  const auto mixed = dir.path() / "mixed.pem";
  Write(mixed, JpkiDnPki(1).auth_ca.Pem() + IssueAuth(JpkiDnPki(1)).Pem());
  EXPECT_THAT(set.AddPemFile(mixed),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("trust anchor 'mixed.pem#2': not self-signed")));
  EXPECT_THAT(Labels({&set.anchors()[0]}), ElementsAre("kept"));
  EXPECT_EQ(set.size(), 1u);
  // A block that does not parse.
  const auto corrupt = dir.path() / "corrupt.pem";
  Write(corrupt, JpkiDnPki(1).auth_ca.Pem() +
                     "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_THAT(set.AddPemFile(corrupt),
              StatusIs(StatusCode::kDataLoss, HasSubstr("corrupt.pem: certificate 2: ")));
  EXPECT_EQ(set.size(), 1u);
  const auto empty = dir.path() / "empty.pem";
  Write(empty, "nothing here\n");
  EXPECT_THAT(set.AddPemFile(empty),
              StatusIs(StatusCode::kDataLoss, HasSubstr("no PEM certificate")));
  EXPECT_THAT(set.AddPemFile(dir.path() / "missing.pem"), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(set.size(), 1u);
}

TEST(TrustAnchorSetTest, AddsADirectoryOfRoots) {
  TempDir dir;
  // A saved test PKI: two roots beside keys, CRLs and a README.
  ASSERT_THAT(SaveTestPki(SharedTestPki(), dir.path()), IsOk());
  TrustAnchorSet set;
  ASSERT_THAT(set.AddDirectory(dir.path()), IsOk());
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.anchors()[0].label, "auth-ca.pem");
  EXPECT_EQ(set.anchors()[1].label, "sign-ca.pem");
  EXPECT_EQ(set.anchors()[0].DisplayLabel(), "auth-ca.pem [TEST ANCHOR]");
  EXPECT_EQ(set.anchors()[0].certificate.Der(), SharedTestPki().auth_ca.Der());
}

TEST(TrustAnchorSetTest, AddDirectoryErrors) {
  TempDir dir;
  TrustAnchorSet set;
  EXPECT_THAT(set.AddDirectory(dir.path() / "missing"),
              StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
  EXPECT_THAT(set.AddDirectory(dir.path()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no trust anchor certificates")));
  Write(dir.path() / "a.pem", JpkiDnPki(1).auth_ca.Pem());
  Write(dir.path() / "b.pem", IssueAuth(JpkiDnPki(1)).Pem());
  EXPECT_THAT(set.AddDirectory(dir.path()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("b.pem")));
  EXPECT_TRUE(set.empty());
}

}  // namespace
}  // namespace sekisho::pki
