// The roles of the server's users (DESIGN.md §7 "Web console"): what each may do is the route
// table's business (server/api_router.h); this file only names them.
#pragma once

#include <span>
#include <string_view>

#include "base/result.h"

namespace sekisho::server {

enum class Role {
  kSecurityAdmin,  // doors, levels, users, credentials; reads staff
  kHr,             // staff records and their credentials
  kAuditor,        // the audit log and the admin events, read only; decides erasure requests
  kStaff,          // self-service: the caller's own credentials
};

// Every role, for tables and tests that must cover them all.
inline constexpr Role kAllRoles[] = {Role::kSecurityAdmin, Role::kHr, Role::kAuditor, Role::kStaff};

// "security_admin", "hr", "auditor", "staff": stored in users.db and sent in the API.
std::string_view RoleName(Role role);
// The reverse; kInvalidArgument "unknown role 'x' (security_admin, hr, auditor or staff)".
Result<Role> ParseRole(std::string_view name);

}  // namespace sekisho::server
