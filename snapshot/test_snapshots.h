// Snapshots for the snapshot library's tests, benchmark and fuzz seeds, built on the policy
// generator (policy/test_policy.h), and the codec tests' fixed header. Library
// sekisho_snapshot_testing; never in a product binary.
#pragma once

#include <cstdint>
#include <string>

#include "base/random.h"
#include "policy/model.h"
#include "snapshot/header.h"

namespace sekisho::snapshot::testing {

// 2026-06-01 00:00:30 UTC: when the codec tests' snapshots and deltas are issued.
inline constexpr policy::UnixSeconds kTestIssuedAt = 1780272030;
// The header the codec tests encode under: org key id 01..08, gate 1, kTestIssuedAt.
inline const Header kTestHeader{
    .org_key_id = {1, 2, 3, 4, 5, 6, 7, 8}, .gate_id = 1, .issued_at = kTestIssuedAt};

// `hex` written `n` times: Repeat("AB", 3) is "ABABAB".
inline std::string Repeat(const char* hex, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += hex;
  return s;
}

// The site DESIGN.md §8 sizes for (the policy generator's LargeSiteOptions objects: 3 sites,
// 200 zones, 1,000 doors, 300 levels) with `staff` staff as a server would ship them to a gate:
//  - staff share 250 level sets of 1-3 levels, drawn Zipf-like (set k with weight 1/(k+1): a few
//    roles cover most people); 2% also hold a personal temporary level for up to 90 days;
//  - a credential's validity bounds are whole minutes: 97% end within 5 years of `issued_at`
//    (certificate expiry, contract end), 10% start within [-30, +60] days of it, the others have
//    no lower bound (started staff);
//  - 10% of staff have a second credential (a badge) with the same levels; 1% are revoked.
policy::Snapshot RealisticSnapshot(int staff, policy::UnixSeconds issued_at, Random& random);

// A small random snapshot (the policy generator with a handful of each object and `staff`
// staff) at `version`.
policy::Snapshot SmallRandomSnapshot(int staff, std::uint64_t version, Random& random);

// A valid snapshot with a higher version that differs from `from` by a few random changes of
// every kind Diff distinguishes: objects added, changed and removed, credentials revoked,
// site lockdown and threat level switched.
policy::Snapshot Mutate(const policy::Snapshot& from, Random& random);

}  // namespace sekisho::snapshot::testing
