#include "net/websocket_client.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base/log.h"
#include "net/client_transport.h"
#include "net/http_status.h"
#include "net/loopback.h"

namespace sekisho::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// How long Close waits for the server to answer the close frame.
constexpr std::chrono::seconds kCloseWait{2};
// The client pings an idle connection so a dead server is noticed (RFC 6455 §5.5.2).
constexpr std::chrono::seconds kIdleTimeout{300};

// The received messages and the closed state, shared by the I/O thread and callers.
class WebSocketClient::Impl {
 public:
  virtual ~Impl() = default;
  virtual Status Send(ByteView message) = 0;
  virtual void Close() = 0;

  Result<Bytes> Receive(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return !inbox_.empty() || closed_; })) {
      return DeadlineExceededError("websocket: no message within " +
                                   std::to_string(timeout.count()) + " ms");
    }
    if (!inbox_.empty()) {
      Bytes message = std::move(inbox_.front());
      inbox_.pop_front();
      return message;
    }
    return UnavailableError("websocket: connection closed: " + close_reason_);
  }

 protected:
  void Deliver(Bytes message) {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(message));
    changed_.notify_all();
  }
  void MarkClosed(std::string reason) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    close_reason_ = std::move(reason);
    changed_.notify_all();
  }
  bool IsClosed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  bool WaitClosed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return closed_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Bytes> inbox_;
  bool closed_ = false;
  std::string close_reason_;
};

namespace {

using internal::PlainClientStream;
using internal::TlsClientStream;

template <typename Stream>
class Connection final : public WebSocketClient::Impl {
 public:
  template <typename... Args>
  explicit Connection(Args&&... args) : ws_(io_, std::forward<Args>(args)...) {}

  ~Connection() override { Close(); }

  // Runs on the caller's thread, before the I/O thread exists.
  Status Open(const ClientOptions& options) {
    const std::string where = options.host + " port " + std::to_string(options.port);
    beast::get_lowest_layer(ws_).expires_after(options.timeout);
    RETURN_IF_ERROR(internal::OpenClientStream(io_, ws_.next_layer(), options.host, options.port));
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.timeout;
    timeouts.idle_timeout = kIdleTimeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options.message_limit);
    ws_.set_option(websocket::stream_base::decorator(
        [headers = options.headers](websocket::request_type& req) {
          req.set(http::field::user_agent, "Sekisho");
          for (const auto& [name, value] : headers) req.set(name, value);
        }));
    const bool ipv6 = options.host.find(':') != std::string::npos;
    const std::string host_header =
        (ipv6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port);
    websocket::response_type response;
    beast::error_code ec = internal::RunOp(io_, [&](auto handler) {
      ws_.async_handshake(response, host_header, options.path, handler);
    });
    if (ec == websocket::error::upgrade_declined) {
      const int status = static_cast<int>(response.result_int());
      std::string message = "HTTP " + std::to_string(status);
      nlohmann::json body = nlohmann::json::parse(response.body(), nullptr, false);
      if (body.is_object() && body.contains("error") && body["error"].is_string()) {
        message = body["error"].get<std::string>();
      }
      StatusCode code = StatusCodeForHttpStatus(status);
      if (code == StatusCode::kOk) code = StatusCode::kUnavailable;
      return Status(code, "websocket: " + where + " refused the upgrade: " + message);
    }
    if (ec) return internal::TransportError("websocket: handshake with " + where, ec);

    work_.emplace(io_.get_executor());
    DoRead();
    thread_ = std::thread([this] {
      try {
        io_.restart();
        io_.run();
      } catch (const std::exception& e) {
        spdlog::error("websocket client: I/O thread caught: {}", e.what());
        MarkClosed("internal error");
      }
    });
    return OkStatus();
  }

