#include "store/registry_conformance.h"

#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "base/status_matchers.h"
#include "store/test_util.h"
#include "store/validation.h"

namespace sekisho::store::testing {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string RegistryBackendName(const ::testing::TestParamInfo<RegistryBackend>& info) {
  return info.param.name;
}

void RegistryConformanceTest::SetUp() {
  harness_ = GetParam().make_harness();
  ASSERT_NE(harness_, nullptr);
  ASSERT_OK_AND_ASSIGN(registry_, harness_->Open(clock_));
}

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

constexpr char kHr[] = "hr-admin";
constexpr char kSecurity[] = "security-admin";

// Distinct 32-byte values: a pseudonym and a keyed serial per number.
Bytes Psn(int n) {
  Bytes b(kPseudonymSize, static_cast<std::uint8_t>(n));
  b[0] = 'P';
  b[1] = static_cast<std::uint8_t>(n >> 8);
  return b;
}
Bytes Serial(int n) {
  Bytes b(kKeyedSerialSize, static_cast<std::uint8_t>(n));
  b[0] = 'S';
  b[1] = static_cast<std::uint8_t>(n >> 8);
  return b;
}

StaffRef Ref(int n) {
  Bytes b(StaffRef::kSize, static_cast<std::uint8_t>(n));
  b[0] = 'R';
  b[1] = static_cast<std::uint8_t>(n >> 8);
  return *StaffRef::FromBytes(b);
}

NewStaff Person(int n, TimePoint from) {
  return NewStaff{Ref(n),
                  "E" + std::to_string(1000 + n),
                  "Person " + std::to_string(n),
                  "Department " + std::to_string(n % 3),
                  from,
                  std::nullopt};
}

NewCredential Jpki(int n, TimePoint now) {
  return NewCredential{CredentialKind::kJpki, Psn(n), Serial(n), now + hours(24 * 365)};
}

// Everything a registry holds, read through the interface, for before/after comparisons.
struct Contents {
  std::vector<Organisation> organisations;
  std::vector<Staff> staff;
  std::vector<Credential> credentials;
  std::vector<AdminEvent> events;
  friend bool operator==(const Contents&, const Contents&) = default;
};

Result<Contents> ReadContents(Registry& registry) {
  Contents contents;
  ASSIGN_OR_RETURN(contents.organisations, registry.ListOrganisations());
  for (const Organisation& org : contents.organisations) {
    ASSIGN_OR_RETURN(Page<Staff> staff, registry.ListStaff(org.id, {{}, {kMaxPageSize, ""}}));
    for (const Staff& s : staff.items) {
      ASSIGN_OR_RETURN(std::vector<Credential> credentials, registry.ListCredentials(org.id, s.id));
      contents.credentials.insert(contents.credentials.end(), credentials.begin(),
                                  credentials.end());
    }
    contents.staff.insert(contents.staff.end(), staff.items.begin(), staff.items.end());
    ASSIGN_OR_RETURN(Page<AdminEvent> events, registry.ListEvents(org.id, {kMaxPageSize, ""}));
    contents.events.insert(contents.events.end(), events.items.begin(), events.items.end());
  }
  return contents;
}

std::vector<AdminEvent> Events(Registry& registry, OrganisationId org) {
  auto page = registry.ListEvents(org, {kMaxPageSize, ""});
  EXPECT_THAT(page, IsOk());
  return page.ok() ? page->items : std::vector<AdminEvent>();
}

std::vector<AdminAction> Actions(const std::vector<AdminEvent>& events) {
  std::vector<AdminAction> actions;
  for (const AdminEvent& e : events) actions.push_back(e.action);
  return actions;
}

std::vector<std::int64_t> StaffIds(const std::vector<Staff>& staff) {
  std::vector<std::int64_t> ids;
  for (const Staff& s : staff) ids.push_back(s.id.value());
  return ids;
}

// --- Organisations -------------------------------------------------------------------------------

TEST_P(RegistryConformanceTest, CreatesAndFindsOrganisations) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  clock_.Advance(milliseconds(5));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  EXPECT_EQ(a.name, "Ministry A");
  EXPECT_EQ(a.created_at, FromUnixSeconds(1743465600) + milliseconds(123));
  EXPECT_EQ(b.created_at, a.created_at + milliseconds(5));
  EXPECT_NE(a.id, b.id);

  ASSERT_OK_AND_ASSIGN(const Organisation got, registry().GetOrganisation(a.id));
  EXPECT_EQ(got, a);
  ASSERT_OK_AND_ASSIGN(const Organisation found, registry().FindOrganisationByName("Agency B"));
  EXPECT_EQ(found, b);
  ASSERT_OK_AND_ASSIGN(const std::vector<Organisation> all, registry().ListOrganisations());
  EXPECT_THAT(all, ElementsAre(a, b));

  const std::vector<AdminEvent> events = Events(registry(), a.id);
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].action, AdminAction::kOrganisationCreated);
  EXPECT_EQ(events[0].actor, kHr);
  EXPECT_EQ(events[0].org, a.id);
  EXPECT_EQ(events[0].at, a.created_at);
}

