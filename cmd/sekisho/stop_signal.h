// Ctrl-C and SIGTERM for the long-running commands (`serve`, `gate run`, `demo`): the first one
// sets a flag the command's loop watches, so it shuts down cleanly (queues synced, connections
// closed).
#pragma once

#include <atomic>

namespace sekisho::cli {

// Installs the handlers (once) and returns the flag they set.
std::atomic<bool>& StopOnSignal();

}  // namespace sekisho::cli
