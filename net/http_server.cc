#include "net/http_server.h"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.h"
#include "net/http_status.h"
#include "net/loopback.h"
#include "net/tls_native.h"

namespace sekisho::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr char kServerName[] = "Sekisho";
// After an error response the rest of the request is read and dropped for this long (at most
// kDrainLimit bytes), so closing with unread data does not reset the connection before the
// client has read the response.
constexpr std::chrono::seconds kDrainTime{1};
constexpr std::size_t kDrainLimit = 4 << 20;
constexpr std::chrono::seconds kTlsShutdownTime{1};
constexpr std::chrono::seconds kStopGrace{5};
// Close reasons are at most 123 bytes (RFC 6455 §5.5: control frame payloads are at most 125).
constexpr std::size_t kMaxCloseReason = 123;

std::string ErrorJson(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace);
}

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

PeerInfo PeerOf(const tcp::socket& socket) {
  PeerInfo peer;
  error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return peer;
  peer.address = remote.address().to_string();
  peer.loopback = IsLoopbackHost(peer.address);
  return peer;
}

// What Stop() needs from a live connection.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection from its own strand (finishing a response being written first).
  virtual void Shutdown() = 0;
};

// State shared by the server and every connection; connections keep it alive.
struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  std::map<std::string, WebSocketAcceptor> routes;

  std::mutex mutex;
  std::condition_variable all_closed;
  std::size_t connections = 0;                                     // guarded by mutex
  bool stopping = false;                                           // guarded by mutex
  std::unordered_map<void*, std::weak_ptr<SessionBase>> sessions;  // guarded by mutex
};

// One counted connection; released when the last session object holding it dies.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  ~ConnectionSlot() {
    std::lock_guard lock(shared_->mutex);
    --shared_->connections;
    if (shared_->connections == 0) shared_->all_closed.notify_all();
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::shared_ptr<Shared> shared_;
};

// Registers a session for Stop(); false when the server is stopping already.
bool Register(Shared& shared, void* key, std::weak_ptr<SessionBase> session) {
  std::lock_guard lock(shared.mutex);
  if (shared.stopping) return false;
  shared.sessions.emplace(key, std::move(session));
  return true;
}

void Unregister(Shared& shared, void* key) {
  std::lock_guard lock(shared.mutex);
  shared.sessions.erase(key);
}

tcp::socket& Socket(PlainStream& stream) { return stream.socket(); }
tcp::socket& Socket(TlsStream& stream) { return beast::get_lowest_layer(stream).socket(); }

void CloseSocket(tcp::socket& socket) {
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

// Sends close_notify (TLS) or FIN (TCP), then reads and drops whatever the client still sends
// until it closes or kDrainTime passes, then closes. `keep` is held until the end.
template <typename Stream>
class Closer : public std::enable_shared_from_this<Closer<Stream>> {
 public:
  Closer(Stream& stream, std::shared_ptr<void> keep) : stream_(stream), keep_(std::move(keep)) {}

  void Run() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTime);
      stream_.async_shutdown(
          [self = this->shared_from_this()](error_code) { CloseSocket(Socket(self->stream_)); });
    } else {
      error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream_.expires_after(kDrainTime);
      Drain();
    }
  }

 private:
  void Drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainLimit) {
                                CloseSocket(Socket(self->stream_));
                                return;
                              }
                              self->Drain();
                            });
  }

  Stream& stream_;
  std::shared_ptr<void> keep_;
  std::array<char, 4096> scratch_{};
  std::size_t drained_ = 0;
};

template <typename Stream>
void CloseGracefully(Stream& stream, std::shared_ptr<void> keep) {
  std::make_shared<Closer<Stream>>(stream, std::move(keep))->Run();
}

using BeastResponse = http::response<http::string_body>;

std::shared_ptr<BeastResponse> JsonErrorResponse(int status, std::string_view message,
                                                 unsigned version) {
  auto res = std::make_shared<BeastResponse>(static_cast<http::status>(status), version);
  res->set(http::field::server, kServerName);
  res->set(http::field::content_type, "application/json");
  res->body() = ErrorJson(message);
  res->keep_alive(false);
  res->prepare_payload();
  return res;
}

