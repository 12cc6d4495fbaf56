// The event index over a real audit log and SQLite file: catch-up with the audit index of every
// gate record, rebuilding from the log alone (file deleted, log replaced), erasure, the gate
// filter, records that are not events, and every query filter and page boundary against a
// brute-force reading of the same events.
#include "server/event_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "audit/audit_log.h"
#include "base/ed25519.h"
#include "base/status_matchers.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using policy::Reason;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr gate::GateId kOurGate = 3;
constexpr gate::GateId kOtherGate = 4;  // another organisation's gate in the same log

policy::StaffRef StaffRefOf(std::uint8_t n) {
  policy::StaffRef ref;
  ref.fill(n);
  return ref;
}

policy::CredentialKey KeyOf(std::uint8_t n) {
  policy::CredentialKey key;
  key.fill(static_cast<std::uint8_t>(0x40 + n));
  return key;
}

gate::EventTime At(std::int64_t seconds) {
  return gate::EventTime(std::chrono::milliseconds(1'800'000'000'000 + seconds * 1000));
}

// An access event of holder `holder` (0: an unknown card, no staff reference).
gate::Event Access(gate::GateId gate, std::uint64_t sequence, policy::ObjectId door,
                   std::int64_t seconds, Reason reason, std::uint8_t holder) {
  gate::Event e;
  e.kind = gate::EventKind::kAccess;
  e.gate = gate;
  e.sequence = sequence;
  e.time = At(seconds);
  e.door = door;
  e.snapshot_version = 9;
  e.reason = reason;
  e.assurance = policy::Assurance::kCardAndPin;
  e.credential = KeyOf(holder);
  if (holder != 0) e.staff = StaffRefOf(holder);
  return e;
}

gate::Event Forced(gate::GateId gate, std::uint64_t sequence, policy::ObjectId door,
                   std::int64_t seconds) {
  gate::Event e;
  e.kind = gate::EventKind::kDoorForced;
  e.gate = gate;
  e.sequence = sequence;
  e.time = At(seconds);
  e.door = door;
  e.flags = gate::kEventFlagOffline;
  return e;
}

class EventIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = audit::AuditLog::Open(dir_.path() / "audit.db", "test.example/log",
                                     key_.public_key(), random_, clock_);
    ASSERT_THAT(log, IsOk());
    log_ = std::make_unique<LockedAuditLog>(std::move(log).value());
    OpenIndex();
  }

  void OpenIndex() {
    index_.reset();
    auto index = EventIndex::Open(index_path());
    ASSERT_THAT(index, IsOk());
    index_ = std::move(index).value();
  }

  std::filesystem::path index_path() const { return dir_.path() / kEventIndexFile; }

  // Appends `event` as a gate record; returns its audit index.
  std::uint64_t AppendEvent(const gate::Event& event) {
    auto record = gate::EncodeEvent(event);
    EXPECT_THAT(record, IsOk());
    return Append(audit::RecordKind::kGateEvent, *record);
  }
  std::uint64_t Append(audit::RecordKind kind, Bytes record) {
    auto index = log_->With([&](audit::AuditLog& log) {
      return log.Append(audit::NewRecord{kind, std::move(record)});
    });
    EXPECT_THAT(index, IsOk());
    return index.ok() ? *index : 0;
  }

  Result<std::vector<IndexedEvent>> CatchUp() {
    return index_->CatchUp(*log_, [](gate::GateId g) -> Result<bool> { return g == kOurGate; });
  }

  // Every indexed event, newest first, read in pages of `limit`.
  std::vector<IndexedEvent> All(EventQuery query, std::size_t limit = 1000) {
    std::vector<IndexedEvent> out;
    query.limit = limit;
    std::set<std::string> tokens;
    while (true) {
      auto page = index_->Query(query);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      EXPECT_LE(page->items.size(), limit);
      out.insert(out.end(), page->items.begin(), page->items.end());
      if (page->next_page_token.empty()) break;
      EXPECT_TRUE(tokens.insert(page->next_page_token).second) << "paging does not advance";
      query.page_token = page->next_page_token;
    }
    return out;
  }

  static std::vector<std::uint64_t> Ids(const std::vector<IndexedEvent>& events) {
    std::vector<std::uint64_t> ids;
    for (const IndexedEvent& e : events) ids.push_back(e.id);
    return ids;
  }

  store::testing::ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{5};
  Ed25519PrivateKey key_ = *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x21));
  std::unique_ptr<LockedAuditLog> log_;
  std::unique_ptr<EventIndex> index_;
};

