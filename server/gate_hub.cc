#include "server/gate_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>

#include "audit/audit_log.h"
#include "audit/record.h"
#include "gate/batch.h"
#include "gate/batch_verifier.h"
#include "sync/message.h"

namespace sekisho::server {
namespace {

// A status as an error message: the text shortened to what the format allows, control
// characters replaced.
sync::ErrorMessage ErrorFor(const Status& status) {
  std::string text = status.message().substr(0, sync::kMaxTextSize);
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  const StatusCode code = status.ok() ? StatusCode::kInternal : status.code();
  return sync::ErrorMessage{code, std::move(text)};
}

}  // namespace

std::string GateFeed(gate::GateId gate) { return "gate/" + std::to_string(gate); }

// One gate's connection: its state machine (docs/formats/sync-protocol.md "Conversation").
class GateHub::Connection final : public net::WebSocketEndpoint {
 public:
  Connection(GateHub& hub, std::shared_ptr<net::WebSocketConnection> connection, GateRecord gate)
      : hub_(hub), connection_(std::move(connection)), gate_(std::move(gate)) {
    info_.gate = gate_.id;
    info_.name = gate_.name;
    info_.address = connection_->peer().address;
    info_.connected_at = hub_.clock_.Now();
    info_.last_seen = info_.connected_at;
  }

