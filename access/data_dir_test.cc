#include "access/data_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::access {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::testing::ModeOf;

TEST(OrgSlugTest, KeepsAsciiLettersAndDigits) {
  EXPECT_EQ(OrgSlug("Acme"), "acme");
  EXPECT_EQ(OrgSlug("ACME Corp."), "acme-corp");
  EXPECT_EQ(OrgSlug("  Ministry of X -- Unit 7 "), "ministry-of-x-unit-7");
  EXPECT_EQ(OrgSlug("株式会社 Kansai 関西"), "kansai");
  EXPECT_EQ(OrgSlug("関所"), "org");
  EXPECT_EQ(OrgSlug("../../etc"), "etc");
  EXPECT_EQ(OrgSlug(std::string(100, 'a')), std::string(48, 'a'));
}

TEST(DataDirTest, CreateLaysOutTheDirectory) {
  TempDir temp;
  const auto root = temp.path() / "site" / "data";
  auto dir = DataDir::Create(root);
  ASSERT_THAT(dir, IsOk());
  EXPECT_EQ(ModeOf(root), 0700u);
  EXPECT_TRUE(std::filesystem::is_regular_file(root / "config.json"));
  EXPECT_TRUE(std::filesystem::is_directory(root / "anchors"));
  EXPECT_EQ(ModeOf(root / "orgs"), 0700u);
  EXPECT_TRUE(std::filesystem::is_directory(root / "logs"));
  EXPECT_EQ(dir->registry_path(), root / "registry.db");
  EXPECT_EQ(dir->log_path(), root / "logs" / "sekisho.log");
  EXPECT_EQ(dir->org_key_path("ACME Corp."), root / "orgs" / "acme-corp" / "k_org");

  auto opened = DataDir::Open(root);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->config(), Config{});
}

TEST(DataDirTest, CreateTwiceIsAlreadyExists) {
  TempDir temp;
  ASSERT_THAT(DataDir::Create(temp.path() / "d"), IsOk());
  EXPECT_THAT(DataDir::Create(temp.path() / "d"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("--org NAME")));
}

TEST(DataDirTest, OpenWithoutConfigIsNotFoundWithTheCommand) {
  TempDir temp;
  EXPECT_THAT(DataDir::Open(temp.path()),
              StatusIs(StatusCode::kNotFound, HasSubstr("sekisho init --data")));
}

TEST(DataDirTest, OpenReportsABadConfigWithItsPath) {
  TempDir temp;
  ASSERT_THAT(DataDir::Create(temp.path() / "d"), IsOk());
  std::ofstream(temp.path() / "d" / "config.json") << R"({"format_version": 9})";
  EXPECT_THAT(DataDir::Open(temp.path() / "d"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("config.json")));
}

TEST(DataDirTest, OrganisationsGetTheirOwnKeys) {
  TempDir temp;
  auto dir = DataDir::Create(temp.path() / "d");
  ASSERT_THAT(dir, IsOk());
  SeededRandom random(8);
  ASSERT_THAT(dir->CreateOrgFiles("Acme", random), IsOk());
  ASSERT_THAT(dir->CreateOrgFiles("Globex", random), IsOk());
  EXPECT_EQ(ModeOf(dir->org_dir("Acme")), 0700u);
  EXPECT_EQ(ModeOf(dir->org_key_path("Acme")), 0600u);
  auto a = dir->LoadOrgKey("Acme");
  auto g = dir->LoadOrgKey("Globex");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(g, IsOk());
  EXPECT_FALSE(std::equal(a->view().begin(), a->view().end(), g->view().begin()));
}

TEST(DataDirTest, SlugCollisionIsAlreadyExistsNamingTheOwner) {
  TempDir temp;
  auto dir = DataDir::Create(temp.path() / "d");
  ASSERT_THAT(dir, IsOk());
  SeededRandom random(8);
  ASSERT_THAT(dir->CreateOrgFiles("Acme", random), IsOk());
  EXPECT_THAT(dir->CreateOrgFiles("ACME", random),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("which organisation 'Acme' uses")));
  EXPECT_THAT(dir->CreateOrgFiles("Acme", random), StatusIs(StatusCode::kAlreadyExists));
  // The other name cannot borrow the key either.
  EXPECT_THAT(dir->LoadOrgKey("ACME"), StatusIs(StatusCode::kFailedPrecondition,
                                                HasSubstr("belongs to organisation 'Acme'")));
}

TEST(DataDirTest, LoadingAnUnknownOrganisationIsFailedPrecondition) {
  TempDir temp;
  auto dir = DataDir::Create(temp.path() / "d");
  ASSERT_THAT(dir, IsOk());
  EXPECT_THAT(dir->LoadOrgKey("Nobody"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("sekisho init --org")));
}

TEST(DataDirTest, KeyWithLooseModeIsRefusedThroughTheDataDirectory) {
  TempDir temp;
  auto dir = DataDir::Create(temp.path() / "d");
  ASSERT_THAT(dir, IsOk());
  SeededRandom random(8);
  ASSERT_THAT(dir->CreateOrgFiles("Acme", random), IsOk());
  ASSERT_EQ(::chmod(dir->org_key_path("Acme").c_str(), 0644), 0);
  EXPECT_THAT(dir->LoadOrgKey("Acme"),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("chmod 600")));
}

TEST(DataDirTest, RemoveOrgFilesUndoesCreate) {
  TempDir temp;
  auto dir = DataDir::Create(temp.path() / "d");
  ASSERT_THAT(dir, IsOk());
  SeededRandom random(8);
  ASSERT_THAT(dir->CreateOrgFiles("Acme", random), IsOk());
  dir->RemoveOrgFiles("Acme");
  EXPECT_FALSE(std::filesystem::exists(dir->org_dir("Acme")));
  EXPECT_THAT(dir->CreateOrgFiles("Acme", random), IsOk());
}

}  // namespace
}  // namespace sekisho::access
