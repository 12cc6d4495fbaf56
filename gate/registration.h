// Gate registration (DESIGN.md §6): with a one-time token from the server's administrator, the
// gate makes its TLS key and batch key, sends the server a CSR and the batch public key, and
// receives its client certificate (from the server's CA), its id, its doors, K_org and the
// organisation's snapshot key. Wire format and checks: docs/server.md §8 "Gate registration".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/random.h"
#include "base/result.h"
#include "gate/gate_files.h"

namespace sekisho::gate {

inline constexpr std::string_view kRegistrationPath = "/api/v1/gates/register";

struct RegistrationOptions {
  std::string host;  // the server, as its certificate names it
  std::uint16_t port = 0;
  // The server's CA certificate, obtained from the administrator (the gate trusts nothing else).
  std::filesystem::path server_ca_file;
  std::string token;  // shown once when the administrator created the gate
};

// Registers and writes the gate directory `dir` (created with mode 0700 if absent). Errors:
// kAlreadyExists when `dir` holds a gate.json already; net::Fetch's errors reaching the server;
// the server's refusal (kUnauthenticated "unknown or used token", ...) with its message;
// kDataLoss for a response that is not what the format says. Nothing is left in `dir` on error.
Result<GateConfig> RegisterGate(const RegistrationOptions& options,
                                const std::filesystem::path& dir, Random& random);

}  // namespace sekisho::gate
