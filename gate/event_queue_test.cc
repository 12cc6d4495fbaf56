#include "gate/event_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/status_matchers.h"
#include "gate/batch_verifier.h"
#include "gate/test_events.h"
#include "store/sqlite/database.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::CardErrorEvent;
using testing::GrantEvent;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::TempDir;
using testing::TestGateKey;
using testing::VariedEvent;

class EventQueueTest : public ::testing::Test {
 protected:
  std::filesystem::path Path() const { return dir_.path() / kEventQueueFile; }

  std::unique_ptr<EventQueue> OpenQueue(GateId gate = kTestGate) {
    auto queue = EventQueue::Open(Path(), gate, TestGateKey());
    EXPECT_THAT(queue.status(), IsOk());
    return queue.ok() ? std::move(queue).value() : nullptr;
  }

  void AppendVaried(EventQueue& queue, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_THAT(queue.Append(VariedEvent(queue.state().last + 1)).status(), IsOk());
    }
  }

  // Runs `sql` on the queue file with a connection of its own, as an outside writer would.
  void Tamper(std::string_view sql) {
    auto db = store::sqlite::Database::Open(Path());
    ASSERT_THAT(db.status(), IsOk());
    ASSERT_THAT((*db)->Exec(sql), IsOk());
  }

  TempDir dir_;
};

TEST_F(EventQueueTest, AppendNumbersAndChains) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->state(), (QueueState{0, GenesisChainHash(kTestGate), 0, 0, 0}));
  EXPECT_EQ(queue->gate(), kTestGate);
  EXPECT_EQ(queue->public_key(), TestGateKey().public_key());

  ChainHash head = GenesisChainHash(kTestGate);
  for (std::uint64_t i = 1; i <= 5; ++i) {
    Event in = VariedEvent(i);
    in.gate = 99;       // replaced by the queue's
    in.sequence = 123;  // replaced by the next number
    auto stored = queue->Append(in);
    ASSERT_THAT(stored.status(), IsOk());
    EXPECT_EQ(stored->gate, kTestGate);
    EXPECT_EQ(stored->sequence, i);
    in.gate = kTestGate;
    in.sequence = i;
    EXPECT_EQ(*stored, in);
    head = NextChainHash(head, EncodeEvent(in).value());
  }
  EXPECT_EQ(queue->state().last, 5u);
  EXPECT_EQ(queue->state().head, head);

  auto events = queue->ReadEvents(2, 3);
  ASSERT_THAT(events.status(), IsOk());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].sequence, 2u);
  EXPECT_EQ((*events)[2].sequence, 4u);
}

TEST_F(EventQueueTest, InvalidEventIsNotStoredAndUsesNoNumber) {
  auto queue = OpenQueue();
  Event bad = GrantEvent();
  bad.staff.reset();  // a grant without its staff reference
  EXPECT_THAT(queue->Append(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("a grant")));
  auto next = queue->Append(CardErrorEvent());
  ASSERT_THAT(next.status(), IsOk());
  EXPECT_EQ(next->sequence, 1u);
}

TEST_F(EventQueueTest, ReopenContinuesTheChain) {
  QueueState before;
  {
    auto queue = OpenQueue();
    AppendVaried(*queue, 4);
    before = queue->state();
  }
  auto queue = OpenQueue();
  EXPECT_EQ(queue->state(), before);
  auto next = queue->Append(GrantEvent());
  ASSERT_THAT(next.status(), IsOk());
  EXPECT_EQ(next->sequence, 5u);
}

TEST_F(EventQueueTest, OpenRefusesAnotherGatesQueue) {
  { auto queue = OpenQueue(); }
  EXPECT_THAT(EventQueue::Open(Path(), 8, TestGateKey()),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("the queue belongs to gate 7, not to gate 8")));
  EXPECT_THAT(EventQueue::Open(Path(), 0, TestGateKey()), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(EventQueueTest, OpenRefusesOtherFiles) {
  Tamper("CREATE TABLE staff (id INTEGER PRIMARY KEY)");
  EXPECT_THAT(
      EventQueue::Open(Path(), kTestGate, TestGateKey()),
      StatusIs(StatusCode::kFailedPrecondition, HasSubstr("the file is not a gate event queue")));

  const auto garbage = dir_.path() / "garbage.db";
  std::ofstream(garbage) << std::string(4096, 'x');
  EXPECT_THAT(EventQueue::Open(garbage, kTestGate, TestGateKey()), StatusIs(StatusCode::kDataLoss));
}

TEST_F(EventQueueTest, OpenRefusesANewerFormat) {
  { auto queue = OpenQueue(); }
  Tamper("PRAGMA user_version = 2");
  EXPECT_THAT(EventQueue::Open(Path(), kTestGate, TestGateKey()),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("queue format 2 is newer than this sekisho reads (1)")));
}

