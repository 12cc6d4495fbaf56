// `sekisho serve` (the HTTPS server: REST API, console, gate sync) and `sekisho user add` (the
// accounts that log in to it).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "cmd/sekisho/pin_entry.h"
#include "cmd/sekisho/stop_signal.h"
#include "server/api_audit_record.h"
#include "server/auth_role.h"
#include "server/server.h"
#include "server/server_site.h"

namespace sekisho::cli {
namespace {

struct ServeOptions {
  DataOptions data;
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8443;
  bool plain_http = false;
  int threads = 4;
  std::optional<std::string> console;
  int badge_terminal_days = 3;
};

Status Serve(const ServeOptions& o) {
  SystemClock clock;
  OsRandom random;
  ASSIGN_OR_RETURN(access::DataDir dir, access::DataDir::Open(o.data.data));
  LogToDataDir(dir);
  ASSIGN_OR_RETURN(std::unique_ptr<server::ServerSite> site,
                   server::ServerSite::Open(o.data.data, o.data.org, clock, random));
  ASSIGN_OR_RETURN(std::unique_ptr<server::Server> srv,
                   server::Server::Create(*site, {.address = o.listen,
                                                  .port = o.port,
                                                  .plain_http = o.plain_http,
                                                  .threads = o.threads,
                                                  .console_dir = o.console,
                                                  .badge_terminal_validity =
                                                      std::chrono::days(o.badge_terminal_days)}));
  std::atomic<bool>& stop = StopOnSignal();
  RETURN_IF_ERROR(srv->Start());
  std::printf("serving %s on %s://%s:%u/  (Ctrl-C stops)\n", site->org().name.c_str(),
              o.plain_http ? "http" : "https", o.listen.c_str(), srv->port());
  std::printf("server CA for gates:  %s\n", site->tls_path(server::kCaCertFile).c_str());
  std::fflush(stdout);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("stopping");
  srv->Stop();
  return OkStatus();
}

struct UserAddOptions {
  DataOptions data;
  std::string login;
  std::string role;
  std::optional<std::string> staff_number;
  std::optional<int> password_fd;
};

Status UserAdd(const UserAddOptions& o) {
  ASSIGN_OR_RETURN(const server::Role role, server::ParseRole(o.role));
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  OsRandom random;
  ASSIGN_OR_RETURN(std::unique_ptr<server::ServerSite> site,
                   server::ServerSite::Open(o.data.data, s.org.name, *s.clock, random));
  server::NewUser user{.org = s.org.id, .login = o.login, .role = role};
  if (o.staff_number) {
    ASSIGN_OR_RETURN(store::Staff staff, s.registry->FindStaffByNumber(s.org.id, *o.staff_number));
    user.staff = staff.id;
  }
  ASSIGN_OR_RETURN(
      SecretBytes password,
      ObtainPin(o.password_fd, "Password for " + o.login + " (12 characters or more): "));
  const std::string_view text(reinterpret_cast<const char*>(password.view().data()),
                              password.size());
  ASSIGN_OR_RETURN(server::User created, site->users().CreateUser(user, text));
  RETURN_IF_ERROR(server::AppendApiAdminRecord(site->audit_log(), *s.clock, s.actor, "user-created",
                                               "user/" + std::to_string(created.id.value()))
                      .status());
  std::printf("user added:          %s (%s)\n", created.login.c_str(),
              std::string(server::RoleName(created.role)).c_str());
  return OkStatus();
}

}  // namespace

void RegisterServerCommands(CLI::App& app, Action& action) {
  auto serve = std::make_shared<ServeOptions>();
  CLI::App* s = app.add_subcommand(
      "serve", "Run the server: REST API and console over HTTPS, and the gates' sync");
  AddDataOptions(s, serve->data);
  s->add_option("--listen", serve->listen, "Address to listen on")->capture_default_str();
  s->add_option("--port", serve->port, "Port (0: any free port)")->capture_default_str();
  s->add_flag("--plain-http", serve->plain_http,
              "Plain HTTP instead of TLS, on a loopback address only (gates cannot connect)");
  s->add_option("--threads", serve->threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  s->add_option("--badge-terminal-days", serve->badge_terminal_days,
                "Days the badge terminal certificates issued to gates are valid (gates renew "
                "them when half is left)")
      ->check(CLI::Range(1, 7))
      ->capture_default_str();
  s->add_option("--console", serve->console,
                "Serve the built web console from this directory (its index.html and assets/)");
  s->callback([serve, &action] { action = [serve] { return Serve(*serve); }; });

  CLI::App* user = app.add_subcommand("user", "Accounts of the console and the REST API");
  user->require_subcommand(1);
  auto add = std::make_shared<UserAddOptions>();
  CLI::App* a =
      user->add_subcommand("add", "Add an account (the password is read, never an argument)");
  AddDataOptions(a, add->data);
  a->add_option("--login", add->login, "Login name")->required();
  a->add_option("--role", add->role, "security_admin, hr, auditor or staff")->required();
  a->add_option("--staff-number", add->staff_number,
                "For the staff role: the staff member whose self-service account it is");
  a->add_option("--password-fd", add->password_fd,
                "Read the password from this file descriptor (default: ask on the terminal)");
  a->callback([add, &action] { action = [add] { return UserAdd(*add); }; });
}

}  // namespace sekisho::cli
