#include "base/exit_code.h"

namespace sekisho {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 3;
    case StatusCode::kNotFound: return 4;
    case StatusCode::kAlreadyExists: return 5;
    case StatusCode::kUnauthenticated: return 6;
    case StatusCode::kPermissionDenied: return 7;
    case StatusCode::kFailedPrecondition: return 8;
    case StatusCode::kUnavailable: return 9;
    case StatusCode::kDeadlineExceeded: return 10;
    case StatusCode::kDataLoss: return 11;
    case StatusCode::kInternal: return 12;
  }
  return 12;
}

}  // namespace sekisho
