// Ctrl-C and SIGTERM for the long-running commands (`serve`, `gate run`, `demo`,
// `card simulate`): the first one sets a flag the command's loop watches, so it shuts down
// cleanly (queues synced, connections closed, the simulated card removed).
#pragma once

#include <atomic>

namespace sekisho::cli {

// Installs the handlers (once) and returns the flag they set.
std::atomic<bool>& StopOnSignal();

}  // namespace sekisho::cli
