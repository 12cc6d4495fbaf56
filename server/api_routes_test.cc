// The REST API end to end through the router, on a real SQLite registry, users file and audit log
// in a temporary directory: sign-in, sessions, CSRF, the role matrix of every route, input
// validation, self-service, and the OpenAPI document against the route table.
#include "server/api_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "audit/audit_log.h"
#include "base/ed25519.h"
#include "base/status_matchers.h"
#include "server/api_openapi.h"
#include "server/test_http.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using nlohmann::json;
using ::sekisho::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kUsersPassword[] = "correct horse battery staple";

using ::sekisho::testing::Body;
using ::sekisho::testing::HeaderOf;

class ApiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(registry_,
                         store::sqlite::SqliteRegistry::Open(dir_.path() / "registry.db", clock_));
    ASSERT_OK_AND_ASSIGN(store::Organisation org,
                         registry_->CreateOrganisation("Example Corp", "setup"));
    org_ = org.id;
    ASSERT_OK_AND_ASSIGN(users_, UserStore::Open(dir_.path() / kUserStoreFileName, clock_,
                                                 TestOnlyPasswordParams()));
    ASSERT_OK_AND_ASSIGN(
        auto log, audit::AuditLog::Open(dir_.path() / audit::kAuditLogFileName, "test.example/log",
                                        audit_key_.public_key(), random_, clock_));
    audit_log_ = std::make_unique<LockedAuditLog>(std::move(log));
    ASSERT_OK_AND_ASSIGN(sites_, site::SiteStore::Open(dir_.path() / site::kSiteFile));
    ASSERT_OK_AND_ASSIGN(events_, EventIndex::Open(dir_.path() / kEventIndexFile));
    ASSERT_OK_AND_ASSIGN(erasures_,
                         ErasureRequestStore::Open(dir_.path() / kErasureRequestFileName, clock_));

    ASSERT_OK_AND_ASSIGN(staff1_, AddStaff("S-1"));
    ASSERT_OK_AND_ASSIGN(staff2_, AddStaff("S-2"));
    ASSERT_OK_AND_ASSIGN(credential1_, AddCredential(staff1_, 1));
    ASSERT_OK_AND_ASSIGN(credential2_, AddCredential(staff2_, 2));

    ASSERT_OK_AND_ASSIGN(
        admin_, users_->CreateUser({org_, "admin", Role::kSecurityAdmin, {}}, kUsersPassword));
    ASSERT_OK_AND_ASSIGN(hr_, users_->CreateUser({org_, "harriet", Role::kHr, {}}, kUsersPassword));
    ASSERT_OK_AND_ASSIGN(auditor_,
                         users_->CreateUser({org_, "audrey", Role::kAuditor, {}}, kUsersPassword));
    ASSERT_OK_AND_ASSIGN(
        holder1_, users_->CreateUser({org_, "sam", Role::kStaff, staff1_.id}, kUsersPassword));
    ASSERT_OK_AND_ASSIGN(
        holder2_, users_->CreateUser({org_, "tess", Role::kStaff, staff2_.id}, kUsersPassword));

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
        .policy_changed = [this] { ++policy_changes_; },
        .events = events_.get(),
        .checkpoint_key = &audit_key_,
        .erasures = erasures_.get(),
        .records_erased = [this] { ++records_erased_; },
    });
    router_ = BuildApiRouter(*context_);
  }

  Result<store::Staff> AddStaff(const std::string& number) {
    store::NewStaff staff{store::StaffRef::Generate(random_),
                          number,
                          "Person " + number,
                          "",
                          clock_.Now(),
                          std::nullopt};
    return registry_->AddStaff(org_, staff, "setup");
  }
  Result<store::Credential> AddCredential(const store::Staff& staff, std::uint8_t fill) {
    store::NewCredential c{store::CredentialKind::kJpki, Bytes(32, fill), Bytes(32, fill),
                           clock_.Now() + std::chrono::hours(24 * 365)};
    return registry_->AddCredential(org_, staff.id, c, "setup");
  }

  net::HttpRequest Request(std::string method, std::string target, const Session* s,
                           std::string body = "") {
    net::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.peer.address = "192.0.2.10";
    if (s != nullptr) {
      r.headers["cookie"] = "sekisho_session=" + s->token;
      r.headers["x-csrf-token"] = s->csrf;
    }
    if (!r.body.empty()) r.headers["content-type"] = "application/json";
    return r;
  }
  net::HttpResponse Call(std::string method, std::string target, const Session* s,
                         std::string body = "") {
    return router_->Handle(Request(std::move(method), std::move(target), s, std::move(body)));
  }
  net::HttpResponse Login(const std::string& login, const std::string& password,
                          const std::string& address = "192.0.2.10") {
    net::HttpRequest r = Request("POST", "/api/v1/auth/login", nullptr,
                                 json{{"login", login}, {"password", password}}.dump());
    r.peer.address = address;
    return router_->Handle(r);
  }
  // A session from a successful sign-in through the API.
  Session SignIn(const std::string& login) {
    const net::HttpResponse r = Login(login, kUsersPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    Session s;
    const std::string cookie = HeaderOf(r, "Set-Cookie");
    s.token = cookie.substr(cookie.find('=') + 1, 64);
    s.csrf = Body(r)["csrf"];
    return s;
  }

  store::testing::ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{11};
  Ed25519PrivateKey audit_key_ = *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x42));
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  store::OrganisationId org_;
  std::unique_ptr<UserStore> users_;
  SessionStore sessions_{clock_, random_};
  LoginRateLimiter limiter_{clock_};
  std::unique_ptr<LockedAuditLog> audit_log_;
  std::unique_ptr<site::SiteStore> sites_;
  std::unique_ptr<EventIndex> events_;
  std::unique_ptr<ErasureRequestStore> erasures_;
  int policy_changes_ = 0;
  int records_erased_ = 0;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<ApiRouter> router_;
  store::Staff staff1_, staff2_;
  store::Credential credential1_, credential2_;
  User admin_, hr_, auditor_, holder1_, holder2_;
};

// --- Sign-in, sessions, CSRF ------------------------------------------------------------------

