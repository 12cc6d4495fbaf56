// Reading a PIN from the holder: from the terminal without echo, or from a file descriptor for
// automation (`--pin-fd N`). The PIN goes straight into SecretBytes and is never echoed, logged
// or kept after the call that uses it.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.h"
#include "base/secret.h"

namespace sekisho::cli {

// Reads one line from `fd` (without the newline). kInvalidArgument for an empty line,
// kUnavailable when the descriptor cannot be read.
Result<SecretBytes> ReadPinFromFd(int fd);

// Prints `prompt` to the terminal and reads a line with echo switched off (termios).
// kFailedPrecondition when standard input is not a terminal (use --pin-fd then).
Result<SecretBytes> PromptPin(std::string_view prompt);

// --pin-fd when given, else the terminal prompt.
Result<SecretBytes> ObtainPin(std::optional<int> pin_fd, std::string_view prompt);

}  // namespace sekisho::cli