HttpRequest ToHttpRequest(http::request<http::string_body>& req, const PeerInfo& peer) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name = Lower(View(field.name_string()));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    // Repeated fields combine into one comma-separated value (RFC 9110 §5.3).
    if (!inserted) {
      it->second += ", ";
      it->second += std::string(field.value());
    }
  }
  out.body = std::move(req.body());
  out.peer = peer;
  return out;
}

// Calls the handler; a throwing handler or an unsendable response becomes a 500.
std::shared_ptr<BeastResponse> Answer(const HttpHandler& handler, const HttpRequest& request,
                                      unsigned version, bool keep_alive) {
  HttpResponse response;
  try {
    response = handler(request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {}", request.method, request.Path(), e.what());
    return JsonErrorResponse(500, "internal", version);
  } catch (...) {
    spdlog::error("http: handler for {} {} threw a non-standard exception", request.method,
                  request.Path());
    return JsonErrorResponse(500, "internal", version);
  }
  if (response.status < 100 || response.status > 999) {
    spdlog::error("http: handler for {} {} returned status {}", request.method, request.Path(),
                  response.status);
    return JsonErrorResponse(500, "internal", version);
  }
  auto res = std::make_shared<BeastResponse>(static_cast<http::status>(response.status), version);
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      spdlog::error("http: handler for {} {} returned a malformed header", request.method,
                    request.Path());
      return JsonErrorResponse(500, "internal", version);
    }
    const std::string lower = Lower(name);
    if (lower == "content-length" || lower == "transfer-encoding") continue;
    res->insert(name, value);
  }
  res->set(http::field::server, kServerName);
  res->body() = std::move(response.body);
  res->keep_alive(keep_alive);
  res->prepare_payload();
  return res;
}

// ---------------------------------------------------------------------------------------------
// WebSocket connections.

template <typename Stream>
class WebSocketSession;

// The handle endpoints hold: refers to the session weakly, so an endpoint holding its connection
// and the session holding its endpoint form no cycle.
template <typename Stream>
class ConnectionHandle final : public WebSocketConnection {
 public:
  ConnectionHandle(std::weak_ptr<WebSocketSession<Stream>> session, PeerInfo peer)
      : session_(std::move(session)), peer_(std::move(peer)) {}
  void Send(Bytes message) override {
    if (auto s = session_.lock()) s->Queue(Outgoing(Kind::kBinary, ToString(message)));
  }
  void SendText(std::string message) override {
    if (auto s = session_.lock()) s->Queue(Outgoing(Kind::kText, std::move(message)));
  }
  void Close(std::string reason) override {
    if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);
    if (auto s = session_.lock()) s->Queue(Outgoing(Kind::kClose, std::move(reason)));
  }
  const PeerInfo& peer() const override { return peer_; }

  enum class Kind { kBinary, kText, kClose };
  struct Outgoing {
    Outgoing(Kind k, std::string d) : kind(k), data(std::move(d)) {}
    Kind kind;
    std::string data;
  };

 private:
  std::weak_ptr<WebSocketSession<Stream>> session_;
  PeerInfo peer_;
};

