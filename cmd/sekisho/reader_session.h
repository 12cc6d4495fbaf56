// Opening a card in a PC/SC reader for the commands that talk to cards (`card ...`, `enrol`),
// and reading an organisation key file given by path.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "card/pcsc/pcsc_channel.h"
#include "card/pcsc/pcsc_context.h"
#include "identity/org_key.h"

namespace sekisho::cli {

struct ReaderOptions {
  std::optional<std::string> reader;
  int wait_seconds = 0;
};

// Adds --reader and --wait to `cmd`.
void AddReaderOptions(CLI::App* cmd, ReaderOptions& options);

// An open connection to a card, and everything that must outlive it.
struct OpenCard {
  std::unique_ptr<card::pcsc::PcscContext> context;
  std::string reader;
  std::unique_ptr<card::pcsc::PcscChannel> channel;
};

// Connects to the card in --reader, or in the first reader that holds one, waiting up to
// --wait seconds for a card. kNotFound when no reader is connected; PcscContext's codes
// otherwise (kUnavailable when pcscd is not running, kDeadlineExceeded when no card came).
Result<OpenCard> Open(const ReaderOptions& options);

// An organisation key file given by path (access::ReadOrgKeyFile: mode 0600 or stricter,
// exactly 32 bytes).
Result<identity::OrgKey> LoadOrgKey(const std::filesystem::path& path);

}  // namespace sekisho::cli
