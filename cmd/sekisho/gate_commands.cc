// `sekisho gate ...`: on the server's data directory, `create` (a gate and its one-time
// registration token), `list` and `revoke`; on the gate, `register` (with the token, over HTTPS)
// and `run` (the door controller: reader loop, sync with the server, offline decisions).
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "cmd/sekisho/pin_entry.h"
#include "cmd/sekisho/stop_signal.h"
#include "gate/gate_daemon.h"
#include "gate/pcsc_card_reader.h"
#include "gate/registration.h"
#include "gate/simulated_door.h"
#include "gate/terminal_renewer.h"
#include "server/api_audit_record.h"
#include "server/server_site.h"

namespace sekisho::cli {
namespace {

// --- On the server's data directory -----------------------------------------------------------

struct GateAdminOptions {
  DataOptions data;
  std::string name;
  std::uint32_t gate = 0;
};

Result<std::unique_ptr<server::ServerSite>> OpenSite(const DataOptions& data, const Clock& clock,
                                                     Random& random) {
  return server::ServerSite::Open(data.data, data.org, clock, random);
}

Status GateCreate(const GateAdminOptions& o) {
  SystemClock clock;
  OsRandom random;
  ASSIGN_OR_RETURN(auto site, OpenSite(o.data, clock, random));
  ASSIGN_OR_RETURN(server::NewGate created, site->gates().CreateGate(site->org().id, o.name));
  RETURN_IF_ERROR(server::AppendApiAdminRecord(site->audit_log(), clock, o.data.actor,
                                               "gate-created",
                                               "gate/" + std::to_string(created.gate.id))
                      .status());
  std::printf("gate created:        %u (%s)\n", created.gate.id, created.gate.name.c_str());
  std::printf("registration token:  %s\n", created.token.c_str());
  std::printf("server CA:           %s\n", site->tls_path(server::kCaCertFile).c_str());
  std::printf(
      "next:                assign the gate to its door, then on the gate run\n"
      "                     sekisho gate register --server HOST:PORT --ca server-ca.pem "
      "--token-fd 0 --dir GATE_DIR\n");
  return OkStatus();
}

Status GateList(const GateAdminOptions& o) {
  SystemClock clock;
  OsRandom random;
  ASSIGN_OR_RETURN(auto site, OpenSite(o.data, clock, random));
  ASSIGN_OR_RETURN(std::vector<server::GateRecord> gates, site->gates().List(site->org().id));
  std::printf("%-5s %-28s %-9s %-8s %s\n", "id", "name", "status", "policy", "events received");
  for (const server::GateRecord& g : gates) {
    std::printf("%-5u %-28s %-9s %-8llu %llu\n", g.id, g.name.c_str(),
                std::string(server::GateStatusName(g.status)).c_str(),
                static_cast<unsigned long long>(g.policy_version),
                static_cast<unsigned long long>(g.chain.next_sequence - 1));
  }
  return OkStatus();
}

Status GateRevoke(const GateAdminOptions& o) {
  SystemClock clock;
  OsRandom random;
  ASSIGN_OR_RETURN(auto site, OpenSite(o.data, clock, random));
  ASSIGN_OR_RETURN(server::GateRecord gate, site->gates().Get(o.gate));
  if (gate.org != site->org().id) return NotFoundError("no gate " + std::to_string(o.gate));
  RETURN_IF_ERROR(site->gates().Revoke(o.gate));
  RETURN_IF_ERROR(server::AppendApiAdminRecord(site->audit_log(), clock, o.data.actor,
                                               "gate-revoked", "gate/" + std::to_string(o.gate))
                      .status());
  std::printf(
      "gate revoked:        %u (%s); its certificate is refused from its next "
      "connection (the console's revoke also cuts a running connection)\n",
      o.gate, gate.name.c_str());
  return OkStatus();
}

// --- On the gate -----------------------------------------------------------------------------

struct RegisterOptions {
  std::string server;  // HOST:PORT
  std::string ca;
  int token_fd = 0;
  std::string dir;
};

Result<std::pair<std::string, std::uint16_t>> ParseHostPort(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgumentError("--server: expected HOST:PORT, got '" + std::string(text) + "'");
  }
  const std::string port_text(text.substr(colon + 1));
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port == 0 || port > 65535) {
    return InvalidArgumentError("--server: '" + port_text + "' is not a port number");
  }
  return std::make_pair(std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port));
}

