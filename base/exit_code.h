// Process exit codes of the `sekisho` command, one per status code (documented in docs/cli.md).
#pragma once

#include "base/status.h"

namespace sekisho {

// 0 OK, 2 usage (CLI11 parse errors), 3 INVALID_ARGUMENT, 4 NOT_FOUND, 5 ALREADY_EXISTS,
// 6 UNAUTHENTICATED, 7 PERMISSION_DENIED, 8 FAILED_PRECONDITION, 9 UNAVAILABLE,
// 10 DEADLINE_EXCEEDED, 11 DATA_LOSS, 12 INTERNAL.
inline constexpr int kExitUsage = 2;
int ExitCodeFor(StatusCode code);

}  // namespace sekisho
