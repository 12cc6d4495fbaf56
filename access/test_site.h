// Test support for access_test and privacy_test: a data directory in a temporary folder with the
// real SQLite registry, the test PKI's auth root as its trust anchor, organisations with their
// keys, and the simulated My Number Card of card/sim/sim_test_card.h.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "access/data_dir.h"
#include "access/enrolment.h"
#include "access/revocation.h"
#include "access/revoked_serials.h"
#include "base/clock.h"
#include "base/random.h"
#include "card/sim/card_profile.h"
#include "card/sim/sim_test_card.h"
#include "pki/crl.h"
#include "pki/trust_anchors.h"
#include "store/sqlite/sqlite_registry.h"

namespace sekisho::access::testing {

using card::sim::testing::TempDir;
using card::sim::testing::World;

// A day after the shared card was issued (card::sim::testing::kTestNow).
inline constexpr TimePoint kEnrolTime = card::sim::testing::kTestNow + std::chrono::hours(24);
// An unusual PIN, so that a search for it in files means something.
inline constexpr std::string_view kTestPin = "7391";

// The shared card's profile with the auth PIN kTestPin and `auth_tries` tries left.
card::sim::CardProfile TestProfile(int auth_tries = 3);
// TestProfile() after a certificate renewal: a new auth key (OpenSSL's generator) and a new auth
// certificate from the same test PKI, valid from kEnrolTime for five years.
card::sim::CardProfile RenewedProfile();
// A CRL of the test PKI's auth root listing `revoked_serials`, thisUpdate `at`, 30 days long.
pki::Crl AuthCrl(std::span<const Bytes> revoked_serials, TimePoint at);

struct TestOrg {
  store::Organisation org;
  identity::OrgKey key;
  RevokedSerials revoked;
};

// One data directory with its registry open. Not thread-safe.
class TestSite {
 public:
  // A data directory at `root` (created) holding the test auth root as a test anchor. Staff
  // references and challenges come from SeededRandom(seed): give each site its own.
  explicit TestSite(const std::filesystem::path& root, std::uint64_t seed = 99);

  // A new organisation: its files (key from SeededRandom(key_seed)) and its registry row.
  TestOrg& AddOrg(std::string_view name, std::uint64_t key_seed);
  store::Staff AddStaff(const TestOrg& org, std::string_view number, std::string_view name);

  // Access::Enrol on `channel` with kTestPin (or `pin`); `*pin_asked` (when given) tells whether
  // the PIN source was called.
  Result<EnrolmentOutcome> Enrol(TestOrg& org, const store::Staff& staff,
                                 card::CardChannel& channel, bool rebind = false,
                                 std::string_view pin = kTestPin, bool* pin_asked = nullptr);
  Result<CrlImportOutcome> ImportCrl(TestOrg& org, const pki::Crl& crl);

  const DataDir& dir() const { return dir_; }
  store::sqlite::SqliteRegistry& registry() { return *registry_; }
  FakeClock& clock() { return clock_; }
  const pki::TrustAnchorSet& anchors() const { return anchors_; }
  // Closes the registry (its -wal and -shm files go away with the last connection).
  void CloseRegistry() { registry_.reset(); }

 private:
  FakeClock clock_{kEnrolTime};
  SeededRandom random_;
  DataDir dir_;
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  pki::TrustAnchorSet anchors_;
  std::vector<std::unique_ptr<TestOrg>> orgs_;
};

}  // namespace sekisho::access::testing