TEST_F(ApiRoutesTest, LoginSetsAStrictCookieAndReturnsRoleAndCsrf) {
  const net::HttpResponse r = Login("harriet", kUsersPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["role"], "hr");
  EXPECT_EQ(Body(r)["csrf"].get<std::string>().size(), 64u);
  const std::string cookie = HeaderOf(r, "Set-Cookie");
  EXPECT_THAT(cookie, StartsWith("sekisho_session="));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly; Secure; SameSite=Strict; Path=/"));
  EXPECT_THAT(r.headers, Contains(Pair("Cache-Control", "no-store")));

  Session s;
  s.token = cookie.substr(16, 64);
  const net::HttpResponse me = Call("GET", "/api/v1/auth/me", &s);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Body(me)["login"], "harriet");
  EXPECT_EQ(Body(me)["csrf"], Body(r)["csrf"]);
}

TEST_F(ApiRoutesTest, CookieLeavesOutSecureOnlyForPlainLoopback) {
  context_->secure_cookie = false;
  const net::HttpResponse r = Login("harriet", kUsersPassword);
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(HeaderOf(r, "Set-Cookie"), Not(HasSubstr("Secure")));
  EXPECT_THAT(HeaderOf(r, "Set-Cookie"), HasSubstr("HttpOnly; SameSite=Strict; Path=/"));
}

TEST_F(ApiRoutesTest, WrongPasswordUnknownUserAndDisabledUserLookAlike) {
  ASSERT_THAT(users_->Disable(auditor_.id), IsOk());
  const net::HttpResponse wrong = Login("harriet", "not the password, no");
  const net::HttpResponse unknown = Login("nobody", kUsersPassword);
  const net::HttpResponse disabled = Login("audrey", kUsersPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.body, disabled.body);
  EXPECT_EQ(Body(wrong)["message"], "wrong login name or password");
  EXPECT_EQ(HeaderOf(wrong, "Set-Cookie"), "");
}

TEST_F(ApiRoutesTest, FiveFailuresAre429UntilTheWindowPasses) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(Login("harriet", "wrong password number " + std::to_string(i)).status, 401);
  net::HttpResponse r = Login("harriet", kUsersPassword);  // even the right password
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(Body(r)["error"], "rate_limited");
  EXPECT_EQ(HeaderOf(r, "Retry-After"), "300");
  // From another address the name is still limited.
  EXPECT_EQ(Login("harriet", kUsersPassword, "198.51.100.7").status, 429);
  clock_.Advance(299s);
  EXPECT_EQ(HeaderOf(Login("harriet", kUsersPassword), "Retry-After"), "1");
  clock_.Advance(1s);
  EXPECT_EQ(Login("harriet", kUsersPassword, "198.51.100.7").status, 200);
}

TEST_F(ApiRoutesTest, SessionsExpireWhenIdleAndAfterTwelveHours) {
  const Session idle = SignIn("harriet");
  clock_.Advance(29min);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", &idle).status, 200);
  clock_.Advance(30min);
  net::HttpResponse r = Call("GET", "/api/v1/auth/me", &idle);
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("session expired"));

  const Session busy = SignIn("harriet");
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock_.Advance(20min);
    ASSERT_EQ(Call("GET", "/api/v1/auth/me", &busy).status, 200) << i;
  }
  clock_.Advance(20min);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", &busy).status, 401);
}

TEST_F(ApiRoutesTest, LogoutNeedsCsrfAndEndsTheSession) {
  Session s = SignIn("harriet");
  Session no_csrf = s;
  no_csrf.csrf = "";
  net::HttpResponse r = Call("POST", "/api/v1/auth/logout", &no_csrf);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"], "csrf");
  r = Call("POST", "/api/v1/auth/logout", &s);
  EXPECT_EQ(r.status, 204);
  EXPECT_THAT(HeaderOf(r, "Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", &s).status, 401);
}

