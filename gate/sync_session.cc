#include "gate/sync_session.h"

#include <spdlog/spdlog.h>

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "gate/batch.h"
#include "sync/message.h"

namespace sekisho::gate {
namespace {

Result<Bytes> Encode(const sync::Message& message) { return sync::EncodeMessage(message); }

}  // namespace

Result<std::unique_ptr<PolicyUpdater>> RestorePolicy(DoorController& controller,
                                                     const GateState& state,
                                                     Ed25519PublicKey org_key) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<PolicyUpdater> updater,
      PolicyUpdater::Create(controller, state.gate(), std::move(org_key), state.policy_version()));
  if (state.snapshot()) RETURN_IF_ERROR(updater->RestoreSnapshot(*state.snapshot()));
  return updater;
}

Result<std::unique_ptr<SyncSession>> SyncSession::Create(EventQueue& queue, PolicyUpdater& updater,
                                                         GateState& state,
                                                         DoorController& controller,
                                                         SendFunction send,
                                                         const Options& options) {
  if (queue.gate() != state.gate()) {
    return InvalidArgumentError("sync session: the queue is gate " + std::to_string(queue.gate()) +
                                "'s, the state gate " + std::to_string(state.gate()) + "'s");
  }
  if (options.max_batch_events == 0 || options.max_batch_events > kMaxBatchEvents) {
    return InvalidArgumentError("sync session: max_batch_events must be 1 to " +
                                std::to_string(kMaxBatchEvents));
  }
  if (!send) return InvalidArgumentError("sync session: no send function");
  return std::unique_ptr<SyncSession>(
      new SyncSession(queue, updater, state, controller, std::move(send), options));
}

Status SyncSession::SendBatch(const Batch& batch) {
  ASSIGN_OR_RETURN(Bytes encoded, EncodeBatch(batch));
  ASSIGN_OR_RETURN(Bytes wire, Encode(sync::BatchMessage{std::move(encoded)}));
  return send_(std::move(wire));
}

Status SyncSession::SendError(const Status& status) {
  std::string text = status.message().substr(0, sync::kMaxTextSize);
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  auto wire = Encode(sync::ErrorMessage{status.code(), std::move(text)});
  if (wire.ok()) send_(std::move(wire).value()).IgnoreError();  // closing anyway
  return status;
}

Status SyncSession::OnConnected() {
  std::lock_guard lock(mutex_);
  connected_ = true;
  controller_.SetOnline(true);
  const QueueState queue = queue_.state();
  const sync::Hello hello{.protocol_version = sync::kProtocolVersion,
                          .gate = queue_.gate(),
                          .policy_version = updater_.version(),
                          .acknowledged_sequence = queue.acknowledged};
  ASSIGN_OR_RETURN(Bytes wire, Encode(hello));
  RETURN_IF_ERROR(send_(std::move(wire)));
  spdlog::info("sync: connected; policy {}, events acknowledged up to {}", hello.policy_version,
               hello.acknowledged_sequence);
  ASSIGN_OR_RETURN(const std::vector<Batch> pending, queue_.PendingBatches());
  for (const Batch& batch : pending) RETURN_IF_ERROR(SendBatch(batch));
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<Batch> batch, queue_.SealBatch(options_.max_batch_events));
    if (!batch) return OkStatus();
    RETURN_IF_ERROR(SendBatch(*batch));
  }
}

Result<std::size_t> SyncSession::Pump() {
  std::lock_guard lock(mutex_);
  std::size_t sent = 0;
  while (connected_) {
    ASSIGN_OR_RETURN(const std::optional<Batch> batch, queue_.SealBatch(options_.max_batch_events));
    if (!batch) break;
    RETURN_IF_ERROR(SendBatch(*batch));
    ++sent;
  }
  return sent;
}

void SyncSession::OnDisconnected() {
  std::lock_guard lock(mutex_);
  connected_ = false;
  controller_.SetOnline(false);
  spdlog::info("sync: disconnected; doors decide offline with policy {}", updater_.version());
}

bool SyncSession::connected() const {
  std::lock_guard lock(mutex_);
  return connected_;
}

// After a snapshot or delta: saved first, then reported, so the server never counts a version
// the gate would lose in a restart.
Status SyncSession::Applied(const Status& applied) {
  if (!applied.ok()) {
    spdlog::error("sync: refusing the server's policy: {}", applied.ToString());
    return SendError(applied);
  }
  RETURN_IF_ERROR(state_.Save(updater_.snapshot()).WithContext("saving the applied policy"));
  ASSIGN_OR_RETURN(Bytes wire, Encode(sync::PolicyApplied{updater_.version()}));
  return send_(std::move(wire));
}