Status GateRegister(const RegisterOptions& o) {
  ASSIGN_OR_RETURN(auto host_port, ParseHostPort(o.server));
  ASSIGN_OR_RETURN(SecretBytes token, ReadPinFromFd(o.token_fd));
  OsRandom random;
  ASSIGN_OR_RETURN(
      gate::GateConfig config,
      gate::RegisterGate(
          {.host = host_port.first,
           .port = host_port.second,
           .server_ca_file = o.ca,
           .token = std::string(reinterpret_cast<const char*>(token.view().data()), token.size())},
          o.dir, random));
  std::printf("gate registered:     %u (%s)\n", config.gate, config.name.c_str());
  std::printf("doors:               %zu\n", config.doors.size());
  std::printf("next:                sekisho gate run --dir %s --reader NAME\n", o.dir.c_str());
  return OkStatus();
}

// PINs typed on a desk reader's host: the terminal (no echo) or a descriptor (automation).
class FdKeypad final : public gate::Keypad {
 public:
  explicit FdKeypad(std::optional<int> fd) : fd_(fd) {}
  Result<std::optional<SecretBytes>> ReadPin() override {
    Result<SecretBytes> pin = ObtainPin(fd_, "PIN: ");
    if (!pin.ok()) {
      if (pin.status().code() == StatusCode::kInvalidArgument) {
        return std::optional<SecretBytes>();  // an empty line: the holder cancelled
      }
      return pin.status();
    }
    return std::optional<SecretBytes>(std::move(pin).value());
  }

 private:
  std::optional<int> fd_;
};

// The simulated door shared by the gate daemon and the simulator control: every call under one
// lock (SimulatedDoor is not thread-safe).
class SharedSimulatedDoor final : public gate::Door {
 public:
  SharedSimulatedDoor(const Clock& clock, std::chrono::milliseconds held_open_limit)
      : door_(clock, held_open_limit) {}
  Status Unlock(std::chrono::milliseconds duration) override {
    std::lock_guard lock(mutex_);
    return door_.Unlock(duration);
  }
  std::vector<gate::DoorAlarm> TakeAlarms() override {
    std::lock_guard lock(mutex_);
    return door_.TakeAlarms();
  }
  void Open() {
    std::lock_guard lock(mutex_);
    door_.Open();
  }
  void Close() {
    std::lock_guard lock(mutex_);
    door_.Close();
  }

 private:
  std::mutex mutex_;
  gate::SimulatedDoor door_;
};

// The simulator control (`--simulated-door-fd`): reads lines from `fd`; "open" and "close" move
// the simulated door's contact (opening it while locked is a forced door; leaving it open past
// the held-open limit, a door held open). Other lines are logged and ignored. Returns at end of
// file, or once `stop` or `finished` is set.
void ControlSimulatedDoor(int fd, SharedSimulatedDoor& door, const std::atomic<bool>& stop,
                          const std::atomic<bool>& finished) {
  std::string pending;
  char buffer[256];
  while (!stop.load() && !finished.load()) {
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      spdlog::error("simulated door control: poll failed: {}", std::strerror(errno));
      return;
    }
    if (ready == 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) spdlog::error("simulated door control: read failed: {}", std::strerror(errno));
      return;  // end of file: the door stays as it is
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
      std::string line = pending.substr(0, end);
      pending.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "open") {
        door.Open();
        spdlog::info("simulated door: opened");
      } else if (line == "close") {
        door.Close();
        spdlog::info("simulated door: closed");
      } else if (!line.empty()) {
        spdlog::warn("simulated door control: unknown command '{}' (open or close)",
                     line.substr(0, 32));
      }
    }
    if (pending.size() > 1024) pending.clear();  // no line is that long
  }
}

