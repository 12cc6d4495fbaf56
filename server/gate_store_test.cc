#include "server/gate_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "base/digest.h"
#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "gate/chain.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::store::testing::kTestOrg;
constexpr store::OrganisationId kOtherOrg(2);
const std::string kCertA(64, 'a');
const std::string kCertB(64, 'b');

class GateStoreTest : public ::testing::Test {
 protected:
  GateStoreTest() : clock_(FromUnixSeconds(1780000000)), random_(5) { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = GateStore::Open(temp_.path() / kGateStoreFile, clock_, random_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();
  }
  Ed25519PublicKey Key(std::uint64_t seed) {
    SeededRandom random(seed);
    return Ed25519PrivateKey::Generate(random).public_key();
  }

  TempDir temp_;
  FakeClock clock_;
  SeededRandom random_;
  std::unique_ptr<GateStore> store_;
};

TEST_F(GateStoreTest, CreatesPendingGatesWithFreshTokens) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  auto b = store_->CreateGate(kTestOrg, "south door");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->gate.id, 1u);
  EXPECT_EQ(b->gate.id, 2u);
  EXPECT_EQ(a->gate.status, GateStatus::kPending);
  EXPECT_EQ(a->token.size(), 64u);
  EXPECT_EQ(a->token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->token, b->token);
  EXPECT_EQ(a->gate.chain, gate::GateChainState::Genesis(1));
  auto stored = store_->Get(1);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->name, "north door");
  EXPECT_EQ(stored->chain, gate::GateChainState::Genesis(1));
  EXPECT_EQ(stored->created_at, clock_.Now());
  EXPECT_FALSE(stored->certificate_sha256.has_value());
  EXPECT_THAT(store_->CreateGate(kTestOrg, "").status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->CreateGate(kTestOrg, std::string(101, 'x')).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->CreateGate(kTestOrg, "a\nb").status(),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(GateStoreTest, StoresOnlyTheTokensHash) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  ASSERT_THAT(a, IsOk());
  store_.reset();
  auto token = FromHex(a->token);
  ASSERT_THAT(token, IsOk());
  std::ifstream file(temp_.path() / kGateStoreFile, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(file)), {});
  const Bytes hash = Sha256(*token);
  EXPECT_EQ(content.find(ToString(*token)), std::string::npos);
  EXPECT_EQ(content.find(a->token), std::string::npos);
  // The hash is what is there (in the file or its write-ahead log).
  std::ifstream wal(temp_.path() / (std::string(kGateStoreFile) + "-wal"), std::ios::binary);
  const std::string wal_content((std::istreambuf_iterator<char>(wal)), {});
  EXPECT_TRUE(content.find(ToString(hash)) != std::string::npos ||
              wal_content.find(ToString(hash)) != std::string::npos);
}

TEST_F(GateStoreTest, RegistersOnceWithTheToken) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  ASSERT_THAT(a, IsOk());
  clock_.Advance(std::chrono::minutes(5));
  auto registered = store_->Register(a->token, kCertA, Key(1));
  ASSERT_THAT(registered, IsOk());
  EXPECT_EQ(registered->id, a->gate.id);
  EXPECT_EQ(registered->status, GateStatus::kActive);
  EXPECT_EQ(registered->certificate_sha256, kCertA);
  EXPECT_EQ(registered->batch_key, Key(1));
  EXPECT_EQ(registered->registered_at, clock_.Now());

  // Single use.
  EXPECT_THAT(store_->Register(a->token, kCertB, Key(2)).status(),
              StatusIs(StatusCode::kUnauthenticated, "unknown or used registration token"));
  auto found = store_->FindByCertificate(kCertA);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, a->gate.id);
  EXPECT_THAT(store_->FindByCertificate(kCertB).status(), StatusIs(StatusCode::kNotFound));
}

