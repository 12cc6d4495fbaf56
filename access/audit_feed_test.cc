#include "access/audit_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "base/status_matchers.h"
#include "store/sqlite/database.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::access {
namespace {

using ::sekisho::store::testing::ScopedTempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::int64_t kStartMillis = 1743499800123;  // 2025-04-01T09:30:00.123Z

TEST(EncodeAdminRecordTest, IsCanonicalJsonWithSortedKeysAndNoWhitespace) {
  const store::Organisation org{store::OrganisationId(1), "Acme", store::FromUnixMillis(0)};
  store::AdminEvent event;
  event.id = store::AdminEventId(7);
  event.org = org.id;
  event.at = store::FromUnixMillis(kStartMillis);
  event.actor = "hr-1";
  event.action = store::AdminAction::kRevoked;
  event.staff = store::StaffId(3);
  event.credential = store::CredentialId(4);
  event.detail = "active -> revoked";
  EXPECT_EQ(ToString(EncodeAdminRecord(org, event)),
            R"({"action":"revoked","actor":"hr-1","at":"2025-04-01T09:30:00.123Z",)"
            R"("credential":4,"detail":"active -> revoked","event":7,"org":"Acme","org_id":1,)"
            R"("staff":3,"v":1})");

  // No staff or credential: the keys are left out. Strings keep their UTF-8 and escape only '"',
  // '\' and controls (RFC 8785 §3.2.2.2); a byte that is not UTF-8 becomes U+FFFD.
  event.id = store::AdminEventId(12);
  event.at = store::FromUnixMillis(1709251199999);  // the last millisecond of a leap day
  event.actor = "管理者 \"a\\b\"";
  event.action = store::AdminAction::kOrganisationCreated;
  event.staff.reset();
  event.credential.reset();
  event.detail = "x\xFFy";
  const store::Organisation other{store::OrganisationId(23), "Globex K.K.", {}};
  EXPECT_EQ(ToString(EncodeAdminRecord(other, event)),
            R"({"action":"organisation-created","actor":"管理者 \"a\\b\"",)"
            R"("at":"2024-02-29T23:59:59.999Z","detail":"x)"
            "\xEF\xBF\xBD"
            R"(y","event":12,"org":"Globex K.K.","org_id":23,"v":1})");
}

TEST(AdminEventFeedTest, NamesTheOrganisationById) {
  EXPECT_EQ(AdminEventFeed(store::OrganisationId(1)), "registry/admin-events/org/1");
  EXPECT_EQ(AdminEventFeed(store::OrganisationId(42)), "registry/admin-events/org/42");
}