TEST_P(RegistryConformanceTest, OrganisationNamesAreUnique) {
  ASSERT_THAT(registry().CreateOrganisation("Ministry A", kHr), IsOk());
  EXPECT_THAT(registry().CreateOrganisation("Ministry A", kHr),
              StatusIs(StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(const std::vector<Organisation> all, registry().ListOrganisations());
  EXPECT_THAT(all, SizeIs(1));
}

TEST_P(RegistryConformanceTest, OrganisationErrors) {
  EXPECT_THAT(registry().CreateOrganisation("", kHr), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().CreateOrganisation("Bad\nName", kHr),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().CreateOrganisation(std::string(kMaxOrganisationNameLength + 1, 'x'), kHr),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().CreateOrganisation("Ministry A", ""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("actor")));
  EXPECT_THAT(registry().GetOrganisation(OrganisationId(42)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().FindOrganisationByName("Nobody"), StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(const std::vector<Organisation> all, registry().ListOrganisations());
  EXPECT_THAT(all, IsEmpty());
}

// --- Staff ---------------------------------------------------------------------------------------

TEST_P(RegistryConformanceTest, AddsAndFindsStaff) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  NewStaff person = Person(1, clock_.Now());
  person.valid_until = clock_.Now() + hours(24 * 30) + std::chrono::microseconds(999);
  ASSERT_OK_AND_ASSIGN(const Staff staff, registry().AddStaff(org.id, person, kHr));
  EXPECT_EQ(staff.org, org.id);
  EXPECT_EQ(staff.staff_ref, person.staff_ref);
  EXPECT_EQ(staff.staff_number, "E1001");
  EXPECT_EQ(staff.display_name, "Person 1");
  EXPECT_EQ(staff.department, "Department 1");
  EXPECT_EQ(staff.status, StaffStatus::kActive);
  EXPECT_EQ(staff.valid_from, TruncateToMillis(person.valid_from));
  EXPECT_EQ(staff.valid_until, TruncateToMillis(*person.valid_until));

  ASSERT_OK_AND_ASSIGN(const Staff by_id, registry().GetStaff(org.id, staff.id));
  EXPECT_EQ(by_id, staff);
  ASSERT_OK_AND_ASSIGN(const Staff by_number, registry().FindStaffByNumber(org.id, "E1001"));
  EXPECT_EQ(by_number, staff);
  ASSERT_OK_AND_ASSIGN(const Staff by_ref, registry().FindStaffByRef(org.id, person.staff_ref));
  EXPECT_EQ(by_ref, staff);

  const std::vector<AdminEvent> events = Events(registry(), org.id);
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].action, AdminAction::kStaffAdded);
  EXPECT_EQ(events[0].staff, staff.id);
  EXPECT_EQ(events[0].credential, std::nullopt);
  // The event names the staff member by id only.
  EXPECT_THAT(events[0].detail, ::testing::Not(HasSubstr("Person")));
}

TEST_P(RegistryConformanceTest, StaffNumbersAreUniquePerOrganisation) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_THAT(registry().AddStaff(a.id, Person(1, clock_.Now()), kHr), IsOk());

  NewStaff same_number = Person(2, clock_.Now());
  same_number.staff_number = "E1001";
  EXPECT_THAT(registry().AddStaff(a.id, same_number, kHr),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("staff number")));
  // Another organisation has its own numbering.
  EXPECT_THAT(registry().AddStaff(b.id, same_number, kHr), IsOk());
  // Staff references are unique everywhere.
  NewStaff same_ref = Person(3, clock_.Now());
  same_ref.staff_ref = Ref(1);
  EXPECT_THAT(registry().AddStaff(b.id, same_ref, kHr),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("reference")));
}

TEST_P(RegistryConformanceTest, StaffIsScopedToItsOrganisation) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff, registry().AddStaff(a.id, Person(1, clock_.Now()), kHr));
  EXPECT_THAT(registry().GetStaff(b.id, staff.id), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().FindStaffByNumber(b.id, "E1001"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().FindStaffByRef(b.id, Ref(1)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().UpdateStaffStatus(b.id, staff.id, StaffStatus::kLeft, kHr),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().GetStaff(a.id, StaffId(999)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().FindStaffByNumber(a.id, "E9999"), StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, AddStaffChecksItsInput) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  const TimePoint now = clock_.Now();
  EXPECT_THAT(registry().AddStaff(OrganisationId(99), Person(1, now), kHr),
              StatusIs(StatusCode::kNotFound));
  NewStaff empty_number = Person(1, now);
  empty_number.staff_number.clear();
  EXPECT_THAT(registry().AddStaff(org.id, empty_number, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("staff number")));
  NewStaff zero_ref = Person(1, now);
  zero_ref.staff_ref = StaffRef();
  EXPECT_THAT(registry().AddStaff(org.id, zero_ref, kHr), StatusIs(StatusCode::kInvalidArgument));
  NewStaff backwards = Person(1, now);
  backwards.valid_until = now - hours(1);
  EXPECT_THAT(registry().AddStaff(org.id, backwards, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("valid_until")));
  NewStaff number_in_name = Person(1, now);
  number_in_name.display_name = "Person 123456789012";
  EXPECT_THAT(registry().AddStaff(org.id, number_in_name, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("Individual Number")));
  ASSERT_OK_AND_ASSIGN(const Contents contents, ReadContents(registry()));
  EXPECT_THAT(contents.staff, IsEmpty());
}

TEST_P(RegistryConformanceTest, ListsStaffInPages) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation other, registry().CreateOrganisation("Agency B", kHr));
  std::vector<std::int64_t> expected;
  for (int i = 0; i < 25; ++i) {
    ASSERT_OK_AND_ASSIGN(const Staff s, registry().AddStaff(org.id, Person(i, clock_.Now()), kHr));
    expected.push_back(s.id.value());
    if (i % 5 == 0) {
      ASSERT_THAT(registry().AddStaff(other.id, Person(100 + i, clock_.Now()), kHr), IsOk());
    }
  }
  std::vector<std::int64_t> seen;
  std::vector<std::size_t> sizes;
  StaffQuery query;
  query.page.limit = 10;
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(const Page<Staff> page, registry().ListStaff(org.id, query));
    sizes.push_back(page.items.size());
    for (const Staff& s : page.items) {
      EXPECT_EQ(s.org, org.id);
      seen.push_back(s.id.value());
    }
    if (page.next_page_token.empty()) break;
    query.page.page_token = page.next_page_token;
  }
  EXPECT_THAT(sizes, ElementsAre(10, 10, 5));
  EXPECT_EQ(seen, expected);

  // A page that ends exactly at the last row has no next token.
  query.page = {25, ""};
  ASSERT_OK_AND_ASSIGN(const Page<Staff> all, registry().ListStaff(org.id, query));
  EXPECT_THAT(all.items, SizeIs(25));
  EXPECT_TRUE(all.next_page_token.empty());
}

TEST_P(RegistryConformanceTest, ListsStaffWithOneStatus) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  std::vector<std::int64_t> suspended;
  for (int i = 0; i < 12; ++i) {
    ASSERT_OK_AND_ASSIGN(const Staff s, registry().AddStaff(org.id, Person(i, clock_.Now()), kHr));
    if (i % 3 == 0) {
      ASSERT_THAT(registry().UpdateStaffStatus(org.id, s.id, StaffStatus::kSuspended, kHr), IsOk());
      suspended.push_back(s.id.value());
    } else if (i % 3 == 1) {
      ASSERT_THAT(registry().UpdateStaffStatus(org.id, s.id, StaffStatus::kLeft, kHr), IsOk());
    }
  }
  StaffQuery query{StaffStatus::kSuspended, {3, ""}};
  ASSERT_OK_AND_ASSIGN(const Page<Staff> first, registry().ListStaff(org.id, query));
  ASSERT_FALSE(first.next_page_token.empty());
  query.page.page_token = first.next_page_token;
  ASSERT_OK_AND_ASSIGN(const Page<Staff> second, registry().ListStaff(org.id, query));
  EXPECT_TRUE(second.next_page_token.empty());
  std::vector<std::int64_t> seen = StaffIds(first.items);
  for (std::int64_t id : StaffIds(second.items)) seen.push_back(id);
  EXPECT_EQ(seen, suspended);
  for (const Staff& s : second.items) EXPECT_EQ(s.status, StaffStatus::kSuspended);

  ASSERT_OK_AND_ASSIGN(const Page<Staff> active,
                       registry().ListStaff(org.id, {StaffStatus::kActive, {100, ""}}));
  EXPECT_THAT(active.items, SizeIs(4));
  ASSERT_OK_AND_ASSIGN(const Page<Staff> everyone, registry().ListStaff(org.id, {}));
  EXPECT_THAT(everyone.items, SizeIs(12));
}

