// A small HTTP server on 127.0.0.1 for FetchCrl tests: one thread, one connection at a time, a
// canned answer per request (or none at all), plain POSIX sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sekisho::pki::testing {

class TestHttpServer {
 public:
  // Gets the request head (up to the empty line) and returns the raw bytes to send, after which
  // the connection is closed; std::nullopt keeps the connection open without answering until
  // the server is destroyed.
  using Responder = std::function<std::optional<std::string>(const std::string& request)>;

  // Listens on an ephemeral port; aborts the test binary if it cannot.
  explicit TestHttpServer(Responder respond);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(std::string_view path) const;
  // The request heads received so far.
  std::vector<std::string> requests() const;

  // "HTTP/1.1 <status>\r\nContent-Length: N\r\n<headers>\r\n<body>".
  static std::string Response(std::string_view status, std::string_view body,
                              std::string_view headers = "");

 private:
  void Serve();
  void Handle(int connection);
  // Waits until `fd` is readable or the server stops; false when stopping.
  bool WaitReadable(int fd);

  Responder respond_;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace sekisho::pki::testing