TEST_F(ApiRoutesTest, StateChangingRequestsWithoutTheRightCsrfTokenAre403) {
  Session s = SignIn("harriet");
  const std::string body = R"({"staff_number": "S-9", "display_name": "New Person"})";
  Session wrong = s;
  wrong.csrf = std::string(64, 'f');
  net::HttpResponse r = Call("POST", "/api/v1/staff", &wrong, body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["message"], "wrong X-CSRF-Token");
  Session missing = s;
  missing.csrf = "";
  r = Call("POST", "/api/v1/staff", &missing, body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["message"], "missing X-CSRF-Token header");
  EXPECT_THAT(registry_->FindStaffByNumber(org_, "S-9"),
              ::sekisho::testing::StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(Call("POST", "/api/v1/staff", &s, body).status, 201);
}

// --- The role matrix --------------------------------------------------------------------------

// Who may call what, written out independently of the route table.
const std::map<std::string, std::set<std::string>>& ExpectedMatrix() {
  static const auto* matrix = [] {
    auto* m = new std::map<std::string, std::set<std::string>>{
        {"POST /api/v1/auth/login", {"public"}},
        {"GET /api/v1/openapi.json", {"public"}},
        {"POST /api/v1/auth/logout", {"security_admin", "hr", "auditor", "staff"}},
        {"GET /api/v1/auth/me", {"security_admin", "hr", "auditor", "staff"}},
        {"GET /api/v1/organisation", {"security_admin", "hr", "auditor", "staff"}},
        {"GET /api/v1/users", {"security_admin"}},
        {"POST /api/v1/users", {"security_admin"}},
        {"POST /api/v1/users/{user_id}/disable", {"security_admin"}},
        {"GET /api/v1/staff", {"hr", "security_admin"}},
        {"POST /api/v1/staff", {"hr"}},
        {"GET /api/v1/staff/{staff_id}", {"hr", "security_admin"}},
        {"PATCH /api/v1/staff/{staff_id}", {"hr"}},
        {"PUT /api/v1/staff/{staff_id}/status", {"hr"}},
        {"PUT /api/v1/staff/{staff_id}/validity", {"hr"}},
        {"GET /api/v1/staff/{staff_id}/credentials", {"hr", "security_admin"}},
        {"POST /api/v1/credentials/{credential_id}/suspend", {"hr", "security_admin"}},
        {"POST /api/v1/credentials/{credential_id}/reinstate", {"hr", "security_admin"}},
        {"POST /api/v1/credentials/{credential_id}/revoke", {"hr", "security_admin"}},
        {"GET /api/v1/me/credentials", {"staff"}},
        {"POST /api/v1/me/credentials/{credential_id}/report-lost", {"staff"}},
        {"GET /api/v1/admin-events", {"auditor", "security_admin"}},
        {"GET /api/v1/events", {"security_admin", "auditor"}},
        {"GET /api/v1/me/events", {"staff"}},
        {"GET /api/v1/me/events/{id}/proof", {"staff"}},
        {"GET /api/v1/audit/checkpoint", {"auditor"}},
        {"GET /api/v1/audit/proofs/inclusion", {"auditor"}},
        {"GET /api/v1/audit/proofs/consistency", {"auditor"}},
        {"GET /api/v1/audit/records/{index}", {"auditor"}},
        {"GET /api/v1/audit/erasure-requests", {"security_admin", "hr", "auditor"}},
        {"POST /api/v1/audit/erasure-requests", {"security_admin", "hr"}},
        {"POST /api/v1/audit/erasure-requests/{request_id}/approve", {"auditor"}},
        {"POST /api/v1/audit/erasure-requests/{request_id}/reject", {"auditor"}},
        {"PUT /api/v1/sites/{id}/lockdown", {"security_admin"}},
        {"PUT /api/v1/sites/{id}/threat-level", {"security_admin"}},
    };
    for (const char* kind :
         {"sites", "zones", "doors", "schedules", "levels", "level-assignments"}) {
      const std::string collection = std::string("/api/v1/") + kind;
      (*m)["GET " + collection] = {"security_admin", "hr", "auditor"};
      (*m)["POST " + collection] = {"security_admin"};
      (*m)["GET " + collection + "/{id}"] = {"security_admin", "hr", "auditor"};
      (*m)["PUT " + collection + "/{id}"] = {"security_admin"};
      (*m)["DELETE " + collection + "/{id}"] = {"security_admin"};
    }
    return m;
  }();
  return *matrix;
}

std::string Concrete(const std::string& path_template) {
  std::string out;
  for (std::size_t i = 0; i < path_template.size(); ++i) {
    if (path_template[i] == '{') {
      out += "1";
      i = path_template.find('}', i);
    } else {
      out += path_template[i];
    }
  }
  return out;
}

TEST_F(ApiRoutesTest, TheRouteTableMatchesTheExpectedMatrix) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    const std::string key = route.method + " " + route.path;
    seen.insert(key);
    std::set<std::string> table;
    if (route.public_route) table.insert("public");
    for (Role role : route.roles) table.insert(std::string(RoleName(role)));
    ASSERT_TRUE(ExpectedMatrix().contains(key)) << key << " is not in the expected matrix";
    EXPECT_EQ(table, ExpectedMatrix().at(key)) << key;
  }
  for (const auto& [key, unused] : ExpectedMatrix()) {
    EXPECT_TRUE(seen.contains(key)) << key << " is expected but not routed";
  }
}

TEST_F(ApiRoutesTest, EveryRouteWithEveryRoleAndWithoutASession) {
  const std::map<Role, const User*> users = {{Role::kSecurityAdmin, &admin_},
                                             {Role::kHr, &hr_},
                                             {Role::kAuditor, &auditor_},
                                             {Role::kStaff, &holder1_}};
  for (const Route& route : router_->routes()) {
    const std::string key = route.method + " " + route.path;
    const std::set<std::string>& allowed = ExpectedMatrix().at(key);
    const std::string target = Concrete(route.path);
    const std::string body = route.request_schema.empty() ? "" : "{}";

    const net::HttpResponse anonymous = Call(route.method, target, nullptr, body);
    if (allowed.contains("public")) {
      EXPECT_NE(anonymous.status, 401) << key;
    } else {
      EXPECT_EQ(anonymous.status, 401) << key;
      EXPECT_EQ(Body(anonymous)["error"], "unauthenticated") << key;
    }
    for (const auto& [role, user] : users) {
      const Session session = sessions_.Create(*user);  // fresh: logout ends one
      const net::HttpResponse r = Call(route.method, target, &session, body);
      const std::string who = key + " as " + std::string(RoleName(role));
      EXPECT_LT(r.status, 500) << who << ": " << r.body;
      if (allowed.contains("public") || allowed.contains(std::string(RoleName(role)))) {
        EXPECT_NE(r.status, 401) << who;
        EXPECT_FALSE(r.status == 403 && Body(r)["error"] == "forbidden") << who << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << who;
        EXPECT_EQ(Body(r)["error"], "forbidden") << who;
      }
    }
  }
}

// --- Input validation -------------------------------------------------------------------------

TEST_F(ApiRoutesTest, BadBodiesAre400WithPreciseMessages) {
  const Session s = sessions_.Create(hr_);
  const Session admin = sessions_.Create(admin_);
  const struct {
    const Session* session;
    std::string target;
    std::string body;
    std::string error;
    std::string message;
  } cases[] = {
      {&s, "/api/v1/staff", R"({"staff_number": "S-9",)", "malformed_json",
       "malformed JSON at line 1, column 24 (byte 24)"},
      {&s, "/api/v1/staff", R"({"staff_number": "S-9", "display_name": "X", "colour": "red"})",
       "invalid_argument", "colour: unknown field"},
      {&s, "/api/v1/staff", R"({"staff_number": 9, "display_name": "X"})", "invalid_argument",
       "staff_number: expected a string, got number"},
      {&s, "/api/v1/staff", R"({"display_name": "X"})", "invalid_argument",
       "staff_number: required field is missing"},
      {&s, "/api/v1/staff", R"([1, 2])", "invalid_argument",
       "request body: expected a JSON object, got array"},
      {&s, "/api/v1/staff", R"({"staff_number": "S-9", "display_name": "X", "valid_from": "soon"})",
       "invalid_argument",
       "valid_from: expected an RFC 3339 time like 2026-04-01T09:00:00Z, got 'soon'"},
      {&admin, "/api/v1/users",
       R"({"login": "newbie", "role": "staff", "password": "long enough password", "staff": 99999999999999999999})",
       "invalid_argument", "staff: expected an integer from 1 to 9223372036854775807, got 1e+20"},
      {&admin, "/api/v1/users",
       R"({"login": "newbie", "role": "staff", "password": "long enough password", "staff": 1e999})",
       "malformed_json", "malformed JSON: a number is out of range"},
      {&admin, "/api/v1/users",
       R"({"login": "newbie", "role": "root", "password": "long enough password"})",
       "invalid_argument", "role: unknown role 'root' (security_admin, hr, auditor or staff)"},
      {&admin, "/api/v1/users", R"({"login": "newbie", "role": "hr", "password": "short"})",
       "invalid_argument", "password must be at least 12 characters long"},
  };
  for (const auto& c : cases) {
    const net::HttpResponse r = Call("POST", c.target, c.session, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_EQ(Body(r)["error"], c.error) << c.body;
    if (!c.message.empty()) {
      EXPECT_THAT(Body(r)["message"].get<std::string>(), StartsWith(c.message)) << c.body;
    }
  }
  net::HttpResponse r = Call("GET", "/api/v1/staff?limit=100000", &s);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "limit: expected an integer from 1 to 1000, got '100000'");
  r = Call("GET", "/api/v1/staff?status=gone", &s);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), StartsWith("status: "));
  r = Call("GET", "/api/v1/staff/99999999999999999999999", &s);
  EXPECT_EQ(r.status, 400);
  r = Call("GET", "/api/v1/staff/12345", &s);
  EXPECT_EQ(r.status, 404);
}

