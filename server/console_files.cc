#include "server/console_files.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "server/api_error.h"

namespace sekisho::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCsp = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path with its percent-encoding decoded (RFC 3986 §2.1); nullopt when malformed.
std::optional<std::string> PercentDecoded(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out.push_back(path[i]);
      continue;
    }
    if (i + 2 >= path.size()) return std::nullopt;
    const int hi = HexValue(path[i + 1]);
    const int lo = HexValue(path[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// The segments of a decoded path "/a/b"; nullopt when one would leave the directory or name
// something other than a plain name: "..", ".", an empty segment ("//", which would make the
// rest absolute), a backslash or a NUL. A trailing "/" adds no segment.
std::optional<std::vector<std::string>> SafeSegments(std::string_view decoded) {
  if (decoded.size() < 2 || decoded.front() != '/') return std::nullopt;
  if (decoded.back() == '/') decoded.remove_suffix(1);
  std::vector<std::string> segments;
  std::string_view rest = decoded.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      return std::nullopt;
    }
    segments.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

void AddConsoleHeaders(net::HttpResponse& response, std::string_view content_type,
                       std::string_view cache_control) {
  response.headers.emplace_back("Content-Type", std::string(content_type));
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  response.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// True when `path` is `root` or inside it (both canonical).
bool IsWithin(const fs::path& root, const fs::path& path) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

}  // namespace

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

std::string_view ConsoleContentType(std::string_view file_name) {
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"woff2", "font/woff2"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

Result<std::unique_ptr<ConsoleFiles>> ConsoleFiles::Create(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec || !fs::exists(status)) {
    return NotFoundError("console directory " + dir.string() + " does not exist");
  }
  if (!fs::is_directory(status)) {
    return InvalidArgumentError("console directory " + dir.string() + " is not a directory");
  }
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return NotFoundError("console directory " + dir.string() + ": " + ec.message());
  if (!fs::is_regular_file(root / kConsoleIndexFile, ec)) {
    return NotFoundError("console directory " + dir.string() + " has no " +
                         std::string(kConsoleIndexFile) + "; build the console first");
  }
  return std::unique_ptr<ConsoleFiles>(new ConsoleFiles(root));
}

net::HttpResponse ConsoleFiles::Serve(const net::HttpRequest& request) const {
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    net::HttpResponse r =
        ErrorResponse(405, "method_not_allowed", "the console's files are read with GET or HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const std::string_view path = request.Path();
  const std::optional<std::string> decoded = PercentDecoded(path);
  if (path == "/") return File(kConsoleIndexFile, head);
  std::optional<std::vector<std::string>> segments;
  if (decoded) segments = SafeSegments(*decoded);
  if (!segments) {
    spdlog::warn("console: refused the path '{}' from {}", path.substr(0, 200),
                 request.peer.address);
    return ErrorResponse(400, "invalid_argument", "malformed or disallowed path");
  }
  if (segments->front() == kConsoleAssetsDir && segments->size() > 1) {
    fs::path relative;
    for (const std::string& s : *segments) relative /= s;
    return File(relative, head);
  }
  // index.html itself, and every route of the application.
  return File(kConsoleIndexFile, head);
}

net::HttpResponse ConsoleFiles::File(const fs::path& relative, bool head) const {
  const net::HttpResponse not_found =
      ErrorResponse(404, "not_found", "no console file at /" + relative.generic_string());
  std::error_code ec;
  // Symbolic links are followed, and whatever they lead to must lie inside the directory.
  const fs::path target = fs::canonical(root_ / relative, ec);
  if (ec || !IsWithin(root_, target)) return not_found;
  if (!fs::is_regular_file(target, ec)) return not_found;
  const std::uintmax_t size = fs::file_size(target, ec);
  if (ec || size > kMaxConsoleFileSize) {
    spdlog::error("console: {} cannot be served ({})", target.string(),
                  ec ? ec.message() : "larger than " + std::to_string(kMaxConsoleFileSize));
    return ErrorResponse(500, "internal", "internal error");
  }
  std::ifstream in(target, std::ios::binary);
  std::string body(static_cast<std::size_t>(size), '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
    spdlog::error("console: reading {} failed", target.string());
    return ErrorResponse(500, "internal", "internal error");
  }
  const bool is_index = relative == fs::path(kConsoleIndexFile);
  net::HttpResponse response;
  response.status = 200;
  AddConsoleHeaders(response, ConsoleContentType(relative.filename().string()),
                    is_index ? "no-cache" : "public, max-age=31536000, immutable");
  if (!head) response.body = std::move(body);
  return response;
}

net::HttpResponse NoConsoleResponse(const net::HttpRequest& request) {
  return ErrorResponse(404, "not_found",
                       "no web console is served here (" +
                           std::string(request.Path().substr(0, 100)) +
                           "): start `sekisho serve --console DIR` with the built console, or "
                           "use the REST API under /api/v1");
}

}  // namespace sekisho::server
