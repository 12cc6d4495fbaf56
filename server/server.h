// Server: `sekisho serve` (DESIGN.md §4, §6): the REST API and the gates' sync WebSocket on one
// HTTPS listener, over a ServerSite. Every change of what gates enforce (a lost card, a leaver, a
// door, a lockdown) rebuilds the organisation's snapshot and pushes the difference to every
// connected gate at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "net/http_server.h"
#include "server/api_context.h"
#include "server/api_router.h"
#include "server/auth_rate_limiter.h"
#include "server/auth_sessions.h"
#include "server/gate_hub.h"
#include "server/gate_routes.h"
#include "server/policy_publisher.h"
#include "server/server_site.h"

namespace sekisho::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port (port() tells)
  // Plain HTTP instead of TLS: only on a loopback address, logged as a warning. Gates cannot
  // connect then (they need mutual TLS); for trying the console and API locally.
  bool plain_http = false;
  int threads = 4;
  // How often the policy is rebuilt even without a change (validity periods and schedules that
  // start or end with time need no rebuild: gates decide with the time; this only bounds how
  // long a change made behind the server's back, by another process on the same files, waits).
  std::chrono::milliseconds rebuild_interval{5000};
};

class Server {
 public:
  // Builds the API, the hub and the listener (not yet accepting) and publishes the current
  // policy. The site must outlive the server. HttpServer::Create's errors; the first publish's.
  static Result<std::unique_ptr<Server>> Create(ServerSite& site, const ServerOptions& options,
                                                GateHubObservers observers = {});
  ~Server();

  Status Start();
  void Stop();
  std::uint16_t port() const { return http_->port(); }

  // Feeds the registry's admin events into the audit log, rebuilds the snapshot and publishes
  // it (a no-op for gates when nothing changed). Called after every API write that changes what
  // gates enforce, and periodically. Returns the version published.
  Result<std::uint64_t> PolicyChanged();

  GateHub& hub() { return *hub_; }
  PolicyPublisher& publisher() { return *publisher_; }
  ServerSite& site() { return site_; }

 private:
  explicit Server(ServerSite& site) : site_(site) {}
  void RebuildLoop();

  ServerSite& site_;
  ServerOptions options_;
  std::unique_ptr<PolicyPublisher> publisher_;
  std::unique_ptr<GateHub> hub_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<LoginRateLimiter> rate_limiter_;
  std::unique_ptr<ApiContext> api_;
  std::unique_ptr<GateRoutesContext> gate_routes_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<net::HttpServer> http_;
  std::mutex rebuild_mutex_;
  std::mutex stop_mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread rebuilder_;
};

}  // namespace sekisho::server