// Garbage and mutated JSON on every route that takes a body, by a role allowed to call it: never
// a 5xx, always a JSON answer.
TEST_F(ApiRoutesTest, GarbageBodiesNeverGiveA5xx) {
  const std::map<std::string, const User*> caller = {
      {"security_admin", &admin_}, {"hr", &hr_}, {"staff", &holder1_}};
  const std::string seeds[] = {
      R"({"login": "harriet", "password": "correct horse battery staple"})",
      R"({"staff_number": "S-77", "display_name": "Garbage Test", "valid_until": "2030-01-01T00:00:00Z"})",
      R"({"status": "left"})",
      R"({"valid_from": "2026-01-01T00:00:00Z", "valid_until": null})",
      R"({"reason": "lost on the train"})",
      R"({"login": "newuser", "role": "staff", "password": "long enough password", "staff": 1})",
  };
  const char alphabet[] = "{}[]\":,0123456789.eE+-truefalsnul \\/\x00\xff\xc3\xa9\n";
  std::mt19937 gen(20261127);
  int requests = 0;
  for (const Route& route : router_->routes()) {
    if (route.request_schema.empty()) continue;
    const User* user = &hr_;
    for (Role role : route.roles) {
      if (caller.contains(std::string(RoleName(role))))
        user = caller.at(std::string(RoleName(role)));
    }
    for (int i = 0; i < 150; ++i) {
      std::string body = seeds[gen() % std::size(seeds)];
      const int mutations = 1 + static_cast<int>(gen() % 4);
      for (int m = 0; m < mutations && !body.empty(); ++m) {
        const std::size_t at = gen() % body.size();
        switch (gen() % 3) {
          case 0:
            body[at] = alphabet[gen() % (sizeof alphabet - 1)];
            break;
          case 1:
            body.erase(at, 1 + gen() % 3);
            break;
          default:
            body.insert(at, 1, alphabet[gen() % (sizeof alphabet - 1)]);
        }
      }
      if (i % 10 == 0) {  // pure noise
        body.clear();
        for (int k = static_cast<int>(gen() % 64); k > 0; --k)
          body.push_back(static_cast<char>(gen()));
      }
      const Session session = sessions_.Create(*user);
      net::HttpRequest request = Request(route.method, Concrete(route.path), &session, body);
      request.headers["content-type"] = "application/json";
      const net::HttpResponse r = router_->Handle(request);
      ++requests;
      ASSERT_LT(r.status, 500) << route.path << " body "
                               << json(body).dump(-1, ' ', true, json::error_handler_t::replace)
                               << " -> " << r.body;
      ASSERT_TRUE(r.body.empty() || json::accept(r.body)) << r.body;
    }
  }
  EXPECT_GT(requests, 1000);
}

// --- Staff, credentials, self-service ----------------------------------------------------------

TEST_F(ApiRoutesTest, ReportLostSuspendsOnlyTheCallersOwnCredential) {
  const Session sam = SignIn("sam");
  const int before = policy_changes_;
  // Another holder's credential is 404, exactly like one that does not exist.
  net::HttpResponse other = Call(
      "POST", "/api/v1/me/credentials/" + std::to_string(credential2_.id.value()) + "/report-lost",
      &sam);
  net::HttpResponse absent = Call("POST", "/api/v1/me/credentials/999/report-lost", &sam);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(Body(other)["message"],
            "credential " + std::to_string(credential2_.id.value()) + " does not exist");
  EXPECT_EQ(policy_changes_, before);
  ASSERT_OK_AND_ASSIGN(store::Credential still, registry_->GetCredential(org_, credential2_.id));
  EXPECT_EQ(still.status, store::CredentialStatus::kActive);

  net::HttpResponse own = Call(
      "POST", "/api/v1/me/credentials/" + std::to_string(credential1_.id.value()) + "/report-lost",
      &sam);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Body(own)["status"], "suspended");
  EXPECT_EQ(policy_changes_, before + 1);
  ASSERT_OK_AND_ASSIGN(store::Credential lost, registry_->GetCredential(org_, credential1_.id));
  EXPECT_EQ(lost.status, store::CredentialStatus::kSuspended);
  EXPECT_EQ(lost.status_reason, "reported lost by the holder");

  const net::HttpResponse mine = Call("GET", "/api/v1/me/credentials", &sam);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(Body(mine)["items"].size(), 1u);
  EXPECT_EQ(Body(mine)["items"][0]["id"], credential1_.id.value());
}