  void OnMessage(ByteView wire) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    info_.last_seen = hub_.clock_.Now();
    auto message = sync::DecodeMessage(wire);
    if (!message.ok()) {
      Fail(message.status());
      return;
    }
    std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, sync::Hello>) {
            OnHello(m);
          } else if constexpr (std::is_same_v<T, sync::PolicyApplied>) {
            OnPolicyApplied(m);
          } else if constexpr (std::is_same_v<T, sync::BatchMessage>) {
            OnBatch(m);
          } else if constexpr (std::is_same_v<T, sync::ErrorMessage>) {
            spdlog::warn("gate {} closes its connection: {}: {}", gate_.id, StatusCodeName(m.code),
                         m.message);
            closed_ = true;
            connection_->Close("peer error");
          } else {
            Fail(InvalidArgumentError(
                "sync: " + std::string(sync::MessageTypeName(sync::TypeOf(m))) +
                " is a message the server sends, not a gate"));
          }
        },
        *message);
  }

  void OnClose() override {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    spdlog::info("gate {} disconnected", gate_.id);
    hub_.Remove(this);
  }

  // Sends the policy published since what this gate was sent.
  void Push() {
    std::lock_guard lock(mutex_);
    if (closed_ || !info_.introduced) return;
    SendCatchUp();
  }

  // Closes the connection with `why` as the error message; false when it was closed already.
  bool CloseWith(const Status& why) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    Fail(why);
    return true;
  }

  gate::GateId gate() const { return gate_.id; }

  ConnectedGate info() const {
    std::lock_guard lock(mutex_);
    return info_;
  }

 private:
  // Called with mutex_ held from here on.

  void Send(const sync::Message& message) {
    auto wire = sync::EncodeMessage(message);
    if (!wire.ok()) {
      spdlog::error("gate {}: cannot encode a {} message: {}", gate_.id,
                    sync::MessageTypeName(sync::TypeOf(message)), wire.status().ToString());
      return;
    }
    connection_->Send(std::move(wire).value());
  }

  // Sends kError and closes: the gate reconnects and starts over with a hello.
  void Fail(const Status& status) {
    const bool loud = status.code() == StatusCode::kUnauthenticated ||
                      status.code() == StatusCode::kDataLoss ||
                      status.code() == StatusCode::kPermissionDenied;
    if (loud) {
      spdlog::error("gate {} ({}): refusing the connection: {}", gate_.id, info_.address,
                    status.ToString());
    } else {
      spdlog::warn("gate {} ({}): closing the connection: {}", gate_.id, info_.address,
                   status.ToString());
    }
    Send(ErrorFor(status));
    closed_ = true;
    connection_->Close(std::string(StatusCodeName(status.code())));
    std::lock_guard lock(hub_.mutex_);
    ++hub_.counters_.connections_failed;
  }

  void SendCatchUp() {
    auto catch_up = hub_.publisher_.CatchUp(gate_.id, info_.sent_version);
    if (!catch_up.ok()) {
      Fail(catch_up.status());
      return;
    }
    for (const sync::Message& message : catch_up->messages) Send(message);
    info_.sent_version = catch_up->version;
  }

  void OnHello(const sync::Hello& hello) {
    if (info_.introduced) {
      Fail(FailedPreconditionError("sync: a second hello on one connection"));
      return;
    }
    if (hello.protocol_version != sync::kProtocolVersion) {
      Fail(FailedPreconditionError(
          "sync: protocol version " + std::to_string(hello.protocol_version) +
          " is not supported; this server speaks " + std::to_string(sync::kProtocolVersion)));
      return;
    }
    if (hello.gate != gate_.id) {
      Fail(PermissionDeniedError("sync: hello names gate " + std::to_string(hello.gate) +
                                 " but the client certificate is gate " +
                                 std::to_string(gate_.id)));
      return;
    }
    auto stored = hub_.gates_.Get(gate_.id);
    if (!stored.ok()) {
      Fail(stored.status());
      return;
    }
    const std::uint64_t committed = stored->chain.next_sequence - 1;
    if (hello.acknowledged_sequence > committed) {
      Fail(DataLossError(
          "sync: gate " + std::to_string(gate_.id) + " was acknowledged events up to " +
          std::to_string(hello.acknowledged_sequence) + " but the server holds only up to " +
          std::to_string(committed) + ": the server's files are older than the gate's queue"));
      return;
    }
    if (Status seen = hub_.gates_.SetLastSeen(gate_.id, info_.last_seen); !seen.ok()) {
      spdlog::warn("gate {}: recording the last contact: {}", gate_.id, seen.ToString());
    }
    info_.introduced = true;
    info_.sent_version = hello.policy_version;
    info_.applied_version = hello.policy_version;
    spdlog::info("gate {} ({}) introduced itself: policy {}, events acknowledged up to {}",
                 gate_.id, info_.address, hello.policy_version, hello.acknowledged_sequence);
    // Before any policy: the gate must trust the key that signs what follows.
    if (const std::optional<sync::KeyChain>& chain = hub_.publisher_.key_chain()) {
      Send(sync::KeyRolloverMessage{*chain});
    }
    SendCatchUp();
    if (!closed_ && committed > hello.acknowledged_sequence) {
      // The acknowledgement of the last committed batch was lost with the previous connection.
      Send(sync::Ack{committed});
    }
  }

  void OnPolicyApplied(const sync::PolicyApplied& applied) {
    if (!info_.introduced) {
      Fail(FailedPreconditionError("sync: policy-applied before hello"));
      return;
    }
    if (applied.version > info_.sent_version) {
      Fail(InvalidArgumentError("sync: gate reports policy version " +
                                std::to_string(applied.version) + " but was sent up to " +
                                std::to_string(info_.sent_version)));
      return;
    }
    info_.applied_version = applied.version;
    const auto at = std::chrono::steady_clock::now();
    if (Status stored = hub_.gates_.SetPolicyVersion(gate_.id, applied.version); !stored.ok()) {
      spdlog::warn("gate {}: recording policy version {}: {}", gate_.id, applied.version,
                   stored.ToString());
    }
    spdlog::info("gate {} applied policy version {}", gate_.id, applied.version);
    if (hub_.observers_.on_policy_applied) {
      hub_.observers_.on_policy_applied(gate_.id, applied.version, at);
    }
  }

  void OnBatch(const sync::BatchMessage& message) {
    if (!info_.introduced) {
      Fail(FailedPreconditionError("sync: batch before hello"));
      return;
    }
    auto batch = gate::DecodeBatch(message.batch);
    if (!batch.ok()) {
      Fail(batch.status());
      return;
    }
    std::vector<gate::Event> committed;
    {
      std::lock_guard commit(hub_.commit_mutex_);
      // The stored chain, not a cached one: another connection of the same gate may have
      // committed meanwhile.
      auto stored = hub_.gates_.Get(gate_.id);
      if (!stored.ok()) {
        Fail(stored.status());
        return;
      }
      const gate::GateChainState& chain = stored->chain;
      auto verified = gate::VerifyBatch(*batch, *gate_.batch_key, chain);
      if (!verified.ok()) {
        const StatusCode code = verified.status().code();
        if (code == StatusCode::kAlreadyExists) {
          spdlog::info("gate {}: batch {}-{} was committed before; acknowledging up to {}",
                       gate_.id, batch->first_sequence, batch->last_sequence,
                       chain.next_sequence - 1);
          Send(sync::Ack{chain.next_sequence - 1});
          std::lock_guard lock(hub_.mutex_);
          ++hub_.counters_.batches_resent;
          return;
        }
        if (code == StatusCode::kFailedPrecondition) {
          spdlog::warn("gate {}: {}", gate_.id, verified.status().message());
          Send(sync::BatchRefused{sync::RefusalReason::kSequenceGap, chain.next_sequence,
                                  ErrorFor(verified.status()).message});
          std::lock_guard lock(hub_.mutex_);
          ++hub_.counters_.batches_refused;
          return;
        }
        Fail(verified.status().WithContext("batch " + std::to_string(batch->first_sequence) + "-" +
                                           std::to_string(batch->last_sequence)));
        return;
      }
      std::vector<audit::FeedRecord> records;
      records.reserve(batch->records.size());
      for (std::size_t i = 0; i < batch->records.size(); ++i) {
        records.push_back(
            audit::FeedRecord{static_cast<std::int64_t>(batch->first_sequence + i),
                              audit::NewRecord{audit::RecordKind::kGateEvent, batch->records[i]}});
      }
      const std::string feed = GateFeed(gate_.id);
      auto appended =
          hub_.audit_log_.With([&](audit::AuditLog& log) { return log.AppendFeed(feed, records); });
      if (!appended.ok()) {
        Fail(appended.status().WithContext("committing the batch to the audit log"));
        return;
      }
      if (Status saved = hub_.gates_.SaveChainState(verified->next); !saved.ok()) {
        Fail(saved.WithContext("saving the chain state"));
        return;
      }
      committed = std::move(verified->events);
    }
    // Only now, with the events durable in the audit log.
    Send(sync::Ack{batch->last_sequence});
    if (Status seen = hub_.gates_.SetLastSeen(gate_.id, info_.last_seen); !seen.ok()) {
      spdlog::warn("gate {}: recording the last contact: {}", gate_.id, seen.ToString());
    }
    {
      std::lock_guard lock(hub_.mutex_);
      ++hub_.counters_.batches_committed;
      hub_.counters_.events_committed += committed.size();
    }
    if (hub_.observers_.on_events) hub_.observers_.on_events(gate_.id, committed);
  }

  GateHub& hub_;
  const std::shared_ptr<net::WebSocketConnection> connection_;
  const GateRecord gate_;  // as the certificate named it at Accept
  mutable std::mutex mutex_;
  bool closed_ = false;
  ConnectedGate info_;
};

