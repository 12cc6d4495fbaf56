#include "server/server.h"

#include <spdlog/spdlog.h>

#include "badge/cv_certificate.h"
#include "net/tls_context.h"
#include "server/api_registry_json.h"
#include "server/api_routes.h"
#include "server/event_json.h"
#include "site/snapshot_builder.h"
#include "sync/message.h"

namespace sekisho::server {

Result<std::unique_ptr<Server>> Server::Create(ServerSite& site, const ServerOptions& options,
                                               GateHubObservers observers) {
  std::unique_ptr<Server> s(new Server(site));
  s->options_ = options;
  ASSIGN_OR_RETURN(
      s->publisher_,
      PolicyPublisher::Create(site.gates(), site.org().id,
                              Ed25519PrivateKey::FromSeed(site.snapshot_key().seed()).value(),
                              site.clock(), {.key_chain = site.snapshot_key_chain()}));
  Server* self = s.get();
  // Committed events are indexed (and pushed to the live streams) before the caller hears of
  // them.
  observers.on_events = [self, then = std::move(observers.on_events)](
                            gate::GateId gate, const std::vector<gate::Event>& events) {
    if (Status indexed = self->IndexEvents(); !indexed.ok()) {
      spdlog::error("door events not yet indexed: {}", indexed.ToString());
    }
    if (then) then(gate, events);
  };
  ASSIGN_OR_RETURN(s->hub_, GateHub::Create(site.gates(), *s->publisher_, site.audit_log(),
                                            site.clock(), std::move(observers)));
  s->sessions_ = std::make_unique<SessionStore>(site.clock(), site.random());
  s->rate_limiter_ = std::make_unique<LoginRateLimiter>(site.clock());
  s->live_ = std::make_unique<EventStream>(
      *s->sessions_, EventStreamOptions{.scheme = options.plain_http ? "http" : "https"});
  if (options.console_dir) {
    ASSIGN_OR_RETURN(s->console_, ConsoleFiles::Create(*options.console_dir));
    spdlog::info("serving the web console from {}", s->console_->root().string());
  }
  s->api_.reset(new ApiContext{
      .registry = site.registry(),
      .organisation = site.org().id,
      .users = site.users(),
      .sessions = *s->sessions_,
      .rate_limiter = *s->rate_limiter_,
      .audit_log = site.audit_log(),
      .sites = site.sites(),
      .clock = site.clock(),
      .random = site.random(),
      .policy_changed =
          [self] {
            Result<std::uint64_t> v = self->PolicyChanged();
            if (!v.ok()) spdlog::error("policy not published: {}", v.status().ToString());
          },
      .secure_cookie = !options.plain_http,
      .events = &site.events(),
      .checkpoint_key = &site.audit_key(),
      .erasures = &site.erasures(),
      .records_erased =
          [self] {
            if (Status indexed = self->IndexEvents(); !indexed.ok()) {
              spdlog::error("door events not yet indexed: {}", indexed.ToString());
            }
          },
  });
  s->gate_routes_.reset(new GateRoutesContext{
      .gates = site.gates(),
      .hub = *s->hub_,
      .ca = site.ca(),
      .org_key = site.org_key(),
      .snapshot_key = site.snapshot_key().public_key(),
      .organisation = site.organisation_slug(),
  });
  s->router_ = BuildApiRouter(*s->api_);
  AddGateRoutes(*s->router_, *s->api_, *s->gate_routes_);
  if (options.badge_terminal_validity < std::chrono::days(1) ||
      options.badge_terminal_validity > badge::kMaxTerminalValidity) {
    return InvalidArgumentError("badge terminal certificates are valid for 1 to " +
                                std::to_string(badge::kMaxTerminalValidity.count()) + " days");
  }
  s->badge_terminal_.reset(
      new BadgeTerminalRouteContext{.gates = site.gates(),
                                    .dir = site.dir(),
                                    .org_name = site.org().name,
                                    .validity = options.badge_terminal_validity});
  AddBadgeTerminalRoute(*s->router_, *s->api_, *s->badge_terminal_);

  net::HttpServerOptions http;
  http.address = options.address;
  http.port = options.port;
  http.threads = options.threads;
  if (!options.plain_http) {
    ASSIGN_OR_RETURN(http.tls, net::TlsServerContext::Create(site.tls_path(kServerCertFile),
                                                             site.tls_path(kServerKeyFile),
                                                             site.tls_path(kCaCertFile)));
  }
  std::map<std::string, net::WebSocketAcceptor> websockets;
  websockets[std::string(kGateSyncPath)] = s->hub_->Acceptor();
  websockets[std::string(kEventStreamPath)] = s->live_->Acceptor();
  // Gates send at most one full event batch per message (sync/message.h); browsers only
  // acknowledgements.
  http.websocket_route_message_limits[std::string(kGateSyncPath)] = sync::kMaxBatchMessageSize;
  http.websocket_route_message_limits[std::string(kEventStreamPath)] = kMaxLiveClientMessage;
  net::HttpHandler handler = [router = s->router_.get(),
                              console = s->console_.get()](const net::HttpRequest& request) {
    if (IsApiPath(request.Path())) return router->Handle(request);
    if (console != nullptr) return console->Serve(request);
    return NoConsoleResponse(request);
  };
  ASSIGN_OR_RETURN(s->http_,
                   net::HttpServer::Create(http, std::move(handler), std::move(websockets)));
  // Events committed while the server was down, or by a run that stopped before indexing them.
  if (Status indexed = s->IndexEvents(); !indexed.ok()) {
    spdlog::error("door events not yet indexed: {}", indexed.ToString());
  }
  ASSIGN_OR_RETURN(std::uint64_t version, s->PolicyChanged());
  spdlog::info("organisation '{}': policy version {}, snapshot key id {} ({} rollover(s))",
               site.org().name, version, sync::SnapshotKeyIdHex(site.snapshot_key().public_key()),
               site.snapshot_key_chain() ? site.snapshot_key_chain()->rollovers.size() : 0);
  return s;
}

Server::~Server() { Stop(); }

Status Server::Start() {
  RETURN_IF_ERROR(http_->Start());
  rebuilder_ = std::thread([this] { RebuildLoop(); });
  spdlog::info("serving on {}://{}:{}", options_.plain_http ? "http" : "https", options_.address,
               http_->port());
  return OkStatus();
}

void Server::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_changed_.notify_all();
  if (rebuilder_.joinable()) rebuilder_.join();
  if (http_) http_->Stop();
}

