// sekisho: the one command-line entry point. Subcommands live in *_commands.cc; this file only
// parses, sets up logging and maps the outcome to a documented exit code (docs/cli.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "base/exit_code.h"
#include "base/log.h"
#include "cmd/sekisho/command.h"

int main(int argc, char** argv) {
  using namespace sekisho;
  CLI::App app{
      "Sekisho: staff ID and door access control on the national ID card (My Number Card),\n"
      "without leaking the holder's identity, employer or card data."};
  app.set_version_flag("--version", "sekisho 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 2 usage, 3 invalid argument, 4 not found, 5 already exists,\n"
      "6 unauthenticated, 7 permission denied, 8 failed precondition, 9 unavailable,\n"
      "10 deadline exceeded, 11 data loss, 12 internal error (docs/cli.md).");

  std::optional<std::string> log_file;
  bool verbose = false;
  bool quiet = false;
  app.add_option("--log-file", log_file, "Also append log lines to this file");
  app.add_flag("-v,--verbose", verbose, "Log debug details (APDU headers and lengths, never data)");
  app.add_flag("-q,--quiet", quiet, "Log only warnings and errors");

  cli::Action action;
  cli::RegisterPkiCommands(app, action);
  cli::RegisterCardCommands(app, action);
  cli::RegisterInitCommands(app, action);
  cli::RegisterStaffCommands(app, action);
  cli::RegisterEnrolCommands(app, action);
  cli::RegisterBadgeCommands(app, action);
  cli::RegisterRevocationCommands(app, action);
  cli::RegisterAuditCommands(app, action);
  cli::RegisterDemoCommands(app, action);
  cli::RegisterServerCommands(app, action);
  cli::RegisterGateCommands(app, action);
  cli::RegisterTlsCommands(app, action);
  cli::RegisterSnapshotCommands(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }

  LogOptions log;
  log.level = verbose ? spdlog::level::debug : spdlog::level::info;
  if (quiet) log.level = spdlog::level::warn;
  if (log_file) log.file = *log_file;
  InitLogging(log);

  if (!action) return kExitUsage;
  const Status status = action();
  if (!status.ok()) {
    std::fprintf(stderr, "sekisho: %s\n", status.ToString().c_str());
  }
  return ExitCodeFor(status.code());
}
