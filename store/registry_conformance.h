// The conformance suite of the Registry interface (store/registry.h): one set of tests that every
// back-end passes. A back-end's test binary supplies a harness and instantiates the suite:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, RegistryConformanceTest,
//                            ::testing::Values(RegistryBackend{"Sqlite", &MakeSqliteHarness}),
//                            &RegistryBackendName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "store/registry.h"

namespace sekisho::store::testing {

// One fresh, empty store for one test, and the means to disturb it.
class RegistryHarness {
 public:
  virtual ~RegistryHarness() = default;
  // A connection to this harness's store: the first call finds it empty, later calls open the
  // same store again (a second connection, as a second process would). `clock` outlives it.
  virtual Result<std::unique_ptr<Registry>> Open(const Clock& clock) = 0;
  // While `fail` is set, every insert of an admin event fails inside the store itself (for
  // example by a trigger that raises an error), so that a test can check that the rest of the
  // transaction is undone. Set from outside any open Registry.
  virtual Status SetEventWriteFailure(bool fail) = 0;
};

struct RegistryBackend {
  std::string name;  // letters and digits only (a gtest name)
  std::function<std::unique_ptr<RegistryHarness>()> make_harness;
};

std::string RegistryBackendName(const ::testing::TestParamInfo<RegistryBackend>& info);
// Test names and failure messages show the back-end's name.
inline void PrintTo(const RegistryBackend& backend, std::ostream* os) { *os << backend.name; }

class RegistryConformanceTest : public ::testing::TestWithParam<RegistryBackend> {
 protected:
  void SetUp() override;

  Registry& registry() { return *registry_; }
  RegistryHarness& harness() { return *harness_; }

  FakeClock clock_{FromUnixSeconds(1743465600) + std::chrono::nanoseconds(123456789)};
  std::unique_ptr<RegistryHarness> harness_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace sekisho::store::testing
