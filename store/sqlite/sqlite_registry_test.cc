#include "store/sqlite/sqlite_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "base/random.h"
#include "base/status_matchers.h"
#include "store/registry_conformance.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/registry_sql.h"
#include "store/test_util.h"

namespace sekisho::store::sqlite {
namespace {

using ::sekisho::store::testing::RegistryBackend;
using ::sekisho::store::testing::RegistryConformanceTest;
using ::sekisho::store::testing::RegistryHarness;
using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::store::testing::ReadFile;
using ::sekisho::store::testing::WriteFile;

bool Contains(ByteView haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

// A registry file in a temporary directory (never :memory:). The injected failure is a trigger
// created through a connection of its own, as another process could.
class SqliteHarness final : public RegistryHarness {
 public:
  Result<std::unique_ptr<Registry>> Open(const Clock& clock) override {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteRegistry> registry, SqliteRegistry::Open(path_, clock));
    return std::unique_ptr<Registry>(std::move(registry));
  }

  Status SetEventWriteFailure(bool fail) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path_));
    if (fail) {
      return db->Exec(
          "CREATE TRIGGER IF NOT EXISTS test_fail_events BEFORE INSERT ON admin_events "
          "BEGIN SELECT RAISE(ABORT, 'injected admin event failure'); END");
    }
    return db->Exec("DROP TRIGGER IF EXISTS test_fail_events");
  }

 private:
  ScopedTempDir dir_;
  std::filesystem::path path_ = dir_.path() / "registry.db";
};

INSTANTIATE_TEST_SUITE_P(Sqlite, RegistryConformanceTest,
                         ::testing::Values(RegistryBackend{
                             "Sqlite", [] { return std::make_unique<SqliteHarness>(); }}),
                         &store::testing::RegistryBackendName);

class SqliteRegistryTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / "registry.db"; }

  // An organisation with `count` jpki credentials whose keyed serials are SerialBytes(0..count-1).
  void Populate(Registry& registry, int count) {
    ASSERT_OK_AND_ASSIGN(org_, registry.CreateOrganisation("Ministry A", "hr"));
    for (int i = 0; i < count; ++i) {
      SeededRandom random(static_cast<std::uint64_t>(i) + 1);
      const NewStaff person{StaffRef::Generate(random),
                            "E" + std::to_string(i),
                            "Person " + std::to_string(i),
                            "",
                            clock_.Now(),
                            std::nullopt};
      ASSERT_OK_AND_ASSIGN(const Staff staff, registry.AddStaff(org_.id, person, "hr"));
      const NewCredential credential{CredentialKind::kJpki, random.Generate(32), SerialBytes(i),
                                     clock_.Now() + std::chrono::hours(24 * 365)};
      ASSERT_THAT(registry.AddCredential(org_.id, staff.id, credential, "hr"), IsOk());
    }
  }

  static Bytes SerialBytes(int i) {
    SeededRandom random(1000000 + static_cast<std::uint64_t>(i));
    return random.Generate(32);
  }

  ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1743465600)};
  Organisation org_;
};

TEST_F(SqliteRegistryTest, UsesAFileWithWriteAheadLog) {
  ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
  ASSERT_THAT(registry->CreateOrganisation("Ministry A", "hr"), IsOk());
  EXPECT_TRUE(std::filesystem::exists(Path()));
  EXPECT_TRUE(std::filesystem::exists(Path().string() + "-wal"));
  EXPECT_TRUE(std::filesystem::exists(Path().string() + "-shm"));
  EXPECT_GT(std::filesystem::file_size(Path().string() + "-wal"), 0u);
}

TEST_F(SqliteRegistryTest, LookupsUseTheirIndexes) {
  ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  const struct {
    std::string_view sql;
    std::string_view plan;
  } cases[] = {
      {sql::kCredentialByPseudonym,
       "USING INDEX credentials_org_pseudonym (org_id=? AND pseudonym=?)"},
      {sql::kCredentialByKeyedSerial,
       "USING INDEX credentials_org_keyed_serial (org_id=? AND keyed_serial=?)"},
      {sql::kCrlProbe, "USING INDEX credentials_org_keyed_serial (org_id=? AND keyed_serial=?)"},
      {sql::kCredentialsOfStaff, "USING INDEX credentials_staff (staff_id=?)"},
      {sql::kStaffByNumber, "USING INDEX sqlite_autoindex_staff_2 (org_id=? AND staff_number=?)"},
      {sql::kListStaffWithStatus, "USING INDEX staff_org_status (org_id=? AND status=? AND id>?)"},
      {sql::kListEvents, "USING INDEX admin_events_org (org_id=? AND id<?)"},
  };
  for (const auto& c : cases) {
    ASSERT_OK_AND_ASSIGN(Statement plan, db->Prepare("EXPLAIN QUERY PLAN " + std::string(c.sql)));
    std::string details;
    while (true) {
      ASSERT_OK_AND_ASSIGN(const bool row, plan.Step());
      if (!row) break;
      details += plan.ColumnText(3) + "\n";
    }
    EXPECT_THAT(details, HasSubstr(std::string(c.plan))) << c.sql;
    EXPECT_THAT(details, ::testing::Not(HasSubstr("SCAN"))) << c.sql;
  }
}