TEST_P(RegistryConformanceTest, ListStaffRejectsBadPaging) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  EXPECT_THAT(registry().ListStaff(org.id, {std::nullopt, {0, ""}}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().ListStaff(org.id, {std::nullopt, {kMaxPageSize + 1, ""}}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().ListStaff(org.id, {std::nullopt, {10, "not a token"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("page token")));
  EXPECT_THAT(registry().ListStaff(OrganisationId(99), {}), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().ListEvents(org.id, {0, ""}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().ListEvents(org.id, {10, "after:-1"}),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_P(RegistryConformanceTest, UpdatesStaffStatusWithAnEvent) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_THAT(registry().UpdateStaffStatus(org.id, staff.id, StaffStatus::kSuspended, kSecurity),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const Staff updated, registry().GetStaff(org.id, staff.id));
  EXPECT_EQ(updated.status, StaffStatus::kSuspended);
  std::vector<AdminEvent> events = Events(registry(), org.id);
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].action, AdminAction::kStaffUpdated);
  EXPECT_EQ(events[0].actor, kSecurity);
  EXPECT_EQ(events[0].staff, staff.id);
  EXPECT_EQ(events[0].detail, "status active -> suspended");

  // An unchanged status writes nothing.
  ASSERT_THAT(registry().UpdateStaffStatus(org.id, staff.id, StaffStatus::kSuspended, kSecurity),
              IsOk());
  EXPECT_THAT(Events(registry(), org.id), SizeIs(3));
  EXPECT_THAT(registry().UpdateStaffStatus(org.id, StaffId(99), StaffStatus::kLeft, kHr),
              StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, LeavingRetiresUsableCredentials) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff colleague,
                       registry().AddStaff(org.id, Person(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential active,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential suspended,
                       registry().AddCredential(org.id, staff.id, Jpki(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential revoked,
                       registry().AddCredential(org.id, staff.id, Jpki(3, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential other,
                       registry().AddCredential(org.id, colleague.id, Jpki(4, clock_.Now()), kHr));
  ASSERT_THAT(registry().SetCredentialStatus(org.id, suspended.id, CredentialStatus::kSuspended,
                                             "lost", kSecurity),
              IsOk());
  ASSERT_THAT(registry().SetCredentialStatus(org.id, revoked.id, CredentialStatus::kRevoked,
                                             "stolen", kSecurity),
              IsOk());
  clock_.Advance(hours(1));
  ASSERT_THAT(registry().UpdateStaffStatus(org.id, staff.id, StaffStatus::kLeft, kHr), IsOk());

  ASSERT_OK_AND_ASSIGN(const std::vector<Credential> after,
                       registry().ListCredentials(org.id, staff.id));
  ASSERT_THAT(after, SizeIs(3));
  EXPECT_EQ(after[0].status, CredentialStatus::kRetired);
  EXPECT_EQ(after[0].status_reason, "staff left");
  EXPECT_EQ(after[0].status_changed_at, TruncateToMillis(clock_.Now()));
  EXPECT_EQ(after[1].status, CredentialStatus::kRetired);
  EXPECT_EQ(after[2].status, CredentialStatus::kRevoked);
  EXPECT_EQ(after[2].status_reason, "stolen");
  ASSERT_OK_AND_ASSIGN(const Credential untouched, registry().GetCredential(org.id, other.id));
  EXPECT_EQ(untouched, other);

  const std::vector<AdminEvent> events = Events(registry(), org.id);
  EXPECT_EQ(events[0].action, AdminAction::kRetired);
  EXPECT_EQ(events[0].credential, suspended.id);
  EXPECT_EQ(events[1].action, AdminAction::kRetired);
  EXPECT_EQ(events[1].credential, active.id);
  EXPECT_EQ(events[2].action, AdminAction::kStaffUpdated);
  EXPECT_EQ(events[2].detail, "status active -> left");

  // Nobody who left gets a new or reinstated credential; coming back lifts that.
  EXPECT_THAT(registry().AddCredential(org.id, staff.id, Jpki(5, clock_.Now()), kHr),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("left")));
  ASSERT_THAT(registry().UpdateStaffStatus(org.id, staff.id, StaffStatus::kActive, kHr), IsOk());
  EXPECT_THAT(registry().AddCredential(org.id, staff.id, Jpki(5, clock_.Now()), kHr), IsOk());
}

TEST_P(RegistryConformanceTest, UpdatesStaffValidity) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  const TimePoint from = clock_.Now() + hours(24);
  const TimePoint until = clock_.Now() + hours(48);
  ASSERT_THAT(registry().UpdateStaffValidity(org.id, staff.id, from, until, kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Staff updated, registry().GetStaff(org.id, staff.id));
  EXPECT_EQ(updated.valid_from, TruncateToMillis(from));
  EXPECT_EQ(updated.valid_until, TruncateToMillis(until));
  ASSERT_THAT(registry().UpdateStaffValidity(org.id, staff.id, from, std::nullopt, kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Staff open_ended, registry().GetStaff(org.id, staff.id));
  EXPECT_EQ(open_ended.valid_until, std::nullopt);
  EXPECT_EQ(Events(registry(), org.id)[0].detail, "validity changed");

  EXPECT_THAT(registry().UpdateStaffValidity(org.id, staff.id, until, from, kHr),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(registry().UpdateStaffValidity(org.id, StaffId(99), from, until, kHr),
              StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, UpdatesStaffDetails) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff colleague,
                       registry().AddStaff(org.id, Person(2, clock_.Now()), kHr));
  clock_.Advance(hours(1));

  // Only the department: the name is kept, the event names the field but not its value.
  ASSERT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {std::nullopt, "Finance"}, kHr),
              IsOk());
  ASSERT_OK_AND_ASSIGN(Staff updated, registry().GetStaff(org.id, staff.id));
  Staff expected = staff;
  expected.department = "Finance";
  EXPECT_EQ(updated, expected);
  std::vector<AdminEvent> events = Events(registry(), org.id);
  ASSERT_THAT(events, SizeIs(4));
  EXPECT_EQ(events[0].action, AdminAction::kStaffUpdated);
  EXPECT_EQ(events[0].actor, kHr);
  EXPECT_EQ(events[0].staff, staff.id);
  EXPECT_EQ(events[0].credential, std::nullopt);
  EXPECT_EQ(events[0].at, TruncateToMillis(clock_.Now()));
  EXPECT_EQ(events[0].detail, "department changed");

  // Both; the department may become empty. The staff number and everything else stay.
  ASSERT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"Hanako Sato", ""}, kSecurity),
              IsOk());
  ASSERT_OK_AND_ASSIGN(updated, registry().GetStaff(org.id, staff.id));
  expected.display_name = "Hanako Sato";
  expected.department = "";
  EXPECT_EQ(updated, expected);
  ASSERT_OK_AND_ASSIGN(const Staff by_number,
                       registry().FindStaffByNumber(org.id, staff.staff_number));
  EXPECT_EQ(by_number, expected);
  events = Events(registry(), org.id);
  ASSERT_THAT(events, SizeIs(5));
  EXPECT_EQ(events[0].actor, kSecurity);
  EXPECT_EQ(events[0].detail, "display name, department changed");
  // The colleague is untouched.
  ASSERT_OK_AND_ASSIGN(const Staff other, registry().GetStaff(org.id, colleague.id));
  EXPECT_EQ(other, colleague);

  // Values already held write nothing.
  ASSERT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"Hanako Sato", ""}, kHr), IsOk());
  EXPECT_THAT(Events(registry(), org.id), SizeIs(5));
}

