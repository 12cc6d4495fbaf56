// The settings of a data directory (config.json), with their documented defaults. Format:
// docs/formats/data-directory.md "config.json".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sekisho::access {

// The version written by ConfigToJson and the newest ParseConfig accepts.
inline constexpr int kConfigFormatVersion = 1;

// What an enrolment does when no current issuer CRL has been imported for the organisation.
enum class CrlRequirement {
  kIfPresent,  // use the imported CRL whatever its age; warn when it is missing or stale
  kRequired,   // refuse to enrol until a current CRL has been imported
};

// Whether an enrolment may send the PIN on the card's last try (DESIGN.md P6).
enum class LastTryPolicy {
  kRefuse,         // never: the holder is sent to the municipal office (default)
  kAllowWithFlag,  // only when the operator passes --allow-last-try at an enrolment desk
};

struct Config {
  int format_version = kConfigFormatVersion;
  // How long a registry writer waits for another connection's lock (store/sqlite Database).
  std::chrono::milliseconds busy_timeout{5000};
  // An imported CRL is stale once its nextUpdate has passed or its thisUpdate is older than this.
  std::chrono::hours crl_max_age{48};
  CrlRequirement crl_at_enrolment = CrlRequirement::kIfPresent;
  LastTryPolicy last_try = LastTryPolicy::kRefuse;
  // The log file, relative to the data directory; empty: no log file there.
  std::string log_file = "logs/sekisho.log";

  friend bool operator==(const Config&, const Config&) = default;
};

// "if-present" / "required"; "refuse" / "allow-with-flag".
std::string_view CrlRequirementName(CrlRequirement value);
std::string_view LastTryPolicyName(LastTryPolicy value);

// Pretty-printed JSON of `config`, every key written (so the file documents the defaults).
std::string ConfigToJson(const Config& config);

// Parses config.json. Absent keys keep their defaults. kInvalidArgument naming the key for
// malformed JSON, an unknown key (a typo would otherwise be silently ignored), a value of the
// wrong type or out of range (busy timeout 0-600000 ms, CRL max age 1-8760 h, a log file that is
// absolute or leaves the data directory); kFailedPrecondition for a format_version newer than
// this build ("upgrade sekisho").
Result<Config> ParseConfig(std::string_view json);

}  // namespace sekisho::access