TEST_F(ApiRoutesTest, CredentialLifeCycleThroughTheApi) {
  const Session s = SignIn("admin");
  const std::string base = "/api/v1/credentials/" + std::to_string(credential2_.id.value());
  net::HttpResponse r = Call("POST", base + "/suspend", &s, R"({"reason": "lost"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["status"], "suspended");
  r = Call("POST", base + "/reinstate", &s, R"({"reason": "found"})");
  EXPECT_EQ(Body(r)["status"], "active");
  r = Call("POST", base + "/revoke", &s, R"({"reason": "stolen"})");
  EXPECT_EQ(Body(r)["status"], "revoked");
  r = Call("POST", base + "/reinstate", &s, R"({"reason": "oops"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error"], "failed_precondition");
  EXPECT_EQ(policy_changes_, 3);
  r = Call("POST", base + "/suspend", &s, R"({})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "reason: required field is missing");
}

TEST_F(ApiRoutesTest, LeaverWorkflowRetiresCredentials) {
  const Session s = SignIn("harriet");
  const std::string target = "/api/v1/staff/" + std::to_string(staff1_.id.value()) + "/status";
  net::HttpResponse r = Call("PUT", target, &s, R"({"status": "left"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["status"], "left");
  EXPECT_EQ(policy_changes_, 1);
  ASSERT_OK_AND_ASSIGN(store::Credential c, registry_->GetCredential(org_, credential1_.id));
  EXPECT_EQ(c.status, store::CredentialStatus::kRetired);
  r = Call("GET", "/api/v1/staff/" + std::to_string(staff1_.id.value()) + "/credentials", &s);
  EXPECT_EQ(Body(r)["items"][0]["status"], "retired");
}

TEST_F(ApiRoutesTest, StaffCreateListAndValidity) {
  const Session s = SignIn("harriet");
  net::HttpResponse r =
      Call("POST", "/api/v1/staff", &s,
           R"({"staff_number": "S-3", "display_name": "Third", "department": "Ops",
                                 "valid_from": "2027-01-01T00:00:00+09:00"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["valid_from"], "2026-12-31T15:00:00.000Z");
  EXPECT_EQ(Body(r)["valid_until"], nullptr);
  EXPECT_EQ(Body(r)["staff_ref"].get<std::string>().size(), 32u);
  const std::string id = std::to_string(Body(r)["id"].get<std::int64_t>());
  EXPECT_EQ(Call("POST", "/api/v1/staff", &s, R"({"staff_number": "S-3", "display_name": "Again"})")
                .status,
            409);

  r = Call("GET", "/api/v1/staff?limit=2", &s);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["items"].size(), 2u);
  const std::string token = Body(r)["next_page_token"];
  ASSERT_FALSE(token.empty());
  r = Call("GET", "/api/v1/staff?limit=2&page_token=" + token, &s);
  EXPECT_EQ(Body(r)["items"].size(), 1u);
  EXPECT_EQ(Body(r)["items"][0]["staff_number"], "S-3");

  r = Call("PUT", "/api/v1/staff/" + id + "/validity", &s,
           R"({"valid_from": "2027-01-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"})");
  EXPECT_EQ(r.status, 400);
  r = Call("PUT", "/api/v1/staff/" + id + "/validity", &s,
           R"({"valid_from": "2027-01-01T00:00:00Z", "valid_until": "2028-01-01T00:00:00Z"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["valid_until"], "2028-01-01T00:00:00.000Z");
  EXPECT_EQ(policy_changes_, 1);

  const Session admin = SignIn("admin");
  EXPECT_EQ(Call("GET", "/api/v1/staff/" + id, &admin).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/staff/" + id + "/status", &admin, R"({"status": "left"})").status,
            403);
}

TEST_F(ApiRoutesTest, HrEditsNameAndDepartmentButNotTheStaffNumber) {
  const Session s = SignIn("harriet");
  const std::string target = "/api/v1/staff/" + std::to_string(staff1_.id.value());
  net::HttpResponse r = Call("PATCH", target, &s, R"({"department": "Finance"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["department"], "Finance");
  EXPECT_EQ(Body(r)["display_name"], "Person S-1");
  EXPECT_EQ(Body(r)["staff_number"], "S-1");
  EXPECT_EQ(Body(r)["id"], staff1_.id.value());
  r = Call("PATCH", target, &s, R"({"display_name": "Hanako Sato", "department": ""})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["display_name"], "Hanako Sato");
  EXPECT_EQ(Body(r)["department"], "");
  ASSERT_OK_AND_ASSIGN(const store::Staff stored, registry_->GetStaff(org_, staff1_.id));
  EXPECT_EQ(stored.display_name, "Hanako Sato");
  EXPECT_EQ(stored.staff_number, "S-1");
  ASSERT_OK_AND_ASSIGN(const auto events, registry_->ListEvents(org_, {10, ""}));
  EXPECT_EQ(events.items[0].actor, "harriet");
  EXPECT_EQ(events.items[0].detail, "display name, department changed");
  EXPECT_EQ(events.items[1].detail, "department changed");
  // Each change reaches the audit log at once (the publisher then finds nothing new to send).
  EXPECT_EQ(policy_changes_, 2);

  const struct {
    std::string body;
    int status;
    std::string message;
  } bad[] = {
      {R"({"display_name": ""})", 400, "display_name: display name is empty"},
      {R"({"display_name": ")" + std::string(201, 'n') + R"("})", 400,
       "display_name: display name is longer than 200 bytes"},
      {R"({"department": "Room 123456789012"})", 400,
       "department: department contains a 12-digit number; an Individual Number must never be "
       "stored"},
      {R"({"department": 7})", 400, "department: expected a string, got number"},
      {R"({"staff_number": "S-9"})", 400, "staff_number: unknown field"},
      {R"({"display_name": "X", "colour": "red"})", 400, "colour: unknown field"},
      {R"({})", 400, "request body: give display_name, department or both"},
      {R"({"display_name": null})", 400, "request body: give display_name, department or both"},
  };
  for (const auto& c : bad) {
    r = Call("PATCH", target, &s, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(Body(r)["error"], "invalid_argument") << c.body;
    EXPECT_EQ(Body(r)["message"], c.message) << c.body;
  }
  ASSERT_OK_AND_ASSIGN(const store::Staff unchanged, registry_->GetStaff(org_, staff1_.id));
  EXPECT_EQ(unchanged, stored);

  r = Call("PATCH", "/api/v1/staff/12345", &s, R"({"department": "Finance"})");
  EXPECT_EQ(r.status, 404) << r.body;
  const Session admin = SignIn("admin");
  r = Call("PATCH", target, &admin, R"({"department": "Security"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"], "forbidden");
}

// --- Users and the audit log ------------------------------------------------------------------

TEST_F(ApiRoutesTest, UserWritesAreAuditedWithoutThePassword) {
  const Session s = SignIn("admin");
  const std::uint64_t before = audit_log_->With([](audit::AuditLog& log) { return log.size(); });
  net::HttpResponse r =
      Call("POST", "/api/v1/users", &s,
           R"({"login": "newhr", "role": "hr", "password": "a brand new password"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["role"], "hr");
  EXPECT_FALSE(Body(r).contains("password_hash"));
  const std::string id = std::to_string(Body(r)["id"].get<std::int64_t>());
  EXPECT_EQ(Login("newhr", "a brand new password").status, 200);

  r = Call("POST", "/api/v1/users/" + id + "/disable", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["disabled"], true);
  EXPECT_EQ(Login("newhr", "a brand new password").status, 401);
  r = Call("POST", "/api/v1/users/" + std::to_string(admin_.id.value()) + "/disable", &s);
  EXPECT_EQ(r.status, 409);

  ASSERT_OK_AND_ASSIGN(audit::StoredEntry created, audit_log_->With([&](audit::AuditLog& log) {
    return log.GetRecord(before);
  }));
  ASSERT_TRUE(created.record.has_value());
  const std::string text = ToString(*created.record);
  EXPECT_EQ(text, R"({"action":"user-created","actor":"admin","at":"2027-01-15T08:00:00.000Z",)"
                  R"("object":"user/)" +
                      id + R"(","source":"api","v":1})");
  EXPECT_THAT(text, Not(HasSubstr("brand new")));
  EXPECT_EQ(created.kind, audit::RecordKind::kAdminAction);
  EXPECT_EQ(audit_log_->With([](audit::AuditLog& log) { return log.size(); }), before + 2);

  r = Call("GET", "/api/v1/users", &s);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["users"].size(), 6u);
}

TEST_F(ApiRoutesTest, AuditProofsVerify) {
  const Session s = SignIn("audrey");
  EXPECT_EQ(Call("GET", "/api/v1/audit/checkpoint", &s).status, 404);
  audit_log_->With([&](audit::AuditLog& log) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_THAT(
          log.Append({audit::RecordKind::kAdminAction, ToBytes("record " + std::to_string(i))}),
          IsOk());
    }
    ASSERT_THAT(log.AddCheckpoint(audit_key_), IsOk());
  });
  net::HttpResponse r = Call("GET", "/api/v1/audit/checkpoint", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["tree_size"], 5);
  ASSERT_OK_AND_ASSIGN(audit::Checkpoint checkpoint,
                       audit::OpenCheckpoint(Body(r)["checkpoint"].get<std::string>(),
                                             "test.example/log", audit_key_.public_key()));

  r = Call("GET", "/api/v1/audit/records/3", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_OK_AND_ASSIGN(Bytes leaf, FromHex(Body(r)["leaf_hash"].get<std::string>()));
  EXPECT_EQ(Body(r)["record"], ToHex(ToBytes("record 3")));
  r = Call("GET", "/api/v1/audit/proofs/inclusion?index=3&size=5", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  audit::InclusionProof proof{3, 5, {}};
  const json inclusion = Body(r);
  for (const auto& h : inclusion["path"]) {
    ASSERT_OK_AND_ASSIGN(Bytes bytes, FromHex(h.get<std::string>()));
    proof.path.push_back(*audit::HashFromBytes(bytes, "path"));
  }
  EXPECT_THAT(audit::VerifyInclusion(*audit::HashFromBytes(leaf, "leaf"), proof, checkpoint.root),
              IsOk());

  r = Call("GET", "/api/v1/audit/proofs/consistency?first=2&second=5", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["first_size"], 2);
  EXPECT_FALSE(Body(r)["path"].empty());

  EXPECT_EQ(Call("GET", "/api/v1/audit/proofs/inclusion?index=5&size=5", &s).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit/proofs/inclusion?index=1&size=6", &s).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit/proofs/inclusion?index=1", &s).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit/proofs/consistency?first=5&second=2", &s).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit/records/99", &s).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/audit/records/-1", &s).status, 400);
}

TEST_F(ApiRoutesTest, ErasureIsRequestedByOnePersonAndDecidedByAnother) {
  std::uint64_t first = 0;
  audit_log_->With([&](audit::AuditLog& log) {
    ASSERT_OK_AND_ASSIGN(first, log.Append({audit::RecordKind::kGateEvent, ToBytes("door 3")}));
    ASSERT_THAT(log.Append({audit::RecordKind::kGateEvent, ToBytes("door 4")}), IsOk());
  });
  const Session admin = SignIn("admin");
  const Session hr = SignIn("harriet");
  const Session auditor = SignIn("audrey");
  const std::string record = std::to_string(first);
  const std::string ask = json{{"record", first}, {"reason", "data-subject-request"}}.dump();

  net::HttpResponse r = Call("POST", "/api/v1/audit/erasure-requests", &admin, ask);
  ASSERT_EQ(r.status, 201) << r.body;
  const json request = Body(r);
  EXPECT_EQ(request["state"], "pending");
  EXPECT_EQ(request["requested_by"], "admin");
  EXPECT_EQ(request["reason"], "data-subject-request");
  const std::string id = std::to_string(request["id"].get<std::int64_t>());
  // The request is in the log before anything is erased.
  ASSERT_OK_AND_ASSIGN(audit::StoredEntry asked, audit_log_->With([&](audit::AuditLog& log) {
    return log.GetRecord(request["request_entry"].get<std::uint64_t>());
  }));
  ASSERT_TRUE(asked.record.has_value());
  EXPECT_THAT(ToString(*asked.record), HasSubstr("\"action\":\"erasure-requested\""));
  EXPECT_THAT(ToString(*asked.record), HasSubstr("\"object\":\"audit-record/" + record + "\""));

  // One pending request per record; bad input is precise.
  r = Call("POST", "/api/v1/audit/erasure-requests", &hr, ask);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("already has a pending"));
  r = Call("POST", "/api/v1/audit/erasure-requests", &hr,
           json{{"record", first + 1}, {"reason", "because"}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("reason: expected"));
  r = Call("POST", "/api/v1/audit/erasure-requests", &hr,
           json{{"record", 999}, {"reason", "retention-expired"}}.dump());
  EXPECT_EQ(r.status, 404) << r.body;

  // The auditor sees it pending and approves: the record's content is gone, its erasure record
  // and the approval are in the log, and the index is told.
  r = Call("GET", "/api/v1/audit/erasure-requests?state=pending", &auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Body(r)["items"].size(), 1u);
  r = Call("POST", "/api/v1/audit/erasure-requests/" + id + "/approve", &auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["state"], "approved");
  EXPECT_EQ(Body(r)["decided_by"], "audrey");
  EXPECT_EQ(records_erased_, 1);
  r = Call("GET", "/api/v1/audit/records/" + record, &auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Body(r)["erased"].get<bool>());
  EXPECT_TRUE(Body(r)["record"].is_null());
  ASSERT_OK_AND_ASSIGN(std::vector<ErasureRequest> decided, erasures_->List(org_, std::nullopt));
  ASSERT_EQ(decided.size(), 1u);
  ASSERT_TRUE(decided[0].erasure_entry.has_value());
  r = Call("GET", "/api/v1/audit/records/" + std::to_string(*decided[0].erasure_entry), &auditor);
  EXPECT_EQ(Body(r)["kind"], "erasure");

  // Decided once; an erased record cannot be asked for again; erasure records stay.
  EXPECT_EQ(Call("POST", "/api/v1/audit/erasure-requests/" + id + "/reject", &auditor).status, 409);
  r = Call("POST", "/api/v1/audit/erasure-requests", &hr, ask);
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("is erased already"));
}