// A data directory's two stores: the real SQLite registry and the audit log, in a temporary
// directory.
class AuditFeedTest : public ::testing::Test {
 protected:
  AuditFeedTest()
      : clock_(store::FromUnixMillis(kStartMillis)),
        key_(*Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x17))) {
    registry_ = OpenRegistry(dir_.path() / "registry.db");
    ReopenLog();
  }

  std::unique_ptr<store::sqlite::SqliteRegistry> OpenRegistry(const std::filesystem::path& path) {
    auto registry = store::sqlite::SqliteRegistry::Open(path, clock_);
    EXPECT_THAT(registry, IsOk());
    return registry.ok() ? std::move(registry).value() : nullptr;
  }

  // Closes the log (as a process that ends) and opens it again.
  void ReopenLog() {
    log_.reset();
    audit::AuditLog::Options options;
    options.durability = store::sqlite::Transaction::Durability::kNormal;
    auto log = audit::AuditLog::Open(dir_.path() / audit::kAuditLogFileName, "example.org/audit",
                                     key_.public_key(), random_, clock_, options);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(log).value();
  }

  store::Organisation AddOrg(std::string_view name) {
    clock_.Advance(std::chrono::milliseconds(1));
    auto org = registry_->CreateOrganisation(name, "test-admin");
    EXPECT_THAT(org, IsOk());
    return org.value_or(store::Organisation{});
  }

  store::Staff AddStaff(const store::Organisation& org, std::string_view number) {
    clock_.Advance(std::chrono::milliseconds(1));
    store::NewStaff staff;
    staff.staff_ref = store::StaffRef::Generate(random_);
    staff.staff_number = number;
    staff.display_name = "Aoi Tanaka";
    staff.valid_from = clock_.Now();
    auto added = registry_->AddStaff(org.id, staff, "hr-1");
    EXPECT_THAT(added, IsOk());
    return added.value_or(store::Staff{});
  }

  // A credential enrolled and then revoked: two events naming staff and credential.
  void EnrolAndRevoke(const store::Organisation& org, const store::Staff& staff) {
    clock_.Advance(std::chrono::milliseconds(1));
    store::NewCredential credential;
    credential.pseudonym = random_.Generate(store::kPseudonymSize);
    credential.keyed_serial = random_.Generate(store::kKeyedSerialSize);
    credential.not_after = clock_.Now() + std::chrono::hours(24 * 365);
    auto added = registry_->AddCredential(org.id, staff.id, credential, "enrol-desk-1");
    ASSERT_THAT(added, IsOk());
    ASSERT_THAT(registry_->SetCredentialStatus(org.id, added->id, store::CredentialStatus::kRevoked,
                                               "card lost", "security-admin"),
                IsOk());
  }

  // FeedAdminEvents of every organisation (or of `org`): how many records it appended, or
  // kFailed after failing the test.
  static constexpr std::size_t kFailed = static_cast<std::size_t>(-1);
  std::size_t Feed(const AdminFeedOptions& options = {}) {
    auto fed = FeedAdminEvents(*registry_, *log_, options);
    EXPECT_THAT(fed, IsOk());
    return fed.value_or(kFailed);
  }
  std::size_t FeedOrg(store::OrganisationId org) {
    auto fed = FeedAdminEvents(*registry_, org, *log_);
    EXPECT_THAT(fed, IsOk());
    return fed.value_or(kFailed);
  }
  std::optional<std::int64_t> Position(store::OrganisationId org) {
    auto position = log_->FeedPosition(AdminEventFeed(org));
    EXPECT_THAT(position, IsOk());
    return position.value_or(std::nullopt);
  }

  // The organisation's events, oldest first.
  std::vector<store::AdminEvent> Events(const store::Organisation& org) {
    store::PageRequest page;
    page.limit = store::kMaxPageSize;
    auto events = registry_->ListEvents(org.id, page);
    EXPECT_THAT(events, IsOk());
    std::vector<store::AdminEvent> out(events->items.rbegin(), events->items.rend());
    return out;
  }

  // Every record of the log, as it is stored.
  std::vector<std::string> Records() {
    std::vector<std::string> out;
    for (std::uint64_t i = 0; i < log_->size(); ++i) {
      auto entry = log_->GetRecord(i);
      EXPECT_THAT(entry, IsOk());
      EXPECT_EQ(entry->kind, audit::RecordKind::kAdminAction);
      out.push_back(ToString(*entry->record));
    }
    return out;
  }

  // What the log must hold for `events` of `org`, in this order.
  static std::vector<std::string> Expected(const store::Organisation& org,
                                           const std::vector<store::AdminEvent>& events) {
    std::vector<std::string> out;
    for (const store::AdminEvent& e : events) out.push_back(ToString(EncodeAdminRecord(org, e)));
    return out;
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  SeededRandom random_{5};
  Ed25519PrivateKey key_;
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  std::unique_ptr<audit::AuditLog> log_;
};

