// The console's files from a directory built in the test: what is served with which headers, the
// single-page application's routes, and every way out of the directory refused (`..` plain and
// percent-encoded, absolute paths, backslashes, NULs, symbolic links leading out).
#include "server/console_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/status_matchers.h"
#include "server/test_http.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

namespace fs = std::filesystem;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kIndex[] =
    "<!doctype html><title>Sekisho</title><script src=/assets/app-1a2b3c4d.js>";
constexpr char kSecret[] = "SECRET OUTSIDE THE CONSOLE";

void Write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

using ::sekisho::testing::HeaderOf;

class ConsoleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(dist() / "index.html", kIndex);
    Write(dist() / "assets" / "app-1a2b3c4d.js", "console.log('app');");
    Write(dist() / "assets" / "app-5e6f7a8b.css", "body{}");
    Write(dist() / "assets" / "logo.svg", "<svg/>");
    Write(dist() / "assets" / "icon.png", "\x89PNG");
    Write(dist() / "assets" / "font.woff2", "wOF2");
    Write(dist() / "assets" / "strings.json", "{}");
    Write(dir_.path() / "secret.txt", kSecret);
    Write(dir_.path() / "assets" / "secret.js", kSecret);
    fs::create_symlink(dir_.path() / "secret.txt", dist() / "assets" / "leak.js");
    fs::create_directory_symlink(dir_.path(), dist() / "assets" / "up");
    fs::create_symlink(dist() / "assets" / "logo.svg", dist() / "assets" / "inside.svg");
    auto files = ConsoleFiles::Create(dist());
    ASSERT_THAT(files, IsOk());
    files_ = std::move(files).value();
  }

  fs::path dist() const { return dir_.path() / "dist"; }

  net::HttpResponse Get(const std::string& target, const std::string& method = "GET") {
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.peer.address = "192.0.2.30";
    return files_->Serve(r);
  }

  store::testing::ScopedTempDir dir_;
  std::unique_ptr<ConsoleFiles> files_;
};

TEST_F(ConsoleFilesTest, IndexAndAssetsWithTheirTypesAndCaching) {
  for (const char* target : {"/", "/index.html", "/?x=1"}) {
    const net::HttpResponse r = Get(target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body, kIndex);
    EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
    EXPECT_THAT(HeaderOf(r, "Content-Security-Policy"),
                ::testing::StartsWith("default-src 'self'"));
    EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  }
  const std::pair<const char*, const char*> types[] = {
      {"/assets/app-1a2b3c4d.js", "text/javascript; charset=utf-8"},
      {"/assets/app-5e6f7a8b.css", "text/css; charset=utf-8"},
      {"/assets/logo.svg", "image/svg+xml"},
      {"/assets/icon.png", "image/png"},
      {"/assets/font.woff2", "font/woff2"},
      {"/assets/strings.json", "application/json"},
      {"/assets/inside.svg", "image/svg+xml"},  // a link that stays inside
  };
  for (const auto& [target, type] : types) {
    const net::HttpResponse r = Get(target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(HeaderOf(r, "Content-Type"), type) << target;
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "public, max-age=31536000, immutable") << target;
  }
  EXPECT_EQ(Get("/assets/app-1a2b3c4d.js").body, "console.log('app');");
  const net::HttpResponse head = Get("/assets/logo.svg", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(ConsoleContentType("README"), "application/octet-stream");
  EXPECT_EQ(ConsoleContentType("X.HTML"), "text/html; charset=utf-8");
}

TEST_F(ConsoleFilesTest, ApplicationRoutesGetTheIndexAndMissingAssetsAre404) {
  for (const char* route :
       {"/doors", "/staff/12/credentials", "/audit/", "/assets", "/favicon.ico"}) {
    const net::HttpResponse r = Get(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, kIndex) << route;
  }
  const net::HttpResponse missing = Get("/assets/app-00000000.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(HeaderOf(missing, "Content-Type"), "application/json");
  EXPECT_EQ(Get("/assets/").status, 200);    // the folder itself is an application route
  EXPECT_EQ(Get("/assets/up").status, 404);  // a link to a folder outside
}

TEST_F(ConsoleFilesTest, NothingOutsideTheDirectoryIsEverServed) {
  const char* const attempts[] = {
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/assets/%2E%2E/%2E%2E/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/assets/.%2e/secret.js",
      "/assets/./app-1a2b3c4d.js",
      "//etc/passwd",
      "/assets//etc/passwd",
      "/assets/%2fetc%2fpasswd",
      "/assets/..\\..\\secret.txt",
      "/assets/%5c..%5csecret.txt",
      "/assets/secret.js%00.js",
      "/assets/%zz",
      "/assets/%2",
      "http://localhost/assets/app-1a2b3c4d.js",
      "/assets/leak.js",        // a link to a file outside
      "/assets/up/secret.txt",  // through a link to a folder outside
  };
  for (const char* target : attempts) {
    const net::HttpResponse r = Get(target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " answered " << r.status;
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr(kSecret))) << target;
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("<!doctype"))) << target;
  }
}

TEST_F(ConsoleFilesTest, OnlyGetAndHead) {
  const net::HttpResponse r = Get("/index.html", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, HEAD");
  EXPECT_EQ(Get("/assets/logo.svg", "DELETE").status, 405);
}

TEST_F(ConsoleFilesTest, CreateRefusesAMissingOrEmptyDirectory) {
  EXPECT_THAT(ConsoleFiles::Create(dir_.path() / "nowhere").status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
  fs::create_directory(dir_.path() / "empty");
  EXPECT_THAT(ConsoleFiles::Create(dir_.path() / "empty").status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("index.html")));
  EXPECT_THAT(ConsoleFiles::Create(dir_.path() / "secret.txt").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a directory")));
}

TEST(ConsolePathsTest, ApiPathsAndTheHintWithoutAConsole) {
  EXPECT_TRUE(IsApiPath("/api"));
  EXPECT_TRUE(IsApiPath("/api/v1/events"));
  EXPECT_FALSE(IsApiPath("/apiary"));
  EXPECT_FALSE(IsApiPath("/"));
  net::HttpRequest r;
  r.method = "GET";
  r.target = "/";
  const net::HttpResponse hint = NoConsoleResponse(r);
  EXPECT_EQ(hint.status, 404);
  EXPECT_THAT(hint.body, HasSubstr("--console"));
  EXPECT_THAT(hint.body, HasSubstr("\"error\":\"not_found\""));
}

}  // namespace
}  // namespace sekisho::server
