// The gate's badge terminal credentials on disk: DIR/badge-terminal.json (docs/gate.md "Badge
// terminal credentials", docs/formats/data-directory.md). It holds the terminal's private key, so
// it is written mode 0600, atomically, and read back only when no group or other user could
// have read it.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "base/secret.h"
#include "gate/badge_credentials_holder.h"
#include "gate/terminal_issuance.h"

namespace sekisho::gate {

inline constexpr std::string_view kBadgeTerminalFile = "badge-terminal.json";

// What the file holds: the server's issuance and the private key the gate generated for it.
struct StoredTerminal {
  TerminalIssuance issuance;
  SecretBytes private_pkcs8;
};

// Replaces `path` atomically (temporary file, fsync, rename) with mode 0600:
// {"format_version": 1, "private_key": hex PKCS#8, "issuance": EncodeTerminalIssuance(...)}.
// kUnavailable on I/O errors.
Status WriteTerminalCredentials(const std::filesystem::path& path, const StoredTerminal& stored);

// Reads `path`. Errors:
//   kNotFound          no file (the gate holds no badge credentials yet);
//   kPermissionDenied  a symbolic link, not a regular file, or a mode looser than 0600 (the
//                      message names the `chmod 600` fix);
//   kDataLoss          larger than 64 KiB, not JSON, an unknown format_version, a missing or
//                      unknown field, DecodeTerminalIssuance's errors, or a private key that does
//                      not belong to the terminal certificate;
//   kUnavailable       other I/O errors.
Result<StoredTerminal> ReadTerminalCredentials(const std::filesystem::path& path);

// The credentials a door reads badges with, from `stored`: terminal certificate and key, DV
// certificate, trusted chip keys, sector key; not_after = EndOf(issuance.not_after).
std::shared_ptr<const HeldBadgeCredentials> HeldFrom(const StoredTerminal& stored);

}  // namespace sekisho::gate
