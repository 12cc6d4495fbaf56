// GateDaemon: a running gate (DESIGN.md §5 "At the door", §6): the reader loop at its door, the
// sync connection to the server (mutual TLS WebSocket, reconnecting with backoff), and the door
// alarms. Doors decide on the policy the gate holds, online or not; events wait in the durable
// queue until the server has committed them. `sekisho gate` runs one; the demo runs several.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "base/clock.h"
#include "base/random.h"
#include "gate/authenticator_router.h"
#include "gate/badge_authenticator.h"
#include "gate/badge_credentials_holder.h"
#include "gate/card_reader.h"
#include "gate/door.h"
#include "gate/door_controller.h"
#include "gate/event_queue.h"
#include "gate/gate_files.h"
#include "gate/gate_state.h"
#include "gate/jpki_authenticator.h"
#include "gate/keypad.h"
#include "gate/policy_updater.h"
#include "gate/reader_loop.h"

namespace sekisho::gate {

struct GateDaemonOptions {
  // The door the reader is at; kNone: the first door of gate.json.
  policy::ObjectId door = policy::kNone;
  // Reconnection backoff: doubles from min to max, with up to 25% random jitter.
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{10000};
  // How often queued events are sealed and sent, and door alarms collected.
  std::chrono::milliseconds pump_interval{100};
  std::size_t max_batch_events = 500;
  DoorControllerOptions door_options;
  EventQueueOptions queue_options;
  ReaderLoopOptions reader_options;
  // The gate's badge credentials; null: every card is read as a My Number Card (JPKI). With them,
  // cards that answer the badge applet's SELECT are read as badges (AuthenticatorRouter).
  std::shared_ptr<const BadgeGateCredentials> badge;
  // Without `badge`: the badge credentials that change while the gate runs (a renewed terminal
  // certificate, gate/terminal_renewer.h); each tap reads the set held then, and the gate reads
  // badges only while it holds one. Null: the daemon keeps an empty holder of its own.
  std::shared_ptr<BadgeCredentialsHolder> badge_holder;
};

// What the daemon reports about itself (for the console, logs and tests).
struct GateStatus {
  bool online = false;
  std::uint64_t policy_version = 0;
  QueueState queue;
  int connections = 0;  // successful connections since start
  // Connection attempts since start that ended before the gate was online (unreachable server,
  // TLS failure, refused upgrade, refused hello).
  int failed_attempts = 0;
  // The code that ended the last connection or attempt; kOk before the first ended.
  StatusCode last_error = StatusCode::kOk;
  // When the held badge terminal certificate ends; nullopt without one (or without an end).
  std::optional<TimePoint> badge_terminal_not_after;
};

class GateDaemon {
 public:
  using Options = GateDaemonOptions;

  // Opens the gate directory `dir` (GateFiles: gate.json, keys, queue, state) with the reader,
  // keypad and door hardware of its door. Every reference must outlive the daemon. Errors:
  // GateFiles' and EventQueue/GateState's; kFailedPrecondition "no door is assigned to this gate"
  // when gate.json lists none, kInvalidArgument when options.door is not one of them.
  static Result<std::unique_ptr<GateDaemon>> Open(const std::filesystem::path& dir,
                                                  CardReader& reader, Keypad& keypad, Door& door,
                                                  const Clock& clock, Random& random,
                                                  const Options& options = {},
                                                  ReaderLoop::EventObserver on_event = nullptr);
  ~GateDaemon();

  // Runs until `stop` is set: the reader loop on a thread of its own, the sync connection and
  // the alarm collection on this one. Returns OK when stopped.
  Status Run(const std::atomic<bool>& stop);

  GateStatus status() const;
  const GateConfig& config() const { return config_; }
  policy::ObjectId door() const { return door_id_; }

 private:
  GateDaemon() = default;
  // One connection: connect, hello, then messages and pumping until an error or `stop`.
  Status ServeConnection(const std::atomic<bool>& stop);
  // Sleeps up to `d`, waking early when `stop` is set.
  static void SleepUnlessStopped(std::chrono::milliseconds d, const std::atomic<bool>& stop);

  GateFiles files_{""};
  GateConfig config_;
  Options options_;
  policy::ObjectId door_id_ = policy::kNone;
  CardReader* reader_ = nullptr;
  Random* random_ = nullptr;
  std::optional<identity::OrgKey> org_key_;
  std::unique_ptr<EventQueue> queue_;
  std::unique_ptr<GateState> state_;
  std::unique_ptr<JpkiAuthenticator> jpki_;
  std::unique_ptr<BadgeAuthenticator> badge_;             // null without options.badge
  std::shared_ptr<BadgeCredentialsHolder> badge_holder_;  // without options.badge
  std::unique_ptr<AuthenticatorRouter> authenticator_;
  std::unique_ptr<DoorController> controller_;
  std::unique_ptr<PolicyUpdater> updater_;
  std::unique_ptr<ReaderLoop> loop_;
  std::atomic<bool> online_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> failed_attempts_{0};
  std::atomic<StatusCode> last_error_{StatusCode::kOk};
};

}  // namespace sekisho::gate