struct Corruption {
  const char* name;
  const char* sql;
  const char* message;
};

class EventQueueCorruptionTest : public EventQueueTest,
                                 public ::testing::WithParamInterface<Corruption> {};

TEST_P(EventQueueCorruptionTest, OpenNamesTheSequenceWhereTheQueueBreaks) {
  {
    auto queue = OpenQueue();
    AppendVaried(*queue, 6);
  }
  Tamper(GetParam().sql);
  EXPECT_THAT(EventQueue::Open(Path(), kTestGate, TestGateKey()),
              StatusIs(StatusCode::kDataLoss, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EventQueueCorruptionTest,
    ::testing::Values(
        Corruption{"deleted", "DELETE FROM events WHERE sequence = 3",
                   "corrupt at sequence 3: the event is missing (the next one kept is 4)"},
        Corruption{"deleted_first", "DELETE FROM events WHERE sequence = 1",
                   "corrupt at sequence 1: the event is missing (the next one kept is 2)"},
        Corruption{"renumbered", "UPDATE events SET sequence = 10 WHERE sequence = 6",
                   "corrupt at sequence 6: the event is missing (the next one kept is 10)"},
        Corruption{"garbage_record", "UPDATE events SET record = x'0102' WHERE sequence = 4",
                   "corrupt at sequence 4: the record does not decode: event: truncated"},
        Corruption{"moved_record",
                   "UPDATE events SET record = (SELECT record FROM events WHERE sequence = 2) "
                   "WHERE sequence = 5",
                   "corrupt at sequence 5: the record is event 2 of gate 7"},
        Corruption{"chain_altered", "UPDATE events SET chain = zeroblob(32) WHERE sequence = 2",
                   "corrupt at sequence 2: chain break"},
        Corruption{"chain_truncated", "UPDATE events SET chain = x'00' WHERE sequence = 2",
                   "corrupt at sequence 2: chain break"},
        Corruption{"state_row_gone", "DELETE FROM queue_state", "the queue's state row is missing"},
        Corruption{"pruned_chain_altered", "UPDATE queue_state SET pruned_chain = zeroblob(32)",
                   "corrupt at sequence 1: chain break"},
        Corruption{"acknowledged_unsent", "UPDATE queue_state SET acknowledged = 3",
                   "corrupt at sequence 3: acknowledged, but only events up to 0 were sealed"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST_F(EventQueueTest, FlippedRecordBitsAreFoundOnOpen) {
  Bytes record;
  {
    auto queue = OpenQueue();
    AppendVaried(*queue, 3);
    auto db = store::sqlite::Database::Open(Path());
    ASSERT_THAT(db.status(), IsOk());
    auto read = (*db)->Prepare("SELECT record FROM events WHERE sequence = 2");
    ASSERT_THAT(read.status(), IsOk());
    ASSERT_TRUE(read->Step().value());
    record = read->ColumnBlob(0);
  }
  // One bit of every byte (a different position in each), to keep the test fast.
  for (std::size_t byte = 0; byte < record.size(); ++byte) {
    const std::size_t bit = byte * 8 + byte % 8;
    Bytes flipped = record;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    {
      auto db = store::sqlite::Database::Open(Path());
      ASSERT_THAT(db.status(), IsOk());
      auto write = (*db)->Prepare("UPDATE events SET record = ?1 WHERE sequence = 2");
      ASSERT_THAT(write.status(), IsOk());
      ASSERT_THAT(write->BindBlob(1, flipped).Run(), IsOk());
    }
    EXPECT_THAT(EventQueue::Open(Path(), kTestGate, TestGateKey()),
                StatusIs(StatusCode::kDataLoss, HasSubstr("corrupt at sequence 2")))
        << bit;
  }
}

TEST_F(EventQueueTest, SealAcknowledgePrune) {
  auto queue = OpenQueue();
  auto none = queue->SealBatch(10);
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_FALSE(none->has_value());
  EXPECT_THAT(queue->SealBatch(0), StatusIs(StatusCode::kInvalidArgument));

  AppendVaried(*queue, 5);
  auto first = queue->SealBatch(2);
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_TRUE(first->has_value());
  const Batch a = **first;
  EXPECT_EQ(a.first_sequence, 1u);
  EXPECT_EQ(a.last_sequence, 2u);
  auto second = queue->SealBatch(10);
  ASSERT_THAT(second.status(), IsOk());
  const Batch b = **second;
  EXPECT_EQ(b.first_sequence, 3u);
  EXPECT_EQ(b.last_sequence, 5u);
  EXPECT_EQ(b.chain_head, queue->state().head);
  EXPECT_FALSE(queue->SealBatch(10)->has_value());

  // The server accepts both in order.
  auto one = VerifyBatch(a, queue->public_key(), GateChainState::Genesis(kTestGate));
  ASSERT_THAT(one.status(), IsOk());
  auto two = VerifyBatch(b, queue->public_key(), one->next);
  ASSERT_THAT(two.status(), IsOk());

  auto pending = queue->PendingBatches();
  ASSERT_THAT(pending.status(), IsOk());
  EXPECT_EQ(*pending, (std::vector<Batch>{a, b}));

  EXPECT_THAT(queue->Acknowledge(4), StatusIs(StatusCode::kInvalidArgument,
                                              "acknowledgement of event 4, which does not end a "
                                              "batch"));
  EXPECT_THAT(queue->Acknowledge(6), StatusIs(StatusCode::kInvalidArgument,
                                              "acknowledgement of event 6, but only events up "
                                              "to 5 were sent"));
  ASSERT_THAT(queue->Acknowledge(2), IsOk());
  ASSERT_THAT(queue->Acknowledge(2), IsOk());  // repeated
  ASSERT_THAT(queue->Acknowledge(1), IsOk());  // behind: nothing changes
  EXPECT_EQ(queue->state().acknowledged, 2u);
  EXPECT_EQ(*queue->PendingBatches(), std::vector<Batch>{b});

  auto pruned = queue->Prune();
  ASSERT_THAT(pruned.status(), IsOk());
  EXPECT_EQ(*pruned, 2u);
  EXPECT_EQ(*queue->Prune(), 0u);
  EXPECT_EQ(queue->state().pruned, 2u);
  EXPECT_EQ(queue->ReadEvents(1, 10)->front().sequence, 3u);

  // After a reopen, the chain is checked from the pruned event's hash and continues.
  queue.reset();
  queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->state().pruned, 2u);
  EXPECT_EQ(queue->state().sealed, 5u);
  EXPECT_EQ(*queue->PendingBatches(), std::vector<Batch>{b});
  ASSERT_THAT(queue->Acknowledge(5), IsOk());
  EXPECT_EQ(*queue->Prune(), 3u);
  AppendVaried(*queue, 2);
  auto third = queue->SealBatch(10);
  ASSERT_THAT(third.status(), IsOk());
  EXPECT_THAT(VerifyBatch(**third, queue->public_key(), two->next).status(), IsOk());

  queue.reset();
  queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->state().last, 7u);
}

TEST_F(EventQueueTest, BatchesAreCappedAtTheFormatLimit) {
  auto queue = EventQueue::Open(Path(), kTestGate, TestGateKey(),
                                {.durability = QueueDurability::kProcessCrashSafeOnly});
  ASSERT_THAT(queue.status(), IsOk());
  AppendVaried(**queue, kMaxBatchEvents + 3);
  auto batch = (*queue)->SealBatch(100000);
  ASSERT_THAT(batch.status(), IsOk());
  EXPECT_EQ((*batch)->records.size(), kMaxBatchEvents);
  auto rest = (*queue)->SealBatch(100000);
  ASSERT_THAT(rest.status(), IsOk());
  EXPECT_EQ((*rest)->first_sequence, kMaxBatchEvents + 1);
  EXPECT_EQ((*rest)->records.size(), 3u);
}

TEST_F(EventQueueTest, CorruptSealedBatchesAreFoundOnOpen) {
  {
    auto queue = OpenQueue();
    AppendVaried(*queue, 4);
    ASSERT_THAT(queue->SealBatch(2).status(), IsOk());
    ASSERT_THAT(queue->SealBatch(2).status(), IsOk());
  }
  Tamper("DELETE FROM batches WHERE last_sequence = 2");
  EXPECT_THAT(EventQueue::Open(Path(), kTestGate, TestGateKey()),
              StatusIs(StatusCode::kDataLoss,
                       HasSubstr("corrupt at sequence 1: the sealed batch of events 3..4 does "
                                 "not continue the batches before it")));
}

}  // namespace
}  // namespace sekisho::gate
