// Deltas: the changes that take a gate's snapshot from one version to the next (DESIGN.md §5,
// "Lost card"; docs/formats/snapshot.md §6). Diff computes one on the server; ApplyDelta is the
// reference for applying one on the gate. Both are pure. The gate applies the same ops, in order,
// to its lookup index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/result.h"
#include "policy/model.h"

namespace sekisho::snapshot {

// How an object is named in a delta: a credential by its key, everything else by its id.
template <typename T>
using IdOf = std::conditional_t<std::is_same_v<T, policy::Credential>, policy::CredentialKey,
                                policy::ObjectId>;

// Adds the object, or replaces the one with the same id (key).
template <typename T>
struct Put {
  T object;
  friend bool operator==(const Put&, const Put&) = default;
};

// Removes the object with this id (key); it must exist.
template <typename T>
struct Remove {
  IdOf<T> id;
  friend bool operator==(const Remove&, const Remove&) = default;
};

// Sets kCredentialRevoked on an existing credential (a lost card: the smallest delta there is).
struct RevokeCredential {
  policy::CredentialKey key;
  friend bool operator==(const RevokeCredential&, const RevokeCredential&) = default;
};

// Sets an existing site's lockdown switch or threat level without resending the site.
struct SetLockdown {
  policy::ObjectId site = policy::kNone;
  bool lockdown = false;
  friend bool operator==(const SetLockdown&, const SetLockdown&) = default;
};
struct SetThreatLevel {
  policy::ObjectId site = policy::kNone;
  std::uint8_t threat_level = 0;
  friend bool operator==(const SetThreatLevel&, const SetThreatLevel&) = default;
};

using PutSite = Put<policy::Site>;
using RemoveSite = Remove<policy::Site>;
using PutZone = Put<policy::Zone>;
using RemoveZone = Remove<policy::Zone>;
using PutDoor = Put<policy::Door>;
using RemoveDoor = Remove<policy::Door>;
using PutSchedule = Put<policy::Schedule>;
using RemoveSchedule = Remove<policy::Schedule>;
using PutLevel = Put<policy::AccessLevel>;
using RemoveLevel = Remove<policy::AccessLevel>;
using PutCredential = Put<policy::Credential>;
using RemoveCredential = Remove<policy::Credential>;

// The order of the alternatives is the wire's op code minus one (docs/formats/snapshot.md §6.2):
// never reorder, only append.
using DeltaOp = std::variant<PutSite, RemoveSite, PutZone, RemoveZone, PutDoor, RemoveDoor,
                             PutSchedule, RemoveSchedule, PutLevel, RemoveLevel, PutCredential,
                             RevokeCredential, RemoveCredential, SetLockdown, SetThreatLevel>;

// "put-site", "remove-credential", "set-threat-level" ... for messages and logs.
std::string_view OpName(const DeltaOp& op);
// The same for the alternative at `index` (DeltaOp::index()); "unknown" past the last one.
std::string_view OpNameAt(std::size_t index);

struct Delta {
  std::uint64_t base_version = 0;  // the snapshot version it applies to
  std::uint64_t version = 0;       // the version it produces; > base_version
  std::vector<DeltaOp> ops;        // applied in order
  friend bool operator==(const Delta&, const Delta&) = default;
};

// `current` with `delta` applied, its version set to delta.version. Only the final snapshot must
// keep the model's invariants (ops may pass through inconsistent states). Errors:
//  - kFailedPrecondition "delta is for version A, gate holds B" when delta.base_version is not
//    current.version;
//  - kInvalidArgument when delta.version is not above delta.base_version;
//  - kNotFound "op I (NAME): ... is not in the snapshot" when a remove, revoke or set op names a
//    missing object (a credential by index, never by key);
//  - kInvalidArgument "the delta leaves an invalid snapshot: ..." when policy::Validate refuses
//    the result.
Result<policy::Snapshot> ApplyDelta(const policy::Snapshot& current, const Delta& delta);

// A delta taking `from` to `to`, so that ApplyDelta(from, Diff(from, to)) == to: for each kind of
// object, in id (key) order, Put for added and changed objects and Remove for dropped ones, except
// that a site change limited to lockdown and threat level becomes SetLockdown / SetThreatLevel
// and a credential change limited to setting the revoked flag becomes RevokeCredential. Both
// snapshots must be sorted as policy/model.h requires. kInvalidArgument when to.version is not
// above from.version.
Result<Delta> Diff(const policy::Snapshot& from, const policy::Snapshot& to);

}  // namespace sekisho::snapshot
