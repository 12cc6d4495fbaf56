// How subcommands plug into the `sekisho` binary: each Register* function adds its CLI11
// subcommands and, when one is chosen, stores the action to run after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "base/status.h"

namespace sekisho::cli {

// The action chosen on the command line; main() runs it and maps its Status to the exit code.
using Action = std::function<Status()>;

void RegisterPkiCommands(CLI::App& app, Action& action);
void RegisterCardCommands(CLI::App& app, Action& action);
void RegisterInitCommands(CLI::App& app, Action& action);
void RegisterStaffCommands(CLI::App& app, Action& action);
void RegisterEnrolCommands(CLI::App& app, Action& action);
void RegisterBadgeCommands(CLI::App& app, Action& action);
void RegisterRevocationCommands(CLI::App& app, Action& action);
void RegisterAuditCommands(CLI::App& app, Action& action);
void RegisterDemoCommands(CLI::App& app, Action& action);
void RegisterServerCommands(CLI::App& app, Action& action);
void RegisterGateCommands(CLI::App& app, Action& action);
void RegisterTlsCommands(CLI::App& app, Action& action);
void RegisterSnapshotCommands(CLI::App& app, Action& action);

}  // namespace sekisho::cli
