#include "server/api_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "server/api_error.h"
#include "server/test_http.h"

namespace sekisho::server {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

using ::sekisho::testing::Body;
using ::sekisho::testing::HeaderOf;

class ApiRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.AddSchema("Thing", {{"type", "object"}});
    router_.Add({.method = "GET",
                 .path = "/api/v1/things/{thing_id}",
                 .roles = {Role::kHr, Role::kAuditor},
                 .summary = "a thing",
                 .query = {{.name = "limit", .type = "integer"}},
                 .handler = [](const ApiRequest& r) -> Result<ApiResponse> {
                   ASSIGN_OR_RETURN(std::int64_t id, r.PathId("thing_id"));
                   ASSIGN_OR_RETURN(std::int64_t limit, r.QueryInt("limit", 1, 10, 3));
                   if (id == 404) return NotFoundError("thing 404 does not exist");
                   if (id == 500) return DataLossError("secret detail of a corrupt file");
                   if (id == 666) throw std::runtime_error("boom");
                   ApiResponse response;
                   response.body = {{"id", id}, {"limit", limit}, {"login", r.session->login}};
                   return response;
                 }});
    router_.Add({.method = "POST",
                 .path = "/api/v1/things/{thing_id}",
                 .roles = {Role::kHr},
                 .summary = "change a thing",
                 .request_schema = "Thing",
                 .handler = [](const ApiRequest& r) -> Result<ApiResponse> {
                   ApiResponse response;
                   response.status = 201;
                   response.body = r.body;
                   return response;
                 }});
    router_.Add({.method = "POST",
                 .path = "/api/v1/public",
                 .public_route = true,
                 .summary = "public",
                 .handler = [](const ApiRequest& r) -> Result<ApiResponse> {
                   EXPECT_EQ(r.session, nullptr);
                   return ApiResponse{204, nullptr, {}};
                 }});
    User hr;
    hr.id = UserId(1);
    hr.login = "harriet";
    hr.role = Role::kHr;
    hr_ = sessions_.Create(hr);
    User staff = hr;
    staff.id = UserId(2);
    staff.login = "sam";
    staff.role = Role::kStaff;
    staff_ = sessions_.Create(staff);
  }

  net::HttpRequest Request(std::string method, std::string target, const Session* s,
                           std::string body = "") {
    net::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    if (s != nullptr) {
      r.headers["cookie"] = "theme=dark; sekisho_session=" + s->token;
      r.headers["x-csrf-token"] = s->csrf;
    }
    if (!r.body.empty()) r.headers["content-type"] = "application/json";
    return r;
  }

  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{3};
  SessionStore sessions_{clock_, random_};
  ApiRouter router_{sessions_};
  Session hr_;
  Session staff_;
};

TEST_F(ApiRouterTest, DispatchesWithPathAndQueryParameters) {
  const auto r = router_.Handle(Request("GET", "/api/v1/things/12?limit=7", &hr_));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (nlohmann::json{{"id", 12}, {"limit", 7}, {"login", "harriet"}}));
  EXPECT_THAT(r.headers, Contains(Pair("Cache-Control", "no-store")));
  EXPECT_THAT(r.headers, Contains(Pair("X-Content-Type-Options", "nosniff")));
  EXPECT_THAT(r.headers, Contains(Pair("Content-Security-Policy", "default-src 'self'")));
  EXPECT_THAT(r.headers, Contains(Pair("Content-Type", "application/json")));
}

TEST_F(ApiRouterTest, UnknownPathIs404Json) {
  for (const char* target :
       {"/api/v1/nothing", "/api/v1/things", "/api/v1/things/1/x", "/api/v1/things/", "/", ""}) {
    const auto r = router_.Handle(Request("GET", target, &hr_));
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(Body(r)["error"], "not_found");
    EXPECT_THAT(r.headers, Contains(Pair("X-Content-Type-Options", "nosniff")));
  }
}

TEST_F(ApiRouterTest, WrongMethodIs405WithAllow) {
  const auto r = router_.Handle(Request("DELETE", "/api/v1/things/1", &hr_));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, HEAD, POST");
  EXPECT_EQ(Body(r)["error"], "method_not_allowed");
}

