// Decide must not allocate (docs/policy.md, "Cost"): counted by replacing the global operator
// new for this test binary. Skipped under AddressSanitizer, which owns operator new.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "base/random.h"
#include "policy/decide.h"
#include "policy/test_policy.h"

#if defined(__SANITIZE_ADDRESS__)
#define SEKISHO_POLICY_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEKISHO_POLICY_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef SEKISHO_POLICY_COUNT_ALLOCATIONS
#define SEKISHO_POLICY_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local long allocations = 0;
}  // namespace

#if SEKISHO_POLICY_COUNT_ALLOCATIONS
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace sekisho::policy {
namespace {

using ::sekisho::policy::testing::RandomPolicyOptions;
using ::sekisho::policy::testing::RandomRequestOptions;
using ::sekisho::policy::testing::RandomSnapshot;
using ::sekisho::policy::testing::RequestGenerator;

TEST(DecideAllocationTest, DecideDoesNotAllocate) {
  if (!SEKISHO_POLICY_COUNT_ALLOCATIONS) GTEST_SKIP() << "operator new belongs to the sanitizer";
  SeededRandom random(7);
  RandomPolicyOptions options;
  options.anti_passback = 0.5;
  options.two_person = 0.3;
  options.first_person_in = 0.3;
  options.lockdown = 0.3;
  const Snapshot snapshot = RandomSnapshot(options, random);
  auto policy = CompiledPolicy::Create(snapshot);
  ASSERT_TRUE(policy.ok());
  std::vector<Request> requests;
  RandomRequestOptions request_options;
  request_options.own_door = 0.8;
  request_options.daytime = 0.8;
  const RequestGenerator generator(snapshot, request_options);
  for (int i = 0; i < 2000; ++i) requests.push_back(generator.Next(random));
  std::sort(requests.begin(), requests.end(),
            [](const Request& a, const Request& b) { return a.time < b.time; });
  State state;
  std::vector<Decision> decisions(requests.size());
  // Allocation counting in this same test proves it can see an allocation.
  const long before_probe = allocations;
  // A direct call: a new-expression whose result is unused may be elided by the optimiser.
  void* probe = ::operator new(sizeof(int));
  ::operator delete(probe);
  ASSERT_EQ(allocations, before_probe + 1);

  long decide_allocations = 0;
  int granted = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const long before = allocations;
    decisions[i] = Decide(requests[i], **policy, state);
    decide_allocations += allocations - before;
    granted += decisions[i].granted() ? 1 : 0;
    RecordPassage(requests[i], decisions[i], state);  // may allocate: not on the decision path
  }
  EXPECT_EQ(decide_allocations, 0);
  EXPECT_GT(granted, 0);
  EXPECT_GT(state.location_count(), 0u);
}

}  // namespace
}  // namespace sekisho::policy