TEST_F(SqliteRegistryTest, RandomBytesAreDataLoss) {
  SeededRandom random(5);
  const Bytes garbage = random.Generate(16384);
  WriteFile(Path(), garbage);
  EXPECT_THAT(SqliteRegistry::Open(Path(), clock_), StatusIs(StatusCode::kDataLoss));
  EXPECT_EQ(ReadFile(Path()), garbage);
}

TEST_F(SqliteRegistryTest, CorruptPagesAreDataLoss) {
  {
    ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
    Populate(*registry, 20);
  }
  Bytes file = ReadFile(Path());
  ASSERT_GT(file.size(), 3 * 4096u);
  // Everything after the first page (the schema) becomes noise.
  SeededRandom random(6);
  random.Fill(std::span(file).subspan(4096));
  WriteFile(Path(), file);
  auto registry = SqliteRegistry::Open(Path(), clock_);
  if (!registry.ok()) {
    EXPECT_THAT(registry, StatusIs(StatusCode::kDataLoss));
    return;
  }
  EXPECT_THAT((*registry)->ListOrganisations(), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT((*registry)->FindCredentialByKeyedSerial(org_.id, SerialBytes(3)),
              StatusIs(StatusCode::kDataLoss));
}

TEST_F(SqliteRegistryTest, ACorruptSchemaPageIsDataLoss) {
  {
    ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
    Populate(*registry, 2);
  }
  Bytes file = ReadFile(Path());
  SeededRandom random(7);
  random.Fill(std::span(file).subspan(100, 4096 - 100));  // page 1 after the file header
  WriteFile(Path(), file);
  EXPECT_THAT(SqliteRegistry::Open(Path(), clock_), StatusIs(StatusCode::kDataLoss));
}

TEST_F(SqliteRegistryTest, AMissingDirectoryIsNotFound) {
  EXPECT_THAT(SqliteRegistry::Open(dir_.path() / "absent" / "registry.db", clock_),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(SqliteRegistryTest, ALockedStoreIsUnavailableForWritesButReadable) {
  ASSERT_OK_AND_ASSIGN(
      auto registry,
      SqliteRegistry::Open(Path(), clock_, {{.busy_timeout = std::chrono::milliseconds(30)}}));
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry->CreateOrganisation("Ministry A", "hr"));
  ASSERT_OK_AND_ASSIGN(auto other, Database::Open(Path()));
  ASSERT_OK_AND_ASSIGN(Transaction holding, Transaction::Begin(*other));
  EXPECT_THAT(registry->CreateOrganisation("Agency B", "hr"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("locked")));
  ASSERT_OK_AND_ASSIGN(const Organisation read, registry->GetOrganisation(org.id));
  EXPECT_EQ(read, org);
  ASSERT_THAT(holding.Commit(), IsOk());
  EXPECT_THAT(registry->CreateOrganisation("Agency B", "hr"), IsOk());
}

TEST_F(SqliteRegistryTest, TwoConnectionsOpenAFreshFileAtOnce) {
  for (int round = 0; round < 5; ++round) {
    const auto path = dir_.path() / ("fresh-" + std::to_string(round) + ".db");
    Result<std::unique_ptr<SqliteRegistry>> first = InternalError("not run");
    Result<std::unique_ptr<SqliteRegistry>> second = InternalError("not run");
    std::thread a([&] { first = SqliteRegistry::Open(path, clock_); });
    std::thread b([&] { second = SqliteRegistry::Open(path, clock_); });
    a.join();
    b.join();
    ASSERT_THAT(first, IsOk()) << round;
    ASSERT_THAT(second, IsOk()) << round;
    ASSERT_OK_AND_ASSIGN(const Organisation org, (*first)->CreateOrganisation("Ministry A", "hr"));
    ASSERT_OK_AND_ASSIGN(const Organisation seen, (*second)->GetOrganisation(org.id));
    EXPECT_EQ(seen, org);
  }
}

TEST_F(SqliteRegistryTest, TwoConnectionsWriteConcurrently) {
  ASSERT_OK_AND_ASSIGN(auto first, SqliteRegistry::Open(Path(), clock_));
  ASSERT_OK_AND_ASSIGN(auto second, SqliteRegistry::Open(Path(), clock_));
  ASSERT_OK_AND_ASSIGN(const Organisation org, first->CreateOrganisation("Ministry A", "hr"));
  auto add = [&](Registry* registry, int base, Status* result) {
    SeededRandom random(static_cast<std::uint64_t>(base));
    for (int i = 0; i < 40; ++i) {
      const NewStaff person{StaffRef::Generate(random),
                            "E" + std::to_string(base + i),
                            "P",
                            "",
                            clock_.Now(),
                            std::nullopt};
      *result = registry->AddStaff(org.id, person, "hr").status();
      if (!result->ok()) return;
    }
  };
  Status a_result;
  Status b_result;
  std::thread a(add, first.get(), 1000, &a_result);
  std::thread b(add, second.get(), 2000, &b_result);
  a.join();
  b.join();
  ASSERT_THAT(a_result, IsOk());
  ASSERT_THAT(b_result, IsOk());
  ASSERT_OK_AND_ASSIGN(const Page<Staff> all, first->ListStaff(org.id, {{}, {kMaxPageSize, ""}}));
  EXPECT_EQ(all.items.size(), 80u);
}

TEST_F(SqliteRegistryTest, EveryCrlMatchPlanGivesTheSameResult) {
  using Plan = SqliteRegistry::CrlMatch;
  std::vector<std::set<std::int64_t>> revoked_per_plan;
  for (const Plan plan : {Plan::kAuto, Plan::kProbeIndex, Plan::kScanAndHash, Plan::kTempTable}) {
    const auto path = dir_.path() / ("plan-" + std::to_string(static_cast<int>(plan)) + ".db");
    ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(path, clock_, {.crl_match = plan}));
    Populate(*registry, 30);
    std::vector<Bytes> crl;
    for (int i = 0; i < 30; i += 3) crl.push_back(SerialBytes(i));
    for (int i = 100; i < 150; ++i) crl.push_back(SerialBytes(i));  // not enrolled
    crl.push_back(SerialBytes(3));                                  // repeated
    std::size_t marked = 0;
    ASSERT_THAT(registry->MarkRevokedByKeyedSerials(org_.id, crl, clock_.Now(), "crl", &marked),
                IsOk());
    EXPECT_EQ(marked, 10u);
    // The temporary table of one import does not leak into the next.
    ASSERT_THAT(registry->MarkRevokedByKeyedSerials(org_.id, {}, clock_.Now(), "crl", &marked),
                IsOk());
    EXPECT_EQ(marked, 0u);
    std::set<std::int64_t> revoked;
    for (int i = 0; i < 30; ++i) {
      ASSERT_OK_AND_ASSIGN(const Credential c,
                           registry->FindCredentialByKeyedSerial(org_.id, SerialBytes(i)));
      if (c.status == CredentialStatus::kRevoked) revoked.insert(i);
    }
    EXPECT_EQ(revoked.size(), 10u);
    revoked_per_plan.push_back(revoked);
  }
  for (const auto& revoked : revoked_per_plan) EXPECT_EQ(revoked, revoked_per_plan.front());
}

// The schema has no place for card data (registry.h, privacy rule): no column is named after it.
TEST_F(SqliteRegistryTest, TheSchemaHasNoColumnForCardData) {
  ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(Path()));
  ASSERT_OK_AND_ASSIGN(Statement columns,
                       db->Prepare("SELECT m.name, p.name FROM sqlite_schema AS m, "
                                   "pragma_table_info(m.name) AS p WHERE m.type = 'table'"));
  int count = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(const bool row, columns.Step());
    if (!row) break;
    ++count;
    const std::string column = columns.ColumnText(1);
    for (const char* forbidden : {"number", "mynumber", "individual", "cert", "spki", "public_key",
                                  "pin", "serial", "card", "address", "birth"}) {
      if (column == "staff_number" || column == "keyed_serial") continue;
      EXPECT_THAT(column, ::testing::Not(HasSubstr(forbidden)))
          << columns.ColumnText(0) << "." << column;
    }
  }
  EXPECT_GT(count, 30);
}

TEST_F(SqliteRegistryTest, RefusedFreeTextNeverReachesTheFile) {
  constexpr char kIndividualNumber[] = "123456789018";
  {
    ASSERT_OK_AND_ASSIGN(auto registry, SqliteRegistry::Open(Path(), clock_));
    Populate(*registry, 1);
    ASSERT_OK_AND_ASSIGN(const Staff staff, registry->FindStaffByNumber(org_.id, "E0"));
    EXPECT_THAT(registry->AppendEvent(org_.id, {AdminAction::kStaffUpdated, staff.id, std::nullopt,
                                                "hr", std::string("checked ") + kIndividualNumber}),
                StatusIs(StatusCode::kInvalidArgument));
    NewStaff person{StaffRef::Generate(*std::make_unique<SeededRandom>(77)),
                    "E9",
                    std::string("Name ") + kIndividualNumber,
                    "",
                    clock_.Now(),
                    std::nullopt};
    EXPECT_THAT(registry->AddStaff(org_.id, person, "hr"), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_FALSE(Contains(ReadFile(Path().string() + "-wal"), kIndividualNumber));
  }
  EXPECT_FALSE(Contains(ReadFile(Path()), kIndividualNumber));
}

}  // namespace
}  // namespace sekisho::store::sqlite
