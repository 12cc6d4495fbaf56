// ConsoleFiles: the built web console (a single-page application, DESIGN.md §7) served by
// `sekisho serve --console DIR` from that directory only: GET of /, /index.html and /assets/...,
// every other path outside /api answered with index.html (the application's own routes).
// Nothing outside DIR is ever read: no `..`, encoded or not, no absolute paths, no symbolic link
// that leads out. docs/server.md §10.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "net/http_message.h"

namespace sekisho::server {

// The page of the application: served for / and every path that is not an asset or the API.
inline constexpr std::string_view kConsoleIndexFile = "index.html";
// The folder of the built, content-hashed assets: cached for a year.
inline constexpr std::string_view kConsoleAssetsDir = "assets";
// A larger file is not served (500, logged).
inline constexpr std::size_t kMaxConsoleFileSize = 32 << 20;

// True for the paths the REST API owns: /api and everything under /api/.
bool IsApiPath(std::string_view path);

// The Content-Type of a file name by its extension: html, js, css, svg, png, json, woff2 (and
// mjs, map, ico, txt, webmanifest); application/octet-stream for any other.
std::string_view ConsoleContentType(std::string_view file_name);

// Thread-safe: Serve only reads.
class ConsoleFiles {
 public:
  // Serves the directory `dir`. kNotFound when it does not exist or holds no index.html;
  // kInvalidArgument when it is not a directory.
  static Result<std::unique_ptr<ConsoleFiles>> Create(const std::filesystem::path& dir);

  // The answer to a request for a non-API path. GET and HEAD only (405 with Allow otherwise).
  // 400 for a path that is malformed or tries to leave the directory (`..` or `.` segments, in
  // any percent-encoding, a backslash, a NUL, an empty segment); 404 for an asset that does not
  // exist, is not a regular file or resolves outside the directory. index.html goes with
  // Cache-Control: no-cache, assets with a year's max-age; every response carries the
  // Content-Security-Policy default-src 'self' (the console uses no inline scripts or styles),
  // X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer.
  net::HttpResponse Serve(const net::HttpRequest& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit ConsoleFiles(std::filesystem::path root) : root_(std::move(root)) {}
  // The file at `relative` (segments already checked), or 404.
  net::HttpResponse File(const std::filesystem::path& relative, bool head) const;

  std::filesystem::path root_;  // canonical
};

// The answer when no console is served: 404 {"error": "not_found", "message": "...--console..."}.
net::HttpResponse NoConsoleResponse(const net::HttpRequest& request);

}  // namespace sekisho::server