Status SyncSession::Resend(std::uint64_t expected) {
  const QueueState queue = queue_.state();
  if (expected <= queue.acknowledged) {
    return SendError(DataLossError("sync: the server expects event " + std::to_string(expected) +
                                   " but acknowledged up to " + std::to_string(queue.acknowledged) +
                                   " before: the server lost committed events"));
  }
  if (expected - 1 > queue.sealed) {
    return SendError(InvalidArgumentError("sync: the server expects event " +
                                          std::to_string(expected) + " but only events up to " +
                                          std::to_string(queue.sealed) + " were sent"));
  }
  // Everything before `expected` is on the server: its acknowledgement was lost.
  if (expected - 1 > queue.acknowledged) RETURN_IF_ERROR(queue_.Acknowledge(expected - 1));
  ASSIGN_OR_RETURN(const std::vector<Batch> pending, queue_.PendingBatches());
  if (!pending.empty() && pending.front().first_sequence != expected) {
    return SendError(DataLossError("sync: the server expects event " + std::to_string(expected) +
                                   " but the pending batches start at " +
                                   std::to_string(pending.front().first_sequence)));
  }
  spdlog::warn("sync: the server expects event {}; sending {} pending batches again", expected,
               pending.size());
  for (const Batch& batch : pending) RETURN_IF_ERROR(SendBatch(batch));
  return OkStatus();
}

// Follows the organisation's rollover chain from the key trusted now; the new key is saved
// before it is used, so a crash leaves the gate with the old key (and the chain to follow again)
// or the new one.
Status SyncSession::RollOver(const sync::KeyChain& chain) {
  const std::optional<std::string_view> organisation =
      organisation_.empty() ? std::nullopt : std::optional<std::string_view>(organisation_);
  Result<sync::ChainEnd> end = sync::FollowKeyChain(chain, updater_.key(), organisation);
  if (!end.ok()) {
    spdlog::error(
        "sync: refusing the server's snapshot key rollover; keeping snapshot key id {}, so "
        "policies signed with a newer key will not verify: {}",
        sync::SnapshotKeyIdHex(updater_.key()), end.status().ToString());
    return SendError(end.status());
  }
  if (end->followed == 0) return OkStatus();
  if (options_.save_snapshot_key) {
    RETURN_IF_ERROR(options_.save_snapshot_key(end->key, chain.organisation));
  }
  RETURN_IF_ERROR(updater_.ReplaceKey(end->key));
  organisation_ = chain.organisation;
  spdlog::info("snapshot key rolled over to key id {} (rollover {}, {} statement(s) followed)",
               sync::SnapshotKeyIdHex(end->key), end->sequence, end->followed);
  return OkStatus();
}

Status SyncSession::OnMessage(ByteView wire) {
  std::lock_guard lock(mutex_);
  if (!connected_) return FailedPreconditionError("sync: a message before the connection opened");
  auto message = sync::DecodeMessage(wire);
  if (!message.ok()) return SendError(message.status());
  return std::visit(
      [&](const auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, sync::SnapshotMessage>) {
          return Applied(updater_.ApplySnapshot(m.signed_snapshot));
        } else if constexpr (std::is_same_v<T, sync::DeltaMessage>) {
          return Applied(updater_.ApplyDelta(m.signed_delta));
        } else if constexpr (std::is_same_v<T, sync::Ack>) {
          if (Status acknowledged = queue_.Acknowledge(m.sequence); !acknowledged.ok()) {
            return SendError(acknowledged.WithContext("sync: acknowledgement"));
          }
          return queue_.Prune().status();
        } else if constexpr (std::is_same_v<T, sync::BatchRefused>) {
          spdlog::warn("sync: batch refused: {}", m.message);
          return Resend(m.expected_sequence);
        } else if constexpr (std::is_same_v<T, sync::KeyRolloverMessage>) {
          return RollOver(m.chain);
        } else if constexpr (std::is_same_v<T, sync::ErrorMessage>) {
          spdlog::error("sync: the server closes the connection: {}: {}", StatusCodeName(m.code),
                        m.message);
          return Status(m.code, "server: " + m.message);
        } else {
          return SendError(
              InvalidArgumentError("sync: " + std::string(sync::MessageTypeName(sync::TypeOf(m))) +
                                   " is a message the gate sends, not the server"));
        }
      },
      *message);
}

}  // namespace sekisho::gate