TEST_F(GateStoreTest, RefusesWrongTokensAndFingerprints) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  ASSERT_THAT(a, IsOk());
  std::string wrong = a->token;
  wrong[10] = wrong[10] == '0' ? '1' : '0';
  EXPECT_THAT(store_->Register(wrong, kCertA, Key(1)).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(store_->Register(a->token.substr(2), kCertA, Key(1)).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(store_->Register("zz" + a->token.substr(2), kCertA, Key(1)).status(),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(store_->Register(a->token, "ABC", Key(1)).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Register(a->token, std::string(64, 'A'), Key(1)).status(),
              StatusIs(StatusCode::kInvalidArgument));
  // The token is still good after the failures; an upper-case copy of it works too.
  std::string upper = a->token;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_THAT(store_->Register(upper, kCertA, Key(1)), IsOk());
  // A second gate cannot take the first one's certificate.
  auto b = store_->CreateGate(kTestOrg, "south door");
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(store_->Register(b->token, kCertA, Key(2)).status(),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(GateStoreTest, RevokesListsAndSurvivesReopening) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  auto b = store_->CreateGate(kOtherOrg, "elsewhere");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(store_->Register(a->token, kCertA, Key(1)), IsOk());
  ASSERT_THAT(store_->Revoke(a->gate.id), IsOk());
  ASSERT_THAT(store_->Revoke(a->gate.id), IsOk());
  EXPECT_THAT(store_->Revoke(99), StatusIs(StatusCode::kNotFound));
  // A revoked pending gate's token is dead too.
  ASSERT_THAT(store_->Revoke(b->gate.id), IsOk());
  EXPECT_THAT(store_->Register(b->token, kCertB, Key(2)).status(),
              StatusIs(StatusCode::kUnauthenticated));

  Reopen();
  auto found = store_->FindByCertificate(kCertA);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->status, GateStatus::kRevoked);
  auto list = store_->List(kTestOrg);
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "north door");
  EXPECT_THAT(store_->Get(42).status(), StatusIs(StatusCode::kNotFound, "gate 42 does not exist"));
}

TEST_F(GateStoreTest, ChainStateOnlyMovesForward) {
  auto a = store_->CreateGate(kTestOrg, "north door");
  ASSERT_THAT(a, IsOk());
  gate::GateChainState state = a->gate.chain;
  state.next_sequence = 11;
  state.head = gate::NextChainHash(state.head, Bytes{1, 2, 3});
  ASSERT_THAT(store_->SaveChainState(state), IsOk());
  ASSERT_THAT(store_->SetLastSeen(a->gate.id, clock_.Now()), IsOk());
  ASSERT_THAT(store_->SetPolicyVersion(a->gate.id, 4), IsOk());
  Reopen();
  auto stored = store_->Get(a->gate.id);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->chain, state);
  EXPECT_EQ(stored->last_seen_at, clock_.Now());
  EXPECT_EQ(stored->policy_version, 4u);

  gate::GateChainState back = state;
  back.next_sequence = 5;
  EXPECT_THAT(store_->SaveChainState(back),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("would go back")));
  EXPECT_THAT(store_->SaveChainState(gate::GateChainState::Genesis(77)),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->SetLastSeen(77, clock_.Now()), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->SetPolicyVersion(77, 1), StatusIs(StatusCode::kNotFound));
}

TEST_F(GateStoreTest, PublishedVersionNeverGoesBack) {
  auto none = store_->GetPublishedPolicy(kTestOrg);
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->version, 0u);
  const Bytes h1(32, 1);
  const Bytes h2(32, 2);
  ASSERT_THAT(store_->SetPublishedPolicy(kTestOrg, {3, h1}), IsOk());
  ASSERT_THAT(store_->SetPublishedPolicy(kTestOrg, {3, h1}), IsOk());
  EXPECT_THAT(store_->SetPublishedPolicy(kTestOrg, {3, h2}),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(store_->SetPublishedPolicy(kTestOrg, {2, h2}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("gates refuse older")));
  EXPECT_THAT(store_->SetPublishedPolicy(kTestOrg, {0, h2}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->SetPublishedPolicy(kTestOrg, {4, Bytes(3)}),
              StatusIs(StatusCode::kInvalidArgument));
  ASSERT_THAT(store_->SetPublishedPolicy(kOtherOrg, {1, h2}), IsOk());
  Reopen();
  auto stored = store_->GetPublishedPolicy(kTestOrg);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->version, 3u);
  EXPECT_EQ(stored->content_sha256, h1);
}

TEST_F(GateStoreTest, RefusesAFileOfAnotherApplication) {
  store_.reset();
  const auto path = temp_.path() / "other.db";
  {
    auto db = store::sqlite::Database::Open(path);
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->Exec("PRAGMA application_id = 42; CREATE TABLE t (x);"), IsOk());
  }
  EXPECT_THAT(GateStore::Open(path, clock_, random_).status(),
              StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace sekisho::server
