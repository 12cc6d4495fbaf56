// The server's TLS certificate, re-issued from the data directory's own CA (tls/ca.key) for the
// names gates and browsers use to reach it (docs/operations.md §4). Gates keep trusting the same
// CA, so nothing has to be registered again.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace sekisho::server {

// Issues a new key and server certificate for `names` (DNS names and IP addresses; the first is
// also the common name) signed by tls/ca.key of `root`, and replaces tls/server.key and
// tls/server.pem with them (each atomically, the key first, 0600); a running server uses them from
// its next start. Errors: kFailedPrecondition when `root` has no tls/ yet (the
// server makes it on first start); kInvalidArgument for no names, a name that is not a host name
// or address, or a validity of zero or less; the key file's read errors; kUnavailable for I/O.
Status ReissueServerCertificate(const std::filesystem::path& root,
                                const std::vector<std::string>& names,
                                std::chrono::seconds validity = std::chrono::hours(24 * 397));

}  // namespace sekisho::server
