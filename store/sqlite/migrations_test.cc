#include "store/sqlite/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "base/status_matchers.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::store::sqlite {
namespace {

using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::store::testing::ReadFile;

class MigrationsTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / "registry.db"; }
  ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1743465600)};
};

TEST(MigrationListTest, IsNumberedInOrderFromOne) {
  const std::span<const Migration> migrations = Migrations();
  ASSERT_GE(migrations.size(), 2u);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].description.empty());
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), migrations.back().version);
}

TEST_F(MigrationsTest, BringsANewFileToTheLatestVersion) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_OK_AND_ASSIGN(const int before, CheckSchema(*db));
  EXPECT_EQ(before, 0);
  ASSERT_THAT(Migrate(*db), IsOk());
  ASSERT_OK_AND_ASSIGN(const std::int64_t version, db->QueryInt("PRAGMA user_version"));
  EXPECT_EQ(version, LatestSchemaVersion());
  ASSERT_OK_AND_ASSIGN(const std::int64_t application_id, db->QueryInt("PRAGMA application_id"));
  EXPECT_EQ(application_id, kApplicationId);
  ASSERT_OK_AND_ASSIGN(const std::int64_t tables,
                       db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                    "name IN ('organisations', 'staff', 'credentials', "
                                    "'admin_events')"));
  EXPECT_EQ(tables, 4);
  // Running again changes nothing.
  ASSERT_THAT(Migrate(*db), IsOk());
  ASSERT_OK_AND_ASSIGN(const int after, CheckSchema(*db));
  EXPECT_EQ(after, LatestSchemaVersion());
}

TEST_F(MigrationsTest, RefusesANewerSchemaWithoutTouchingTheFile) {
  {
    ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
    ASSERT_THAT(registry->CreateOrganisation("Ministry A", "hr"), IsOk());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
    ASSERT_THAT(db->Exec("PRAGMA user_version = 99"), IsOk());
  }
  const Bytes before = ReadFile(Path());
  const std::string expected = "database schema version 99 is newer than this sekisho (" +
                               std::to_string(LatestSchemaVersion()) + "); upgrade sekisho";
  EXPECT_THAT(SqliteRegistry::Open(Path(), clock_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr(expected)));
  EXPECT_EQ(ReadFile(Path()), before);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  EXPECT_THAT(Migrate(*db), StatusIs(StatusCode::kFailedPrecondition, HasSubstr(expected)));
  ASSERT_OK_AND_ASSIGN(const std::int64_t version, db->QueryInt("PRAGMA user_version"));
  EXPECT_EQ(version, 99);
}

TEST_F(MigrationsTest, RefusesAnotherApplicationsDatabase) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
    ASSERT_THAT(db->Exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)"), IsOk());
  }
  EXPECT_THAT(SqliteRegistry::Open(Path(), clock_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a Sekisho registry")));
  const auto other = dir_.path() / "other.db";
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(other));
    ASSERT_THAT(db->Exec("PRAGMA application_id = 1234"), IsOk());
  }
  EXPECT_THAT(SqliteRegistry::Open(other, clock_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("application id 1234")));
}

