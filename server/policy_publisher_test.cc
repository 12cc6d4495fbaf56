#include "server/policy_publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::server {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr store::OrganisationId kOrg(3);
constexpr gate::GateId kGate = 9;

class PolicyPublisherTest : public ::testing::Test {
 protected:
  PolicyPublisherTest() {
    auto store = GateStore::Open(temp_.path() / kGateStoreFile, clock_, random_);
    EXPECT_THAT(store, IsOk());
    store_ = std::move(store).value();
    Restart();
    base_ = snapshot::testing::SmallRandomSnapshot(20, 1, random_);
  }
  void Restart(std::size_t history = 64) {
    publisher_.reset();
    auto key = Ed25519PrivateKey::FromSeed(org_key_.seed());
    ASSERT_THAT(key, IsOk());
    auto publisher = PolicyPublisher::Create(*store_, kOrg, std::move(key).value(), clock_,
                                             {.history = history});
    ASSERT_THAT(publisher, IsOk());
    publisher_ = std::move(publisher).value();
  }
  policy::Snapshot Mutated(const policy::Snapshot& from) {
    return snapshot::testing::Mutate(from, random_);
  }
  // The snapshot the messages produce for a gate holding `held`, each verified as the gate does.
  policy::Snapshot Apply(policy::Snapshot held, const std::vector<sync::Message>& messages) {
    for (const sync::Message& message : messages) {
      if (const auto* full = std::get_if<sync::SnapshotMessage>(&message)) {
        auto opened = snapshot::OpenSnapshot(org_key_.public_key(), kGate, full->signed_snapshot);
        EXPECT_THAT(opened, IsOk());
        if (opened.ok()) held = opened->snapshot;
      } else if (const auto* delta = std::get_if<sync::DeltaMessage>(&message)) {
        auto opened = snapshot::OpenDelta(org_key_.public_key(), kGate, delta->signed_delta);
        EXPECT_THAT(opened, IsOk());
        if (!opened.ok()) continue;
        auto applied = snapshot::ApplyDelta(held, opened->delta);
        EXPECT_THAT(applied, IsOk());
        if (applied.ok()) held = *applied;
      } else {
        ADD_FAILURE() << "unexpected message type";
      }
    }
    return held;
  }

  TempDir temp_;
  FakeClock clock_{FromUnixSeconds(1780272000)};
  SeededRandom random_{11};
  Ed25519PrivateKey org_key_ = Ed25519PrivateKey::Generate(random_);
  std::unique_ptr<GateStore> store_;
  std::unique_ptr<PolicyPublisher> publisher_;
  policy::Snapshot base_;
};

TEST_F(PolicyPublisherTest, VersionsAdvanceOnlyWithNewContent) {
  EXPECT_EQ(publisher_->version(), 0u);
  std::vector<std::uint64_t> notified;
  const int handle = publisher_->Subscribe([&](std::uint64_t v) { notified.push_back(v); });
  auto v1 = publisher_->Publish(base_);
  ASSERT_THAT(v1, IsOk());
  EXPECT_EQ(*v1, 1u);
  policy::Snapshot same = base_;
  same.version = 77;  // ignored
  EXPECT_EQ(publisher_->Publish(same).value_or(0), 1u);
  const policy::Snapshot next = Mutated(base_);
  EXPECT_EQ(publisher_->Publish(next).value_or(0), 2u);
  EXPECT_EQ(notified, (std::vector<std::uint64_t>{1, 2}));
  auto stored = store_->GetPublishedPolicy(kOrg);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->version, 2u);
  publisher_->Unsubscribe(handle);
  EXPECT_EQ(publisher_->Publish(Mutated(next)).value_or(0), 3u);
  EXPECT_EQ(notified.size(), 2u);
}

TEST_F(PolicyPublisherTest, CatchUpSendsDeltasWithinTheHistoryElseASnapshot) {
  Restart(/*history=*/2);
  auto nothing = publisher_->CatchUp(kGate, 0);
  ASSERT_THAT(nothing, IsOk());
  EXPECT_TRUE(nothing->messages.empty());

  std::vector<policy::Snapshot> versions = {base_};
  ASSERT_THAT(publisher_->Publish(base_), IsOk());
  for (int i = 0; i < 3; ++i) {
    versions.push_back(Mutated(versions.back()));
    ASSERT_THAT(publisher_->Publish(versions.back()), IsOk());
  }
  for (std::size_t i = 0; i < versions.size(); ++i) versions[i].version = i + 1;
  const policy::Snapshot& current = versions.back();

  // Current: nothing. Two behind: two deltas. Three behind or new: one snapshot.
  auto up_to_date = publisher_->CatchUp(kGate, 4);
  ASSERT_THAT(up_to_date, IsOk());
  EXPECT_TRUE(up_to_date->messages.empty());
  auto two = publisher_->CatchUp(kGate, 2);
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(two->version, 4u);
  ASSERT_EQ(two->messages.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<sync::DeltaMessage>(two->messages[0]));
  EXPECT_EQ(Apply(versions[1], two->messages), current);
  for (std::uint64_t held : {0, 1}) {
    auto full = publisher_->CatchUp(kGate, held);
    ASSERT_THAT(full, IsOk());
    ASSERT_EQ(full->messages.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<sync::SnapshotMessage>(full->messages[0]));
    EXPECT_EQ(Apply({}, full->messages), current);
  }
  EXPECT_THAT(publisher_->CatchUp(kGate, 5).status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("newer than the published")));
}

TEST_F(PolicyPublisherTest, VersionsNeverGoBackAcrossARestart) {
  ASSERT_THAT(publisher_->Publish(base_), IsOk());
  const policy::Snapshot next = Mutated(base_);
  ASSERT_THAT(publisher_->Publish(next), IsOk());
  Restart();
  EXPECT_EQ(publisher_->version(), 2u);
  EXPECT_FALSE(publisher_->current().has_value());
  // A gate at 2 is current even before the first publish; one at 3 is ahead of the server.
  auto none = publisher_->CatchUp(kGate, 2);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->messages.empty());
  EXPECT_THAT(publisher_->CatchUp(kGate, 3).status(), StatusIs(StatusCode::kFailedPrecondition));
  // The content of version 2 resumes version 2; anything else is version 3.
  EXPECT_EQ(publisher_->Publish(next).value_or(0), 2u);
  Restart();
  EXPECT_EQ(publisher_->Publish(base_).value_or(0), 3u);
  auto full = publisher_->CatchUp(kGate, 2);
  ASSERT_THAT(full, IsOk());
  ASSERT_EQ(full->messages.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<sync::SnapshotMessage>(full->messages[0]));
}

TEST_F(PolicyPublisherTest, RefusesInvalidContentAndChangesNothing) {
  ASSERT_THAT(publisher_->Publish(base_), IsOk());
  policy::Snapshot broken = base_;
  ASSERT_FALSE(broken.doors.empty());
  broken.doors.push_back(broken.doors.front());  // a duplicate id
  EXPECT_THAT(publisher_->Publish(broken).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(publisher_->version(), 1u);
  EXPECT_THAT(PolicyPublisher::Create(*store_, kOrg, Ed25519PrivateKey::Generate(random_), clock_,
                                      {.history = 0})
                  .status(),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::server
