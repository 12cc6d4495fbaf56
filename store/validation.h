// Input checks that every Registry back-end applies before writing, so that all of them refuse the
// same inputs with the same kInvalidArgument messages, and the credential life cycle that all of
// them follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "store/types.h"

namespace sekisho::store {

// Length limits in bytes (UTF-8).
inline constexpr std::size_t kMaxOrganisationNameLength = 200;
inline constexpr std::size_t kMaxStaffNumberLength = 64;
inline constexpr std::size_t kMaxPersonTextLength = 200;  // display name, department
inline constexpr std::size_t kMaxActorLength = 200;
inline constexpr std::size_t kMaxReasonLength = 200;
inline constexpr std::size_t kMaxDetailLength = 1000;

// True when `text` holds a run of 12 or more ASCII digits: the shape of an Individual Number
// (My Number), which Sekisho never stores (My Number Act; DESIGN.md §3). Free-text fields with
// such a run are refused.
bool ContainsIndividualNumberLike(std::string_view text);

// kInvalidArgument naming `field` when `text` is empty (and `required`), longer than
// `max_length`, or holds an ASCII control character. With `free_text`, also when
// ContainsIndividualNumberLike(text).
Status ValidateText(std::string_view field, std::string_view text, std::size_t max_length,
                    bool required, bool free_text);

// Each: OK, or kInvalidArgument naming the first field that is wrong.
Status ValidateOrganisationName(std::string_view name);
Status ValidateActor(std::string_view actor);
Status ValidateStatusReason(std::string_view reason);
// valid_until, when set, must be later than valid_from.
Status ValidateValidity(TimePoint valid_from, std::optional<TimePoint> valid_until);
// A staff member's display name (required) and department (may be empty): at most
// kMaxPersonTextLength bytes, no control character, no 12-digit run (free text).
Status ValidateDisplayName(std::string_view display_name);
Status ValidateDepartment(std::string_view department);
// staff_ref not all zero; staff_number, display_name required; department optional.
Status ValidateNewStaff(const NewStaff& staff);
// The creation rules of ValidateNewStaff for each field that is set (display name required when
// set, department optional); kInvalidArgument "nothing to change" when neither is set.
Status ValidateStaffDetailsChange(const StaffDetailsChange& change);
// pseudonym of 32 bytes; keyed_serial of 32 bytes when set and required for kJpki (every JPKI
// certificate has an issuer and serial).
Status ValidateNewCredential(const NewCredential& credential);
Status ValidateNewAdminEvent(const NewAdminEvent& event);
// Every serial of 32 bytes.
Status ValidateKeyedSerials(std::span<const Bytes> keyed_serials);
// limit in 1 ... kMaxPageSize and a well-formed token; returns the decoded token (the id to
// continue after, or nullopt for the first page).
Result<std::optional<std::int64_t>> ValidatePageRequest(const PageRequest& page);

// Whether `staff` may be given a new credential at `now` (enrolment, rebind):
// kFailedPrecondition when the staff member has left, when their validity ended, or when the
// credential's not_after is not after `now`.
Status CheckCanEnrol(const Staff& staff, const NewCredential& credential, TimePoint now);

// The credential life cycle (DESIGN.md §5):
//   active    -> suspended (lost card), revoked, retired (replaced, staff left)
//   suspended -> active (card found), revoked, retired
//   revoked, retired: final.
// Returns the admin action that records the change, or kFailedPrecondition
// "credential is revoked; it cannot become active" for a transition outside the table.
// Precondition: from != to (an unchanged status is not a transition).
Result<AdminAction> CredentialTransition(CredentialStatus from, CredentialStatus to);

}  // namespace sekisho::store
