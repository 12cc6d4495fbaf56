#include "store/validation.h"

#include <algorithm>
#include <string>

namespace sekisho::store {
namespace {

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

Status SizeError(std::string_view field, std::size_t expected, std::size_t got) {
  return InvalidArgumentError(std::string(field) + ": expected " + std::to_string(expected) +
                              " bytes, got " + std::to_string(got));
}

}  // namespace

bool ContainsIndividualNumberLike(std::string_view text) {
  std::size_t run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 12) return true;
  }
  return false;
}

Status ValidateText(std::string_view field, std::string_view text, std::size_t max_length,
                    bool required, bool free_text) {
  if (required && text.empty()) return InvalidArgumentError(std::string(field) + " is empty");
  if (text.size() > max_length) {
    return InvalidArgumentError(std::string(field) + " is longer than " +
                                std::to_string(max_length) + " bytes");
  }
  if (std::any_of(text.begin(), text.end(), IsControl)) {
    return InvalidArgumentError(std::string(field) + " contains a control character");
  }
  if (free_text && ContainsIndividualNumberLike(text)) {
    return InvalidArgumentError(std::string(field) +
                                " contains a 12-digit number; an Individual Number must never "
                                "be stored");
  }
  return OkStatus();
}

Status ValidateOrganisationName(std::string_view name) {
  return ValidateText("organisation name", name, kMaxOrganisationNameLength, true, true);
}

Status ValidateActor(std::string_view actor) {
  return ValidateText("actor", actor, kMaxActorLength, true, true);
}

Status ValidateStatusReason(std::string_view reason) {
  return ValidateText("status reason", reason, kMaxReasonLength, false, true);
}

Status ValidateValidity(TimePoint valid_from, std::optional<TimePoint> valid_until) {
  if (valid_until && ToUnixMillis(*valid_until) <= ToUnixMillis(valid_from)) {
    return InvalidArgumentError("valid_until must be later than valid_from");
  }
  return OkStatus();
}

Status ValidateDisplayName(std::string_view display_name) {
  return ValidateText("display name", display_name, kMaxPersonTextLength, true, true);
}

Status ValidateDepartment(std::string_view department) {
  return ValidateText("department", department, kMaxPersonTextLength, false, true);
}

Status ValidateNewStaff(const NewStaff& staff) {
  if (staff.staff_ref == StaffRef()) return InvalidArgumentError("staff reference is all zero");
  // Staff numbers are the organisation's own scheme, which may have 12 digits: not free text.
  RETURN_IF_ERROR(
      ValidateText("staff number", staff.staff_number, kMaxStaffNumberLength, true, false));
  RETURN_IF_ERROR(ValidateDisplayName(staff.display_name));
  RETURN_IF_ERROR(ValidateDepartment(staff.department));
  return ValidateValidity(staff.valid_from, staff.valid_until);
}

Status ValidateStaffDetailsChange(const StaffDetailsChange& change) {
  if (!change.display_name && !change.department) {
    return InvalidArgumentError("nothing to change: neither display name nor department is set");
  }
  if (change.display_name) RETURN_IF_ERROR(ValidateDisplayName(*change.display_name));
  if (change.department) RETURN_IF_ERROR(ValidateDepartment(*change.department));
  return OkStatus();
}

Status ValidateNewCredential(const NewCredential& credential) {
  if (credential.pseudonym.size() != kPseudonymSize) {
    return SizeError("pseudonym", kPseudonymSize, credential.pseudonym.size());
  }
  if (credential.keyed_serial) {
    if (credential.keyed_serial->size() != kKeyedSerialSize) {
      return SizeError("keyed serial", kKeyedSerialSize, credential.keyed_serial->size());
    }
  } else if (credential.kind == CredentialKind::kJpki) {
    return InvalidArgumentError("a jpki credential needs a keyed serial");
  }
  return OkStatus();
}

Status ValidateNewAdminEvent(const NewAdminEvent& event) {
  RETURN_IF_ERROR(ValidateActor(event.actor));
  return ValidateText("event detail", event.detail, kMaxDetailLength, false, true);
}

Status ValidateKeyedSerials(std::span<const Bytes> keyed_serials) {
  for (std::size_t i = 0; i < keyed_serials.size(); ++i) {
    if (keyed_serials[i].size() != kKeyedSerialSize) {
      return SizeError("keyed serial #" + std::to_string(i), kKeyedSerialSize,
                       keyed_serials[i].size());
    }
  }
  return OkStatus();
}

Result<std::optional<std::int64_t>> ValidatePageRequest(const PageRequest& page) {
  if (page.limit == 0 || page.limit > kMaxPageSize) {
    return InvalidArgumentError("page limit must be 1 to " + std::to_string(kMaxPageSize) +
                                ", got " + std::to_string(page.limit));
  }
  return DecodePageToken(page.page_token);
}

Status CheckCanEnrol(const Staff& staff, const NewCredential& credential, TimePoint now) {
  if (staff.status == StaffStatus::kLeft) {
    return FailedPreconditionError("staff " + std::to_string(staff.id.value()) +
                                   " has left; reinstate them before enrolling a card");
  }
  if (staff.valid_until && ToUnixMillis(*staff.valid_until) <= ToUnixMillis(now)) {
    return FailedPreconditionError("staff " + std::to_string(staff.id.value()) +
                                   " is no longer valid; extend their validity first");
  }
  if (ToUnixMillis(credential.not_after) <= ToUnixMillis(now)) {
    return FailedPreconditionError("the credential has expired (not_after is not in the future)");
  }
  return OkStatus();
}

Result<AdminAction> CredentialTransition(CredentialStatus from, CredentialStatus to) {
  const bool from_usable =
      from == CredentialStatus::kActive || from == CredentialStatus::kSuspended;
  if (from_usable && from != to) {
    switch (to) {
      case CredentialStatus::kActive:
        return AdminAction::kReinstated;
      case CredentialStatus::kSuspended:
        return AdminAction::kSuspended;
      case CredentialStatus::kRevoked:
        return AdminAction::kRevoked;
      case CredentialStatus::kRetired:
        return AdminAction::kRetired;
    }
  }
  return FailedPreconditionError("credential is " + std::string(CredentialStatusName(from)) +
                                 "; it cannot become " + std::string(CredentialStatusName(to)));
}

}  // namespace sekisho::store
