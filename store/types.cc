#include "store/types.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>

namespace sekisho::store {
namespace {

template <typename E, std::size_t N>
Result<E> ParseName(std::string_view what, std::string_view name, const std::array<E, N>& values,
                    std::string_view (*to_name)(E)) {
  for (E value : values) {
    if (to_name(value) == name) return value;
  }
  std::string message = "unknown ";
  message += what;
  message += " '";
  // The text comes from a database or a request; keep the message short and printable.
  for (char c : name.substr(0, 32)) {
    message.push_back(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F ? c : '?');
  }
  message += "'";
  return InvalidArgumentError(std::move(message));
}

constexpr std::array kStaffStatuses = {StaffStatus::kActive, StaffStatus::kSuspended,
                                       StaffStatus::kLeft};
constexpr std::array kCredentialKinds = {CredentialKind::kJpki, CredentialKind::kBadge,
                                         CredentialKind::kFreeArea};
constexpr std::array kCredentialStatuses = {CredentialStatus::kActive, CredentialStatus::kSuspended,
                                            CredentialStatus::kRevoked, CredentialStatus::kRetired};
constexpr std::array kAdminActions = {
    AdminAction::kOrganisationCreated,
    AdminAction::kStaffAdded,
    AdminAction::kStaffUpdated,
    AdminAction::kEnrolled,
    AdminAction::kRebound,
    AdminAction::kSuspended,
    AdminAction::kReinstated,
    AdminAction::kRevoked,
    AdminAction::kRetired,
    AdminAction::kCrlImported,
};

}  // namespace

StaffRef StaffRef::Generate(Random& random) {
  StaffRef ref;
  random.Fill(ref.bytes_);
  return ref;
}

Result<StaffRef> StaffRef::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return InvalidArgumentError("staff reference: expected 16 bytes, got " +
                                std::to_string(bytes.size()));
  }
  StaffRef ref;
  std::copy(bytes.begin(), bytes.end(), ref.bytes_.begin());
  return ref;
}

std::string_view StaffStatusName(StaffStatus status) {
  switch (status) {
    case StaffStatus::kActive:
      return "active";
    case StaffStatus::kSuspended:
      return "suspended";
    case StaffStatus::kLeft:
      return "left";
  }
  return "unknown";
}

std::string_view CredentialKindName(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::kJpki:
      return "jpki";
    case CredentialKind::kBadge:
      return "badge";
    case CredentialKind::kFreeArea:
      return "free-area";
  }
  return "unknown";
}

std::string_view CredentialStatusName(CredentialStatus status) {
  switch (status) {
    case CredentialStatus::kActive:
      return "active";
    case CredentialStatus::kSuspended:
      return "suspended";
    case CredentialStatus::kRevoked:
      return "revoked";
    case CredentialStatus::kRetired:
      return "retired";
  }
  return "unknown";
}

std::string_view AdminActionName(AdminAction action) {
  switch (action) {
    case AdminAction::kOrganisationCreated:
      return "organisation-created";
    case AdminAction::kStaffAdded:
      return "staff-added";
    case AdminAction::kStaffUpdated:
      return "staff-updated";
    case AdminAction::kEnrolled:
      return "enrolled";
    case AdminAction::kRebound:
      return "rebound";
    case AdminAction::kSuspended:
      return "suspended";
    case AdminAction::kReinstated:
      return "reinstated";
    case AdminAction::kRevoked:
      return "revoked";
    case AdminAction::kRetired:
      return "retired";
    case AdminAction::kCrlImported:
      return "crl-imported";
  }
  return "unknown";
}

Result<StaffStatus> ParseStaffStatus(std::string_view name) {
  return ParseName("staff status", name, kStaffStatuses, &StaffStatusName);
}

Result<CredentialKind> ParseCredentialKind(std::string_view name) {
  return ParseName("credential kind", name, kCredentialKinds, &CredentialKindName);
}

Result<CredentialStatus> ParseCredentialStatus(std::string_view name) {
  return ParseName("credential status", name, kCredentialStatuses, &CredentialStatusName);
}

Result<AdminAction> ParseAdminAction(std::string_view name) {
  return ParseName("admin action", name, kAdminActions, &AdminActionName);
}

std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(std::int64_t millis) {
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(millis)));
}

std::string EncodePageToken(std::int64_t last_id) { return "after:" + std::to_string(last_id); }

Result<std::optional<std::int64_t>> DecodePageToken(std::string_view token) {
  if (token.empty()) return std::optional<std::int64_t>();
  constexpr std::string_view kPrefix = "after:";
  if (!token.starts_with(kPrefix)) return InvalidArgumentError("malformed page token");
  const std::string_view digits = token.substr(kPrefix.size());
  if (digits.empty() || digits.size() > 18 || digits.front() == '0') {
    return InvalidArgumentError("malformed page token");
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0) {
    return InvalidArgumentError("malformed page token");
  }
  return std::optional<std::int64_t>(id);
}

}  // namespace sekisho::store
