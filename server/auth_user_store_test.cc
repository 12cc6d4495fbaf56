#include "server/auth_user_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/status_matchers.h"
#include "store/sqlite/sqlite_registry.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "a long enough password";

class UserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, UserStore::Open(dir_.path() / kUserStoreFileName, clock_,
                                                 TestOnlyPasswordParams()));
  }
  NewUser Admin(std::string login = "alice") {
    return {store::OrganisationId(1), std::move(login), Role::kSecurityAdmin, std::nullopt};
  }

  store::testing::ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<UserStore> store_;
};

TEST_F(UserStoreTest, CreateFindListRoundTrip) {
  ASSERT_OK_AND_ASSIGN(User alice, store_->CreateUser(Admin(), kPassword));
  EXPECT_EQ(alice.login, "alice");
  EXPECT_EQ(alice.role, Role::kSecurityAdmin);
  EXPECT_FALSE(alice.disabled);
  EXPECT_EQ(alice.created_at, FromUnixSeconds(1'800'000'000));
  ASSERT_OK_AND_ASSIGN(
      User bob, store_->CreateUser(
                    {store::OrganisationId(1), "bob", Role::kStaff, store::StaffId(7)}, kPassword));
  EXPECT_EQ(bob.staff, store::StaffId(7));
  ASSERT_THAT(
      store_->CreateUser({store::OrganisationId(2), "carol", Role::kHr, std::nullopt}, kPassword),
      IsOk());

  ASSERT_OK_AND_ASSIGN(User found, store_->Find("alice"));
  EXPECT_EQ(found, alice);
  ASSERT_OK_AND_ASSIGN(User by_id, store_->Get(bob.id));
  EXPECT_EQ(by_id, bob);
  ASSERT_OK_AND_ASSIGN(std::vector<User> org1, store_->List(store::OrganisationId(1)));
  ASSERT_EQ(org1.size(), 2u);
  EXPECT_EQ(org1[0], alice);
  EXPECT_EQ(org1[1], bob);
  EXPECT_THAT(store_->Find("nobody"), StatusIs(StatusCode::kNotFound, "no user 'nobody'"));
  EXPECT_THAT(store_->Get(UserId(99)), StatusIs(StatusCode::kNotFound, "no user with id 99"));
}

TEST_F(UserStoreTest, SurvivesReopening) {
  ASSERT_OK_AND_ASSIGN(User alice, store_->CreateUser(Admin(), kPassword));
  store_.reset();
  ASSERT_OK_AND_ASSIGN(
      store_, UserStore::Open(dir_.path() / kUserStoreFileName, clock_, TestOnlyPasswordParams()));
  ASSERT_OK_AND_ASSIGN(User again, store_->Find("alice"));
  EXPECT_EQ(again, alice);
}

TEST_F(UserStoreTest, RefusesBadInput) {
  EXPECT_THAT(store_->CreateUser(Admin("Alice"), kPassword),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("a-z")));
  EXPECT_THAT(store_->CreateUser(Admin("al"), kPassword),
              StatusIs(StatusCode::kInvalidArgument, "login name must be 3 to 64 characters long"));
  EXPECT_THAT(
      store_->CreateUser(Admin(".alice"), kPassword),
      StatusIs(StatusCode::kInvalidArgument, "login name must start with a letter or a digit"));
  EXPECT_THAT(store_->CreateUser(Admin(), "short"),
              StatusIs(StatusCode::kInvalidArgument, Not(HasSubstr("short"))));
  EXPECT_THAT(
      store_->CreateUser({store::OrganisationId(1), "stan", Role::kStaff, std::nullopt}, kPassword),
      StatusIs(StatusCode::kInvalidArgument, "a user with role staff needs the staff id they are"));
  EXPECT_THAT(
      store_->CreateUser({store::OrganisationId(1), "hank", Role::kHr, store::StaffId(1)},
                         kPassword),
      StatusIs(StatusCode::kInvalidArgument, "only a user with role staff names a staff id"));
  ASSERT_THAT(store_->CreateUser(Admin(), kPassword), IsOk());
  EXPECT_THAT(store_->CreateUser(Admin(), kPassword),
              StatusIs(StatusCode::kAlreadyExists, "login name 'alice' is taken"));
}

TEST_F(UserStoreTest, AuthenticateGivesOneAnswerForEveryFailure) {
  ASSERT_OK_AND_ASSIGN(User alice, store_->CreateUser(Admin(), kPassword));
  ASSERT_OK_AND_ASSIGN(User bob, store_->CreateUser(Admin("bob"), kPassword));
  ASSERT_OK_AND_ASSIGN(User signed_in, store_->Authenticate("alice", kPassword));
  EXPECT_EQ(signed_in.id, alice.id);

  const auto wrong = StatusIs(StatusCode::kUnauthenticated, "wrong login name or password");
  EXPECT_THAT(store_->Authenticate("alice", "not the password at all"), wrong);
  EXPECT_THAT(store_->Authenticate("nobody", kPassword), wrong);
  EXPECT_THAT(store_->Authenticate("", kPassword), wrong);
  ASSERT_THAT(store_->Disable(bob.id), IsOk());
  ASSERT_THAT(store_->Disable(bob.id), IsOk());  // idempotent
  EXPECT_THAT(store_->Authenticate("bob", kPassword), wrong);
  ASSERT_OK_AND_ASSIGN(User disabled, store_->Get(bob.id));
  EXPECT_TRUE(disabled.disabled);
  EXPECT_THAT(store_->Disable(UserId(99)), StatusIs(StatusCode::kNotFound));
}

TEST_F(UserStoreTest, SetPasswordReplacesTheOldOne) {
  ASSERT_OK_AND_ASSIGN(User alice, store_->CreateUser(Admin(), kPassword));
  ASSERT_THAT(store_->SetPassword(alice.id, "an entirely new password"), IsOk());
  EXPECT_THAT(store_->Authenticate("alice", kPassword), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(store_->Authenticate("alice", "an entirely new password"), IsOk());
  EXPECT_THAT(store_->SetPassword(alice.id, "short"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->SetPassword(UserId(99), "an entirely new password"),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(UserStoreTest, ThePasswordIsNotInTheFile) {
  ASSERT_THAT(store_->CreateUser(Admin(), kPassword), IsOk());
  store_.reset();
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(dir_.path() / (std::string(kUserStoreFileName) + suffix), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_THAT(bytes, Not(HasSubstr(kPassword)));
  }
}

TEST_F(UserStoreTest, RefusesARegistryFile) {
  FakeClock clock(FromUnixSeconds(1'800'000'000));
  ASSERT_THAT(store::sqlite::SqliteRegistry::Open(dir_.path() / "registry.db", clock), IsOk());
  EXPECT_THAT(UserStore::Open(dir_.path() / "registry.db", clock, TestOnlyPasswordParams()),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a Sekisho users file")));
}

}  // namespace
}  // namespace sekisho::server
