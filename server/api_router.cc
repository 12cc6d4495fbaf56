#include "server/api_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <exception>
#include <limits>
#include <set>

#include "server/api_error.h"

namespace sekisho::server {
namespace {

constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  std::string out(content_type);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// At most 200 bytes of client text in a message.
std::string Shown(std::string_view text) {
  return text.size() <= 200 ? std::string(text) : std::string(text.substr(0, 200)) + "...";
}

[[noreturn]] void BadTable(const std::string& what) {
  spdlog::critical("API route table: {}", what);
  std::abort();
}

}  // namespace

bool IsStateChanging(std::string_view method) { return method != "GET" && method != "HEAD"; }

Result<std::int64_t> ApiRequest::PathId(std::string_view name, std::int64_t max) const {
  auto it = path.find(name);
  if (it == path.end()) return InternalError("route has no path parameter " + std::string(name));
  return ParseIntParam(name, it->second, 1, max);
}

Result<std::int64_t> ApiRequest::QueryInt(std::string_view name, std::int64_t min, std::int64_t max,
                                          std::int64_t fallback) const {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  return ParseIntParam(name, it->second, min, max);
}

std::string_view ApiRequest::QueryText(std::string_view name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string_view() : std::string_view(it->second);
}

ApiRouter::ApiRouter(SessionStore& sessions) : sessions_(sessions) {}

void ApiRouter::Add(Route route) {
  if (std::find(std::begin(kMethods), std::end(kMethods), route.method) == std::end(kMethods)) {
    BadTable("unsupported method " + route.method);
  }
  if (Segments(route.path).empty()) BadTable("bad path template " + route.path);
  if (!route.public_route && route.roles.empty()) BadTable(route.path + " admits nobody");
  if (!route.handler) BadTable(route.path + " has no handler");
  for (const Route& r : routes_) {
    if (r.method == route.method && r.path == route.path) {
      BadTable("two routes for " + route.method + " " + route.path);
    }
  }
  routes_.push_back(std::move(route));
}

void ApiRouter::AddSchema(std::string name, nlohmann::json schema) {
  schemas_[std::move(name)] = std::move(schema);
}

bool ApiRouter::MatchPath(std::string_view path_template, std::string_view path,
                          std::map<std::string, std::string, std::less<>>* params) {
  const auto want = Segments(path_template);
  const auto have = Segments(path);
  if (want.size() != have.size() || want.empty()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (IsParam(want[i])) {
      if (have[i].empty()) return false;
      found.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(have[i]));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  if (params != nullptr) *params = std::move(found);
  return true;
}

net::HttpResponse ApiRouter::Handle(const net::HttpRequest& request) const {
  // Handlers' exceptions are caught in Dispatch; this is the last line for the router's own.
  try {
    return HandleUnguarded(request);
  } catch (const std::exception& e) {
    spdlog::error("API {}: {}", request.method, e.what());
  } catch (...) {
    spdlog::error("API {}: non-standard exception", request.method);
  }
  return ErrorResponse(500, "internal", "internal error");
}

net::HttpResponse ApiRouter::HandleUnguarded(const net::HttpRequest& request) const {
  const std::string_view path = request.Path();
  // HEAD is GET without the body (RFC 9110 §9.3.2).
  const bool head = request.method == "HEAD";
  const std::string_view method = head ? std::string_view("GET") : request.method;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!MatchPath(route.path, path, &params)) continue;
    if (route.method == method) {
      net::HttpResponse response = Dispatch(route, request, std::move(params));
      if (head) response.body.clear();
      return response;
    }
    allowed.insert(route.method);
  }
  if (allowed.empty()) {
    return ErrorResponse(404, "not_found", "no API resource at " + Shown(path));
  }
  if (allowed.contains("GET")) allowed.insert("HEAD");
  std::string allow;
  for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  net::HttpResponse response =
      ErrorResponse(405, "method_not_allowed",
                    "method " + Shown(request.method) + " is not allowed on " + Shown(path) +
                        " (allowed: " + allow + ")");
  response.headers.emplace_back("Allow", allow);
  return response;
}

net::HttpResponse ApiRouter::Dispatch(
    const Route& route, const net::HttpRequest& request,
    std::map<std::string, std::string, std::less<>> params) const {
  const std::string where = route.method + " " + route.path;
  Session session;
  ApiRequest api{request, std::move(params), {}, nullptr, nullptr};
  if (!route.public_route) {
    const auto token = SessionTokenFromCookie(request.Header("cookie"));
    if (!token.has_value() || token->empty()) {
      return ErrorResponse(401, "unauthenticated", "sign in first: the request has no session");
    }
    Result<Session> used = sessions_.Use(*token);
    if (!used.ok()) return ErrorResponse(401, "unauthenticated", used.status().message());
    session = std::move(used).value();
    if (std::find(route.roles.begin(), route.roles.end(), session.role) == route.roles.end()) {
      return ErrorResponse(
          403, "forbidden",
          "role " + std::string(RoleName(session.role)) + " may not call " + where);
    }
    if (IsStateChanging(request.method)) {
      const Status csrf = CheckCsrf(session, request.Header(kCsrfHeader));
      if (!csrf.ok()) return ErrorResponse(403, "csrf", csrf.message());
    }
    api.session = &session;
  }

  Result<QueryParams> query = ParseQuery(request.Query());
  if (!query.ok()) return StatusResponse(query.status(), where);
  for (const auto& param : *query) {
    const std::string& name = param.first;
    const bool known = std::any_of(route.query.begin(), route.query.end(),
                                   [&name](const QueryParam& q) { return q.name == name; });
    if (!known) {
      return ErrorResponse(400, "invalid_argument",
                           "query: unknown parameter '" + Shown(name) + "'");
    }
  }
  for (const QueryParam& q : route.query) {
    if (q.required && !query->contains(q.name)) {
      return ErrorResponse(400, "invalid_argument",
                           "query: required parameter '" + q.name + "' is missing");
    }
  }
  api.query = std::move(query).value();

  if (request.body.size() > kMaxApiBodySize) {
    return ErrorResponse(413, "payload_too_large",
                         "request body of " + std::to_string(request.body.size()) +
                             " bytes is larger than " + std::to_string(kMaxApiBodySize));
  }
  if (route.request_schema.empty()) {
    if (!request.body.empty()) {
      return ErrorResponse(400, "invalid_argument", where + " takes no request body");
    }
  } else {
    const std::string media = MediaType(request.Header("content-type"));
    if (media != "application/json") {
      return ErrorResponse(415, "unsupported_media_type",
                           "request body must be application/json, not '" +
                               Shown(media.empty() ? "(none)" : media) + "'");
    }
    Result<nlohmann::json> body = ParseJsonBody(request.body);
    if (!body.ok()) return ErrorResponse(400, "malformed_json", body.status().message());
    api.body = std::move(body).value();
  }

  Result<ApiResponse> result = InternalError("handler did not run");
  try {
    result = route.handler(api);
  } catch (const std::exception& e) {
    spdlog::error("API {}: handler threw: {}", where, e.what());
    return ErrorResponse(500, "internal", "internal error");
  } catch (...) {
    spdlog::error("API {}: handler threw a non-standard exception", where);
    return ErrorResponse(500, "internal", "internal error");
  }
  if (!result.ok()) return StatusResponse(result.status(), where);
  net::HttpResponse response;
  response.status = result->status;
  if (response.status != 204) {
    response.body = result->body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  response.headers = std::move(result->headers);
  AddApiHeaders(response);
  return response;
}

}  // namespace sekisho::server
