#include "server/auth_role.h"

#include <string>

namespace sekisho::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSecurityAdmin:
      return "security_admin";
    case Role::kHr:
      return "hr";
    case Role::kAuditor:
      return "auditor";
    case Role::kStaff:
      return "staff";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) return role;
  }
  return InvalidArgumentError("unknown role '" + std::string(name) +
                              "' (security_admin, hr, auditor or staff)");
}

}  // namespace sekisho::server