TEST_F(AuditFeedTest, FeedsEveryEventOnceInIdOrderAndAgainNothing) {
  const store::Organisation acme = AddOrg("Acme");
  const store::Staff staff = AddStaff(acme, "E-1001");
  EnrolAndRevoke(acme, staff);
  const std::vector<store::AdminEvent> events = Events(acme);
  ASSERT_EQ(events.size(), 4u);  // created, staff added, enrolled, revoked

  EXPECT_EQ(FeedOrg(acme.id), 4u);
  EXPECT_EQ(Records(), Expected(acme, events));
  EXPECT_EQ(Position(acme.id), events.back().id.value());
  // The records carry ids, never the staff number, name or the revocation's free-text reason.
  for (const std::string& record : Records()) {
    EXPECT_THAT(record, Not(HasSubstr("E-1001")));
    EXPECT_THAT(record, Not(HasSubstr("Tanaka")));
    EXPECT_THAT(record, Not(HasSubstr("card lost")));
    const auto json = nlohmann::json::parse(record);
    EXPECT_EQ(json["v"], 1);
    EXPECT_EQ(json["org"], "Acme");
  }
  const auto revoked = nlohmann::json::parse(Records().back());
  EXPECT_EQ(revoked["action"], "revoked");
  EXPECT_EQ(revoked["actor"], "security-admin");
  EXPECT_EQ(revoked["staff"], staff.id.value());
  EXPECT_EQ(revoked["detail"], "active -> revoked");

  // A second feed, and one after reopening the log: nothing new.
  EXPECT_EQ(FeedOrg(acme.id), 0u);
  ReopenLog();
  EXPECT_EQ(Feed(), 0u);
  EXPECT_EQ(log_->size(), 4u);
  EXPECT_THAT(log_->Check(), IsOk());
}

TEST_F(AuditFeedTest, EventsCommittedButNotFedBeforeACrashAreFedByTheNextRun) {
  const store::Organisation acme = AddOrg("Acme");
  AddStaff(acme, "E-1001");
  ASSERT_EQ(Feed(), 2u);
  // The registry commits; the process stops before it feeds.
  const store::Staff staff = AddStaff(acme, "E-1002");
  EnrolAndRevoke(acme, staff);
  ReopenLog();
  EXPECT_EQ(Feed(), 3u);
  EXPECT_EQ(Records(), Expected(acme, Events(acme)));
  EXPECT_THAT(log_->Check(), IsOk());
}

TEST_F(AuditFeedTest, AFeedStoppedAfterItsFirstBatchIsCompletedWithoutDuplicates) {
  const store::Organisation acme = AddOrg("Acme");
  for (int i = 0; i < 6; ++i) AddStaff(acme, "E-" + std::to_string(1000 + i));
  const std::vector<store::AdminEvent> events = Events(acme);
  ASSERT_EQ(events.size(), 7u);
  // The second batch of three fails inside its transaction (as if the process died there): the
  // first batch stays, with its position.
  {
    auto raw = store::sqlite::Database::Open(dir_.path() / audit::kAuditLogFileName);
    ASSERT_THAT(raw, IsOk());
    ASSERT_THAT((*raw)->Exec("CREATE TRIGGER fault BEFORE INSERT ON entries WHEN NEW.idx = 4 "
                             "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"),
                IsOk());
  }
  const AdminFeedOptions options{.page_size = 2, .batch_size = 3};
  EXPECT_THAT(FeedAdminEvents(*registry_, *log_, options),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("injected fault")));
  EXPECT_EQ(log_->size(), 3u);
  EXPECT_EQ(Position(acme.id), events[2].id.value());
  {
    auto raw = store::sqlite::Database::Open(dir_.path() / audit::kAuditLogFileName);
    ASSERT_THAT(raw, IsOk());
    ASSERT_THAT((*raw)->Exec("DROP TRIGGER fault"), IsOk());
  }
  ReopenLog();
  EXPECT_EQ(Feed(options), 4u);
  EXPECT_EQ(Records(), Expected(acme, events));
  EXPECT_THAT(log_->Check(), IsOk());
}