template <typename Stream>
class WebSocketSession final : public SessionBase,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
  using Handle = ConnectionHandle<Stream>;
  using Kind = typename Handle::Kind;
  using Outgoing = typename Handle::Outgoing;

 public:
  WebSocketSession(std::shared_ptr<Shared> shared, std::shared_ptr<ConnectionSlot> slot,
                   Stream&& stream, PeerInfo peer)
      : shared_(std::move(shared)),
        slot_(std::move(slot)),
        ws_(std::move(stream)),
        peer_(std::move(peer)) {}

  ~WebSocketSession() override {
    Unregister(*shared_, this);
    // Reached without Finish only when Stop() abandoned the connection.
    NotifyClosed();
  }

  // Runs on the connection's strand: asks the acceptor, then refuses or completes the handshake.
  // `message_limit`: the largest message the peer may send.
  void Run(http::request<http::string_body> req, const WebSocketAcceptor& acceptor,
           std::size_t message_limit) {
    if (!Register(*shared_, this, this->weak_from_this())) {
      CloseSocket(Socket(ws_.next_layer()));
      return;
    }
    req_ = std::move(req);
    HttpRequest upgrade = ToHttpRequest(req_, peer_);
    auto handle = std::make_shared<Handle>(this->weak_from_this(), peer_);
    Result<std::shared_ptr<WebSocketEndpoint>> accepted = InternalError("not called");
    try {
      accepted = acceptor(upgrade, handle);
    } catch (const std::exception& e) {
      spdlog::error("websocket: acceptor for {} threw: {}", upgrade.Path(), e.what());
      accepted = InternalError("internal");
    } catch (...) {
      spdlog::error("websocket: acceptor for {} threw a non-standard exception", upgrade.Path());
      accepted = InternalError("internal");
    }
    if (accepted.ok() && *accepted == nullptr) accepted = InternalError("no endpoint");
    if (!accepted.ok()) {
      const int status = HttpStatusForRefusal(accepted.status().code());
      spdlog::info("websocket: upgrade to {} from {} refused with {}: {}", upgrade.Path(),
                   peer_.address, status, accepted.status().ToString());
      const std::string& message = accepted.status().code() == StatusCode::kInternal
                                       ? std::string("internal")
                                       : accepted.status().message();
      Refuse(JsonErrorResponse(status, message, req_.version()));
      return;
    }
    endpoint_ = std::move(accepted).value();
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, kServerName); }));
    ws_.read_message_max(message_limit);
    ws_.async_accept(req_,
                     [self = this->shared_from_this()](error_code ec) { self->OnAccept(ec); });
  }

  void Queue(Outgoing item) {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), item = std::move(item)]() mutable {
                 if (self->finished_ || self->closing_) return;
                 if (item.kind == Kind::kClose) self->closing_ = true;
                 self->queue_.push_back(std::move(item));
                 if (self->open_ && !self->writing_) self->DoWrite();
               });
  }

  void Shutdown() override {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this()] { CloseSocket(Socket(self->ws_.next_layer())); });
  }

 private:
  void Refuse(std::shared_ptr<BeastResponse> res) {
    beast::get_lowest_layer(ws_).expires_after(shared_->options.read_timeout);
    http::async_write(ws_.next_layer(), *res,
                      [self = this->shared_from_this(), res](error_code, std::size_t) {
                        CloseGracefully(self->ws_.next_layer(), self);
                      });
  }

  void OnAccept(error_code ec) {
    if (ec) {
      spdlog::debug("websocket: handshake with {} failed: {}", peer_.address, ec.message());
      Finish();
      return;
    }
    open_ = true;
    DoRead();
    if (!queue_.empty() && !writing_) DoWrite();
  }

  void DoRead() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(error_code ec) {
    if (ec) {
      if (ec != websocket::error::closed) {
        spdlog::debug("websocket: connection from {} ended: {}", peer_.address, ec.message());
      }
      Finish();
      return;
    }
    auto data = buffer_.data();
    ByteView message(static_cast<const std::uint8_t*>(data.data()), data.size());
    try {
      endpoint_->OnMessage(message);
    } catch (const std::exception& e) {
      spdlog::error("websocket: endpoint threw on a message from {}: {}", peer_.address, e.what());
      buffer_.consume(buffer_.size());
      CloseSocket(Socket(ws_.next_layer()));
      Finish();
      return;
    } catch (...) {
      spdlog::error("websocket: endpoint threw a non-standard exception");
      buffer_.consume(buffer_.size());
      CloseSocket(Socket(ws_.next_layer()));
      Finish();
      return;
    }
    buffer_.consume(buffer_.size());
    if (finished_) return;
    DoRead();
  }

  void DoWrite() {
    writing_ = true;
    Outgoing& item = queue_.front();
    if (item.kind == Kind::kClose) {
      ws_.async_close(websocket::close_reason(websocket::close_code::normal, item.data),
                      [self = this->shared_from_this()](error_code ec) {
                        self->writing_ = false;
                        self->queue_.clear();
                        if (ec) {
                          CloseSocket(Socket(self->ws_.next_layer()));
                          self->Finish();
                        }
                      });
      return;
    }
    ws_.binary(item.kind == Kind::kBinary);
    ws_.async_write(asio::buffer(item.data),
                    [self = this->shared_from_this()](error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec) {
                        CloseSocket(Socket(self->ws_.next_layer()));
                        self->Finish();
                        return;
                      }
                      if (self->queue_.empty()) return;  // Finish cleared it
                      self->queue_.pop_front();
                      if (!self->queue_.empty() && !self->finished_) self->DoWrite();
                    });
  }

  // The connection is over: OnClose once, and the endpoint is released.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    if (!writing_) queue_.clear();
    NotifyClosed();
  }

  void NotifyClosed() {
    std::shared_ptr<WebSocketEndpoint> endpoint = std::move(endpoint_);
    endpoint_.reset();
    if (!endpoint) return;
    try {
      endpoint->OnClose();
    } catch (const std::exception& e) {
      spdlog::error("websocket: endpoint threw in OnClose: {}", e.what());
    } catch (...) {
      spdlog::error("websocket: endpoint threw a non-standard exception in OnClose");
    }
  }

  std::shared_ptr<Shared> shared_;
  std::shared_ptr<ConnectionSlot> slot_;
  websocket::stream<Stream> ws_;
  PeerInfo peer_;
  http::request<http::string_body> req_;
  beast::flat_buffer buffer_;
  std::shared_ptr<WebSocketEndpoint> endpoint_;
  std::deque<Outgoing> queue_;
  bool open_ = false;      // handshake done, not finished
  bool writing_ = false;   // a write or close is in flight
  bool closing_ = false;   // a close is queued; later messages are dropped
  bool finished_ = false;  // OnClose delivered (or due)
};