  Status Send(ByteView message) override {
    if (IsClosed()) return UnavailableError("websocket: connection is closed");
    {
      std::lock_guard lock(close_mutex_);
      if (close_requested_) return UnavailableError("websocket: connection is closing");
    }
    asio::post(io_, [this, data = ToString(message)]() mutable {
      if (closing_) return;
      queue_.push_back(Outgoing{false, std::move(data)});
      if (!writing_) DoWrite();
    });
    return OkStatus();
  }

  void Close() override {
    {
      std::lock_guard lock(close_mutex_);
      if (close_requested_) return;
      close_requested_ = true;
    }
    if (thread_.joinable()) {
      asio::post(io_, [this] {
        if (closing_) return;
        closing_ = true;
        queue_.push_back(Outgoing{true, {}});
        if (!writing_) DoWrite();
      });
      if (!WaitClosed(kCloseWait)) {
        asio::post(io_, [this] {
          beast::error_code ignored;
          beast::get_lowest_layer(ws_).socket().close(ignored);
        });
        WaitClosed(kCloseWait);
      }
      work_.reset();
      io_.stop();
      thread_.join();
    }
    MarkClosed("closed by this side");
  }

 private:
  struct Outgoing {
    bool close;
    std::string data;
  };

  void DoRead() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        std::string reason = ec.message();
        if (ec == websocket::error::closed) {
          const websocket::close_reason& close = ws_.reason();
          reason = "closed by the server (code " + std::to_string(close.code);
          if (!close.reason.empty()) {
            reason += ", " + std::string(close.reason.data(), close.reason.size());
          }
          reason += ")";
        }
        MarkClosed(std::move(reason));
        return;
      }
      auto data = buffer_.data();
      const auto* begin = static_cast<const std::uint8_t*>(data.data());
      Deliver(Bytes(begin, begin + data.size()));
      buffer_.consume(buffer_.size());
      DoRead();
    });
  }

  void DoWrite() {
    writing_ = true;
    Outgoing& item = queue_.front();
    if (item.close) {
      ws_.async_close(websocket::close_code::normal, [this](beast::error_code ec) {
        writing_ = false;
        queue_.clear();
        if (ec) MarkClosed("close failed: " + ec.message());
      });
      return;
    }
    ws_.binary(true);
    ws_.async_write(asio::buffer(item.data), [this](beast::error_code ec, std::size_t) {
      writing_ = false;
      if (ec) {
        queue_.clear();
        MarkClosed("write failed: " + ec.message());
        return;
      }
      queue_.pop_front();
      if (!queue_.empty()) DoWrite();
    });
  }

  asio::io_context io_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  // I/O thread only:
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  bool closing_ = false;
  // Callers:
  std::mutex close_mutex_;
  bool close_requested_ = false;
};

}  // namespace

WebSocketClient::WebSocketClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebSocketClient::~WebSocketClient() {
  if (impl_) impl_->Close();
}

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(const ClientOptions& options) {
  if (!options.tls && !IsLoopbackHost(options.host)) {
    return InvalidArgumentError(
        "websocket: plain connections are allowed only to a loopback "
        "host, not " +
        options.host);
  }
  if (options.path.empty() || options.path.front() != '/') {
    return InvalidArgumentError("websocket: the path must start with '/'");
  }
  std::unique_ptr<Impl> impl;
  if (options.tls) {
    auto connection = std::make_unique<Connection<TlsClientStream>>(options.tls->impl().context);
    RETURN_IF_ERROR(connection->Open(options));
    impl = std::move(connection);
  } else {
    auto connection = std::make_unique<Connection<PlainClientStream>>();
    RETURN_IF_ERROR(connection->Open(options));
    impl = std::move(connection);
  }
  return std::unique_ptr<WebSocketClient>(new WebSocketClient(std::move(impl)));
}

Status WebSocketClient::Send(ByteView message) { return impl_->Send(message); }

Result<Bytes> WebSocketClient::Receive(std::chrono::milliseconds timeout) {
  return impl_->Receive(timeout);
}

void WebSocketClient::Close() { impl_->Close(); }

}  // namespace sekisho::net
