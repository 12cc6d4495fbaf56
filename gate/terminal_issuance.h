// TerminalIssuance: what the server answers a gate that asks for a badge terminal certificate
// (POST /api/v1/gates/badge-terminal, docs/server.md; docs/gate.md "Badge terminal
// credentials"), and its JSON, encoded here for the server and decoded here for the gate, so the
// certificates and keys are spelt in one place. It holds no secret: the terminal's private key
// is made on the gate and never sent, and no door needs the batch CAN.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "badge/cv_certificate.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::gate {

// Where a gate asks the server for its badge terminal certificate.
inline constexpr std::string_view kBadgeTerminalPath = "/api/v1/gates/badge-terminal";

struct TerminalIssuance {
  Bytes dv_certificate;                  // DER, issued by the organisation's CVCA
  Bytes terminal_certificate;            // DER, issued by the DV, for the gate's own key
  std::vector<Bytes> trusted_chip_keys;  // the current batches' Chip Authentication public points
  Bytes sector_public_point;             // the organisation's RI sector public key
  badge::Date not_before;                // the terminal certificate's effective date (UTC)
  badge::Date not_after;  // its expiration date: valid through the end of that day (UTC)
};

// {"dv_certificate": hex, "terminal_certificate": hex, "trusted_chip_keys": [hex, ...],
//  "sector_public_key": hex, "not_before": "YYYY-MM-DD", "not_after": "YYYY-MM-DD"}.
nlohmann::json EncodeTerminalIssuance(const TerminalIssuance& issuance);

// The strict inverse of EncodeTerminalIssuance, checked: kDataLoss naming the field for a
// missing, mistyped or unknown field, bytes that are not hex, certificates that do not parse or
// are not a DV and a terminal certificate issued by it, points not on brainpoolP256r1, no
// trusted chip key, or dates that are not the terminal certificate's.
Result<TerminalIssuance> DecodeTerminalIssuance(const nlohmann::json& j);

// "YYYY-MM-DD" of a date, and back (kInvalidArgument for anything else).
std::string FormatDate(badge::Date date);
Result<badge::Date> ParseDate(std::string_view text);

// The first instant of `not_before`'s day and the first instant after `not_after`'s day (UTC):
// the terminal certificate is valid in [NotBefore, NotAfter).
TimePoint StartOf(badge::Date date);
TimePoint EndOf(badge::Date date);

}  // namespace sekisho::gate