void Server::RebuildLoop() {
  std::unique_lock lock(stop_mutex_);
  auto next_rebuild = std::chrono::steady_clock::now() + options_.rebuild_interval;
  while (!stopping_) {
    const auto wake =
        std::min(next_rebuild, std::chrono::steady_clock::now() + options_.watch_interval);
    if (stop_changed_.wait_until(lock, wake, [this] { return stopping_; })) break;
    lock.unlock();
    live_->CloseEnded();
    WatchGates();
    if (std::chrono::steady_clock::now() >= next_rebuild) {
      Result<std::uint64_t> v = PolicyChanged();
      if (!v.ok()) spdlog::error("periodic policy rebuild: {}", v.status().ToString());
      if (Status indexed = IndexEvents(); !indexed.ok()) {
        spdlog::error("periodic event indexing: {}", indexed.ToString());
      }
      next_rebuild = std::chrono::steady_clock::now() + options_.rebuild_interval;
    }
    lock.lock();
  }
}

Status Server::IndexEvents() {
  std::lock_guard lock(index_mutex_);
  ASSIGN_OR_RETURN(std::vector<IndexedEvent> added, site_.IndexEvents());
  if (added.empty() || live_->size() == 0) return OkStatus();
  ASSIGN_OR_RETURN(EventNames names,
                   LookUpEventNames(site_.registry(), site_.sites(), site_.org().id, added));
  for (const IndexedEvent& e : added) {
    nlohmann::json message = EventToJson(e, names);
    message["type"] = "event";
    live_->Publish(message);
  }
  return OkStatus();
}

void Server::WatchGates() {
  std::map<gate::GateId, ConnectedGate> now;
  for (ConnectedGate& g : hub_->Stats().gates) now[g.gate] = std::move(g);
  std::lock_guard lock(gates_seen_mutex_);
  const auto message = [this](const ConnectedGate& g, bool connected) {
    nlohmann::json gate = {{"id", g.gate}, {"name", g.name}, {"connected", connected}};
    if (connected) gate["address"] = g.address;
    return nlohmann::json{
        {"type", "gate"}, {"gate", gate}, {"time", FormatApiTime(site_.clock().Now())}};
  };
  for (const auto& [id, g] : now) {
    if (!gates_seen_.contains(id)) live_->Publish(message(g, true));
  }
  for (const auto& [id, g] : gates_seen_) {
    if (!now.contains(id)) live_->Publish(message(g, false));
  }
  gates_seen_ = std::move(now);
}

Result<std::uint64_t> Server::PolicyChanged() {
  std::lock_guard lock(rebuild_mutex_);
  Status fed = site_.FeedAuditLog();
  if (!fed.ok()) spdlog::error("admin events not yet in the audit log: {}", fed.ToString());
  ASSIGN_OR_RETURN(
      policy::Snapshot snapshot,
      site::BuildSnapshot(site_.registry(), site_.sites(), site_.org().id, site_.clock().Now()));
  return publisher_->Publish(std::move(snapshot));
}

}  // namespace sekisho::server
