// Server: `sekisho serve` (DESIGN.md §4, §6, §7): the REST API, the gates' sync WebSocket, the
// console's live events and the console's files on one HTTPS listener, over a ServerSite. Every
// change of what gates enforce (a lost card, a leaver, a door, a lockdown) rebuilds the
// organisation's snapshot and pushes the difference to every connected gate at once; every
// committed door event is indexed and pushed to the consoles watching.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "net/http_server.h"
#include "server/api_context.h"
#include "server/api_router.h"
#include "server/auth_rate_limiter.h"
#include "server/auth_sessions.h"
#include "server/badge_terminal_route.h"
#include "server/console_files.h"
#include "server/event_stream.h"
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
  // How often the live streams are checked for ended sessions and the gates for connections and
  // disconnections (reported on the live streams).
  std::chrono::milliseconds watch_interval{1000};
  // The built web console to serve (server/console_files.h); none: non-API paths answer 404.
  std::optional<std::filesystem::path> console_dir;
  // How long the badge terminal certificates issued to gates are valid (1 to
  // badge::kMaxTerminalValidity days; server/badge_terminal_route.h).
  std::chrono::days badge_terminal_validity = kDefaultBadgeTerminalValidity;
};

class Server {
 public:
  // Builds the API, the hub, the live event stream and the listener (not yet accepting), brings
  // the event index up to date with the audit log and publishes the current policy. The site must
  // outlive the server. ConsoleFiles::Create's errors for a bad console_dir; HttpServer::Create's
  // errors; the first publish's.
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

  // Indexes the door events committed since the last call and pushes them to the live streams.
  // Called after every committed batch, and periodically (records appended or erased by another
  // process). The index's errors (logged by the callers).
  Status IndexEvents();

  GateHub& hub() { return *hub_; }
  EventStream& live_events() { return *live_; }
  PolicyPublisher& publisher() { return *publisher_; }
  ServerSite& site() { return site_; }

 private:
  explicit Server(ServerSite& site) : site_(site) {}
  void RebuildLoop();
  // Pushes a {"type": "gate"} message for each gate that connected or disconnected since the
  // last call.
  void WatchGates();

  ServerSite& site_;
  ServerOptions options_;
  std::unique_ptr<PolicyPublisher> publisher_;
  std::unique_ptr<GateHub> hub_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<LoginRateLimiter> rate_limiter_;
  std::unique_ptr<ApiContext> api_;
  std::unique_ptr<GateRoutesContext> gate_routes_;
  std::unique_ptr<BadgeTerminalRouteContext> badge_terminal_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<EventStream> live_;
  std::unique_ptr<ConsoleFiles> console_;
  std::unique_ptr<net::HttpServer> http_;
  std::mutex index_mutex_;  // indexes and publishes in log order
  std::mutex gates_seen_mutex_;
  std::map<gate::GateId, ConnectedGate> gates_seen_;
  std::mutex rebuild_mutex_;
  std::mutex stop_mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread rebuilder_;
};

}  // namespace sekisho::server