TEST_P(RegistryConformanceTest, RefusesBadStaffDetailsWithTheCreationRules) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation other, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Contents before, ReadContents(registry()));

  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"", std::nullopt}, kHr),
              StatusIs(StatusCode::kInvalidArgument, "display name is empty"));
  EXPECT_THAT(registry().UpdateStaffDetails(
                  org.id, staff.id, {std::string(kMaxPersonTextLength + 1, 'n'), "Finance"}, kHr),
              StatusIs(StatusCode::kInvalidArgument, "display name is longer than 200 bytes"));
  EXPECT_THAT(
      registry().UpdateStaffDetails(
          org.id, staff.id, {std::nullopt, std::string(kMaxPersonTextLength + 1, 'd')}, kHr),
      StatusIs(StatusCode::kInvalidArgument, "department is longer than 200 bytes"));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"Hanako\nSato", std::nullopt}, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("control character")));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {std::nullopt, "123456789012"}, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("Individual Number")));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {}, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nothing to change")));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"Hanako Sato", std::nullopt}, ""),
              StatusIs(StatusCode::kInvalidArgument, "actor is empty"));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, StaffId(99), {"Hanako Sato", "X"}, kHr),
              StatusIs(StatusCode::kNotFound));
  // A staff member of another organisation is not found there.
  EXPECT_THAT(registry().UpdateStaffDetails(other.id, staff.id, {"Hanako Sato", "X"}, kHr),
              StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(const Contents after, ReadContents(registry()));
  EXPECT_EQ(after, before);
}

// --- Credentials ---------------------------------------------------------------------------------

TEST_P(RegistryConformanceTest, EnrolsAndFindsCredentials) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  clock_.Advance(milliseconds(250));
  const NewCredential jpki = Jpki(1, clock_.Now());
  ASSERT_OK_AND_ASSIGN(const Credential c, registry().AddCredential(org.id, staff.id, jpki, kHr));
  EXPECT_EQ(c.org, org.id);
  EXPECT_EQ(c.staff, staff.id);
  EXPECT_EQ(c.kind, CredentialKind::kJpki);
  EXPECT_EQ(c.pseudonym, Psn(1));
  EXPECT_EQ(c.keyed_serial, Serial(1));
  EXPECT_EQ(c.not_after, TruncateToMillis(jpki.not_after));
  EXPECT_EQ(c.status, CredentialStatus::kActive);
  EXPECT_EQ(c.status_reason, "");
  EXPECT_EQ(c.enrolled_at, TruncateToMillis(clock_.Now()));
  EXPECT_EQ(c.status_changed_at, c.enrolled_at);
  EXPECT_EQ(c.enrolled_by, kHr);
  EXPECT_EQ(c.replaced_by, std::nullopt);

  ASSERT_OK_AND_ASSIGN(const Credential by_id, registry().GetCredential(org.id, c.id));
  EXPECT_EQ(by_id, c);
  ASSERT_OK_AND_ASSIGN(const Credential by_psn,
                       registry().FindCredentialByPseudonym(org.id, Psn(1)));
  EXPECT_EQ(by_psn, c);
  ASSERT_OK_AND_ASSIGN(const Credential by_serial,
                       registry().FindCredentialByKeyedSerial(org.id, Serial(1)));
  EXPECT_EQ(by_serial, c);
  EXPECT_THAT(registry().FindCredentialByPseudonym(org.id, Psn(2)),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().FindCredentialByKeyedSerial(org.id, Serial(2)),
              StatusIs(StatusCode::kNotFound));

  const std::vector<AdminEvent> events = Events(registry(), org.id);
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].action, AdminAction::kEnrolled);
  EXPECT_EQ(events[0].staff, staff.id);
  EXPECT_EQ(events[0].credential, c.id);
  EXPECT_EQ(events[0].at, c.enrolled_at);
  EXPECT_EQ(events[0].detail, "kind jpki");
}

TEST_P(RegistryConformanceTest, BadgesMayLackAKeyedSerial) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  const NewCredential badge{CredentialKind::kBadge, Psn(7), std::nullopt, clock_.Now() + hours(24)};
  ASSERT_OK_AND_ASSIGN(const Credential c, registry().AddCredential(org.id, staff.id, badge, kHr));
  EXPECT_EQ(c.keyed_serial, std::nullopt);
  // Two badges without serials do not collide.
  const NewCredential free_area{CredentialKind::kFreeArea, Psn(8), std::nullopt,
                                clock_.Now() + hours(24)};
  ASSERT_OK_AND_ASSIGN(const Credential f,
                       registry().AddCredential(org.id, staff.id, free_area, kHr));
  EXPECT_EQ(f.kind, CredentialKind::kFreeArea);
  ASSERT_OK_AND_ASSIGN(const Credential found,
                       registry().FindCredentialByPseudonym(org.id, Psn(8)));
  EXPECT_EQ(found, f);

  NewCredential jpki_without_serial = Jpki(9, clock_.Now());
  jpki_without_serial.keyed_serial.reset();
  EXPECT_THAT(registry().AddCredential(org.id, staff.id, jpki_without_serial, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("keyed serial")));
}

