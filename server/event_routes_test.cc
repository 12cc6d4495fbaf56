// The door-event routes through the router, on a real registry, site store, audit log and event
// index: filters and paging, what an item says (and never says), staff seeing only their own
// events and proofs, and a proof checked with the audit library's verifier and nothing else.
#include "server/event_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "audit/proof.h"
#include "audit/record.h"
#include "base/ed25519.h"
#include "base/status_matchers.h"
#include "server/api_routes.h"
#include "server/test_http.h"
#include "site/demo_site.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using nlohmann::json;
using policy::Reason;
using ::sekisho::testing::IsOk;
using ::testing::HasSubstr;

constexpr gate::GateId kGate = 2;

using ::sekisho::testing::Body;

class EventRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(registry_,
                         store::sqlite::SqliteRegistry::Open(dir_.path() / "registry.db", clock_));
    ASSERT_OK_AND_ASSIGN(store::Organisation org,
                         registry_->CreateOrganisation("Example Corp", "setup"));
    org_ = org.id;
    ASSERT_OK_AND_ASSIGN(users_, UserStore::Open(dir_.path() / kUserStoreFileName, clock_,
                                                 TestOnlyPasswordParams()));
    ASSERT_OK_AND_ASSIGN(auto log,
                         audit::AuditLog::Open(dir_.path() / audit::kAuditLogFileName, kOrigin,
                                               audit_key_.public_key(), random_, clock_));
    audit_log_ = std::make_unique<LockedAuditLog>(std::move(log));
    ASSERT_OK_AND_ASSIGN(sites_, site::SiteStore::Open(dir_.path() / site::kSiteFile));
    ASSERT_OK_AND_ASSIGN(demo_, site::PopulateDemoSite(*sites_, org_));
    ASSERT_OK_AND_ASSIGN(events_, EventIndex::Open(dir_.path() / kEventIndexFile));

    for (const char* number : {"S-1", "S-2", "S-3"}) {
      store::NewStaff s{store::StaffRef::Generate(random_),
                        number,
                        std::string("Person ") + number,
                        "",
                        clock_.Now(),
                        std::nullopt};
      ASSERT_OK_AND_ASSIGN(store::Staff staff, registry_->AddStaff(org_, s, "setup"));
      staff_.push_back(staff);
    }
    ASSERT_OK_AND_ASSIGN(User admin,
                         users_->CreateUser({org_, "admin", Role::kSecurityAdmin, {}}, kPassword));
    ASSERT_OK_AND_ASSIGN(User auditor,
                         users_->CreateUser({org_, "audrey", Role::kAuditor, {}}, kPassword));
    ASSERT_OK_AND_ASSIGN(User sam,
                         users_->CreateUser({org_, "sam", Role::kStaff, staff_[0].id}, kPassword));
    ASSERT_OK_AND_ASSIGN(User tess,
                         users_->CreateUser({org_, "tess", Role::kStaff, staff_[1].id}, kPassword));
    admin_ = sessions_.Create(admin);
    auditor_ = sessions_.Create(auditor);
    sam_ = sessions_.Create(sam);
    tess_ = sessions_.Create(tess);

    context_ = std::make_unique<ApiContext>(ApiContext{
        .registry = *registry_,
        .organisation = org_,
        .users = *users_,
        .sessions = sessions_,
        .rate_limiter = limiter_,
        .audit_log = *audit_log_,
        .sites = *sites_,
        .clock = clock_,
        .random = random_,
        .events = events_.get(),
        .checkpoint_key = &audit_key_,
    });
    router_ = BuildApiRouter(*context_);
  }

  policy::StaffRef RefOf(const store::Staff& staff) {
    policy::StaffRef ref;
    std::copy(staff.staff_ref.view().begin(), staff.staff_ref.view().end(), ref.begin());
    return ref;
  }

  // Appends an access event of `staff` (null: an unknown card) at `door`, `seconds` after the
  // base time, and indexes it; returns its audit index.
  std::uint64_t AddEvent(const store::Staff* staff, policy::ObjectId door, std::int64_t seconds,
                         Reason reason) {
    gate::Event e;
    e.gate = kGate;
    e.sequence = ++sequence_;
    e.time = gate::EventTime(std::chrono::milliseconds(1'800'000'000'000 + seconds * 1000));
    e.door = door;
    e.snapshot_version = 4;
    e.reason = reason;
    e.assurance = policy::Assurance::kCardAndPin;
    policy::CredentialKey key;
    key.fill(0xC7);
    e.credential = key;
    if (staff != nullptr) e.staff = RefOf(*staff);
    auto record = gate::EncodeEvent(e);
    EXPECT_THAT(record, IsOk());
    auto index = audit_log_->With([&](audit::AuditLog& log) {
      return log.Append(audit::NewRecord{audit::RecordKind::kGateEvent, *record});
    });
    EXPECT_THAT(index, IsOk());
    EXPECT_THAT(events_->CatchUp(*audit_log_, nullptr), IsOk());
    return *index;
  }

  net::HttpResponse Get(const std::string& target, const Session& s) {
    net::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.peer.address = "192.0.2.10";
    r.headers["cookie"] = "sekisho_session=" + s.token;
    return router_->Handle(r);
  }

  static std::vector<std::uint64_t> Ids(const json& page) {
    std::vector<std::uint64_t> ids;
    for (const json& item : page["items"]) ids.push_back(item["id"].get<std::uint64_t>());
    return ids;
  }

  static constexpr char kPassword[] = "correct horse battery staple";
  static constexpr char kOrigin[] = "test.example/log";
  store::testing::ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{17};
  Ed25519PrivateKey audit_key_ = *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x42));
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  store::OrganisationId org_;
  std::unique_ptr<UserStore> users_;
  SessionStore sessions_{clock_, random_};
  LoginRateLimiter limiter_{clock_};
  std::unique_ptr<LockedAuditLog> audit_log_;
  std::unique_ptr<site::SiteStore> sites_;
  site::DemoSite demo_;
  std::unique_ptr<EventIndex> events_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<ApiRouter> router_;
  std::vector<store::Staff> staff_;
  Session admin_, auditor_, sam_, tess_;
  std::uint64_t sequence_ = 0;
};