Result<std::unique_ptr<GateHub>> GateHub::Create(GateStore& gates, PolicyPublisher& publisher,
                                                 LockedAuditLog& audit_log, const Clock& clock,
                                                 GateHubObservers observers) {
  std::unique_ptr<GateHub> hub(
      new GateHub(gates, publisher, audit_log, clock, std::move(observers)));
  GateHub* raw = hub.get();
  hub->subscription_ = publisher.Subscribe([raw](std::uint64_t) { raw->PushAll(); });
  return hub;
}

GateHub::~GateHub() { publisher_.Unsubscribe(subscription_); }

Result<std::shared_ptr<net::WebSocketEndpoint>> GateHub::Accept(
    const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection) {
  Result<std::shared_ptr<net::WebSocketEndpoint>> accepted =
      AcceptGate(upgrade, std::move(connection));
  if (!accepted.ok()) {
    std::lock_guard lock(mutex_);
    ++counters_.connections_refused;
  }
  return accepted;
}

Result<std::shared_ptr<net::WebSocketEndpoint>> GateHub::AcceptGate(
    const net::HttpRequest& upgrade, std::shared_ptr<net::WebSocketConnection> connection) {
  const net::PeerInfo& peer = upgrade.peer;
  if (!peer.client_certificate_sha256) {
    spdlog::warn("gate sync from {} refused: no client certificate", peer.address);
    return UnauthenticatedError("gate sync needs the gate's client certificate (mutual TLS)");
  }
  auto gate = gates_.FindByCertificate(*peer.client_certificate_sha256);
  if (!gate.ok()) {
    if (gate.status().code() != StatusCode::kNotFound &&
        gate.status().code() != StatusCode::kInvalidArgument) {
      return gate.status();
    }
    spdlog::error("gate sync from {} refused: no gate has its client certificate", peer.address);
    return PermissionDeniedError("no gate is registered with this client certificate");
  }
  if (gate->status != GateStatus::kActive || gate->org != publisher_.org() || !gate->batch_key) {
    spdlog::error(
        "gate sync from {} refused: gate {} is {}", peer.address, gate->id,
        gate->org != publisher_.org() ? "of another organisation" : GateStatusName(gate->status));
    return PermissionDeniedError("gate " + std::to_string(gate->id) + " may not connect: it is " +
                                 std::string(GateStatusName(gate->status)));
  }
  auto endpoint = std::make_shared<Connection>(*this, std::move(connection), *std::move(gate));
  spdlog::info("gate {} connected from {}", endpoint->info().gate, peer.address);
  std::lock_guard lock(mutex_);
  connections_[endpoint.get()] = endpoint;
  return std::shared_ptr<net::WebSocketEndpoint>(endpoint);
}

net::WebSocketAcceptor GateHub::Acceptor() {
  return [this](const net::HttpRequest& upgrade,
                std::shared_ptr<net::WebSocketConnection> connection) {
    return Accept(upgrade, std::move(connection));
  };
}

std::vector<std::shared_ptr<GateHub::Connection>> GateHub::Connections() const {
  std::vector<std::shared_ptr<Connection>> connections;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) connections.push_back(std::move(connection));
  }
  return connections;
}

void GateHub::PushAll() {
  for (const auto& connection : Connections()) connection->Push();
}

std::size_t GateHub::CloseGate(gate::GateId gate, const Status& why) {
  const Status reason = why.ok() ? PermissionDeniedError("the gate was closed") : why;
  std::size_t closed = 0;
  for (const auto& connection : Connections()) {
    if (connection->gate() == gate && connection->CloseWith(reason)) ++closed;
  }
  return closed;
}

void GateHub::Remove(const Connection* connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection);
}

GateHubStats GateHub::Stats() const {
  GateHubStats stats;
  {
    std::lock_guard lock(mutex_);
    stats = counters_;
  }
  stats.published_version = publisher_.version();
  for (const auto& connection : Connections()) stats.gates.push_back(connection->info());
  std::sort(stats.gates.begin(), stats.gates.end(),
            [](const ConnectedGate& a, const ConnectedGate& b) { return a.gate < b.gate; });
  return stats;
}

}  // namespace sekisho::server