// ---------------------------------------------------------------------------------------------
// HTTP connections.

template <typename Stream>
class HttpSession final : public SessionBase,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(std::shared_ptr<Shared> shared, std::shared_ptr<ConnectionSlot> slot, Stream&& stream)
      : shared_(std::move(shared)),
        slot_(std::move(slot)),
        stream_(std::move(stream)),
        executor_(stream_.get_executor()) {}

  ~HttpSession() override { Unregister(*shared_, this); }

  void Start() {
    asio::dispatch(executor_, [self = this->shared_from_this()] { self->Begin(); });
  }

  void Shutdown() override {
    // executor_, not stream_'s: stream_ is moved away by an upgrade.
    asio::post(executor_, [self = this->shared_from_this()] {
      if (self->upgraded_) return;
      if (self->writing_) {
        self->close_after_write_ = true;  // finish the response, then close
        return;
      }
      CloseSocket(Socket(self->stream_));
    });
  }

 private:
  const HttpServerOptions& options() const { return shared_->options; }

  void Begin() {
    if (!Register(*shared_, this, this->weak_from_this())) {
      CloseSocket(Socket(stream_));
      return;
    }
    peer_ = PeerOf(Socket(stream_));
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(options().read_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](error_code ec) { self->OnHandshake(ec); });
    } else {
      WaitForRequest();
    }
  }

  void OnHandshake(error_code ec) {
    if (ec) {
      spdlog::debug("http: TLS handshake with {} failed: {}", peer_.address, ec.message());
      CloseSocket(Socket(stream_));
      return;
    }
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      peer_.client_certificate_sha256 =
          internal::VerifiedPeerCertificateSha256(stream_.native_handle());
    }
    WaitForRequest();
  }

  // Waits for the first byte of the next request: read_timeout on a new connection,
  // idle_timeout between kept-alive requests.
  void WaitForRequest() {
    if (buffer_.size() > 0) {  // pipelined: the next request is here already
      ReadRequest();
      return;
    }
    beast::get_lowest_layer(stream_).expires_after(requests_ == 0 ? options().read_timeout
                                                                  : options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              if (ec) {
                                self->CloseQuietly(ec);
                                return;
                              }
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  // The whole request must arrive within read_timeout (slow clients are dropped).
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options().header_limit, UINT32_MAX)));
    parser_->body_limit(options().body_limit);
    beast::get_lowest_layer(stream_).expires_after(options().read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    if (ec == http::error::body_limit) {
      SendError(413, "request body too large");
      return;
    }
    if (ec == http::error::header_limit) {
      SendError(431, "request header fields too large");
      return;
    }
    if (ec && ec != http::error::end_of_stream && IsHttpParseError(ec)) {
      SendError(400, "malformed request: " + ec.message());
      return;
    }
    if (ec) {
      CloseQuietly(ec);
      return;
    }
    ++requests_;
    http::request<http::string_body> req = parser_->release();
    if (websocket::is_upgrade(req)) {
      std::string path(req.target().substr(0, req.target().find('?')));
      auto route = shared_->routes.find(path);
      if (route == shared_->routes.end()) {
        SendError(404, "no WebSocket endpoint at this path");
        return;
      }
      upgraded_ = true;
      auto session = std::make_shared<WebSocketSession<Stream>>(shared_, std::move(slot_),
                                                                std::move(stream_), peer_);
      const auto& limits = options().websocket_route_message_limits;
      const auto limit = limits.find(path);
      session->Run(std::move(req), route->second,
                   limit == limits.end() ? options().websocket_message_limit : limit->second);
      return;
    }
    bool keep_alive = req.keep_alive();
    {
      std::lock_guard lock(shared_->mutex);
      if (shared_->stopping) keep_alive = false;
    }
    const unsigned version = req.version();
    HttpRequest request = ToHttpRequest(req, peer_);
    Write(Answer(shared_->handler, request, version, keep_alive));
  }

  void SendError(int status, std::string_view message) {
    spdlog::debug("http: answering {} to {}: {}", status, peer_.address, message);
    Write(JsonErrorResponse(status, message, 11));
  }

  void Write(std::shared_ptr<BeastResponse> res) {
    writing_ = true;
    beast::get_lowest_layer(stream_).expires_after(options().read_timeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) {
                          self->CloseQuietly(ec);
                          return;
                        }
                        if (!res->keep_alive() || self->close_after_write_) {
                          CloseGracefully(self->stream_, self);
                          return;
                        }
                        self->WaitForRequest();
                      });
  }

  void CloseQuietly(error_code ec) {
    if (ec == beast::error::timeout) {
      spdlog::debug("http: closing connection from {}: timed out", peer_.address);
    }
    CloseSocket(Socket(stream_));
  }

  std::shared_ptr<Shared> shared_;
  std::shared_ptr<ConnectionSlot> slot_;
  Stream stream_;
  asio::any_io_executor executor_;  // the connection's strand
  PeerInfo peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t requests_ = 0;
  bool writing_ = false;
  bool close_after_write_ = false;
  bool upgraded_ = false;  // stream_ moved to a WebSocketSession
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct HttpServer::Impl {
  explicit Impl(int thread_count) : ioc(thread_count), acceptor(asio::make_strand(ioc)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
      } else {
        OnAccepted(std::move(socket));
      }
      Accept();
    });
  }

  void OnAccepted(tcp::socket socket) {
    {
      std::lock_guard lock(shared->mutex);
      if (shared->stopping) {
        CloseSocket(socket);
        return;
      }
      if (shared->connections >= shared->options.max_connections) {
        spdlog::warn("http: connection limit ({}) reached; closing a new connection",
                     shared->options.max_connections);
        CloseSocket(socket);
        return;
      }
      ++shared->connections;
    }
    auto slot = std::make_shared<ConnectionSlot>(shared);
    if (shared->options.tls) {
      TlsStream stream(std::move(socket), shared->options.tls->impl().context);
      std::make_shared<HttpSession<TlsStream>>(shared, std::move(slot), std::move(stream))->Start();
    } else {
      PlainStream stream(std::move(socket));
      std::make_shared<HttpSession<PlainStream>>(shared, std::move(slot), std::move(stream))
          ->Start();
    }
  }

  std::shared_ptr<Shared> shared;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Create(
    const HttpServerOptions& options, HttpHandler handler,
    std::map<std::string, WebSocketAcceptor> websocket_routes) {
  if (options.threads <= 0) return InvalidArgumentError("http server: threads must be positive");
  if (options.body_limit == 0 || options.header_limit == 0 ||
      options.websocket_message_limit == 0 || options.max_connections == 0) {
    return InvalidArgumentError("http server: limits and max_connections must be positive");
  }
  if (!handler) return InvalidArgumentError("http server: no handler");
  for (const auto& [path, limit] : options.websocket_route_message_limits) {
    if (!websocket_routes.contains(path)) {
      return InvalidArgumentError("http server: a message limit is set for " + path +
                                  ", which is not a WebSocket route");
    }
    if (limit == 0) {
      return InvalidArgumentError("http server: the message limit of " + path +
                                  " must be positive");
    }
  }
  const std::string host = Lower(options.address) == "localhost" ? "127.0.0.1" : options.address;
  error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    return InvalidArgumentError("http server: '" + options.address +
                                "' is not an IP address or \"localhost\"");
  }
  if (!options.tls) {
    if (!IsLoopbackHost(host)) {
      return InvalidArgumentError(
          "http server: plain HTTP is allowed only on a loopback address; " + options.address +
          " needs a TLS certificate");
    }
    spdlog::warn("http server: serving plain HTTP (no TLS) on {}; loopback only", host);
  }

  auto impl = std::make_unique<Impl>(options.threads);
  impl->shared = std::make_shared<Shared>();
  impl->shared->options = options;
  impl->shared->handler = std::move(handler);
  impl->shared->routes = std::move(websocket_routes);

  tcp::endpoint endpoint(address, options.port);
  const std::string where = host + " port " + std::to_string(options.port);
  tcp::acceptor& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("http server: cannot listen on " + where + ": " + ec.message());
  impl->port = acceptor.local_endpoint(ec).port();
  if (ec) return UnavailableError("http server: cannot read the bound port: " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Status HttpServer::Start() {
  Impl& impl = *impl_;
  if (impl.started || impl.stopped) {
    return FailedPreconditionError("http server: already started or stopped");
  }
  impl.started = true;
  impl.work.emplace(impl.ioc.get_executor());
  asio::dispatch(impl.acceptor.get_executor(), [&impl] { impl.Accept(); });
  for (int i = 0; i < impl.shared->options.threads; ++i) {
    impl.threads.emplace_back([&impl] {
      while (true) {
        try {
          impl.ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http server: I/O thread caught: {}", e.what());
        }
      }
    });
  }
  spdlog::info("http server: listening on {} port {} ({})", impl.shared->options.address, impl.port,
               impl.shared->options.tls ? "TLS" : "plain HTTP");
  return OkStatus();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  Impl& impl = *impl_;
  if (impl.stopped) return;
  impl.stopped = true;
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(impl.shared->mutex);
    impl.shared->stopping = true;
    for (auto& [key, weak] : impl.shared->sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  if (!impl.started) {
    error_code ec;
    impl.acceptor.close(ec);
    return;
  }
  asio::post(impl.acceptor.get_executor(), [&impl] {
    error_code ec;
    impl.acceptor.close(ec);
  });
  for (auto& session : live) session->Shutdown();
  live.clear();
  impl.work.reset();
  {
    std::unique_lock lock(impl.shared->mutex);
    if (!impl.shared->all_closed.wait_for(lock, kStopGrace,
                                          [&] { return impl.shared->connections == 0; })) {
      spdlog::warn("http server: {} connections did not close in time; abandoning them",
                   impl.shared->connections);
    }
  }
  impl.ioc.stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
  // The posted close may not have run before ioc.stop(); no thread runs the acceptor now.
  error_code ec;
  impl.acceptor.close(ec);
  // A connection the acceptor took just before it closed has its handler queued still; run what
  // is queued, so that handler sees the closed acceptor and closes the connection instead of
  // leaving it open, unanswered, until the server is destroyed.
  impl.ioc.restart();
  impl.ioc.poll();
  spdlog::info("http server: stopped");
}

}  // namespace sekisho::net