struct RunOptions {
  std::string dir;
  std::string reader;
  std::optional<int> pin_fd;
  std::uint32_t door = 0;
  bool no_pin_pad = false;
  int pin_pad_timeout = 30;  // seconds, as typed
  std::optional<int> simulated_door_fd;
  int held_open_limit = 30;  // seconds, as typed
  bool no_badges = false;
  std::optional<double> badge_renew_margin;  // hours, as typed
  int badge_check_interval = 60;             // seconds, as typed
};

Status GateRun(const RunOptions& o) {
  if (o.simulated_door_fd && ::fcntl(*o.simulated_door_fd, F_GETFD) < 0) {
    return InvalidArgumentError("--simulated-door-fd: descriptor " +
                                std::to_string(*o.simulated_door_fd) + " is not open");
  }
  SystemClock clock;
  OsRandom random;
  gate::PcscCardReader::Options reader_options{.use_pin_pad = !o.no_pin_pad};
  reader_options.pin_pad.timeout = std::chrono::seconds(o.pin_pad_timeout);
  ASSIGN_OR_RETURN(std::unique_ptr<gate::PcscCardReader> reader,
                   gate::PcscCardReader::Open(o.reader, reader_options));
  FdKeypad keypad(o.pin_fd);
  // Without lock hardware attached, the door is the simulated one: unlocks are logged, and its
  // contact moves only through the simulator control.
  SharedSimulatedDoor door(clock, std::chrono::seconds(o.held_open_limit));
  // Badge terminal credentials: loaded from the gate directory, fetched and renewed while online
  // (docs/gate.md "Badge terminal credentials").
  auto badge_holder = std::make_shared<gate::BadgeCredentialsHolder>();
  std::unique_ptr<gate::TerminalRenewer> renewer;
  if (!o.no_badges) {
    // A failed attempt is retried after one check interval, then ever later (up to an hour).
    gate::TerminalRenewerOptions renewal{
        .check_interval = std::chrono::seconds(o.badge_check_interval),
        .retry_min = std::chrono::seconds(o.badge_check_interval)};
    if (o.badge_renew_margin) {
      renewal.renew_margin =
          std::chrono::seconds(static_cast<std::int64_t>(*o.badge_renew_margin * 3600));
    }
    ASSIGN_OR_RETURN(renewer, gate::TerminalRenewer::Create(o.dir, *badge_holder, clock, renewal));
    if (Status loaded = renewer->LoadStored();
        !loaded.ok() && loaded.code() != StatusCode::kNotFound) {
      return loaded;
    }
    renewer->Check();
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<gate::GateDaemon> daemon,
      gate::GateDaemon::Open(
          o.dir, *reader, keypad, door, clock, random,
          {.door = o.door, .badge_holder = badge_holder}, [](const gate::Event& e) {
            std::printf(
                "door %u: %s\n", e.door,
                std::string(policy::ReasonName(e.reason.value_or(policy::Reason::kInternalError)))
                    .c_str());
            std::fflush(stdout);
          }));
  std::printf("gate %u running at door %u, reader %s  (Ctrl-C stops)\n", daemon->config().gate,
              daemon->door(), o.reader.c_str());
  std::fflush(stdout);
  std::atomic<bool>& stop = StopOnSignal();
  // The control ends with the daemon, whether a signal or an error ended it.
  std::atomic<bool> finished = false;
  std::thread control;
  if (o.simulated_door_fd) {
    control =
        std::thread([&] { ControlSimulatedDoor(*o.simulated_door_fd, door, stop, finished); });
  }
  std::thread renewal;
  if (renewer) renewal = std::thread([&] { renewer->Run(finished); });
  Status status = daemon->Run(stop);
  finished = true;
  if (control.joinable()) control.join();
  if (renewal.joinable()) renewal.join();
  return status;
}

}  // namespace

