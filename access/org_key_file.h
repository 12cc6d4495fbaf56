// The organisation key file (K_org, DESIGN.md §3): 32 raw bytes, mode 0600, nothing else.
// Format: docs/formats/data-directory.md "orgs/<slug>/k_org".
#pragma once

#include <filesystem>

#include "base/result.h"
#include "identity/org_key.h"

namespace sekisho::access {

// Creates `path` with the 32 key bytes, mode 0600 from the start (never wider, whatever the
// umask), fsyncs it and its directory. Never replaces a file: kAlreadyExists when `path` exists
// (a second key would orphan every pseudonym made with the first). kNotFound when the directory
// does not exist; kUnavailable for other I/O errors. On error no file is left behind.
Status WriteOrgKeyFile(const std::filesystem::path& path, const identity::OrgKey& key);

// Reads the key. Refuses, before reading a byte:
//   kNotFound          no file at `path` ("... run `sekisho init --org NAME`").
//   kPermissionDenied  not a regular file (a symbolic link is refused, not followed), or a mode
//                      looser than 0600 (any group or other bit): the message names the file,
//                      its mode and the `chmod 600` fix.
//   kDataLoss          a file that does not hold exactly 32 bytes.
//   kUnavailable       other I/O errors.
// The bytes read are wiped once the OrgKey holds them.
Result<identity::OrgKey> ReadOrgKeyFile(const std::filesystem::path& path);

}  // namespace sekisho::access
