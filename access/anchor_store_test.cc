#include "access/anchor_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

using card::sim::testing::TempDir;
using card::sim::testing::World;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr TimePoint kNow = card::sim::testing::kTestNow + std::chrono::hours(24);

TEST(AnchorStoreTest, TestRootIsStoredLabelledAndLoadsBack) {
  TempDir temp;
  const auto dir = temp.path() / "anchors";
  auto file = AddAnchor(dir, World().pki.auth_ca, AnchorKind::kTest, kNow);
  ASSERT_THAT(file, IsOk());
  const std::string fingerprint = AnchorFingerprint(World().pki.auth_ca);
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(file->filename().string(), "test-" + fingerprint.substr(0, 16) + ".pem");
  auto text = pki::ReadSmallFile(*file);
  ASSERT_THAT(text, IsOk());
  EXPECT_THAT(*text, HasSubstr("# Label: TEST anchor"));
  EXPECT_THAT(*text, HasSubstr("# SHA-256: " + fingerprint));

  auto anchors = LoadAnchors(dir);
  ASSERT_THAT(anchors, IsOk());
  ASSERT_EQ(anchors->size(), 1u);
  EXPECT_TRUE(anchors->anchors()[0].is_test);
  EXPECT_THAT(anchors->anchors()[0].DisplayLabel(), HasSubstr("TEST ANCHOR"));
  EXPECT_EQ(anchors->anchors()[0].certificate.Der(), World().pki.auth_ca.Der());
}

TEST(AnchorStoreTest, TestRootAsProductionAnchorIsRefused) {
  TempDir temp;
  EXPECT_THAT(AddAnchor(temp.path(), World().pki.auth_ca, AnchorKind::kProduction, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("--test")));
  EXPECT_TRUE(std::filesystem::is_empty(temp.path()));
}

TEST(AnchorStoreTest, SameAnchorTwiceIsAlreadyExists) {
  TempDir temp;
  ASSERT_THAT(AddAnchor(temp.path(), World().pki.auth_ca, AnchorKind::kTest, kNow), IsOk());
  EXPECT_THAT(AddAnchor(temp.path(), World().pki.auth_ca, AnchorKind::kTest, kNow),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST(AnchorStoreTest, LeafCertificateIsNotAnAnchor) {
  TempDir temp;
  auto leaf = pki::Certificate::FromDer(World().profile.auth_certificate);
  ASSERT_THAT(leaf, IsOk());
  EXPECT_THAT(AddAnchor(temp.path(), *leaf, AnchorKind::kTest, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not self-signed")));
}

TEST(AnchorStoreTest, RootOutsideItsValidityIsRefused) {
  TempDir temp;
  EXPECT_THAT(AddAnchor(temp.path(), World().pki.auth_ca, AnchorKind::kTest,
                        World().pki.auth_ca.NotAfter() + std::chrono::hours(1)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not valid now")));
}

TEST(AnchorStoreTest, AbsentFolderIsAnEmptySet) {
  TempDir temp;
  auto anchors = LoadAnchors(temp.path() / "anchors");
  ASSERT_THAT(anchors, IsOk());
  EXPECT_TRUE(anchors->empty());
}

TEST(AnchorStoreTest, DamagedAnchorFileIsAnError) {
  TempDir temp;
  std::ofstream(temp.path() / "jpki-0000.pem")
      << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  auto anchors = LoadAnchors(temp.path());
  EXPECT_FALSE(anchors.ok());
  EXPECT_THAT(anchors.status().message(), HasSubstr("jpki-0000.pem"));
}

}  // namespace
}  // namespace sekisho::access
