#include "server/server.h"

#include <spdlog/spdlog.h>

#include "net/tls_context.h"
#include "server/api_routes.h"
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
                              site.clock()));
  ASSIGN_OR_RETURN(s->hub_, GateHub::Create(site.gates(), *s->publisher_, site.audit_log(),
                                            site.clock(), std::move(observers)));
  s->sessions_ = std::make_unique<SessionStore>(site.clock(), site.random());
  s->rate_limiter_ = std::make_unique<LoginRateLimiter>(site.clock());
  Server* self = s.get();
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
  });
  s->gate_routes_.reset(new GateRoutesContext{
      .gates = site.gates(),
      .hub = *s->hub_,
      .ca = site.ca(),
      .org_key = site.org_key(),
      .snapshot_key = site.snapshot_key().public_key(),
  });
  s->router_ = BuildApiRouter(*s->api_);
  AddGateRoutes(*s->router_, *s->api_, *s->gate_routes_);

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
  // Gates send at most one full event batch per message (sync/message.h).
  http.websocket_route_message_limits[std::string(kGateSyncPath)] = sync::kMaxBatchMessageSize;
  ASSIGN_OR_RETURN(s->http_,
                   net::HttpServer::Create(http, s->router_->AsHandler(), std::move(websockets)));
  ASSIGN_OR_RETURN(std::uint64_t version, s->PolicyChanged());
  spdlog::info("organisation '{}': policy version {}", site.org().name, version);
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
  while (!stopping_) {
    if (stop_changed_.wait_for(lock, options_.rebuild_interval, [this] { return stopping_; })) {
      break;
    }
    lock.unlock();
    Result<std::uint64_t> v = PolicyChanged();
    if (!v.ok()) spdlog::error("periodic policy rebuild: {}", v.status().ToString());
    lock.lock();
  }
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