TEST_F(EventIndexTest, CatchUpIndexesOnlyOurGateEventsUnderTheirAuditIndex) {
  Append(audit::RecordKind::kAdminAction, ToBytes("staff added"));  // 0
  const gate::Event grant = Access(kOurGate, 1, 10, 0, Reason::kGranted, 1);
  const std::uint64_t grant_id = AppendEvent(grant);                              // 1
  AppendEvent(Access(kOtherGate, 1, 10, 1, Reason::kGranted, 2));                 // 2
  Append(audit::RecordKind::kGateEvent, ToBytes("typed by hand, not an event"));  // 3
  const gate::Event forced = Forced(kOurGate, 2, 11, 2);
  const std::uint64_t forced_id = AppendEvent(forced);  // 4
  ASSERT_EQ(grant_id, 1u);
  ASSERT_EQ(forced_id, 4u);

  auto added = CatchUp();
  ASSERT_THAT(added, IsOk());
  EXPECT_THAT(*added, ElementsAre(IndexedEvent{1, grant}, IndexedEvent{4, forced}));
  EXPECT_EQ(*index_->IndexedSize(), 5u);
  auto got = index_->Get(1);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->event, grant);
  EXPECT_THAT(index_->Get(2).status(), StatusIs(StatusCode::kNotFound, HasSubstr("no event 2")));
  EXPECT_THAT(index_->Get(0).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(index_->Get(3).status(), StatusIs(StatusCode::kNotFound));

  // Nothing new: nothing added. A new record: only it.
  auto again = CatchUp();
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->empty());
  const std::uint64_t later = AppendEvent(Access(kOurGate, 3, 10, 3, Reason::kRevoked, 1));
  auto more = CatchUp();
  ASSERT_THAT(more, IsOk());
  EXPECT_EQ(Ids(*more), std::vector<std::uint64_t>{later});
}

TEST_F(EventIndexTest, DeletedIndexIsRebuiltFromTheLogWithTheSameRows) {
  std::vector<audit::NewRecord> records;
  for (std::uint64_t i = 1; i <= 1200; ++i) {  // more than one chunk
    auto record = gate::EncodeEvent(Access(
        kOurGate, i, static_cast<policy::ObjectId>(10 + i % 3), static_cast<std::int64_t>(i),
        i % 4 == 0 ? Reason::kRevoked : Reason::kGranted, static_cast<std::uint8_t>(1 + i % 5)));
    ASSERT_THAT(record, IsOk());
    records.push_back({audit::RecordKind::kGateEvent, *record});
  }
  ASSERT_THAT(log_->With([&](audit::AuditLog& log) { return log.Append(records); }), IsOk());
  ASSERT_THAT(CatchUp(), IsOk());
  const std::vector<IndexedEvent> before = All({});
  ASSERT_EQ(before.size(), 1200u);

  index_.reset();
  ASSERT_TRUE(std::filesystem::remove(index_path()));
  std::filesystem::remove(index_path().string() + "-wal");
  std::filesystem::remove(index_path().string() + "-shm");
  OpenIndex();
  EXPECT_EQ(*index_->IndexedSize(), 0u);
  EXPECT_TRUE(All({}).empty());
  auto rebuilt = CatchUp();
  ASSERT_THAT(rebuilt, IsOk());
  EXPECT_EQ(rebuilt->size(), 1200u);
  EXPECT_EQ(All({}), before);
}

TEST_F(EventIndexTest, AnIndexBehindTheLogCatchesUpAtOpen) {
  const std::uint64_t first = AppendEvent(Access(kOurGate, 1, 10, 0, Reason::kGranted, 1));
  ASSERT_THAT(CatchUp(), IsOk());
  // The server stopped between the log's commit and the index's.
  const std::uint64_t second = AppendEvent(Access(kOurGate, 2, 10, 1, Reason::kGranted, 1));
  OpenIndex();
  auto added = CatchUp();
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(Ids(*added), std::vector<std::uint64_t>{second});
  EXPECT_EQ(Ids(All({})), (std::vector<std::uint64_t>{second, first}));
}

