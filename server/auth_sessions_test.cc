#include "server/auth_sessions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

User Alice() {
  User user;
  user.id = UserId(3);
  user.org = store::OrganisationId(1);
  user.login = "alice";
  user.role = Role::kHr;
  return user;
}

class SessionStoreTest : public ::testing::Test {
 protected:
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{7};
  SessionStore sessions_{clock_, random_};
};

TEST_F(SessionStoreTest, CreateGivesFreshTokensAndUseFindsTheSession) {
  const Session a = sessions_.Create(Alice());
  const Session b = sessions_.Create(Alice());
  EXPECT_EQ(a.token.size(), 64u);
  EXPECT_EQ(a.csrf.size(), 64u);
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.token, a.csrf);
  EXPECT_NE(a.csrf, b.csrf);
  Result<Session> used = sessions_.Use(a.token);
  ASSERT_THAT(used, IsOk());
  EXPECT_EQ(used->user, UserId(3));
  EXPECT_EQ(used->role, Role::kHr);
  EXPECT_EQ(used->csrf, a.csrf);
  EXPECT_THAT(sessions_.Use("00"), StatusIs(StatusCode::kUnauthenticated, HasSubstr("no session")));
  EXPECT_THAT(sessions_.Use(""), StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(SessionStoreTest, IdleTimeoutIsThirtyMinutesSinceLastUse) {
  const Session s = sessions_.Create(Alice());
  clock_.Advance(29min);
  ASSERT_THAT(sessions_.Use(s.token), IsOk());  // moves last use
  clock_.Advance(29min);
  ASSERT_THAT(sessions_.Use(s.token), IsOk());
  clock_.Advance(30min);
  EXPECT_THAT(sessions_.Use(s.token),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("session expired")));
  // Removed once expired: a later use finds nothing.
  EXPECT_THAT(sessions_.Use(s.token),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("no session")));
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(SessionStoreTest, PeekDoesNotKeepASessionAlive) {
  const Session s = sessions_.Create(Alice());
  clock_.Advance(20min);
  Result<Session> peeked = sessions_.Peek(s.token);
  ASSERT_THAT(peeked, IsOk());
  EXPECT_EQ(peeked->login, "alice");
  clock_.Advance(10min);  // 30 minutes since the last use: peeking did not count
  EXPECT_THAT(sessions_.Peek(s.token),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("session expired")));
  EXPECT_THAT(sessions_.Use(s.token), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(sessions_.Peek("00"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("no session")));
  const Session t = sessions_.Create(Alice());
  sessions_.Remove(t.token);
  EXPECT_THAT(sessions_.Peek(t.token), StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(SessionStoreTest, AbsoluteTimeoutIsTwelveHoursEvenWhenBusy) {
  const Session s = sessions_.Create(Alice());
  for (int i = 0; i < 12 * 4 - 1; ++i) {
    clock_.Advance(15min);
    ASSERT_THAT(sessions_.Use(s.token), IsOk()) << i;
  }
  clock_.Advance(15min);  // 12 h after creation
  EXPECT_THAT(sessions_.Use(s.token),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("session expired")));
}

TEST_F(SessionStoreTest, RemoveAndRemoveUserSignOut) {
  const Session a = sessions_.Create(Alice());
  const Session b = sessions_.Create(Alice());
  User other = Alice();
  other.id = UserId(4);
  const Session c = sessions_.Create(other);
  sessions_.Remove(a.token);
  sessions_.Remove("not a token");
  EXPECT_THAT(sessions_.Use(a.token), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(sessions_.Use(b.token), IsOk());
  sessions_.RemoveUser(UserId(3));
  EXPECT_THAT(sessions_.Use(b.token), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(sessions_.Use(c.token), IsOk());
}

TEST(SessionStoreLimitTest, TheLeastRecentlyUsedSessionGoesFirst) {
  FakeClock clock(FromUnixSeconds(1'800'000'000));
  SeededRandom random(1);
  SessionStore sessions(clock, random, {.max_sessions = 2});
  const Session a = sessions.Create(Alice());
  clock.Advance(1s);
  const Session b = sessions.Create(Alice());
  clock.Advance(1s);
  ASSERT_THAT(sessions.Use(a.token), IsOk());
  const Session c = sessions.Create(Alice());
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_THAT(sessions.Use(a.token), IsOk());
  EXPECT_THAT(sessions.Use(b.token), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(sessions.Use(c.token), IsOk());
}

TEST(CheckCsrfTest, NeedsTheExactToken) {
  Session session;
  session.csrf = std::string(64, 'a');
  EXPECT_THAT(CheckCsrf(session, std::string(64, 'a')), IsOk());
  EXPECT_THAT(CheckCsrf(session, ""),
              StatusIs(StatusCode::kPermissionDenied, "missing X-CSRF-Token header"));
  EXPECT_THAT(CheckCsrf(session, std::string(63, 'a')),
              StatusIs(StatusCode::kPermissionDenied, "wrong X-CSRF-Token"));
  EXPECT_THAT(CheckCsrf(session, std::string(63, 'a') + "b"),
              StatusIs(StatusCode::kPermissionDenied, "wrong X-CSRF-Token"));
}

TEST(SessionCookieTest, Attributes) {
  EXPECT_EQ(SessionCookie("abc", true),
            "sekisho_session=abc; HttpOnly; Secure; SameSite=Strict; Path=/");
  EXPECT_EQ(SessionCookie("abc", false), "sekisho_session=abc; HttpOnly; SameSite=Strict; Path=/");
  EXPECT_EQ(ExpiredSessionCookie(true),
            "sekisho_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0");
}

TEST(SessionCookieTest, TokenFromCookieHeader) {
  EXPECT_EQ(SessionTokenFromCookie("sekisho_session=abc"), "abc");
  EXPECT_EQ(SessionTokenFromCookie("a=1; sekisho_session=abc; b=2"), "abc");
  EXPECT_EQ(SessionTokenFromCookie("a=1;sekisho_session=abc"), "abc");
  EXPECT_EQ(SessionTokenFromCookie("xsekisho_session=abc"), std::nullopt);
  EXPECT_EQ(SessionTokenFromCookie("a=1; b"), std::nullopt);
  EXPECT_EQ(SessionTokenFromCookie(""), std::nullopt);
}

}  // namespace
}  // namespace sekisho::server
