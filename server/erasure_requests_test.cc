#include "server/erasure_requests.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "server/auth_user_store.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using namespace std::chrono_literals;

class ErasureRequestStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(store_, ErasureRequestStore::Open(path(), clock_)); }
  std::filesystem::path path() const { return dir_.path() / kErasureRequestFileName; }

  store::testing::ScopedTempDir dir_;
  FakeClock clock_{FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<ErasureRequestStore> store_;
  const store::OrganisationId org_{1};
  const store::OrganisationId other_org_{2};
};

TEST_F(ErasureRequestStoreTest, ARequestIsPendingUntilDecided) {
  ASSERT_OK_AND_ASSIGN(ErasureRequest r,
                       store_->Create(org_, 7, ErasureReason::kRetentionExpired, "admin", 12));
  EXPECT_EQ(r.record, 7u);
  EXPECT_EQ(r.state, ErasureState::kPending);
  EXPECT_EQ(r.reason, ErasureReason::kRetentionExpired);
  EXPECT_EQ(r.requested_by, "admin");
  EXPECT_EQ(r.requested_at, clock_.Now());
  EXPECT_EQ(r.request_entry, 12u);
  EXPECT_FALSE(r.decided_by.has_value());

  clock_.Advance(5min);
  ASSERT_OK_AND_ASSIGN(ErasureRequest approved,
                       store_->Decide(org_, r.id, ErasureState::kApproved, "audrey", 13));
  EXPECT_EQ(approved.state, ErasureState::kApproved);
  EXPECT_EQ(approved.decided_by, "audrey");
  EXPECT_EQ(approved.decided_at, clock_.Now());
  EXPECT_EQ(approved.erasure_entry, 13u);
  ASSERT_OK_AND_ASSIGN(ErasureRequest read, store_->Get(org_, r.id));
  EXPECT_EQ(read, approved);
}

TEST_F(ErasureRequestStoreTest, OnePendingRequestPerRecordAndOneDecisionPerRequest) {
  ASSERT_OK_AND_ASSIGN(ErasureRequest r,
                       store_->Create(org_, 7, ErasureReason::kRecordedInError, "admin", 12));
  EXPECT_THAT(store_->Create(org_, 7, ErasureReason::kDataSubjectRequest, "harriet", 14),
              StatusIs(StatusCode::kAlreadyExists,
                       "record 7 already has a pending erasure request (id 1)"));
  // Another organisation's request for its own record 7 is unrelated.
  EXPECT_THAT(store_->Create(other_org_, 7, ErasureReason::kRecordedInError, "admin", 15).status(),
              IsOk());

  ASSERT_THAT(store_->Decide(org_, r.id, ErasureState::kRejected, "audrey", std::nullopt).status(),
              IsOk());
  EXPECT_THAT(store_->Decide(org_, r.id, ErasureState::kApproved, "audrey", 20),
              StatusIs(StatusCode::kFailedPrecondition, "erasure request 1 is rejected already"));
  // Once rejected, the record may be asked for again.
  EXPECT_THAT(store_->Create(org_, 7, ErasureReason::kDataSubjectRequest, "harriet", 16).status(),
              IsOk());
}

TEST_F(ErasureRequestStoreTest, DecisionsAreChecked) {
  ASSERT_OK_AND_ASSIGN(ErasureRequest r,
                       store_->Create(org_, 3, ErasureReason::kRecordedInError, "admin", 4));
  EXPECT_THAT(store_->Decide(org_, r.id, ErasureState::kPending, "audrey", std::nullopt),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Decide(org_, r.id, ErasureState::kApproved, "audrey", std::nullopt),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Decide(org_, r.id, ErasureState::kRejected, "audrey", 9),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      store_->Decide(org_, ErasureRequestId(99), ErasureState::kRejected, "audrey", std::nullopt),
      StatusIs(StatusCode::kNotFound, "no erasure request 99"));
  // Another organisation cannot see or decide it.
  EXPECT_THAT(store_->Get(other_org_, r.id), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->Decide(other_org_, r.id, ErasureState::kRejected, "audrey", std::nullopt),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(ErasureRequestStoreTest, ListsNewestFirstByStateAndSurvivesReopening) {
  ASSERT_OK_AND_ASSIGN(ErasureRequest a,
                       store_->Create(org_, 1, ErasureReason::kRecordedInError, "admin", 10));
  ASSERT_OK_AND_ASSIGN(ErasureRequest b,
                       store_->Create(org_, 2, ErasureReason::kRetentionExpired, "admin", 11));
  ASSERT_THAT(store_->Decide(org_, a.id, ErasureState::kApproved, "audrey", 12).status(), IsOk());

  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, ErasureRequestStore::Open(path(), clock_));
  ASSERT_OK_AND_ASSIGN(auto all, store_->List(org_, std::nullopt));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, b.id);
  EXPECT_EQ(all[1].id, a.id);
  ASSERT_OK_AND_ASSIGN(auto pending, store_->List(org_, ErasureState::kPending));
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].record, 2u);
  ASSERT_OK_AND_ASSIGN(auto none, store_->List(other_org_, std::nullopt));
  EXPECT_TRUE(none.empty());
}

TEST_F(ErasureRequestStoreTest, RefusesAnotherKindOfSekishoFile) {
  ASSERT_THAT(
      UserStore::Open(dir_.path() / kUserStoreFileName, clock_, TestOnlyPasswordParams()).status(),
      IsOk());
  EXPECT_THAT(ErasureRequestStore::Open(dir_.path() / kUserStoreFileName, clock_),
              StatusIs(StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("is not a Sekisho erasure requests file")));
}

TEST(ErasureNamesTest, RoundTripAndPreciseErrors) {
  for (ErasureReason r : {ErasureReason::kDataSubjectRequest, ErasureReason::kRetentionExpired,
                          ErasureReason::kRecordedInError}) {
    EXPECT_EQ(ParseErasureReason(ErasureReasonName(r)).value(), r);
  }
  for (ErasureState s :
       {ErasureState::kPending, ErasureState::kApproved, ErasureState::kRejected}) {
    EXPECT_EQ(ParseErasureState(ErasureStateName(s)).value(), s);
  }
  EXPECT_THAT(ParseErasureReason("because"),
              StatusIs(StatusCode::kInvalidArgument,
                       "reason: expected data-subject-request, retention-expired or "
                       "recorded-in-error, got 'because'"));
  EXPECT_THAT(ParseErasureState(""), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::server
