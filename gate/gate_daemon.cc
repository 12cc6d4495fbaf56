#include "gate/gate_daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <thread>

#include "gate/sync_session.h"
#include "net/tls_context.h"
#include "net/websocket_client.h"
#include "sync/message.h"

namespace sekisho::gate {

Result<std::unique_ptr<GateDaemon>> GateDaemon::Open(const std::filesystem::path& dir,
                                                     CardReader& reader, Keypad& keypad, Door& door,
                                                     const Clock& clock, Random& random,
                                                     const Options& options,
                                                     ReaderLoop::EventObserver on_event) {
  std::unique_ptr<GateDaemon> d(new GateDaemon());
  d->files_ = GateFiles(dir);
  d->options_ = options;
  d->reader_ = &reader;
  d->random_ = &random;
  ASSIGN_OR_RETURN(d->config_, d->files_.ReadConfig());
  if (d->config_.doors.empty()) {
    return FailedPreconditionError("gate " + std::to_string(d->config_.gate) +
                                   ": no door is assigned to this gate; assign one on the "
                                   "server (a door's gate) and register again");
  }
  d->door_id_ = options.door == policy::kNone ? d->config_.doors.front() : options.door;
  if (std::find(d->config_.doors.begin(), d->config_.doors.end(), d->door_id_) ==
      d->config_.doors.end()) {
    return InvalidArgumentError("door " + std::to_string(d->door_id_) +
                                " is not one of this gate's doors");
  }
  ASSIGN_OR_RETURN(Ed25519PrivateKey batch_key, d->files_.ReadBatchKey());
  ASSIGN_OR_RETURN(identity::OrgKey org_key, d->files_.ReadOrgKey());
  d->org_key_.emplace(std::move(org_key));
  ASSIGN_OR_RETURN(Ed25519PublicKey snapshot_key,
                   Ed25519PublicKey::FromBytes(d->config_.snapshot_public_key));
  ASSIGN_OR_RETURN(d->queue_, EventQueue::Open(d->files_.Path(kEventQueueFile), d->config_.gate,
                                               std::move(batch_key), options.queue_options));
  ASSIGN_OR_RETURN(d->state_, GateState::Open(d->files_.Path(kGateStateFile), d->config_.gate));
  d->jpki_ = std::make_unique<JpkiAuthenticator>(*d->org_key_, keypad, random);
  if (d->options_.badge) {
    ASSIGN_OR_RETURN(d->badge_,
                     BadgeAuthenticator::Create(d->options_.badge->terminal, *d->org_key_, keypad));
  }
  if (d->badge_) {
    d->authenticator_ = std::make_unique<AuthenticatorRouter>(*d->jpki_, d->badge_.get());
  } else {
    d->badge_holder_ =
        options.badge_holder ? options.badge_holder : std::make_shared<BadgeCredentialsHolder>();
    d->authenticator_ = std::make_unique<AuthenticatorRouter>(*d->jpki_, *d->badge_holder_,
                                                              *d->org_key_, keypad, clock);
  }
  ASSIGN_OR_RETURN(d->controller_,
                   DoorController::Create(*d->queue_, *d->authenticator_, clock,
                                          {{d->door_id_, &door}}, options.door_options));
  d->controller_->SetOnline(false);
  ASSIGN_OR_RETURN(d->updater_, RestorePolicy(*d->controller_, *d->state_, snapshot_key));
  d->loop_ = std::make_unique<ReaderLoop>(reader, *d->controller_, d->door_id_, std::move(on_event),
                                          options.reader_options);
  spdlog::info("gate {} ({}): door {}, policy version {}, {} events queued", d->config_.gate,
               d->config_.name, d->door_id_, d->updater_->version(), d->queue_->state().last);
  return d;
}

GateDaemon::~GateDaemon() = default;

void GateDaemon::SleepUnlessStopped(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
}

Status GateDaemon::ServeConnection(const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(
      std::shared_ptr<net::TlsClientContext> tls,
      net::TlsClientContext::Create(files_.Path(kServerCaFile), files_.Path(kClientCertFile),
                                    files_.Path(kClientKeyFile)));
  ASSIGN_OR_RETURN(std::unique_ptr<net::WebSocketClient> client,
                   net::WebSocketClient::Connect({.host = config_.server_host,
                                                  .port = config_.server_port,
                                                  .path = std::string(sync::kSyncPath),
                                                  .tls = tls,
                                                  // A full snapshot is the largest message.
                                                  .message_limit = sync::kMaxMessageSize}));
  SyncSession::Options sync_options{.max_batch_events = options_.max_batch_events,
                                    .organisation = config_.organisation};
  // A snapshot key rollover the gate follows is in gate.json before it is used.
  sync_options.save_snapshot_key = [this](const Ed25519PublicKey& key, std::string_view org) {
    return files_.SaveSnapshotKey(config_, key, org);
  };
  ASSIGN_OR_RETURN(std::unique_ptr<SyncSession> session,
                   SyncSession::Create(
                       *queue_, *updater_, *state_, *controller_,
                       [&client](Bytes message) { return client->Send(message); }, sync_options));
  Status status = session->OnConnected();
  if (status.ok()) {
    online_ = true;
    ++connections_;
    spdlog::info("gate {}: connected to {}:{}", config_.gate, config_.server_host,
                 config_.server_port);
  }
  while (status.ok() && !stop.load()) {
    Result<Bytes> message = client->Receive(options_.pump_interval);
    if (message.ok()) {
      status = session->OnMessage(*message);
    } else if (message.status().code() != StatusCode::kDeadlineExceeded) {
      status = message.status();
    }
    if (!status.ok()) break;
    Result<std::size_t> sent = session->Pump();
    if (!sent.ok()) status = sent.status();
    Result<std::vector<Event>> alarms = controller_->PollDoors();
    if (!alarms.ok())
      spdlog::error("gate {}: door alarms: {}", config_.gate, alarms.status().ToString());
  }
  session->OnDisconnected();
  online_ = false;
  client->Close();
  return stop.load() ? OkStatus() : status;
}

Status GateDaemon::Run(const std::atomic<bool>& stop) {
  std::thread reader([this, &stop] {
    Status s = loop_->Run(stop);
    if (!s.ok()) spdlog::error("gate {}: reader loop: {}", config_.gate, s.ToString());
  });
  std::chrono::milliseconds backoff = options_.reconnect_min;
  while (!stop.load()) {
    const int before = connections_.load();
    Status status = ServeConnection(stop);
    if (stop.load()) break;
    if (connections_.load() > before) {
      backoff = options_.reconnect_min;
    } else {
      ++failed_attempts_;
    }
    last_error_ = status.ok() ? StatusCode::kUnavailable : status.code();
    spdlog::warn("gate {}: offline ({}); deciding on policy version {}, retrying in {} ms",
                 config_.gate, status.ToString(), updater_->version(), backoff.count());
    // Doors keep deciding; alarms are collected while offline too.
    Result<std::vector<Event>> alarms = controller_->PollDoors();
    if (!alarms.ok())
      spdlog::error("gate {}: door alarms: {}", config_.gate, alarms.status().ToString());
    std::array<std::uint8_t, 4> r{};
    random_->Fill(r);
    const std::uint32_t draw = (std::uint32_t{r[0]} << 24) | (std::uint32_t{r[1]} << 16) |
                               (std::uint32_t{r[2]} << 8) | r[3];
    const auto jitter =
        std::chrono::milliseconds(draw % static_cast<std::uint32_t>(backoff.count() / 4 + 1));
    SleepUnlessStopped(backoff + jitter, stop);
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
  reader_->Cancel();
  reader.join();
  return OkStatus();
}

GateStatus GateDaemon::status() const {
  std::optional<TimePoint> badge_terminal_not_after;
  if (badge_holder_) {
    if (auto held = badge_holder_->Current()) badge_terminal_not_after = held->not_after;
  }
  return {.online = online_.load(),
          .policy_version = controller_->snapshot_version(),
          .queue = queue_->state(),
          .connections = connections_.load(),
          .failed_attempts = failed_attempts_.load(),
          .last_error = last_error_.load(),
          .badge_terminal_not_after = badge_terminal_not_after};
}

}  // namespace sekisho::gate