TEST_F(ApiRouterTest, HeadIsGetWithoutBody) {
  const auto r = router_.Handle(Request("HEAD", "/api/v1/things/1", &hr_));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(ApiRouterTest, NoOrUnknownSessionIs401) {
  auto r = router_.Handle(Request("GET", "/api/v1/things/1", nullptr));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"], "unauthenticated");
  Session fake = hr_;
  fake.token = std::string(64, '0');
  r = router_.Handle(Request("GET", "/api/v1/things/1", &fake));
  EXPECT_EQ(r.status, 401);
}

TEST_F(ApiRouterTest, RoleNotAllowedIs403) {
  const auto r = router_.Handle(Request("GET", "/api/v1/things/1", &staff_));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"], "forbidden");
  EXPECT_EQ(Body(r)["message"], "role staff may not call GET /api/v1/things/{thing_id}");
}

TEST_F(ApiRouterTest, StateChangingNeedsTheCsrfToken) {
  auto request = Request("POST", "/api/v1/things/1", &hr_, R"({"a":1})");
  EXPECT_EQ(router_.Handle(request).status, 201);
  request.headers.erase("x-csrf-token");
  auto r = router_.Handle(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"], "csrf");
  EXPECT_EQ(Body(r)["message"], "missing X-CSRF-Token header");
  request.headers["x-csrf-token"] = staff_.csrf;  // another session's token
  r = router_.Handle(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["message"], "wrong X-CSRF-Token");
  // A GET needs none.
  auto get = Request("GET", "/api/v1/things/1", &hr_);
  get.headers.erase("x-csrf-token");
  EXPECT_EQ(router_.Handle(get).status, 200);
}

TEST_F(ApiRouterTest, BodyMustBeJson) {
  auto request = Request("POST", "/api/v1/things/1", &hr_, R"({"a":1})");
  request.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_EQ(router_.Handle(request).status, 201);
  request.headers["content-type"] = "text/plain";
  auto r = router_.Handle(request);
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(Body(r)["error"], "unsupported_media_type");
  request.headers.erase("content-type");
  EXPECT_EQ(router_.Handle(request).status, 415);

  r = router_.Handle(Request("POST", "/api/v1/things/1", &hr_, R"({"a":)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"], "malformed_json");
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("line 1, column 6"));

  r = router_.Handle(
      Request("POST", "/api/v1/things/1", &hr_, std::string(kMaxApiBodySize + 1, ' ')));
  EXPECT_EQ(r.status, 413);
  r = router_.Handle(Request("POST", "/api/v1/public", nullptr, "{}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "POST /api/v1/public takes no request body");
}

TEST_F(ApiRouterTest, BadParametersAre400) {
  auto r = router_.Handle(Request("GET", "/api/v1/things/abc", &hr_));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("thing_id: expected an integer"));
  r = router_.Handle(Request("GET", "/api/v1/things/1?limit=11", &hr_));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "limit: expected an integer from 1 to 10, got '11'");
  r = router_.Handle(Request("GET", "/api/v1/things/1?colour=red", &hr_));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["message"], "query: unknown parameter 'colour'");
}

TEST_F(ApiRouterTest, ErrorsMapAndHideInternalDetail) {
  auto r = router_.Handle(Request("GET", "/api/v1/things/404", &hr_));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r),
            (nlohmann::json{{"error", "not_found"}, {"message", "thing 404 does not exist"}}));
  r = router_.Handle(Request("GET", "/api/v1/things/500", &hr_));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r), (nlohmann::json{{"error", "internal"}, {"message", "internal error"}}));
  r = router_.Handle(Request("GET", "/api/v1/things/666", &hr_));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r)["error"], "internal");
  EXPECT_THAT(r.headers, Contains(Pair("Cache-Control", "no-store")));
}

TEST_F(ApiRouterTest, PublicRouteNeedsNoSession) {
  const auto r = router_.Handle(Request("POST", "/api/v1/public", nullptr));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
}

TEST(HttpStatusForTest, EveryCode) {
  const std::map<StatusCode, int> expected = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kNotFound, 404},
      {StatusCode::kAlreadyExists, 409},
      {StatusCode::kUnauthenticated, 401},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kFailedPrecondition, 409},
      {StatusCode::kUnavailable, 503},
      {StatusCode::kDeadlineExceeded, 500},
      {StatusCode::kDataLoss, 500},
      {StatusCode::kInternal, 500},
  };
  for (StatusCode code : kAllStatusCodes) {
    EXPECT_EQ(HttpStatusFor(code), expected.at(code)) << StatusCodeName(code);
  }
}

TEST(StatusResponseTest, ClientErrorsKeepTheirMessageServerErrorsDoNot) {
  auto r = StatusResponse(AlreadyExistsError("login name 'a' is taken"), "test");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r),
            (nlohmann::json{{"error", "already_exists"}, {"message", "login name 'a' is taken"}}));
  r = StatusResponse(UnavailableError("database locked by pid 12"), "test");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r)["message"], "service unavailable, retry later");
}

}  // namespace
}  // namespace sekisho::server