TEST_F(EventRoutesTest, ItemsNameDoorsAndStaffAndNothingFromTheCard) {
  audit_log_->With([](audit::AuditLog& log) {
    ASSERT_THAT(log.Append({audit::RecordKind::kAdminAction, ToBytes("not an event")}), IsOk());
  });
  const std::uint64_t id = AddEvent(&staff_[0], demo_.entrance_lane_1, 0, Reason::kGranted);
  const std::uint64_t unknown = AddEvent(nullptr, demo_.office_door, 1, Reason::kUnknownCredential);
  ASSERT_EQ(id, 1u);

  const net::HttpResponse r = Get("/api/v1/events", auditor_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json page = Body(r);
  ASSERT_EQ(Ids(page), (std::vector<std::uint64_t>{unknown, id}));
  EXPECT_EQ(page["next_page_token"], "");
  const json& item = page["items"][1];
  EXPECT_EQ(item, json::parse(R"({"id": 1, "time": "2027-01-15T08:00:00.000Z", "gate": 2,
      "door": {"id": )" + std::to_string(demo_.entrance_lane_1) +
                              R"(,
               "name": "Entrance gate lane 1"},
      "kind": "access", "result": "granted", "reason": "granted", "assurance": "card+pin",
      "error": null, "offline": false, "anti_passback": false, "staff_id": )" +
                              std::to_string(staff_[0].id.value()) + "}"));
  EXPECT_EQ(page["items"][0]["staff_id"], nullptr);
  EXPECT_EQ(page["items"][0]["result"], "denied");
  // Neither the credential key nor the staff reference leaves the server.
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("c7c7c7c7")));
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr(staff_[0].staff_ref.ToHex())));
}