TEST_F(AuditFeedTest, PagesAndBatchesKeepTheOrder) {
  const store::Organisation acme = AddOrg("Acme");
  for (int i = 0; i < 8; ++i) AddStaff(acme, "E-" + std::to_string(1000 + i));
  for (const std::size_t page_size : {std::size_t{1}, std::size_t{4}, store::kMaxPageSize}) {
    SCOPED_TRACE(page_size);
    log_.reset();
    std::filesystem::remove(dir_.path() / audit::kAuditLogFileName);
    std::filesystem::remove(dir_.path() / (std::string(audit::kAuditLogFileName) + "-wal"));
    std::filesystem::remove(dir_.path() / (std::string(audit::kAuditLogFileName) + "-shm"));
    ReopenLog();
    EXPECT_EQ(Feed({.page_size = page_size, .batch_size = 2}), 9u);
    EXPECT_EQ(Records(), Expected(acme, Events(acme)));
  }
  // Caught up from the middle of a page.
  AddStaff(acme, "E-2000");
  AddStaff(acme, "E-2001");
  EXPECT_EQ(Feed({.page_size = 3, .batch_size = 1}), 2u);
  EXPECT_EQ(Records(), Expected(acme, Events(acme)));
}

TEST_F(AuditFeedTest, SeveralOrganisationsEachGetTheirEventsOnceInTheirOrder) {
  const store::Organisation acme = AddOrg("Acme");
  const store::Organisation globex = AddOrg("Globex");
  // Interleaved: the event ids of the two organisations alternate.
  AddStaff(acme, "A-1");
  AddStaff(globex, "G-1");
  AddStaff(acme, "A-2");
  EXPECT_EQ(Feed(), 5u);
  std::vector<std::string> expected = Expected(acme, Events(acme));
  for (const std::string& r : Expected(globex, Events(globex))) expected.push_back(r);
  EXPECT_EQ(Records(), expected);

  // One organisation fed on its own leaves the other's new events for later.
  AddStaff(globex, "G-2");
  AddStaff(acme, "A-3");
  EXPECT_EQ(FeedOrg(acme.id), 1u);
  EXPECT_EQ(FeedOrg(acme.id), 0u);
  EXPECT_EQ(Feed(), 1u);
  const std::vector<store::AdminEvent> acme_events = Events(acme);
  const std::vector<store::AdminEvent> globex_events = Events(globex);
  expected.push_back(ToString(EncodeAdminRecord(acme, acme_events.back())));
  expected.push_back(ToString(EncodeAdminRecord(globex, globex_events.back())));
  EXPECT_EQ(Records(), expected);
  EXPECT_EQ(Position(acme.id), acme_events.back().id.value());
  EXPECT_EQ(Position(globex.id), globex_events.back().id.value());
}

TEST_F(AuditFeedTest, ARegistryBehindTheLogIsRefusedAndNothingIsAppended) {
  const store::Organisation acme = AddOrg("Acme");
  AddStaff(acme, "E-1001");
  AddStaff(acme, "E-1002");
  ASSERT_EQ(Feed(), 3u);
  // Another (older, or new) registry beside the same audit log: its newest event of the
  // organisation is #1, the log holds up to #3. Feeding would skip its next two events.
  registry_ = OpenRegistry(dir_.path() / "other-registry.db");
  const store::Organisation other = AddOrg("Acme");
  ASSERT_EQ(other.id, acme.id);
  EXPECT_THAT(FeedAdminEvents(*registry_, *log_),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("the audit log holds the admin events of organisation 'Acme' up "
                                 "to #3, but the registry's newest is #1: the registry was "
                                 "replaced or restored from an older copy")));
  EXPECT_EQ(log_->size(), 3u);
}

TEST_F(AuditFeedTest, RefusesUnknownOrganisationsAndAnEmptyBatch) {
  const store::Organisation acme = AddOrg("Acme");
  EXPECT_THAT(FeedAdminEvents(*registry_, store::OrganisationId(99), *log_),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(FeedAdminEvents(*registry_, acme.id, *log_, {.page_size = 10, .batch_size = 0}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("batch size 0")));
  EXPECT_THAT(FeedAdminEvents(*registry_, acme.id, *log_, {.page_size = 0, .batch_size = 10}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(log_->size(), 0u);
  // An empty registry feeds nothing.
  registry_ = OpenRegistry(dir_.path() / "empty.db");
  EXPECT_EQ(Feed(), 0u);
  EXPECT_THAT(Records(), IsEmpty());
}

}  // namespace
}  // namespace sekisho::access