TEST_P(RegistryConformanceTest, PseudonymsAndSerialsAreUniquePerOrganisation) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s1, registry().AddStaff(a.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s2, registry().AddStaff(a.id, Person(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s3, registry().AddStaff(b.id, Person(3, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential first,
                       registry().AddCredential(a.id, s1.id, Jpki(1, clock_.Now()), kHr));

  NewCredential same_psn = Jpki(2, clock_.Now());
  same_psn.pseudonym = Psn(1);
  EXPECT_THAT(registry().AddCredential(a.id, s2.id, same_psn, kHr),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("pseudonym")));
  NewCredential same_serial = Jpki(2, clock_.Now());
  same_serial.keyed_serial = Serial(1);
  EXPECT_THAT(registry().AddCredential(a.id, s2.id, same_serial, kHr),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("keyed serial")));
  // Even a retired credential keeps its pseudonym: a pseudonym names one credential, ever.
  ASSERT_THAT(registry().SetCredentialStatus(a.id, first.id, CredentialStatus::kRetired, "", kHr),
              IsOk());
  EXPECT_THAT(registry().AddCredential(a.id, s2.id, Jpki(1, clock_.Now()), kHr),
              StatusIs(StatusCode::kAlreadyExists));

  // Another organisation is another namespace.
  ASSERT_OK_AND_ASSIGN(const Credential in_b,
                       registry().AddCredential(b.id, s3.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential found_a,
                       registry().FindCredentialByPseudonym(a.id, Psn(1)));
  ASSERT_OK_AND_ASSIGN(const Credential found_b,
                       registry().FindCredentialByPseudonym(b.id, Psn(1)));
  EXPECT_EQ(found_a.id, first.id);
  EXPECT_EQ(found_b.id, in_b.id);
  EXPECT_THAT(registry().GetCredential(b.id, first.id), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().SetCredentialStatus(b.id, first.id, CredentialStatus::kRevoked, "", kHr),
              StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, AddCredentialChecksItsInputAndTheStaffMember) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  NewStaff temporary = Person(1, clock_.Now());
  temporary.valid_until = clock_.Now() + hours(1);
  ASSERT_OK_AND_ASSIGN(const Staff staff, registry().AddStaff(a.id, temporary, kHr));
  const TimePoint now = clock_.Now();

  NewCredential short_psn = Jpki(1, now);
  short_psn.pseudonym.pop_back();
  EXPECT_THAT(registry().AddCredential(a.id, staff.id, short_psn, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pseudonym: expected 32 bytes")));
  NewCredential long_serial = Jpki(1, now);
  long_serial.keyed_serial->push_back(0);
  EXPECT_THAT(registry().AddCredential(a.id, staff.id, long_serial, kHr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("keyed serial")));
  EXPECT_THAT(registry().AddCredential(a.id, StaffId(99), Jpki(1, now), kHr),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().AddCredential(b.id, staff.id, Jpki(1, now), kHr),
              StatusIs(StatusCode::kNotFound));
  NewCredential expired = Jpki(1, now);
  expired.not_after = now - hours(1);
  EXPECT_THAT(registry().AddCredential(a.id, staff.id, expired, kHr),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("expired")));
  clock_.Advance(hours(2));  // past the staff member's validity
  EXPECT_THAT(registry().AddCredential(a.id, staff.id, Jpki(1, clock_.Now()), kHr),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no longer valid")));

  ASSERT_OK_AND_ASSIGN(const Contents contents, ReadContents(registry()));
  EXPECT_THAT(contents.credentials, IsEmpty());
}

TEST_P(RegistryConformanceTest, ListsCredentialsOfOneStaffMember) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s1, registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s2, registry().AddStaff(org.id, Person(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c1,
                       registry().AddCredential(org.id, s1.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c2,
                       registry().AddCredential(org.id, s2.id, Jpki(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c3,
                       registry().AddCredential(org.id, s1.id, Jpki(3, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const std::vector<Credential> of_s1,
                       registry().ListCredentials(org.id, s1.id));
  EXPECT_THAT(of_s1, ElementsAre(c1, c3));
  ASSERT_OK_AND_ASSIGN(const std::vector<Credential> of_s2,
                       registry().ListCredentials(org.id, s2.id));
  EXPECT_THAT(of_s2, ElementsAre(c2));
  EXPECT_THAT(registry().ListCredentials(org.id, StaffId(99)), StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, ListsEveryCredentialOfAnOrganisationWithItsStaff) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation other, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s1, registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  NewStaff limited = Person(2, clock_.Now() - hours(1));
  limited.valid_until = clock_.Now() + hours(100);
  ASSERT_OK_AND_ASSIGN(const Staff s2, registry().AddStaff(org.id, limited, kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s3, registry().AddStaff(other.id, Person(3, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c1,
                       registry().AddCredential(org.id, s1.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c2,
                       registry().AddCredential(org.id, s2.id, Jpki(2, clock_.Now()), kHr));
  ASSERT_THAT(registry().AddCredential(other.id, s3.id, Jpki(3, clock_.Now()), kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Credential c4,
                       registry().AddCredential(org.id, s1.id, Jpki(4, clock_.Now()), kHr));
  ASSERT_THAT(
      registry().SetCredentialStatus(org.id, c4.id, CredentialStatus::kRevoked, "lost", kSecurity),
      IsOk());
  ASSERT_THAT(registry().UpdateStaffStatus(org.id, s2.id, StaffStatus::kSuspended, kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Credential c4_revoked, registry().GetCredential(org.id, c4.id));

  ASSERT_OK_AND_ASSIGN(const std::vector<OrganisationCredential> all,
                       registry().ListOrganisationCredentials(org.id));
  ASSERT_THAT(all, SizeIs(3));
  EXPECT_EQ(all[0], (OrganisationCredential{c1, s1.staff_ref, StaffStatus::kActive, s1.valid_from,
                                            std::nullopt}));
  EXPECT_EQ(all[1], (OrganisationCredential{c2, s2.staff_ref, StaffStatus::kSuspended,
                                            s2.valid_from, s2.valid_until}));
  EXPECT_EQ(all[2], (OrganisationCredential{c4_revoked, s1.staff_ref, StaffStatus::kActive,
                                            s1.valid_from, std::nullopt}));
  EXPECT_EQ(all[2].credential.status, CredentialStatus::kRevoked);

  ASSERT_OK_AND_ASSIGN(const Organisation empty, registry().CreateOrganisation("Office C", kHr));
  ASSERT_OK_AND_ASSIGN(const std::vector<OrganisationCredential> none,
                       registry().ListOrganisationCredentials(empty.id));
  EXPECT_THAT(none, IsEmpty());
  EXPECT_THAT(registry().ListOrganisationCredentials(OrganisationId(99)),
              StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, CredentialLifeCycle) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));

  clock_.Advance(milliseconds(10));
  ASSERT_THAT(registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kSuspended,
                                             "reported lost", "holder"),
              IsOk());
  ASSERT_OK_AND_ASSIGN(Credential now, registry().GetCredential(org.id, c.id));
  EXPECT_EQ(now.status, CredentialStatus::kSuspended);
  EXPECT_EQ(now.status_reason, "reported lost");
  EXPECT_EQ(now.status_changed_at, TruncateToMillis(clock_.Now()));
  EXPECT_EQ(now.enrolled_at, c.enrolled_at);

  // Suspending again writes nothing.
  ASSERT_THAT(registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kSuspended, "again",
                                             kSecurity),
              IsOk());
  ASSERT_OK_AND_ASSIGN(now, registry().GetCredential(org.id, c.id));
  EXPECT_EQ(now.status_reason, "reported lost");

  clock_.Advance(milliseconds(10));
  ASSERT_THAT(
      registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kActive, "found", kSecurity),
      IsOk());
  ASSERT_THAT(
      registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kRevoked, "stolen", kSecurity),
      IsOk());
  EXPECT_THAT(registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kActive, "", kHr),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("revoked")));
  EXPECT_THAT(registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kSuspended, "", kHr),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kRevoked,
                                             "card 123456789012", kHr),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      registry().SetCredentialStatus(org.id, CredentialId(99), CredentialStatus::kRevoked, "", kHr),
      StatusIs(StatusCode::kNotFound));

  const std::vector<AdminEvent> events = Events(registry(), org.id);
  ASSERT_THAT(Actions(events),
              ElementsAre(AdminAction::kRevoked, AdminAction::kReinstated, AdminAction::kSuspended,
                          AdminAction::kEnrolled, AdminAction::kStaffAdded,
                          AdminAction::kOrganisationCreated));
  EXPECT_EQ(events[2].actor, "holder");
  EXPECT_EQ(events[2].detail, "active -> suspended");
  EXPECT_EQ(events[2].credential, c.id);
  EXPECT_EQ(events[2].staff, staff.id);
  EXPECT_EQ(events[0].detail, "active -> revoked");
}

TEST_P(RegistryConformanceTest, RebindRetiresTheOldCredentialAndEnrolsTheNew) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential old,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  clock_.Advance(hours(24));
  ASSERT_OK_AND_ASSIGN(const Credential renewed,
                       registry().Rebind(org.id, old.id, Jpki(2, clock_.Now()), "enrolment-desk"));
  EXPECT_EQ(renewed.staff, staff.id);
  EXPECT_EQ(renewed.status, CredentialStatus::kActive);
  EXPECT_EQ(renewed.pseudonym, Psn(2));
  EXPECT_EQ(renewed.enrolled_by, "enrolment-desk");

  ASSERT_OK_AND_ASSIGN(const Credential retired, registry().GetCredential(org.id, old.id));
  EXPECT_EQ(retired.status, CredentialStatus::kRetired);
  EXPECT_EQ(retired.status_reason, "replaced");
  EXPECT_EQ(retired.replaced_by, renewed.id);
  EXPECT_EQ(retired.status_changed_at, renewed.enrolled_at);
  // The door lookup of the old card finds it retired; the new one finds the new credential.
  ASSERT_OK_AND_ASSIGN(const Credential by_old,
                       registry().FindCredentialByPseudonym(org.id, Psn(1)));
  EXPECT_EQ(by_old.status, CredentialStatus::kRetired);
  ASSERT_OK_AND_ASSIGN(const Credential by_new,
                       registry().FindCredentialByPseudonym(org.id, Psn(2)));
  EXPECT_EQ(by_new, renewed);

  const std::vector<AdminEvent> events = Events(registry(), org.id);
  EXPECT_EQ(events[0].action, AdminAction::kRebound);
  EXPECT_EQ(events[0].credential, renewed.id);
  EXPECT_EQ(events[0].staff, staff.id);
  EXPECT_EQ(events[0].detail, "credential " + std::to_string(old.id.value()) +
                                  " replaced by credential " + std::to_string(renewed.id.value()));
  EXPECT_EQ(events[1].action, AdminAction::kEnrolled);

  // A retired credential cannot be replaced again; a suspended one can.
  EXPECT_THAT(registry().Rebind(org.id, old.id, Jpki(3, clock_.Now()), kHr),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("retired")));
  ASSERT_THAT(
      registry().SetCredentialStatus(org.id, renewed.id, CredentialStatus::kSuspended, "lost", kHr),
      IsOk());
  EXPECT_THAT(registry().Rebind(org.id, renewed.id, Jpki(3, clock_.Now()), kHr), IsOk());
  EXPECT_THAT(registry().Rebind(org.id, CredentialId(99), Jpki(4, clock_.Now()), kHr),
              StatusIs(StatusCode::kNotFound));
}

TEST_P(RegistryConformanceTest, RebindIsAtomicWhenTheNewPseudonymIsTaken) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s1, registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff s2, registry().AddStaff(org.id, Person(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential old,
                       registry().AddCredential(org.id, s1.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_THAT(registry().AddCredential(org.id, s2.id, Jpki(2, clock_.Now()), kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Contents before, ReadContents(registry()));

  clock_.Advance(hours(1));
  NewCredential taken = Jpki(3, clock_.Now());
  taken.pseudonym = Psn(2);
  EXPECT_THAT(registry().Rebind(org.id, old.id, taken, kHr), StatusIs(StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(const Contents after, ReadContents(registry()));
  EXPECT_EQ(after, before);
  ASSERT_OK_AND_ASSIGN(const Credential still, registry().GetCredential(org.id, old.id));
  EXPECT_EQ(still.status, CredentialStatus::kActive);
  EXPECT_EQ(still.replaced_by, std::nullopt);
}

// Every multi-row write, with the admin-event insert failing inside the store: nothing of it
// may remain.
TEST_P(RegistryConformanceTest, AFailedEventWriteUndoesTheWholeChange) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff leaver,
                       registry().AddStaff(org.id, Person(2, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_THAT(registry().AddCredential(org.id, leaver.id, Jpki(2, clock_.Now()), kHr), IsOk());
  ASSERT_OK_AND_ASSIGN(const Contents before, ReadContents(registry()));

  ASSERT_THAT(harness().SetEventWriteFailure(true), IsOk());
  clock_.Advance(hours(1));
  const Bytes serials[] = {Serial(1), Serial(2)};
  std::size_t marked = 99;
  EXPECT_THAT(registry().CreateOrganisation("Agency B", kHr), ::testing::Not(IsOk()));
  EXPECT_THAT(registry().AddStaff(org.id, Person(3, clock_.Now()), kHr), ::testing::Not(IsOk()));
  EXPECT_THAT(registry().UpdateStaffStatus(org.id, leaver.id, StaffStatus::kLeft, kHr),
              ::testing::Not(IsOk()));
  EXPECT_THAT(registry().UpdateStaffValidity(org.id, staff.id, clock_.Now(), std::nullopt, kHr),
              ::testing::Not(IsOk()));
  EXPECT_THAT(registry().UpdateStaffDetails(org.id, staff.id, {"Renamed", "Finance"}, kHr),
              ::testing::Not(IsOk()));
  EXPECT_THAT(registry().AddCredential(org.id, staff.id, Jpki(3, clock_.Now()), kHr),
              ::testing::Not(IsOk()));
  EXPECT_THAT(
      registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kSuspended, "lost", kHr),
      ::testing::Not(IsOk()));
  EXPECT_THAT(registry().Rebind(org.id, c.id, Jpki(4, clock_.Now()), kHr), ::testing::Not(IsOk()));
  EXPECT_THAT(registry().MarkRevokedByKeyedSerials(org.id, serials, clock_.Now(), kHr, &marked),
              ::testing::Not(IsOk()));
  EXPECT_EQ(marked, 0u);
  EXPECT_THAT(registry().AppendEvent(
                  org.id, {AdminAction::kStaffUpdated, staff.id, std::nullopt, kHr, "note"}),
              ::testing::Not(IsOk()));
  ASSERT_OK_AND_ASSIGN(const Contents during, ReadContents(registry()));
  EXPECT_EQ(during, before);

  // The registry is usable again once the store accepts events.
  ASSERT_THAT(harness().SetEventWriteFailure(false), IsOk());
  EXPECT_THAT(registry().Rebind(org.id, c.id, Jpki(4, clock_.Now()), kHr), IsOk());
  EXPECT_THAT(registry().MarkRevokedByKeyedSerials(org.id, serials, clock_.Now(), kHr, &marked),
              IsOk());
  EXPECT_EQ(marked, 1u);  // Serial(1) was retired by the rebind; Serial(2) is active
}

TEST_P(RegistryConformanceTest, MarksCredentialsRevokedByKeyedSerials) {
  ASSERT_OK_AND_ASSIGN(const Organisation a, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation b, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff sa, registry().AddStaff(a.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Staff sb, registry().AddStaff(b.id, Person(2, clock_.Now()), kHr));
  std::vector<Credential> creds;
  for (int i = 1; i <= 6; ++i) {
    ASSERT_OK_AND_ASSIGN(const Credential c,
                         registry().AddCredential(a.id, sa.id, Jpki(i, clock_.Now()), kHr));
    creds.push_back(c);
  }
  // creds[2] suspended, creds[3] already revoked, creds[4] retired, creds[5] not in the CRL.
  ASSERT_THAT(
      registry().SetCredentialStatus(a.id, creds[2].id, CredentialStatus::kSuspended, "lost", kHr),
      IsOk());
  ASSERT_THAT(
      registry().SetCredentialStatus(a.id, creds[3].id, CredentialStatus::kRevoked, "stolen", kHr),
      IsOk());
  ASSERT_THAT(
      registry().SetCredentialStatus(a.id, creds[4].id, CredentialStatus::kRetired, "", kHr),
      IsOk());
  // Organisation B enrolled a card with the same keyed serial as creds[0]: B's own CRL import
  // decides about it.
  ASSERT_OK_AND_ASSIGN(const Credential in_b,
                       registry().AddCredential(b.id, sb.id, Jpki(1, clock_.Now()), kHr));

  const std::vector<Bytes> crl = {Serial(900), Serial(1), Serial(2), Serial(3),
                                  Serial(4),   Serial(5), Serial(1), Serial(901)};
  const TimePoint at = clock_.Now() + hours(2) + std::chrono::microseconds(1500);
  std::size_t marked = 0;
  ASSERT_THAT(registry().MarkRevokedByKeyedSerials(a.id, crl, at, "crl-import", &marked), IsOk());
  EXPECT_EQ(marked, 3u);

  ASSERT_OK_AND_ASSIGN(const std::vector<Credential> after,
                       registry().ListCredentials(a.id, sa.id));
  ASSERT_THAT(after, SizeIs(6));
  for (int i : {0, 1, 2}) {
    EXPECT_EQ(after[i].status, CredentialStatus::kRevoked) << i;
    EXPECT_EQ(after[i].status_reason, "revoked by issuer CRL") << i;
    EXPECT_EQ(after[i].status_changed_at, TruncateToMillis(at)) << i;
  }
  EXPECT_EQ(after[3].status_reason, "stolen");
  EXPECT_EQ(after[4].status, CredentialStatus::kRetired);
  EXPECT_EQ(after[5], creds[5]);
  ASSERT_OK_AND_ASSIGN(const Credential b_after, registry().GetCredential(b.id, in_b.id));
  EXPECT_EQ(b_after, in_b);

  const std::vector<AdminEvent> events = Events(registry(), a.id);
  ASSERT_THAT(std::vector(events.begin(), events.begin() + 4),
              ::testing::Each(::testing::Field(&AdminEvent::at, TruncateToMillis(at))));
  EXPECT_EQ(events[0].action, AdminAction::kCrlImported);
  EXPECT_EQ(events[0].detail, "8 keyed serials, 3 credentials revoked");
  EXPECT_EQ(events[0].actor, "crl-import");
  std::vector<std::int64_t> revoked_ids;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(events[i].action, AdminAction::kRevoked);
    EXPECT_EQ(events[i].staff, sa.id);
    revoked_ids.push_back(events[i].credential->value());
  }
  std::sort(revoked_ids.begin(), revoked_ids.end());
  EXPECT_THAT(revoked_ids,
              ElementsAre(creds[0].id.value(), creds[1].id.value(), creds[2].id.value()));
  EXPECT_THAT(Events(registry(), b.id), SizeIs(3));  // created, staff, enrolled

  // Importing the same CRL again revokes nothing more.
  ASSERT_THAT(registry().MarkRevokedByKeyedSerials(a.id, crl, at, "crl-import", &marked), IsOk());
  EXPECT_EQ(marked, 0u);
}

TEST_P(RegistryConformanceTest, MarkRevokedEdgeCases) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  std::size_t marked = 99;
  ASSERT_THAT(registry().MarkRevokedByKeyedSerials(org.id, {}, clock_.Now(), kHr, &marked), IsOk());
  EXPECT_EQ(marked, 0u);
  EXPECT_EQ(Events(registry(), org.id)[0].detail, "0 keyed serials, 0 credentials revoked");

  const std::vector<Bytes> bad = {Serial(1), Bytes(31, 0)};
  EXPECT_THAT(registry().MarkRevokedByKeyedSerials(org.id, bad, clock_.Now(), kHr, &marked),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("#1")));
  EXPECT_THAT(
      registry().MarkRevokedByKeyedSerials(OrganisationId(99), {}, clock_.Now(), kHr, nullptr),
      StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(const Credential unchanged, registry().GetCredential(org.id, c.id));
  EXPECT_EQ(unchanged.status, CredentialStatus::kActive);

  // A long list (a full issuer CRL) with the match near its end; `marked` may be null.
  std::vector<Bytes> long_list;
  for (int i = 0; i < 20000; ++i) long_list.push_back(Serial(100000 + i));
  long_list.push_back(Serial(1));
  ASSERT_THAT(registry().MarkRevokedByKeyedSerials(org.id, long_list, clock_.Now(), kHr, nullptr),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const Credential revoked, registry().GetCredential(org.id, c.id));
  EXPECT_EQ(revoked.status, CredentialStatus::kRevoked);
}

// --- Admin events --------------------------------------------------------------------------------

TEST_P(RegistryConformanceTest, AppendsAndListsEventsNewestFirst) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation other, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential c,
                       registry().AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  std::vector<AdminEvent> appended;
  for (int i = 0; i < 7; ++i) {
    clock_.Advance(milliseconds(1));
    ASSERT_OK_AND_ASSIGN(const AdminEvent e,
                         registry().AppendEvent(org.id, {AdminAction::kStaffUpdated, staff.id, c.id,
                                                         kSecurity, "note " + std::to_string(i)}));
    EXPECT_EQ(e.at, TruncateToMillis(clock_.Now()));
    EXPECT_EQ(e.org, org.id);
    appended.push_back(e);
  }
  ASSERT_THAT(registry().AppendEvent(other.id, {AdminAction::kCrlImported, std::nullopt,
                                                std::nullopt, kSecurity, "other"}),
              IsOk());

  std::vector<AdminEvent> seen;
  PageRequest request{3, ""};
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(const Page<AdminEvent> page, registry().ListEvents(org.id, request));
    seen.insert(seen.end(), page.items.begin(), page.items.end());
    if (page.next_page_token.empty()) break;
    request.page_token = page.next_page_token;
  }
  ASSERT_THAT(seen, SizeIs(10));  // 7 appended + created, staff added, enrolled
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(seen[i], appended[6 - i]);
  EXPECT_EQ(seen[9].action, AdminAction::kOrganisationCreated);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i - 1].id, seen[i].id);

  const std::vector<AdminEvent> other_events = Events(registry(), other.id);
  ASSERT_THAT(other_events, SizeIs(2));
  EXPECT_EQ(other_events[0].detail, "other");
  EXPECT_EQ(other_events[0].staff, std::nullopt);
}

TEST_P(RegistryConformanceTest, AppendEventChecksItsInput) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Organisation other, registry().CreateOrganisation("Agency B", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  EXPECT_THAT(registry().AppendEvent(other.id,
                                     {AdminAction::kStaffUpdated, staff.id, std::nullopt, kHr, ""}),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().AppendEvent(
                  org.id, {AdminAction::kStaffUpdated, std::nullopt, CredentialId(5), kHr, ""}),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(registry().AppendEvent(OrganisationId(99), {AdminAction::kStaffUpdated, std::nullopt,
                                                          std::nullopt, kHr, ""}),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(
      registry().AppendEvent(org.id, {AdminAction::kStaffUpdated, staff.id, std::nullopt, "", ""}),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("actor")));
  EXPECT_THAT(
      registry().AppendEvent(org.id, {AdminAction::kStaffUpdated, staff.id, std::nullopt, kHr,
                                      "number 1234 5678 9012 is fine, 123456789012 "
                                      "is not"}),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("Individual Number")));
  EXPECT_THAT(registry().AppendEvent(org.id, {AdminAction::kStaffUpdated, staff.id, std::nullopt,
                                              kHr, std::string(kMaxDetailLength + 1, 'x')}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Events(registry(), org.id), SizeIs(2));
}

// --- Connections ---------------------------------------------------------------------------------

TEST_P(RegistryConformanceTest, ASecondConnectionSeesCommittedChanges) {
  ASSERT_OK_AND_ASSIGN(const Organisation org, registry().CreateOrganisation("Ministry A", kHr));
  ASSERT_OK_AND_ASSIGN(const Staff staff,
                       registry().AddStaff(org.id, Person(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Registry> second, harness().Open(clock_));
  ASSERT_OK_AND_ASSIGN(const Staff seen, second->GetStaff(org.id, staff.id));
  EXPECT_EQ(seen, staff);
  ASSERT_OK_AND_ASSIGN(const Credential c,
                       second->AddCredential(org.id, staff.id, Jpki(1, clock_.Now()), kHr));
  ASSERT_OK_AND_ASSIGN(const Credential found,
                       registry().FindCredentialByPseudonym(org.id, Psn(1)));
  EXPECT_EQ(found, c);
  // Both connections write in turn.
  ASSERT_THAT(
      registry().SetCredentialStatus(org.id, c.id, CredentialStatus::kSuspended, "lost", kHr),
      IsOk());
  ASSERT_OK_AND_ASSIGN(const Credential suspended, second->GetCredential(org.id, c.id));
  EXPECT_EQ(suspended.status, CredentialStatus::kSuspended);
  second.reset();
  ASSERT_OK_AND_ASSIGN(const Contents contents, ReadContents(registry()));
  EXPECT_THAT(contents.events, SizeIs(4));
}

}  // namespace
}  // namespace sekisho::store::testing
