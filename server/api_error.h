// The REST API's error responses: every error is JSON {"error": "<code>", "message": "<text>"}
// with the security headers every API response carries, and a Status maps to one HTTP status
// (RFC 9110 §15) in one place.
#pragma once

#include <string_view>

#include "base/status.h"
#include "net/http_message.h"

namespace sekisho::server {

// kInvalidArgument 400, kNotFound 404, kAlreadyExists 409, kUnauthenticated 401,
// kPermissionDenied 403, kFailedPrecondition 409, kUnavailable 503, every other code 500
// (kOk 200).
int HttpStatusFor(StatusCode code);

// Adds Content-Type application/json (unless present), Cache-Control: no-store,
// X-Content-Type-Options: nosniff and Content-Security-Policy: default-src 'self' (RFC 9111
// §5.2.2.5; the MIME-sniffing and CSP headers of the Fetch and CSP3 standards).
void AddApiHeaders(net::HttpResponse& response);

// A JSON error response with the API headers.
net::HttpResponse ErrorResponse(int http_status, std::string_view error, std::string_view message);

// The response for a failed Status: HttpStatusFor(code), "error" the code's name in lower case
// ("invalid_argument"), "message" the status's message. A 5xx answers with the generic message
// "internal error" (or "service unavailable, retry later" for kUnavailable) and logs the detail
// with `context` (the operation); the detail never reaches the client.
net::HttpResponse StatusResponse(const Status& status, std::string_view context);

}  // namespace sekisho::server