void RegisterGateCommands(CLI::App& app, Action& action) {
  CLI::App* gate =
      app.add_subcommand("gate", "Gates (door controllers): administer, register, run");
  gate->require_subcommand(1);

  auto create = std::make_shared<GateAdminOptions>();
  CLI::App* c = gate->add_subcommand(
      "create", "On the server's data directory: a new gate and its one-time registration token");
  AddDataOptions(c, create->data);
  c->add_option("--name", create->name, "The gate's name (e.g. \"Entrance lane 1\")")->required();
  c->callback([create, &action] { action = [create] { return GateCreate(*create); }; });

  auto list = std::make_shared<GateAdminOptions>();
  CLI::App* l = gate->add_subcommand("list", "On the server's data directory: the gates");
  AddDataOptions(l, list->data);
  l->callback([list, &action] { action = [list] { return GateList(*list); }; });

  auto revoke = std::make_shared<GateAdminOptions>();
  CLI::App* r = gate->add_subcommand("revoke", "On the server's data directory: revoke a gate");
  AddDataOptions(r, revoke->data);
  r->add_option("GATE", revoke->gate, "The gate's id")->required();
  r->callback([revoke, &action] { action = [revoke] { return GateRevoke(*revoke); }; });

  auto reg = std::make_shared<RegisterOptions>();
  CLI::App* g = gate->add_subcommand(
      "register", "On the gate: register with the server using the one-time token");
  g->add_option("--server", reg->server, "The server, HOST:PORT as its certificate names it")
      ->required();
  g->add_option("--ca", reg->ca, "The server's CA certificate (from the administrator)")
      ->required();
  g->add_option("--token-fd", reg->token_fd, "Read the token from this descriptor (default 0)")
      ->capture_default_str();
  g->add_option("--dir", reg->dir, "The gate's data directory (created)")->required();
  g->callback([reg, &action] { action = [reg] { return GateRegister(*reg); }; });

  auto run = std::make_shared<RunOptions>();
  CLI::App* u = gate->add_subcommand(
      "run", "On the gate: serve the door's reader, sync with the server, keep working offline");
  u->add_option("--dir", run->dir, "The gate's data directory")->required();
  u->add_option("--reader", run->reader, "The PC/SC reader at the door")->required();
  u->add_option("--door", run->door, "The door the reader is at (default: the gate's first)");
  u->add_option("--pin-fd", run->pin_fd,
                "Read PINs from this descriptor, one per line (default: the terminal); not used "
                "while the reader's own PIN pad takes the PIN");
  u->add_flag("--no-pin-pad", run->no_pin_pad,
              "INSECURE: ignore the reader's PIN pad and read PINs on this host even when the "
              "reader offers secure PIN entry");
  u->add_option("--pin-pad-timeout", run->pin_pad_timeout,
                "Seconds the reader's PIN pad waits for the first key")
      ->check(CLI::Range(1, 255))
      ->capture_default_str();
  u->add_option("--simulated-door-fd", run->simulated_door_fd,
                "Simulator control (tests, demos): read the simulated door's contact from this "
                "descriptor, one command per line, 'open' or 'close'");
  u->add_option("--held-open-limit", run->held_open_limit,
                "Seconds the door may stay open before a door-held-open alarm")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  u->add_flag("--no-badges", run->no_badges,
              "Read every card as a My Number Card: no badge terminal certificate is fetched or "
              "used");
  u->add_option("--badge-renew-margin", run->badge_renew_margin,
                "Hours before its end at which the badge terminal certificate is renewed "
                "(default: half its validity)")
      ->check(CLI::Range(0.0, 24.0 * 7));
  u->add_option("--badge-check-interval", run->badge_check_interval,
                "Seconds between looks at the badge terminal certificate's expiry")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  u->callback([run, &action] { action = [run] { return GateRun(*run); }; });
}

}  // namespace sekisho::cli
