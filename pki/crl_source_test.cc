#include "pki/crl_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "base/status_matchers.h"
#include "pki/file_io.h"
#include "pki/test_fixtures.h"
#include "pki/test_http_server.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::pki::testing::TempDir;
using ::sekisho::pki::testing::TestHttpServer;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Short enough to keep the suite fast, long enough for a loaded machine to answer locally.
constexpr std::chrono::milliseconds kShortTimeout{300};

Crl TestCrl() {
  const TestPki& pki = SharedTestPki();
  const Bytes serials[] = {Bytes{0x01}, Bytes{0x7F, 0x01}, Bytes{0x12, 0x34, 0x56}};
  Result<Crl> crl = MakeCrl(*pki.auth_ca_key, pki.auth_ca, serials, kTestNow, kTestNow + 30 * kDay);
  EXPECT_THAT(crl, IsOk());
  return std::move(crl).value();
}

std::string AsString(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }
ByteView AsBytes(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

TEST(ParseCrlTest, DetectsDerAndPem) {
  const Crl crl = TestCrl();
  Result<Crl> from_der = ParseCrl(crl.Der());
  ASSERT_THAT(from_der, IsOk());
  EXPECT_EQ(from_der->Der(), crl.Der());
  const std::string pem = " \r\n\t" + crl.Pem();
  Result<Crl> from_pem = ParseCrl(AsBytes(pem));
  ASSERT_THAT(from_pem, IsOk());
  EXPECT_EQ(from_pem->Der(), crl.Der());
  EXPECT_EQ(from_pem->RevokedSerials().size(), 3u);
}

TEST(ParseCrlTest, AnythingElseIsDataLoss) {
  EXPECT_THAT(ParseCrl({}), StatusIs(StatusCode::kDataLoss, StartsWith("not a CRL: ")));
  EXPECT_THAT(ParseCrl(AsBytes("<html>Not here</html>")), StatusIs(StatusCode::kDataLoss));
  // A certificate is not a CRL, in either encoding.
  EXPECT_THAT(ParseCrl(SharedTestPki().auth_ca.Der()), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(ParseCrl(AsBytes(SharedTestPki().auth_ca.Pem())), StatusIs(StatusCode::kDataLoss));
  // Truncated DER and DER with trailing bytes.
  Bytes der = TestCrl().Der();
  EXPECT_THAT(ParseCrl(ByteView(der).first(der.size() - 1)), StatusIs(StatusCode::kDataLoss));
  der.push_back(0x00);
  EXPECT_THAT(ParseCrl(der), StatusIs(StatusCode::kDataLoss, HasSubstr("trailing")));
}

TEST(LoadCrlFileTest, ReadsDerAndPemFiles) {
  TempDir dir;
  const Crl crl = TestCrl();
  ASSERT_THAT(WriteFileAtomically(dir.path() / "a.crl", AsString(crl.Der()), 0644), IsOk());
  ASSERT_THAT(WriteFileAtomically(dir.path() / "a.pem", crl.Pem(), 0644), IsOk());
  Result<Crl> der = LoadCrlFile(dir.path() / "a.crl");
  ASSERT_THAT(der, IsOk());
  EXPECT_EQ(der->Der(), crl.Der());
  Result<Crl> pem = LoadCrlFile(dir.path() / "a.pem");
  ASSERT_THAT(pem, IsOk());
  EXPECT_EQ(pem->Der(), crl.Der());
}

TEST(LoadCrlFileTest, Errors) {
  TempDir dir;
  EXPECT_THAT(LoadCrlFile(dir.path() / "missing.crl"), StatusIs(StatusCode::kNotFound));
  const auto garbage = dir.path() / "garbage.crl";
  ASSERT_THAT(WriteFileAtomically(garbage, "garbage", 0644), IsOk());
  EXPECT_THAT(LoadCrlFile(garbage), StatusIs(StatusCode::kDataLoss, AllOf(HasSubstr("garbage.crl"),
                                                                          HasSubstr("not a CRL"))));
  const auto crl = dir.path() / "a.crl";
  const Bytes der = TestCrl().Der();
  ASSERT_THAT(WriteFileAtomically(crl, AsString(der), 0644), IsOk());
  EXPECT_THAT(LoadCrlFile(crl, der.size() - 1),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("CRL larger than " + std::to_string(der.size() - 1) + " bytes")));
  EXPECT_THAT(LoadCrlFile(crl, der.size()), IsOk());
}

TEST(FetchCrlTest, RefusesUrlsItDoesNotFetch) {
  const char* const urls[] = {
      "",
      "https://127.0.0.1/crl",
      "HTTPS://127.0.0.1/crl",
      "ftp://127.0.0.1/crl",
      "file:///etc/passwd",
      "127.0.0.1/crl",
      "http://",
      "http:///path",
      "http://user:pass@127.0.0.1/crl",
      "http://127.0.0.1:0/crl",
      "http://127.0.0.1:65536/crl",
      "http://127.0.0.1:8o/crl",
      "http://127.0.0.1/a crl",
      "http://127.0.0.1/crl\r\nX-Injected: 1",
      "http://[::1/crl",
  };
  for (const char* url : urls) {
    EXPECT_THAT(FetchCrl(url), StatusIs(StatusCode::kInvalidArgument, StartsWith("CRL URL: ")))
        << url;
  }
  EXPECT_THAT(FetchCrl("https://example.invalid/x.crl"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("https:// is not supported")));
}

TEST(FetchCrlTest, FetchesADerCrl) {
  const Crl crl = TestCrl();
  TestHttpServer server([&](const std::string&) {
    return TestHttpServer::Response("200 OK", AsString(crl.Der()),
                                    "Content-Type: application/pkix-crl\r\n");
  });
  Result<Crl> fetched = FetchCrl(server.Url("/jpki/auth.crl?x=1#fragment"));
  ASSERT_THAT(fetched, IsOk());
  EXPECT_EQ(fetched->Der(), crl.Der());
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests()[0];
  EXPECT_THAT(request, StartsWith("GET /jpki/auth.crl?x=1 HTTP/1.1\r\n"));
  EXPECT_THAT(request, HasSubstr("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"));
  EXPECT_THAT(request, HasSubstr("Connection: close\r\n"));
}

TEST(FetchCrlTest, FetchesAPemCrlAndAnUnterminatedBody) {
  const Crl crl = TestCrl();
  // HTTP/1.0 style: no Content-Length, the body ends when the connection closes.
  TestHttpServer server([&](const std::string&) {
    return "HTTP/1.0 200 OK\r\nContent-Type: application/x-pem-file\r\n\r\n" + crl.Pem();
  });
  Result<Crl> fetched = FetchCrl(server.Url(""));
  ASSERT_THAT(fetched, IsOk());
  EXPECT_EQ(fetched->Der(), crl.Der());
  EXPECT_THAT(server.requests()[0], StartsWith("GET / HTTP/1.1\r\n"));
}

TEST(FetchCrlTest, HttpStatusCodes) {
  struct Case {
    std::string status;
    StatusCode code;
    std::string words;
  };
  const Case cases[] = {
      {"404 Not Found", StatusCode::kNotFound, "HTTP 404 Not Found"},
      {"410 Gone", StatusCode::kNotFound, "HTTP 410"},
      {"500 Internal Server Error", StatusCode::kUnavailable, "retry later"},
      {"503 Service Unavailable", StatusCode::kUnavailable, "HTTP 503"},
      {"403 Forbidden", StatusCode::kFailedPrecondition, "HTTP 403 Forbidden instead of 200"},
      {"204 No Content", StatusCode::kFailedPrecondition, "HTTP 204"},
      {"301 Moved Permanently", StatusCode::kFailedPrecondition,
       "redirects to http://elsewhere.example/auth.crl; redirects are not followed"},
  };
  for (const Case& c : cases) {
    TestHttpServer server([&](const std::string&) {
      return TestHttpServer::Response(c.status, "<html>no</html>",
                                      "Location: http://elsewhere.example/auth.crl\r\n");
    });
    const std::string url = server.Url("/auth.crl");
    EXPECT_THAT(FetchCrl(url), StatusIs(c.code, AllOf(StartsWith("CRL fetch from " + url + ": "),
                                                      HasSubstr(c.words))))
        << c.status;
  }
}

TEST(FetchCrlTest, ServerTextInMessagesIsSanitised) {
  TestHttpServer server([](const std::string&) {
    // Bytes HTTP allows (obs-text) that no message should carry: a right-to-left override.
    return TestHttpServer::Response("302 \xE2\x80\xAE Found", "",
                                    "Location: http://x/\xE2\x80\xAE"
                                    "crl\r\n");
  });
  const Status status = FetchCrl(server.Url("/crl")).status();
  EXPECT_THAT(status, StatusIs(StatusCode::kFailedPrecondition,
                               AllOf(HasSubstr("HTTP 302 (no readable reason)"),
                                     HasSubstr("redirects to (no readable Location header)"))));
  EXPECT_EQ(status.message().find('\xE2'), std::string::npos);
}

TEST(FetchCrlTest, GarbageIsDataLoss) {
  TestHttpServer body([](const std::string&) {
    return TestHttpServer::Response("200 OK", "<html>This is not a CRL</html>");
  });
  EXPECT_THAT(FetchCrl(body.Url("/crl")), StatusIs(StatusCode::kDataLoss, HasSubstr("not a CRL")));
  TestHttpServer not_http([](const std::string&) {
    return std::string("SSH-2.0-OpenSSH_9.2\r\n\r\nthis is not HTTP\r\n");
  });
  EXPECT_THAT(FetchCrl(not_http.Url("/crl")),
              StatusIs(StatusCode::kDataLoss, HasSubstr("malformed HTTP response")));
}

TEST(FetchCrlTest, RefusesAnOversizeBody) {
  const FetchOptions options = {.timeout = std::chrono::seconds(5), .max_size = 1024};
  // Announced by Content-Length: refused at the header.
  TestHttpServer announced([](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n") +
           std::string(4096, 'x');
  });
  EXPECT_THAT(FetchCrl(announced.Url("/big.crl"), options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CRL larger than 1024 bytes")));
  // Chunked, so only counting tells.
  TestHttpServer chunked([](const std::string&) {
    std::string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 8; ++i) response += "200\r\n" + std::string(512, 'x') + "\r\n";
    return response + "0\r\n\r\n";
  });
  EXPECT_THAT(FetchCrl(chunked.Url("/big.crl"), options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CRL larger than 1024 bytes")));
  // Neither announced nor chunked: the body ends with the connection.
  TestHttpServer unterminated(
      [](const std::string&) { return "HTTP/1.0 200 OK\r\n\r\n" + std::string(4096, 'x'); });
  EXPECT_THAT(FetchCrl(unterminated.Url("/big.crl"), options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CRL larger than 1024 bytes")));
  // The default limit is 64 MiB.
  EXPECT_EQ(FetchOptions{}.max_size, std::size_t{64} << 20);
  TestHttpServer huge([](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n");
  });
  EXPECT_THAT(FetchCrl(huge.Url("/big.crl")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CRL larger than 64 MiB")));
}

TEST(FetchCrlTest, TimesOutOnAServerThatNeverAnswers) {
  TestHttpServer silent([](const std::string&) { return std::nullopt; });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(FetchCrl(silent.Url("/crl"), {.timeout = kShortTimeout}),
              StatusIs(StatusCode::kDeadlineExceeded,
                       AllOf(HasSubstr("300 ms"), HasSubstr("receiving the response"))));
  // Bounded, not a measurement: it must not wait for the 10 s default.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(FetchOptions{}.timeout, std::chrono::seconds(10));
}

TEST(FetchCrlTest, ConnectionRefusedIsUnavailable) {
  // A port that was just free: bind, read the port, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t size = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  ::close(fd);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/crl";
  EXPECT_THAT(FetchCrl(url, {.timeout = std::chrono::seconds(5)}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("connection refused")));
}

TEST(FetchCrlTest, AConnectionClosedMidBodyIsUnavailable) {
  const Crl crl = TestCrl();
  TestHttpServer truncated([&](const std::string&) {
    const std::string der = AsString(crl.Der());
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(der.size()) + "\r\n\r\n" +
           der.substr(0, der.size() / 2);
  });
  EXPECT_THAT(FetchCrl(truncated.Url("/crl"), {.timeout = std::chrono::seconds(5)}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("closed before the response")));
}

}  // namespace
}  // namespace sekisho::pki