TEST_F(EventIndexTest, ErasedRecordLeavesTheIndexAndStaysOutOfARebuild) {
  const std::uint64_t kept = AppendEvent(Access(kOurGate, 1, 10, 0, Reason::kGranted, 1));
  const std::uint64_t erased = AppendEvent(Access(kOurGate, 2, 10, 1, Reason::kGranted, 2));
  ASSERT_THAT(CatchUp(), IsOk());
  ASSERT_THAT(index_->Get(erased), IsOk());

  ASSERT_THAT(log_->With([&](audit::AuditLog& log) { return log.Erase(erased); }), IsOk());
  auto added = CatchUp();
  ASSERT_THAT(added, IsOk());
  EXPECT_TRUE(added->empty());
  EXPECT_THAT(index_->Get(erased).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(Ids(All({})), std::vector<std::uint64_t>{kept});

  // An event erased before it was ever indexed is never added.
  const std::uint64_t late = AppendEvent(Access(kOurGate, 3, 10, 2, Reason::kGranted, 2));
  ASSERT_THAT(log_->With([&](audit::AuditLog& log) { return log.Erase(late); }), IsOk());
  added = CatchUp();
  ASSERT_THAT(added, IsOk());
  EXPECT_TRUE(added->empty());

  index_.reset();
  ASSERT_TRUE(std::filesystem::remove(index_path()));
  OpenIndex();
  ASSERT_THAT(CatchUp(), IsOk());
  EXPECT_EQ(Ids(All({})), std::vector<std::uint64_t>{kept});
}

TEST_F(EventIndexTest, IndexOfAnotherLogOrALongerOneIsRebuilt) {
  for (std::uint64_t i = 1; i <= 3; ++i) {
    AppendEvent(Access(kOurGate, i, 10, static_cast<std::int64_t>(i), Reason::kGranted, 1));
  }
  ASSERT_THAT(CatchUp(), IsOk());
  ASSERT_EQ(All({}).size(), 3u);

  // The log is replaced by another one with one event.
  log_.reset();
  std::filesystem::remove(dir_.path() / "audit.db");
  std::filesystem::remove(dir_.path() / "audit.db-wal");
  std::filesystem::remove(dir_.path() / "audit.db-shm");
  auto other = audit::AuditLog::Open(dir_.path() / "audit.db", "other.example/log",
                                     key_.public_key(), random_, clock_);
  ASSERT_THAT(other, IsOk());
  log_ = std::make_unique<LockedAuditLog>(std::move(other).value());
  const gate::Event only = Access(kOurGate, 1, 12, 7, Reason::kExpired, 2);
  AppendEvent(only);
  auto added = CatchUp();
  ASSERT_THAT(added, IsOk());
  EXPECT_THAT(*added, ElementsAre(IndexedEvent{0, only}));
  EXPECT_THAT(All({}), ElementsAre(IndexedEvent{0, only}));

  // A shorter log of the same origin (restored from an older copy) is re-read as well.
  log_.reset();
  std::filesystem::remove(dir_.path() / "audit.db");
  std::filesystem::remove(dir_.path() / "audit.db-wal");
  std::filesystem::remove(dir_.path() / "audit.db-shm");
  auto empty = audit::AuditLog::Open(dir_.path() / "audit.db", "other.example/log",
                                     key_.public_key(), random_, clock_);
  ASSERT_THAT(empty, IsOk());
  log_ = std::make_unique<LockedAuditLog>(std::move(empty).value());
  ASSERT_THAT(CatchUp(), IsOk());
  EXPECT_TRUE(All({}).empty());
  EXPECT_EQ(*index_->IndexedSize(), 0u);
}

TEST_F(EventIndexTest, EveryFilterAndPageBoundaryMatchesABruteForceReading) {
  std::vector<IndexedEvent> all;
  const Reason reasons[] = {Reason::kGranted, Reason::kRevoked, Reason::kOutsideSchedule,
                            Reason::kGrantedOverride};
  for (std::uint64_t i = 1; i <= 60; ++i) {
    // Several events share a time, and times are not in log order (an offline gate's backlog).
    const std::int64_t seconds = static_cast<std::int64_t>((i * 7) % 20);
    const gate::Event e =
        i % 10 == 0 ? Forced(kOurGate, i, 10, seconds)
                    : Access(kOurGate, i, static_cast<policy::ObjectId>(10 + i % 3), seconds,
                             reasons[i % 4], static_cast<std::uint8_t>(i % 4 == 1 ? 0 : 1 + i % 3));
    all.push_back({AppendEvent(e), e});
  }
  ASSERT_THAT(CatchUp(), IsOk());
  std::sort(all.begin(), all.end(), [](const IndexedEvent& a, const IndexedEvent& b) {
    return a.event.time != b.event.time ? a.event.time > b.event.time : a.id > b.id;
  });
  const auto expect = [&](const EventQuery& q, const std::function<bool(const gate::Event&)>& keep,
                          const std::string& what) {
    std::vector<IndexedEvent> want;
    for (const IndexedEvent& e : all) {
      if (keep(e.event)) want.push_back(e);
    }
    ASSERT_FALSE(want.empty()) << what << " selects nothing: a weak test";
    for (std::size_t limit : {std::size_t{1}, std::size_t{7}, want.size(), std::size_t{1000}}) {
      EXPECT_EQ(Ids(All(q, limit)), Ids(want)) << what << ", limit " << limit;
    }
  };
  expect(
      {}, [](const gate::Event&) { return true; }, "no filter");
  expect(
      {.door = 11}, [](const gate::Event& e) { return e.door == 11; }, "door");
  expect(
      {.result = EventResult::kGranted},
      [](const gate::Event& e) { return e.reason && policy::IsGrant(*e.reason); }, "granted");
  expect(
      {.result = EventResult::kDenied},
      [](const gate::Event& e) { return e.reason && !policy::IsGrant(*e.reason); }, "denied");
  expect(
      {.result = EventResult::kAlarm},
      [](const gate::Event& e) { return e.kind == gate::EventKind::kDoorForced; }, "alarm");
  expect(
      {.reason = "outside-schedule"},
      [](const gate::Event& e) { return e.reason == Reason::kOutsideSchedule; }, "reason");
  expect(
      {.reason = "door-forced"},
      [](const gate::Event& e) { return e.kind == gate::EventKind::kDoorForced; }, "alarm reason");
  expect(
      {.staff = StaffRefOf(2)}, [](const gate::Event& e) { return e.staff == StaffRefOf(2); },
      "staff");
  const TimePoint since = std::chrono::time_point_cast<TimePoint::duration>(At(5));
  const TimePoint until = std::chrono::time_point_cast<TimePoint::duration>(At(12));
  expect(
      {.since = since, .until = until},
      [](const gate::Event& e) { return e.time >= At(5) && e.time < At(12); }, "time range");
  expect(
      {.door = 10, .result = EventResult::kDenied, .staff = StaffRefOf(1), .since = since},
      [](const gate::Event& e) {
        return e.door == 10 && e.reason && !policy::IsGrant(*e.reason) &&
               e.staff == StaffRefOf(1) && e.time >= At(5);
      },
      "combined");
  EventQuery other_gate{.gate = kOtherGate};
  EXPECT_TRUE(All(other_gate).empty());
  EventQuery our_gate{.gate = kOurGate};
  EXPECT_EQ(All(our_gate).size(), all.size());
}

TEST_F(EventIndexTest, BadQueriesAreInvalidArgument) {
  EXPECT_THAT(index_->Query({.limit = 0}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("limit")));
  EXPECT_THAT(index_->Query({.limit = 1001}).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(index_->Query({.reason = "let-in-anyway"}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("reason")));
  for (const char* token : {"x", "12", "12.", ".5", "1.-2", "1.2.3", "1.2x", " 1.2"}) {
    EXPECT_THAT(index_->Query({.page_token = token}).status(),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << token;
  }
  EXPECT_THAT(ParseEventResult("maybe").status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseEventResult("granted"), IsOk());
}

TEST_F(EventIndexTest, ResultAndReasonNames) {
  const gate::Event grant = Access(kOurGate, 1, 10, 0, Reason::kGrantedSecondPerson, 1);
  EXPECT_EQ(ResultOf(grant), EventResult::kGranted);
  EXPECT_EQ(ReasonOf(grant), "granted-second-person");
  const gate::Event denied = Access(kOurGate, 1, 10, 0, Reason::kUnknownCredential, 0);
  EXPECT_EQ(ResultOf(denied), EventResult::kDenied);
  EXPECT_EQ(ReasonOf(denied), "unknown-credential");
  const gate::Event forced = Forced(kOurGate, 1, 10, 0);
  EXPECT_EQ(ResultOf(forced), EventResult::kAlarm);
  EXPECT_EQ(ReasonOf(forced), "door-forced");
}

}  // namespace
}  // namespace sekisho::server
