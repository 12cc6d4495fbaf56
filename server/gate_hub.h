// GateHub: the server's end of gate sync (DESIGN.md §6; docs/formats/sync-protocol.md). It
// accepts the gates' WebSocket connections on /api/v1/gates/sync (mutual TLS: the client
// certificate names the gate), hands it the snapshot key rollover chain when the key was rotated,
// brings each gate's policy up to date and pushes every publish,
// and commits the gates' event batches to the audit log exactly once before acknowledging them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "gate/event.h"
#include "net/http_message.h"
#include "net/websocket.h"
#include "server/gate_store.h"
#include "server/locked_audit_log.h"
#include "server/policy_publisher.h"
#include "sync/message.h"

namespace sekisho::server {

// The audit-log feed of a gate's events: "gate/<id>"; its position is the sequence number of the
// last event appended (audit::AuditLog::AppendFeed), so a batch resent after a lost
// acknowledgement or a server crash adds nothing twice.
std::string GateFeed(gate::GateId gate);

// The path of the gates' sync WebSocket, where Acceptor() serves.
inline constexpr std::string_view kGateSyncPath = sync::kSyncPath;

struct GateHubObservers {
  // A gate reported `version` in force, at `at` (steady clock: the revocation-latency benchmark
  // and the console measure with it).
  std::function<void(gate::GateId gate, std::uint64_t version,
                     std::chrono::steady_clock::time_point at)>
      on_policy_applied;
  // `events` of `gate` are durably in the audit log (called after each committed batch).
  std::function<void(gate::GateId gate, const std::vector<gate::Event>& events)> on_events;
};

// One connected gate, as Stats() reports it.
struct ConnectedGate {
  gate::GateId gate = 0;
  std::string name;
  std::string address;
  bool introduced = false;            // its hello was accepted
  std::uint64_t sent_version = 0;     // the policy version the server has sent it up to
  std::uint64_t applied_version = 0;  // the policy version it reported in force
  TimePoint connected_at{};
  TimePoint last_seen{};
};

struct GateHubStats {
  std::uint64_t published_version = 0;
  std::vector<ConnectedGate> gates;  // in gate id order
  std::uint64_t batches_committed = 0;
  std::uint64_t events_committed = 0;
  std::uint64_t batches_resent = 0;       // duplicates answered with an acknowledgement
  std::uint64_t batches_refused = 0;      // sequence gaps
  std::uint64_t connections_failed = 0;   // closed with an error message
  std::uint64_t connections_refused = 0;  // upgrades Accept refused (no, unknown or inactive gate)
};

// Thread-safe. Every reference must outlive the hub, and the hub must outlive the endpoints it
// returned (stop the server before destroying it).
class GateHub {
 public:
  // Serves the gates of `publisher.org()`, subscribing to its publishes.
  static Result<std::unique_ptr<GateHub>> Create(GateStore& gates, PolicyPublisher& publisher,
                                                 LockedAuditLog& audit_log, const Clock& clock,
                                                 GateHubObservers observers = {});
  ~GateHub();
  GateHub(const GateHub&) = delete;
  GateHub& operator=(const GateHub&) = delete;

  // The net::WebSocketAcceptor of /api/v1/gates/sync. The peer's client certificate must name an
  // active gate of the organisation: kUnauthenticated without a client certificate;
  // kPermissionDenied for a certificate no gate has, a revoked or pending gate, or another
  // organisation's; the gate store's errors (kUnavailable ...).
  Result<std::shared_ptr<net::WebSocketEndpoint>> Accept(
      const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection);
  // Accept, bound to this hub.
  net::WebSocketAcceptor Acceptor();

  // Ends every open connection of `gate` with an error message carrying `why` (not OK): after
  // GateStore::Revoke, so a revoked gate is cut off at once rather than at its next connection.
  // Returns how many connections were closed.
  std::size_t CloseGate(gate::GateId gate, const Status& why);

  GateHubStats Stats() const;

 private:
  class Connection;
  friend class Connection;

  GateHub(GateStore& gates, PolicyPublisher& publisher, LockedAuditLog& audit_log,
          const Clock& clock, GateHubObservers observers)
      : gates_(gates),
        publisher_(publisher),
        audit_log_(audit_log),
        clock_(clock),
        observers_(std::move(observers)) {}

  // Accept without the refusal count.
  Result<std::shared_ptr<net::WebSocketEndpoint>> AcceptGate(
      const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection);
  std::vector<std::shared_ptr<Connection>> Connections() const;
  void PushAll();
  void Remove(const Connection* connection);

  GateStore& gates_;
  PolicyPublisher& publisher_;
  LockedAuditLog& audit_log_;
  const Clock& clock_;
  const GateHubObservers observers_;
  int subscription_ = 0;

  // Serialises batch commits: verify against the stored chain, append, save the chain.
  std::mutex commit_mutex_;

  mutable std::mutex mutex_;  // guards what follows
  std::map<const Connection*, std::weak_ptr<Connection>> connections_;
  GateHubStats counters_;  // its counters only
};

}  // namespace sekisho::server
