#include "gate/in_memory_batch_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/status_matchers.h"
#include "gate/batch_sender.h"
#include "gate/test_events.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::kTestGate;
using testing::TempDir;
using testing::TestGateKey;
using testing::VariedEvent;

class ForwardEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto queue = EventQueue::Open(dir_.path() / kEventQueueFile, kTestGate, TestGateKey());
    ASSERT_THAT(queue.status(), IsOk());
    queue_ = std::move(queue).value();
  }

  void Append(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_THAT(queue_->Append(VariedEvent(i)).status(), IsOk());
    }
  }

  TempDir dir_;
  std::unique_ptr<EventQueue> queue_;
  InMemoryBatchSender server_{kTestGate, TestGateKey().public_key()};
};

TEST_F(ForwardEventsTest, SendsEverythingInBatchesAndPrunesAfterAcknowledgement) {
  Append(10);
  auto sent = ForwardEvents(*queue_, server_, 4);
  ASSERT_THAT(sent.status(), IsOk());
  EXPECT_EQ(*sent, 3u);
  EXPECT_EQ(server_.events().size(), 10u);
  EXPECT_EQ(server_.chain().head, queue_->state().head);
  EXPECT_EQ(queue_->state().acknowledged, 0u);  // not before the server's commit comes back

  ASSERT_THAT(server_.DeliverAcknowledgements(*queue_), IsOk());
  EXPECT_EQ(queue_->state().acknowledged, 10u);
  EXPECT_EQ(*queue_->Prune(), 10u);
  EXPECT_EQ(*ForwardEvents(*queue_, server_, 4), 0u);
}

TEST_F(ForwardEventsTest, OfflineKeepsEverythingForLater) {
  Append(3);
  server_.set_online(false);
  EXPECT_THAT(ForwardEvents(*queue_, server_, 2),
              StatusIs(StatusCode::kUnavailable, "server unreachable"));
  EXPECT_EQ(queue_->state().sealed, 2u);  // sealed, sent never: pending
  Append(2);
  server_.set_online(true);
  auto sent = ForwardEvents(*queue_, server_, 2);
  ASSERT_THAT(sent.status(), IsOk());
  EXPECT_EQ(*sent, 3u);  // the pending batch again, then 3..4 and 5
  EXPECT_EQ(server_.events().size(), 5u);
  EXPECT_EQ(server_.rejected(), 0u);
}

TEST_F(ForwardEventsTest, LostAcknowledgementIsRecoveredByResending) {
  Append(4);
  ASSERT_THAT(ForwardEvents(*queue_, server_, 10).status(), IsOk());
  server_.DropAcknowledgements();
  EXPECT_EQ(queue_->state().acknowledged, 0u);

  auto sent = ForwardEvents(*queue_, server_, 10);  // resends the pending batch: a duplicate
  ASSERT_THAT(sent.status(), IsOk());
  EXPECT_EQ(*sent, 1u);
  EXPECT_EQ(server_.batches_accepted(), 1u);
  EXPECT_EQ(server_.events().size(), 4u);
  ASSERT_THAT(server_.DeliverAcknowledgements(*queue_), IsOk());
  EXPECT_EQ(queue_->state().acknowledged, 4u);
}

TEST_F(ForwardEventsTest, ServerRefusesTamperedAndForeignBatches) {
  Append(2);
  auto batch = queue_->SealBatch(10);
  ASSERT_THAT(batch.status(), IsOk());
  Batch tampered = **batch;
  tampered.records[0][30] ^= 1;
  EXPECT_THAT(server_.Send(tampered), StatusIs(StatusCode::kUnauthenticated));
  InMemoryBatchSender other_gate(8, TestGateKey().public_key());
  EXPECT_THAT(other_gate.Send(**batch), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(server_.rejected(), 1u);
  ASSERT_THAT(server_.Send(**batch), IsOk());
  EXPECT_EQ(server_.events().size(), 2u);
}

TEST_F(ForwardEventsTest, DoorsAppendWhileTheNetworkThreadForwards) {
  constexpr std::size_t kEvents = 200;
  std::atomic<bool> done{false};
  std::atomic<bool> append_failed{false};
  std::thread door([&] {
    for (std::size_t i = 0; i < kEvents && !append_failed; ++i) {
      append_failed = !queue_->Append(VariedEvent(i)).ok();
    }
    done = true;
  });
  // The network side: forward, take the acknowledgements, prune, until the doors are done and
  // everything is on the server.
  Status network;
  while (network.ok() && !(done && (append_failed || server_.events().size() == kEvents))) {
    network = ForwardEvents(*queue_, server_, 16).status();
    if (network.ok()) network = server_.DeliverAcknowledgements(*queue_);
    if (network.ok()) network = queue_->Prune().status();
  }
  door.join();
  EXPECT_THAT(network, IsOk());
  EXPECT_FALSE(append_failed);
  EXPECT_EQ(server_.rejected(), 0u);
  EXPECT_EQ(server_.events().size(), kEvents);
  EXPECT_EQ(server_.chain().head, queue_->state().head);
  EXPECT_EQ(queue_->state().pruned, kEvents);
}

}  // namespace
}  // namespace sekisho::gate
