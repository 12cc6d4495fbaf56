// The queue under SIGKILL: a child process appends (and now and then seals) in a loop and reports
// each sequence number Append returned; the parent kills it at random moments, reopens the queue
// and checks that nothing reported is missing, the numbers are gap-free and the chain verifies
// from the genesis hash, as the server would verify it.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <thread>
#include <vector>

#include "base/random.h"
#include "base/status_matchers.h"
#include "gate/batch_sender.h"
#include "gate/event_queue.h"
#include "gate/in_memory_batch_sender.h"
#include "gate/test_events.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using testing::kTestGate;
using testing::TempDir;
using testing::TestGateKey;
using testing::VariedEvent;

constexpr int kKills = 12;

// The child: never returns. Exit code 2 when the queue fails, which the parent reports.
[[noreturn]] void AppendForever(const std::filesystem::path& path, int report_fd) {
  auto queue = EventQueue::Open(path, kTestGate, TestGateKey());
  if (!queue.ok()) _exit(2);
  while (true) {
    auto event = (*queue)->Append(VariedEvent((*queue)->state().last + 1));
    if (!event.ok()) _exit(2);
    const std::uint64_t sequence = event->sequence;
    if (write(report_fd, &sequence, sizeof sequence) != sizeof sequence) _exit(3);
    if (sequence % 5 == 0 && !(*queue)->SealBatch(3).ok()) _exit(2);
  }
}

// Reads the child's reports from `fd` into `reports` until `count` more have arrived or the pipe
// is closed.
void ReadReports(int fd, std::size_t count, std::vector<std::uint64_t>& reports) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t sequence = 0;
    std::size_t have = 0;
    while (have < sizeof sequence) {
      const ssize_t n =
          read(fd, reinterpret_cast<std::uint8_t*>(&sequence) + have, sizeof sequence - have);
      if (n <= 0) return;
      have += static_cast<std::size_t>(n);
    }
    reports.push_back(sequence);
  }
}

TEST(EventQueueKillTest, NothingReportedIsLostAndTheChainHolds) {
  TempDir dir;
  const auto path = dir.path() / kEventQueueFile;
  SeededRandom random(2024);
  std::uint64_t reported_max = 0;
  std::size_t total_reports = 0;

  for (int kill = 0; kill < kKills; ++kill) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendForever(path, fds[1]);
    }
    close(fds[1]);
    // A random moment: after 0-15 reported appends (0: possibly while the child still opens
    // the queue), then 0-2.5 ms later, when it may be anywhere in an append or a seal.
    std::uint8_t draw[2] = {};
    random.Fill(draw);
    std::vector<std::uint64_t> reports;
    ReadReports(fds[0], draw[0] % 16, reports);
    std::this_thread::sleep_for(std::chrono::microseconds(10 * draw[1]));
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child failed with exit code " << WEXITSTATUS(status);
    ReadReports(fds[0], std::numeric_limits<std::size_t>::max(), reports);
    close(fds[0]);
    total_reports += reports.size();

    // Reports continue where the last run's reports ended (an append that was durable but not
    // reported may sit in between), gap-free.
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (i == 0) {
        EXPECT_GT(reports[i], reported_max);
      } else {
        EXPECT_EQ(reports[i], reports[i - 1] + 1);
      }
    }
    if (!reports.empty()) reported_max = reports.back();

    // Reopening checks the chain and the numbering; every reported event is there.
    auto queue = EventQueue::Open(path, kTestGate, TestGateKey());
    ASSERT_THAT(queue.status(), IsOk()) << "after kill " << kill;
    const QueueState state = (*queue)->state();
    EXPECT_GE(state.last, reported_max) << "after kill " << kill;
    auto events = (*queue)->ReadEvents(1, state.last + 1);
    ASSERT_THAT(events.status(), IsOk());
    ASSERT_EQ(events->size(), state.last);
    for (std::uint64_t i = 0; i < state.last; ++i) {
      Event expected = VariedEvent(i + 1);
      expected.gate = kTestGate;
      expected.sequence = i + 1;
      ASSERT_EQ((*events)[i], expected) << "event " << i + 1 << " after kill " << kill;
    }
  }
  EXPECT_GT(total_reports, 0u);

  // The server verifies the whole chain from the genesis hash.
  auto queue = EventQueue::Open(path, kTestGate, TestGateKey());
  ASSERT_THAT(queue.status(), IsOk());
  InMemoryBatchSender server(kTestGate, TestGateKey().public_key());
  auto sent = ForwardEvents(**queue, server, 64);
  ASSERT_THAT(sent.status(), IsOk());
  EXPECT_EQ(server.rejected(), 0u);
  EXPECT_EQ(server.events().size(), (*queue)->state().last);
  EXPECT_EQ(server.chain().head, (*queue)->state().head);
}

}  // namespace
}  // namespace sekisho::gate
