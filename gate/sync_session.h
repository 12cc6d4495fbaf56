// SyncSession: the gate's end of one sync connection to the server (DESIGN.md §6;
// docs/formats/sync-protocol.md). It introduces the gate, applies the policy the server sends
// (verified, saved, then reported), forwards the queued event batches and acknowledges them in
// the queue once the server has committed them. The transport is injected: the session hands
// encoded messages to a send function and is given the messages that arrive.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "gate/door_controller.h"
#include "gate/event_queue.h"
#include "gate/gate_state.h"
#include "gate/policy_updater.h"
#include "sync/key_rollover.h"

namespace sekisho::gate {

struct SyncSessionOptions {
  // Events per batch (1 to kMaxBatchEvents).
  std::size_t max_batch_events = 500;
  // The organisation the gate belongs to (gate.json "organisation"), which a key rollover chain
  // must name; empty: not known yet, the first chain the gate follows names it.
  std::string organisation;
  // Saves the snapshot key the gate rolled over to, with the chain's organisation, before the
  // key is used (gate/gate_files.h GateFiles::SaveSnapshotKey); an error refuses the rollover.
  // Null: the new key is held in memory only (a restarted gate follows the chain again).
  std::function<Status(const Ed25519PublicKey& key, std::string_view organisation)>
      save_snapshot_key;
};

// A gate's PolicyUpdater for `state`'s gate, trusting `org_key`, with the snapshot the gate saved
// in force at once (PolicyUpdater::RestoreSnapshot), so a restarted gate decides before it
// reaches the server. PolicyUpdater::Create's and RestoreSnapshot's errors.
Result<std::unique_ptr<PolicyUpdater>> RestorePolicy(DoorController& controller,
                                                     const GateState& state,
                                                     Ed25519PublicKey org_key);

// Thread-safe: calls are serialised by an internal lock, so Pump may run on another thread than
// the connection's. `send` is called under that lock and must not call back into the session.
class SyncSession {
 public:
  using Options = SyncSessionOptions;
  // Hands one binary message to the transport; an error means the connection is gone.
  using SendFunction = std::function<Status(Bytes)>;

  // Every reference must outlive the session. kInvalidArgument when the queue and the state
  // belong to different gates or max_batch_events is out of range.
  static Result<std::unique_ptr<SyncSession>> Create(EventQueue& queue, PolicyUpdater& updater,
                                                     GateState& state, DoorController& controller,
                                                     SendFunction send,
                                                     const Options& options = {});

  // The connection is open: marks the controller online, sends the hello (the policy version in
  // force, the last acknowledged event), then every pending batch and every event not yet in
  // one. Returns the send function's or the queue's first error.
  Status OnConnected();

  // Handles one message from the server. OK to go on; an error means the connection must be
  // closed (a kError message was sent first where the fault is the server's):
  //   snapshot, delta   PolicyUpdater's errors (nothing applied), then GateState::Save's; on
  //                     success kPolicyApplied is sent.
  //   ack               EventQueue::Acknowledge's kInvalidArgument for an acknowledgement of
  //                     events not in a sent batch; then the acknowledged events are pruned.
  //   batch-refused     kDataLoss when the queue no longer holds the batch the server expects
  //                     (the server lost events the gate pruned); else the pending batches
  //                     from the expected sequence on are sent again.
  //   key-rollover      sync::FollowKeyChain's errors from the key the updater trusts (the chain
  //                     is refused and the key kept: the server's snapshots signed with a newer
  //                     key then fail to verify), then save_snapshot_key's; on success the
  //                     updater trusts the chain's newest key.
  //   error             the server's code, "server: MESSAGE".
  //   kInvalidArgument  for a malformed message or one only a gate sends; kFailedPrecondition
  //                     before OnConnected.
  Status OnMessage(ByteView message);

  // Seals the events appended since the last call into batches and sends them. Returns how many
  // batches were sent (0 while disconnected). A batch whose send fails stays pending and is sent
  // again by the next OnConnected.
  Result<std::size_t> Pump();

  // The connection is gone: the controller decides offline (events carry kEventFlagOffline).
  void OnDisconnected();

  bool connected() const;

 private:
  SyncSession(EventQueue& queue, PolicyUpdater& updater, GateState& state,
              DoorController& controller, SendFunction send, const Options& options)
      : queue_(queue),
        updater_(updater),
        state_(state),
        controller_(controller),
        send_(std::move(send)),
        options_(options),
        organisation_(options.organisation) {}

  Status SendBatch(const Batch& batch);
  Status SendError(const Status& status);
  Status Applied(const Status& applied);
  Status Resend(std::uint64_t expected);
  Status RollOver(const sync::KeyChain& chain);

  EventQueue& queue_;
  PolicyUpdater& updater_;
  GateState& state_;
  DoorController& controller_;
  const SendFunction send_;
  const Options options_;
  mutable std::mutex mutex_;
  bool connected_ = false;
  std::string organisation_;  // as options.organisation, until a chain names it
};

}  // namespace sekisho::gate
