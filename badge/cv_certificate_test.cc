#include "badge/cv_certificate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "badge/test_pki.h"
#include "base/status_matchers.h"

namespace sekisho::badge {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(28)};

Date Plus(Date d, int n) { return Date(std::chrono::sys_days(d) + std::chrono::days(n)); }

class CvCertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    org_a_ = new testing::TestOrganisation(testing::MakeTestOrganisation("ORGA", kToday));
    org_b_ = new testing::TestOrganisation(testing::MakeTestOrganisation("ORGB", kToday));
  }
  static void TearDownTestSuite() {
    delete org_a_;
    delete org_b_;
  }
  static testing::TestOrganisation* org_a_;
  static testing::TestOrganisation* org_b_;
};
testing::TestOrganisation* CvCertificateTest::org_a_ = nullptr;
testing::TestOrganisation* CvCertificateTest::org_b_ = nullptr;

TEST(CvDateTest, KnownAnswer) {
  EXPECT_EQ(EncodeCvDate(kToday), (Bytes{0x02, 0x06, 0x01, 0x01, 0x02, 0x08}));
  auto back = DecodeCvDate(Bytes{0x02, 0x06, 0x01, 0x01, 0x02, 0x08});
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, kToday);
  EXPECT_THAT(DecodeCvDate(Bytes{0x02, 0x06, 0x01, 0x03, 0x00, 0x01}),
              StatusIs(StatusCode::kInvalidArgument));  // month 13
  EXPECT_THAT(DecodeCvDate(Bytes{0x02, 0x06, 0x00, 0x02, 0x03, 0x00}),
              StatusIs(StatusCode::kInvalidArgument));  // 30 February
  EXPECT_THAT(DecodeCvDate(Bytes{0x02, 0x06, 0x01, 0x01, 0x02, 0x0A}),
              StatusIs(StatusCode::kInvalidArgument));  // not a digit
  EXPECT_THAT(DecodeCvDate(Bytes{0x02, 0x06, 0x01, 0x01, 0x02}),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CvCertificateTest, IssuedFieldsParseBack) {
  const CvCertificate& t = org_a_->terminal;
  auto parsed = CvCertificate::Parse(t.der());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->car(), "JPORGADV001");
  EXPECT_EQ(parsed->chr(), "JPORGATM001");
  EXPECT_EQ(parsed->role(), CvRole::kTerminal);
  EXPECT_EQ(parsed->rights(), rights::kGate);
  EXPECT_EQ(parsed->effective(), Plus(kToday, -1));
  EXPECT_EQ(parsed->expiration(), Plus(kToday, 2));
  EXPECT_EQ(parsed->public_point(), org_a_->terminal_key.public_point);
  EXPECT_FALSE(parsed->has_domain_parameters());
  EXPECT_TRUE(org_a_->cvca.has_domain_parameters());
  EXPECT_EQ(org_a_->cvca.role(), CvRole::kCvca);
  EXPECT_EQ(org_a_->dv.role(), CvRole::kDvOfficial);
  // The outer tag is 7F21, the body 7F4E (TR-03110-3 App. C.1).
  EXPECT_EQ(t.der()[0], 0x7F);
  EXPECT_EQ(t.der()[1], 0x21);
  EXPECT_EQ(t.body_der()[0], 0x7F);
  EXPECT_EQ(t.body_der()[1], 0x4E);
}

TEST_F(CvCertificateTest, ChatKnownAnswer) {
  // id-AT, role terminal, rights RI (bit 2) and CAN allowed (bit 4).
  auto expected = FromHex("7F4C12 06 09 04007F000703010202 53 05 0000000014");
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(org_a_->terminal.ChatDer(), *expected);
}

TEST_F(CvCertificateTest, ChainVerifiesWithEffectiveRights) {
  auto auth = VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->terminal, kToday);
  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->rights, rights::kGate);
  EXPECT_EQ(auth->terminal_chr, "JPORGATM001");
  EXPECT_EQ(auth->terminal_public_point, org_a_->terminal_key.public_point);
}

TEST_F(CvCertificateTest, RightsAreTheIntersectionOfTheChain) {
  EcKeyPair key;
  // The terminal claims everything; its DV only holds the gate rights.
  const CvCertificate greedy = testing::IssueTestTerminal(*org_a_, "JPORGATM002", kToday,
                                                          Plus(kToday, 1), rights::kAll, &key);
  auto auth = VerifyTerminalChain(org_a_->cvca, org_a_->dv, greedy, kToday);
  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->rights, rights::kGate);
  const CvCertificate no_ri = testing::IssueTestTerminal(
      *org_a_, "JPORGATM003", kToday, Plus(kToday, 1), rights::kCanAllowed, &key);
  auth = VerifyTerminalChain(org_a_->cvca, org_a_->dv, no_ri, kToday);
  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->rights & rights::kRestrictedIdentification, 0u);
}

TEST_F(CvCertificateTest, ExpiredAndNotYetValidAreRefused) {
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->terminal, Plus(kToday, 3)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->terminal, Plus(kToday, -2)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not valid before")));
  // The last and the first valid day are inside.
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->terminal, Plus(kToday, 2)),
              IsOk());
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->terminal, Plus(kToday, -1)),
              IsOk());
}

