// Logging for Sekisho: spdlog underneath, with helpers that keep secrets and card data out.
//
// Rule: log an APDU only through ApduForLog/ResponseForLog (header and lengths, never the body:
// the body of a VERIFY is a PIN, the body of a READ BINARY is a certificate). Never pass a PIN,
// key, certificate, serial or card data to a log call.
#pragma once

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/bytes.h"

namespace sekisho {

struct LogOptions {
  spdlog::level::level_enum level = spdlog::level::info;
  // When set, log lines also go to this file (appended).
  std::optional<std::filesystem::path> file;
  // When false, nothing goes to stderr (the CLI's --quiet).
  bool to_stderr = true;
};

// Replaces the default logger. Safe to call more than once.
void InitLogging(const LogOptions& options);

// "00 A4 04 0C Lc=10" / "00 B0 00 00 Le=256" / "00 20 00 80 Lc=4": the four header bytes and
// the lengths, never the data. A command shorter than four bytes is shown as "<n-byte fragment>".
std::string ApduForLog(ByteView command);

// "256 bytes, SW 9000": the length of the data and the status word, never the data.
std::string ResponseForLog(ByteView response);

}  // namespace sekisho
