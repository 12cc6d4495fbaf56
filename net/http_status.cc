#include "net/http_status.h"

namespace sekisho::net {

int HttpStatusForRefusal(StatusCode code) {
  switch (code) {
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 400;
    default:
      return 503;
  }
}

StatusCode StatusCodeForHttpStatus(int http_status) {
  if (http_status >= 200 && http_status < 300) return StatusCode::kOk;
  switch (http_status) {
    case 400:
    case 411:
    case 413:
    case 414:
    case 431:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 408:
    case 504:
      return StatusCode::kDeadlineExceeded;
    case 409:
      return StatusCode::kFailedPrecondition;
    case 500:
      return StatusCode::kInternal;
    default:
      break;
  }
  if (http_status >= 400 && http_status < 500) return StatusCode::kFailedPrecondition;
  return StatusCode::kUnavailable;
}

}  // namespace sekisho::net