TEST_F(EventRoutesTest, FiltersAndPagesThroughTheApi) {
  std::vector<std::uint64_t> sam_ids;
  for (int i = 0; i < 5; ++i) {
    sam_ids.push_back(AddEvent(&staff_[0], demo_.entrance_lane_1, i * 10, Reason::kGranted));
    AddEvent(&staff_[1], demo_.office_door, i * 10 + 1, Reason::kOutsideSchedule);
  }
  std::reverse(sam_ids.begin(), sam_ids.end());
  const std::string sam = std::to_string(staff_[0].id.value());
  EXPECT_EQ(Ids(Body(Get("/api/v1/events?staff_id=" + sam, admin_))), sam_ids);
  EXPECT_EQ(Ids(Body(Get("/api/v1/events?result=granted", admin_))), sam_ids);
  EXPECT_EQ(Ids(Body(Get("/api/v1/events?door=" + std::to_string(demo_.entrance_lane_1), admin_))),
            sam_ids);
  EXPECT_EQ(Body(Get("/api/v1/events?reason=outside-schedule", admin_))["items"].size(), 5u);
  EXPECT_EQ(Body(Get("/api/v1/events?gate=2", admin_))["items"].size(), 10u);
  EXPECT_EQ(Body(Get("/api/v1/events?gate=3", admin_))["items"].size(), 0u);
  // Times: [08:00:10, 08:00:30) holds sam's events at 10 and 20 and tess's at 11 and 21.
  const json range = Body(
      Get("/api/v1/events?since=2027-01-15T08:00:10Z&until=2027-01-15T17:00:30%2B09:00", auditor_));
  EXPECT_EQ(range["items"].size(), 4u);

  // Pages of three, newest first, each event once.
  std::vector<std::uint64_t> paged;
  std::string token;
  for (int pages = 0; pages < 10; ++pages) {
    const net::HttpResponse r =
        Get("/api/v1/events?limit=3" + (token.empty() ? "" : "&page_token=" + token), auditor_);
    ASSERT_EQ(r.status, 200) << r.body;
    for (std::uint64_t id : Ids(Body(r))) paged.push_back(id);
    token = Body(r)["next_page_token"];
    if (token.empty()) break;
  }
  EXPECT_EQ(paged.size(), 10u);
  EXPECT_TRUE(std::is_sorted(paged.rbegin(), paged.rend()));

  for (const char* bad : {"result=maybe", "reason=let-in", "door=0", "door=x", "since=yesterday",
                          "staff_id=0", "page_token=zz", "limit=0", "colour=red"}) {
    const net::HttpResponse r = Get(std::string("/api/v1/events?") + bad, admin_);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  EXPECT_EQ(Get("/api/v1/events?staff_id=999", admin_).status, 404);
}

TEST_F(EventRoutesTest, StaffSeeOnlyTheirOwnEventsAndProofs) {
  const std::uint64_t sams = AddEvent(&staff_[0], demo_.entrance_lane_1, 0, Reason::kGranted);
  const std::uint64_t tess = AddEvent(&staff_[1], demo_.entrance_lane_1, 1, Reason::kGranted);
  const std::uint64_t nobodys =
      AddEvent(nullptr, demo_.entrance_lane_1, 2, Reason::kUnknownCredential);
  const std::uint64_t admin = *audit_log_->With([](audit::AuditLog& log) {
    return log.Append({audit::RecordKind::kAdminAction, ToBytes("not an event")});
  });

  EXPECT_EQ(Ids(Body(Get("/api/v1/me/events", sam_))), std::vector<std::uint64_t>{sams});
  EXPECT_EQ(Ids(Body(Get("/api/v1/me/events", tess_))), std::vector<std::uint64_t>{tess});
  // The self-service list has no filter by someone else.
  EXPECT_EQ(Get("/api/v1/me/events?staff_id=" + std::to_string(staff_[1].id.value()), sam_).status,
            400);

  EXPECT_EQ(Get("/api/v1/me/events/" + std::to_string(sams) + "/proof", sam_).status, 200);
  // Another's event, an event without a staff member, a record that is no event and one that does
  // not exist all look the same.
  const net::HttpResponse others =
      Get("/api/v1/me/events/" + std::to_string(tess) + "/proof", sam_);
  EXPECT_EQ(others.status, 404);
  EXPECT_THAT(Body(others)["message"].get<std::string>(), HasSubstr("of yours"));
  for (const std::uint64_t id : {nobodys, admin, std::uint64_t{99}}) {
    EXPECT_EQ(Get("/api/v1/me/events/" + std::to_string(id) + "/proof", sam_).status, 404) << id;
  }
  EXPECT_EQ(Get("/api/v1/me/events/-1/proof", sam_).status, 400);
  EXPECT_EQ(Get("/api/v1/me/events/x/proof", sam_).status, 400);
}

TEST_F(EventRoutesTest, ProofVerifiesWithTheAuditLibraryAlone) {
  const std::uint64_t id = AddEvent(&staff_[0], demo_.entrance_lane_1, 0, Reason::kGranted);
  for (int i = 0; i < 6; ++i) AddEvent(&staff_[1], demo_.office_door, 1 + i, Reason::kGranted);

  // No checkpoint yet: the server signs one covering the event.
  net::HttpResponse r = Get("/api/v1/me/events/" + std::to_string(id) + "/proof", sam_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json proof = Body(r);
  EXPECT_EQ(proof["event"]["id"], id);
  EXPECT_EQ(proof["event"]["staff_id"], staff_[0].id.value());

  // 1. The checkpoint's signature, with the published key.
  ASSERT_OK_AND_ASSIGN(Bytes key_bytes, FromHex(proof["log_key"]["public_key"].get<std::string>()));
  ASSERT_OK_AND_ASSIGN(Ed25519PublicKey key, Ed25519PublicKey::FromBytes(key_bytes));
  EXPECT_EQ(key, audit_key_.public_key());
  EXPECT_EQ(proof["log_key"]["name"], kOrigin);
  ASSERT_OK_AND_ASSIGN(audit::Checkpoint checkpoint,
                       audit::OpenCheckpoint(proof["checkpoint"]["text"].get<std::string>(),
                                             proof["log_key"]["name"].get<std::string>(), key));
  EXPECT_EQ(checkpoint.tree_size, 7u);
  EXPECT_EQ(proof["checkpoint"]["tree_size"], 7);
  EXPECT_EQ(proof["checkpoint"]["root"], audit::HashHex(checkpoint.root));
  char key_id[9];
  std::snprintf(key_id, sizeof key_id, "%08x", audit::CheckpointKeyId(kOrigin, key));
  EXPECT_EQ(proof["log_key"]["key_id"], key_id);

  // 2. The leaf hash from salt, kind and content; the content is the event.
  ASSERT_OK_AND_ASSIGN(Bytes salt, FromHex(proof["record"]["salt"].get<std::string>()));
  ASSERT_OK_AND_ASSIGN(Bytes content, FromHex(proof["record"]["content"].get<std::string>()));
  ASSERT_OK_AND_ASSIGN(gate::Event decoded, gate::DecodeEvent(content));
  EXPECT_EQ(decoded.staff, RefOf(staff_[0]));
  EXPECT_EQ(proof["record"]["kind_code"], 1);
  const audit::Hash leaf = audit::RecordLeafHash(salt, audit::RecordKind::kGateEvent, content);
  EXPECT_EQ(proof["record"]["leaf_hash"], audit::HashHex(leaf));

  // 3. RFC 9162 §2.1.3.2 with the checkpoint's root.
  audit::InclusionProof inclusion{proof["inclusion"]["leaf_index"].get<std::uint64_t>(),
                                  proof["inclusion"]["tree_size"].get<std::uint64_t>(),
                                  {}};
  for (const json& h : proof["inclusion"]["path"]) {
    ASSERT_OK_AND_ASSIGN(Bytes bytes, FromHex(h.get<std::string>()));
    ASSERT_OK_AND_ASSIGN(audit::Hash hash, audit::HashFromBytes(bytes, "path"));
    inclusion.path.push_back(hash);
  }
  EXPECT_EQ(inclusion.leaf_index, id);
  EXPECT_EQ(inclusion.tree_size, checkpoint.tree_size);
  EXPECT_THAT(audit::VerifyInclusion(leaf, inclusion, checkpoint.root), IsOk());
  // A proof altered anywhere does not verify.
  for (std::size_t i = 0; i < inclusion.path.size(); ++i) {
    audit::InclusionProof altered = inclusion;
    altered.path[i][0] ^= 0x01;
    EXPECT_FALSE(audit::VerifyInclusion(leaf, altered, checkpoint.root).ok()) << i;
  }
  Bytes other_content = content;
  other_content.back() ^= 0x01;
  EXPECT_FALSE(audit::VerifyInclusion(
                   audit::RecordLeafHash(salt, audit::RecordKind::kGateEvent, other_content),
                   inclusion, checkpoint.root)
                   .ok());

  // A checkpoint that covers the event is reused, not signed again.
  r = Get("/api/v1/me/events/" + std::to_string(id) + "/proof", sam_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["checkpoint"]["text"], proof["checkpoint"]["text"]);
}

TEST_F(EventRoutesTest, ErasedEventHasNoProof) {
  const std::uint64_t id = AddEvent(&staff_[0], demo_.entrance_lane_1, 0, Reason::kGranted);
  ASSERT_EQ(Get("/api/v1/me/events/" + std::to_string(id) + "/proof", sam_).status, 200);
  ASSERT_THAT(audit_log_->With([&](audit::AuditLog& log) { return log.Erase(id); }), IsOk());
  ASSERT_THAT(events_->CatchUp(*audit_log_, nullptr), IsOk());
  EXPECT_EQ(Get("/api/v1/me/events/" + std::to_string(id) + "/proof", sam_).status, 404);
  EXPECT_TRUE(Body(Get("/api/v1/me/events", sam_))["items"].empty());
}

TEST_F(EventRoutesTest, WithoutAnIndexTheRoutesAreUnavailable) {
  context_->events = nullptr;
  EXPECT_EQ(Get("/api/v1/events", auditor_).status, 503);
  EXPECT_EQ(Get("/api/v1/me/events", sam_).status, 503);
  EXPECT_EQ(Get("/api/v1/me/events/0/proof", sam_).status, 503);
}

}  // namespace
}  // namespace sekisho::server