TEST_F(ApiRoutesTest, ARejectedErasureLeavesTheRecordAndTheAuthorCannotDecide) {
  std::uint64_t index = 0;
  audit_log_->With([&](audit::AuditLog& log) {
    ASSERT_OK_AND_ASSIGN(index, log.Append({audit::RecordKind::kGateEvent, ToBytes("door 3")}));
  });
  // An auditor who also asked may not decide (the same login on both sides).
  ASSERT_OK_AND_ASSIGN(
      ErasureRequest own,
      erasures_->Create(org_, index, ErasureReason::kRecordedInError, "audrey", 0));
  const Session auditor = SignIn("audrey");
  net::HttpResponse r =
      Call("POST", "/api/v1/audit/erasure-requests/" + std::to_string(own.id.value()) + "/approve",
           &auditor);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("someone other than its author"));
  ASSERT_THAT(
      erasures_->Decide(org_, own.id, ErasureState::kRejected, "setup", std::nullopt).status(),
      IsOk());

  const Session hr = SignIn("harriet");
  r = Call("POST", "/api/v1/audit/erasure-requests", &hr,
           json{{"record", index}, {"reason", "retention-expired"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(Body(r)["id"].get<std::int64_t>());
  r = Call("POST", "/api/v1/audit/erasure-requests/" + id + "/reject", &auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["state"], "rejected");
  EXPECT_TRUE(Body(r)["erasure_entry"].is_null());
  EXPECT_EQ(records_erased_, 0);
  r = Call("GET", "/api/v1/audit/records/" + std::to_string(index), &auditor);
  EXPECT_FALSE(Body(r)["erased"].get<bool>());
  r = Call("GET", "/api/v1/audit/erasure-requests?state=finished", &auditor);
  EXPECT_EQ(r.status, 400);
}

// An approval that stopped after the log erased the record but before the request was marked
// decided leaves the request pending; approving it again completes it with the erasure record
// that did the work, and erases nothing twice.
TEST_F(ApiRoutesTest, ApprovingAnInterruptedErasureCompletesIt) {
  std::uint64_t target = 0;
  audit_log_->With([&](audit::AuditLog& log) {
    ASSERT_OK_AND_ASSIGN(target, log.Append({audit::RecordKind::kGateEvent, ToBytes("door 5")}));
  });
  const Session hr = SignIn("harriet");
  net::HttpResponse r = Call("POST", "/api/v1/audit/erasure-requests", &hr,
                             json{{"record", target}, {"reason", "recorded-in-error"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(Body(r)["id"].get<std::int64_t>());
  std::uint64_t erasure = 0;
  audit_log_->With([&](audit::AuditLog& log) {
    ASSERT_OK_AND_ASSIGN(erasure, log.Erase(target));
    ASSERT_THAT(log.Append({audit::RecordKind::kGateEvent, ToBytes("door 6")}), IsOk());
  });
  std::uint64_t size_before = 0;
  audit_log_->With([&](audit::AuditLog& log) { size_before = log.size(); });

  const Session auditor = SignIn("audrey");
  r = Call("POST", "/api/v1/audit/erasure-requests/" + id + "/approve", &auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["state"], "approved");
  EXPECT_EQ(Body(r)["erasure_entry"].get<std::uint64_t>(), erasure);
  // Only the approval's admin record was added: no second erasure record.
  audit_log_->With([&](audit::AuditLog& log) { EXPECT_EQ(log.size(), size_before + 1); });
  EXPECT_EQ(Call("POST", "/api/v1/audit/erasure-requests/" + id + "/approve", &auditor).status,
            409);
}

TEST_F(ApiRoutesTest, AdminEventsArePagedNewestFirst) {
  const Session s = SignIn("audrey");
  net::HttpResponse r = Call("GET", "/api/v1/admin-events?limit=1", &s);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Body(r)["items"].size(), 1u);
  EXPECT_EQ(Body(r)["items"][0]["action"], "enrolled");
  EXPECT_FALSE(Body(r)["next_page_token"].get<std::string>().empty());
}

TEST_F(ApiRoutesTest, OrganisationIsTheOneServed) {
  const Session s = SignIn("sam");
  net::HttpResponse r = Call("GET", "/api/v1/organisation", &s);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["name"], "Example Corp");
  EXPECT_EQ(Body(r)["id"], org_.value());
}

// --- Site objects -----------------------------------------------------------------------------

TEST_F(ApiRoutesTest, SiteWritesAreAuditedAndRepublished) {
  const Session s = SignIn("admin");
  const std::uint64_t before = audit_log_->With([](audit::AuditLog& log) { return log.size(); });
  net::HttpResponse r = Call("POST", "/api/v1/sites", &s, R"({"name": "HQ"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string site = std::to_string(Body(r)["id"].get<std::int64_t>());
  r = Call("POST", "/api/v1/zones", &s, R"({"name": "Offices", "site": )" + site + "}");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string zone = std::to_string(Body(r)["id"].get<std::int64_t>());
  r = Call("POST", "/api/v1/doors", &s,
           R"({"name": "Main gate", "site": )" + site + R"(, "to_zone": )" + zone + "}");
  ASSERT_EQ(r.status, 201) << r.body;
  r = Call("PUT", "/api/v1/sites/" + site + "/lockdown", &s, R"({"lockdown": true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["lockdown"], true);
  r = Call("PUT", "/api/v1/sites/" + site + "/threat-level", &s, R"({"threat_level": 256})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "threat_level: expected an integer from 0 to 255, got 256");
  EXPECT_EQ(policy_changes_, 4);
  EXPECT_EQ(audit_log_->With([](audit::AuditLog& log) { return log.size(); }), before + 4);

  // PUT takes its id from the URL; a different id in the body is refused.
  r = Call("PUT", "/api/v1/sites/" + site, &s, R"({"id": 99, "name": "HQ"})");
  EXPECT_EQ(r.status, 400);
  r = Call("PUT", "/api/v1/sites/" + site, &s, R"({"name": "Head office"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["name"], "Head office");
  // Still used by its zone and door.
  r = Call("DELETE", "/api/v1/sites/" + site, &s);
  EXPECT_EQ(r.status, 409) << r.body;
  r = Call("POST", "/api/v1/sites", &s, R"({"name": "HQ2", "colour": "red"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "colour: unknown field");

  // A level assignment must name a staff member of the organisation.
  r = Call("POST", "/api/v1/levels", &s, R"({"name": "Staff"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string level = std::to_string(Body(r)["id"].get<std::int64_t>());
  r = Call("POST", "/api/v1/level-assignments", &s, R"({"staff": 4242, "level": )" + level + "}");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Body(r)["message"], "staff: staff member 4242 does not exist");
  r = Call("POST", "/api/v1/level-assignments", &s,
           R"({"staff": )" + std::to_string(staff1_.id.value()) + R"(, "level": )" + level + "}");
  EXPECT_EQ(r.status, 201) << r.body;

  const Session hr = SignIn("harriet");
  r = Call("GET", "/api/v1/doors", &hr);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["items"].size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/sites", &hr, R"({"name": "HR site"})").status, 403);
}

// --- OpenAPI ----------------------------------------------------------------------------------

TEST_F(ApiRoutesTest, OpenApiDocumentsExactlyTheRoutes) {
  const net::HttpResponse r = Call("GET", std::string(kOpenApiPath), nullptr);
  ASSERT_EQ(r.status, 200);
  const json doc = Body(r);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const json& schemas = doc["components"]["schemas"];

  std::set<std::string> documented;
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper;
      for (char c : method) upper.push_back(static_cast<char>(std::toupper(c)));
      documented.insert(upper + " " + path);
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second) << path;
      // The operation exists in the router: a request to it is not 404/405.
      const net::HttpResponse probe =
          Call(upper, Concrete(path), nullptr, op.contains("requestBody") ? "{}" : "");
      EXPECT_NE(probe.status, 404) << upper << " " << path;
      EXPECT_NE(probe.status, 405) << upper << " " << path;
      // Every schema it names is defined.
      const std::string text = op.dump();
      for (std::size_t at = text.find("#/components/schemas/"); at != std::string::npos;
           at = text.find("#/components/schemas/", at + 1)) {
        const std::size_t begin = at + std::string_view("#/components/schemas/").size();
        const std::string name = text.substr(begin, text.find('"', begin) - begin);
        EXPECT_TRUE(schemas.contains(name)) << name << " in " << path;
      }
      // Path parameters are declared.
      for (std::size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
        bool declared = false;
        for (const auto& p : op.value("parameters", json::array())) {
          declared |= p["in"] == "path" && p["name"] == name;
        }
        EXPECT_TRUE(declared) << name << " in " << path;
      }
    }
  }
  std::set<std::string> routed;
  for (const Route& route : router_->routes()) {
    const std::string key = route.method + " " + route.path;
    routed.insert(key);
    std::string method;
    for (char c : route.method) method.push_back(static_cast<char>(std::tolower(c)));
    const json& op = doc["paths"][route.path][method];
    if (route.public_route) {
      EXPECT_EQ(op["security"], json::array()) << key;
    } else {
      EXPECT_TRUE(op["security"][0].contains("sessionCookie")) << key;
      EXPECT_EQ(op["security"][0].contains("csrfHeader"), IsStateChanging(route.method)) << key;
      std::set<std::string> roles;
      for (const auto& role : op["x-roles"]) roles.insert(role.get<std::string>());
      EXPECT_EQ(roles, ExpectedMatrix().at(key)) << key;
    }
    for (const QueryParam& q : route.query) {
      bool declared = false;
      for (const auto& p : op["parameters"]) declared |= p["in"] == "query" && p["name"] == q.name;
      EXPECT_TRUE(declared) << q.name << " of " << key;
    }
  }
  EXPECT_EQ(documented, routed);
}

TEST_F(ApiRoutesTest, OpenApiDocumentsRoutesAddedLater) {
  router_->Add(
      {.method = "GET",
       .path = "/api/v1/extra",
       .roles = {Role::kAuditor},
       .summary = "added after BuildApiRouter",
       .handler = [](const ApiRequest&) -> Result<ApiResponse> { return JsonResponse({}); }});
  const json doc = Body(Call("GET", std::string(kOpenApiPath), nullptr));
  EXPECT_EQ(doc["paths"]["/api/v1/extra"]["get"]["summary"], "added after BuildApiRouter");
}

}  // namespace
}  // namespace sekisho::server