TEST_F(CvCertificateTest, LongLivedTerminalCertificateIsRefused) {
  EcKeyPair key;
  const CvCertificate long_lived = testing::IssueTestTerminal(
      *org_a_, "JPORGATM004", kToday, Plus(kToday, 30), rights::kGate, &key);
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, long_lived, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("more than 7")));
}

TEST_F(CvCertificateTest, ForeignCvcaIsRefused) {
  // Organisation B's complete, valid chain against A's trust point.
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_b_->dv, org_b_->terminal, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("JPORGBDV001")));
  // A DV that copies A's CVCA reference but was signed by B's CVCA.
  auto forged = IssueCvCertificate({.car = org_a_->cvca.chr(),
                                    .chr = "JPORGBDV009",
                                    .role = CvRole::kDvOfficial,
                                    .rights = rights::kGate,
                                    .effective = kToday,
                                    .expiration = Plus(kToday, 30),
                                    .public_point = org_b_->dv_key.public_point},
                                   org_b_->cvca_key.private_pkcs8);
  ASSERT_THAT(forged, IsOk());
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, *forged, org_b_->terminal, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("does not verify")));
}

TEST_F(CvCertificateTest, RolesOutOfPlaceAreRefused) {
  EXPECT_THAT(VerifyTerminalChain(org_a_->dv, org_a_->dv, org_a_->terminal, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not a CVCA")));
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->terminal, org_a_->terminal, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not a DV")));
  EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, org_a_->dv, kToday),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not a terminal")));
}

TEST_F(CvCertificateTest, EveryFlippedBitIsRefused) {
  const Bytes& der = org_a_->terminal.der();
  for (std::size_t bit = 0; bit < der.size() * 8; ++bit) {
    Bytes bad = der;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto parsed = CvCertificate::Parse(bad);
    if (!parsed.ok()) {
      EXPECT_THAT(parsed, StatusIs(StatusCode::kInvalidArgument)) << "bit " << bit;
      continue;
    }
    EXPECT_THAT(VerifyTerminalChain(org_a_->cvca, org_a_->dv, *parsed, kToday),
                StatusIs(StatusCode::kUnauthenticated))
        << "bit " << bit;
  }
}

TEST_F(CvCertificateTest, MalformedEncodingsAreInvalidArgument) {
  const Bytes& der = org_a_->terminal.der();
  EXPECT_THAT(CvCertificate::Parse({}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CvCertificate::Parse(ByteView(der).first(der.size() - 1)),
              StatusIs(StatusCode::kInvalidArgument));
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_THAT(CvCertificate::Parse(trailing),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("extra bytes")));
  EXPECT_THAT(CvCertificate::Parse(org_a_->terminal.body_der()),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CvCertificateTest, IssueRejectsBadTemplates) {
  CvCertificateTemplate t{.car = org_a_->dv.chr(),
                          .chr = "JPORGATM005",
                          .role = CvRole::kTerminal,
                          .rights = rights::kGate,
                          .effective = kToday,
                          .expiration = Plus(kToday, 1),
                          .public_point = org_a_->terminal_key.public_point};
  const SecretBytes& key = org_a_->dv_key.private_pkcs8;
  ASSERT_THAT(IssueCvCertificate(t, key), IsOk());
  auto bad = t;
  bad.chr = "JP";
  EXPECT_THAT(IssueCvCertificate(bad, key), StatusIs(StatusCode::kInvalidArgument));
  bad = t;
  bad.chr = "JPORGA TM005";
  EXPECT_THAT(IssueCvCertificate(bad, key), StatusIs(StatusCode::kInvalidArgument));
  bad = t;
  bad.rights = 1ULL << 38;
  EXPECT_THAT(IssueCvCertificate(bad, key), StatusIs(StatusCode::kInvalidArgument));
  bad = t;
  bad.expiration = Plus(kToday, -1);
  EXPECT_THAT(IssueCvCertificate(bad, key), StatusIs(StatusCode::kInvalidArgument));
  bad = t;
  bad.public_point[10] ^= 1;
  EXPECT_THAT(IssueCvCertificate(bad, key), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(IssueCvCertificate(t, SecretBytes(ToBytes("junk"))),
              StatusIs(StatusCode::kInvalidArgument));
}

// OpenPACE's own tool reads our certificates and sees the same fields.
TEST_F(CvCertificateTest, CvcPrintParsesOurCertificates) {
  if (std::system("command -v cvc-print >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "cvc-print (package openpace) is not installed";
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("sekisho-cvc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  for (const CvCertificate* cert : {&org_a_->cvca, &org_a_->dv, &org_a_->terminal}) {
    const auto file = dir / (cert->chr() + ".cvcert");
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(cert->der().data()),
               static_cast<std::streamsize>(cert->der().size()));
    const std::string command = "cvc-print --cvc=" + file.string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    ASSERT_EQ(::pclose(pipe), 0) << output;
    EXPECT_THAT(output, HasSubstr(cert->chr())) << output;
    EXPECT_THAT(output, HasSubstr(cert->car())) << output;
  }
}

}  // namespace
}  // namespace sekisho::badge
