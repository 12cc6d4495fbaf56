// The mapping between Status codes and HTTP status codes (RFC 9110 §15) at the WebSocket upgrade:
// the server answers a refused upgrade with HttpStatusForRefusal(code), and the client turns the
// HTTP status back into a code with StatusCodeForHttpStatus.
#pragma once

#include "base/status.h"

namespace sekisho::net {

// The refusal mapping of net/websocket.h: kUnauthenticated 401, kPermissionDenied 403,
// kNotFound 404, kInvalidArgument 400, every other code (kOk included: it is not a refusal) 503.
int HttpStatusForRefusal(StatusCode code);

// 2xx kOk; 400, 411, 413, 414, 431 kInvalidArgument; 401 kUnauthenticated; 403
// kPermissionDenied; 404 kNotFound; 408, 504 kDeadlineExceeded; 409 kFailedPrecondition; 500
// kInternal; any other 4xx kFailedPrecondition; anything else (502, 503, 1xx, 3xx) kUnavailable.
StatusCode StatusCodeForHttpStatus(int http_status);

}  // namespace sekisho::net
