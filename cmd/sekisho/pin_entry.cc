#include "cmd/sekisho/pin_entry.h"

#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace sekisho::cli {
namespace {

// A PIN or password never needs more than this (the JPKI signature password is at most 16).
constexpr std::size_t kMaxPinLength = 64;

Result<SecretBytes> ReadLine(int fd) {
  std::uint8_t buffer[kMaxPinLength + 1];
  std::size_t n = 0;
  for (;;) {
    std::uint8_t c = 0;
    const ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      return UnavailableError(std::string("cannot read the PIN: ") + std::strerror(errno));
    }
    if (r == 0 || c == '\n') break;
    if (c == '\r') continue;
    if (n == kMaxPinLength) {
      OPENSSL_cleanse(buffer, sizeof buffer);
      return InvalidArgumentError("the PIN is longer than " + std::to_string(kMaxPinLength) +
                                  " characters");
    }
    buffer[n++] = c;
  }
  SecretBytes pin(ByteView(buffer, n));
  OPENSSL_cleanse(buffer, sizeof buffer);  // SecretBytes holds the only copy now
  if (pin.empty()) return InvalidArgumentError("no PIN was entered");
  return pin;
}

}  // namespace

Result<SecretBytes> ReadPinFromFd(int fd) { return ReadLine(fd); }

Result<SecretBytes> PromptPin(std::string_view prompt) {
  if (!::isatty(STDIN_FILENO)) {
    return FailedPreconditionError(
        "standard input is not a terminal; pass the PIN on a file descriptor with --pin-fd N");
  }
  std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
  std::fflush(stderr);
  termios old_mode{};
  if (::tcgetattr(STDIN_FILENO, &old_mode) != 0) {
    return UnavailableError(std::string("cannot read terminal settings: ") + std::strerror(errno));
  }
  termios silent = old_mode;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  silent.c_lflag |= ECHONL;
  if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) != 0) {
    return UnavailableError(std::string("cannot switch echo off: ") + std::strerror(errno));
  }
  auto pin = ReadLine(STDIN_FILENO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
  return pin;
}

Result<SecretBytes> ObtainPin(std::optional<int> pin_fd, std::string_view prompt) {
  if (pin_fd) return ReadPinFromFd(*pin_fd);
  return PromptPin(prompt);
}

}  // namespace sekisho::cli
