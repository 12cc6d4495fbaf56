#include "server/api_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

namespace sekisho::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

void AddApiHeaders(net::HttpResponse& response) {
  const bool has_type = std::any_of(response.headers.begin(), response.headers.end(),
                                    [](const auto& h) { return h.first == "Content-Type"; });
  if (!has_type) response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
}

net::HttpResponse ErrorResponse(int http_status, std::string_view error, std::string_view message) {
  net::HttpResponse response;
  response.status = http_status;
  const nlohmann::json body = {{"error", error}, {"message", message}};
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  AddApiHeaders(response);
  return response;
}

net::HttpResponse StatusResponse(const Status& status, std::string_view context) {
  const int http = HttpStatusFor(status.code());
  std::string code(StatusCodeName(status.code()));
  std::transform(code.begin(), code.end(), code.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (http < 500) return ErrorResponse(http, code, status.message());
  spdlog::error("API {}: {}", context, status.ToString());
  if (status.code() == StatusCode::kUnavailable) {
    return ErrorResponse(http, code, "service unavailable, retry later");
  }
  return ErrorResponse(http, "internal", "internal error");
}

}  // namespace sekisho::server