TEST_F(MigrationsTest, RefusesAnUnknownTarget) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  EXPECT_THAT(Migrate(*db, LatestSchemaVersion() + 1), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Migrate(*db, -1), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(MigrationsTest, AFailingStepIsRolledBackAndStopsTheUpgrade) {
  static constexpr Migration kSteps[] = {
      {1, "first", "PRAGMA application_id = 1397050185; CREATE TABLE a (x INTEGER);"},
      {2, "broken", "CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);"},
      {3, "never reached", "CREATE TABLE c (z INTEGER);"},
  };
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  EXPECT_THAT(Migrate(*db, 3, kSteps),
              StatusIs(StatusCode::kInternal, HasSubstr("schema migration 2 (broken)")));
  ASSERT_OK_AND_ASSIGN(const std::int64_t version, db->QueryInt("PRAGMA user_version"));
  EXPECT_EQ(version, 1);
  ASSERT_OK_AND_ASSIGN(const std::int64_t tables,
                       db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('b', 'c')"));
  EXPECT_EQ(tables, 0);
  ASSERT_OK_AND_ASSIGN(const std::int64_t a, db->QueryInt("SELECT count(*) FROM sqlite_schema "
                                                          "WHERE name = 'a'"));
  EXPECT_EQ(a, 1);
}

// A database written by the first release (schema version 1) is upgraded in place: its rows
// survive, and the columns of version 2 work on them.
TEST_F(MigrationsTest, UpgradesAVersion1DatabaseKeepingItsData) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
    ASSERT_THAT(Migrate(*db, 1), IsOk());
    ASSERT_OK_AND_ASSIGN(const int version, CheckSchema(*db));
    ASSERT_EQ(version, 1);
    ASSERT_THAT(db->Exec(R"sql(
      INSERT INTO organisations (id, name, created_at) VALUES (1, 'Ministry A', 1700000000000);
      INSERT INTO staff (id, org_id, staff_ref, staff_number, display_name, department, status,
                         valid_from, valid_until)
        VALUES (1, 1, x'52000000000000000000000000000001', 'E1', 'Person 1', 'Dept', 'active',
                1700000000000, NULL);
      INSERT INTO credentials (id, org_id, staff_id, kind, pseudonym, keyed_serial, not_after,
                               status, enrolled_at, enrolled_by)
        VALUES (1, 1, 1, 'jpki', zeroblob(32), x'5353535353535353535353535353535353535353535353535353535353535353',
                1900000000000, 'suspended', 1700000001000, 'desk');
      INSERT INTO admin_events (org_id, at, actor, action, staff_id, credential_id, detail)
        VALUES (1, 1700000001000, 'desk', 'enrolled', 1, 1, 'kind jpki');
    )sql"),
                IsOk());
  }
  clock_.Set(FromUnixSeconds(1750000000));
  ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
  const OrganisationId org(1);
  ASSERT_OK_AND_ASSIGN(const Credential old, registry->GetCredential(org, CredentialId(1)));
  EXPECT_EQ(old.status, CredentialStatus::kSuspended);
  EXPECT_EQ(old.status_reason, "");
  EXPECT_EQ(old.status_changed_at, FromUnixMillis(1700000001000));  // the enrolment time
  EXPECT_EQ(old.enrolled_by, "desk");
  EXPECT_EQ(old.replaced_by, std::nullopt);
  ASSERT_OK_AND_ASSIGN(const Staff staff, registry->GetStaff(org, StaffId(1)));
  EXPECT_EQ(staff.staff_number, "E1");
  ASSERT_OK_AND_ASSIGN(const Page<AdminEvent> events, registry->ListEvents(org, {}));
  ASSERT_EQ(events.items.size(), 1u);
  EXPECT_EQ(events.items[0].action, AdminAction::kEnrolled);

  // The columns of version 2 in use on an old row.
  const NewCredential renewal{CredentialKind::kJpki, Bytes(32, 0x77), Bytes(32, 0x78),
                              FromUnixSeconds(1900000000)};
  ASSERT_OK_AND_ASSIGN(const Credential renewed, registry->Rebind(org, old.id, renewal, "desk"));
  ASSERT_OK_AND_ASSIGN(const Credential retired, registry->GetCredential(org, old.id));
  EXPECT_EQ(retired.status, CredentialStatus::kRetired);
  EXPECT_EQ(retired.status_reason, "replaced");
  EXPECT_EQ(retired.replaced_by, renewed.id);
  EXPECT_EQ(retired.status_changed_at, FromUnixSeconds(1750000000));
  ASSERT_THAT(registry->SetCredentialStatus(org, renewed.id, CredentialStatus::kSuspended, "lost",
                                            "holder"),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const Credential suspended, registry->GetCredential(org, renewed.id));
  EXPECT_EQ(suspended.status_reason, "lost");
}

}  // namespace
}  // namespace sekisho::store::sqlite
