// TerminalRenewer: keeps the gate's badge terminal credentials fresh (docs/gate.md "Badge terminal
// credentials"). The gate generates its terminal key itself, asks the server over mutual TLS for a
// short-lived terminal certificate for it (POST /api/v1/gates/badge-terminal, in the spirit of
// RFC 7030 §4.2.2 simplereenroll), stores the result in DIR/badge-terminal.json and swaps it into
// the doors' BadgeCredentialsHolder. Offline, the held certificate keeps working until it expires;
// the renewer warns before and reports the expiry loudly.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "gate/badge_credentials_holder.h"
#include "gate/gate_files.h"

namespace sekisho::gate {

// Fewer than this left: a WARNING every kExpiryWarningInterval (and at start).
inline constexpr std::chrono::hours kExpiryWarningWindow{24};
inline constexpr std::chrono::hours kExpiryWarningInterval{1};

// What AdviseRenewal looks at.
struct RenewalInput {
  TimePoint now;
  // The held certificate's validity [not_before, not_after); nullopt: the gate holds none.
  std::optional<TimePoint> not_before;
  std::optional<TimePoint> not_after;
  // The last failed attempt and how long to wait after it; nullopt: none since the last success.
  std::optional<TimePoint> last_failure;
  std::chrono::seconds retry_delay{0};
  // When the last expiry warning (or error) was logged; nullopt: none yet.
  std::optional<TimePoint> last_warning;
  // Renew when less than this is left; nullopt: half the certificate's validity.
  std::optional<std::chrono::seconds> renew_margin;
};

struct RenewalAdvice {
  bool renew = false;    // ask the server now
  bool warn = false;     // log the expiry warning (or the expiry error) now
  bool expired = false;  // the held certificate is no longer valid (or there is none)
};

// The renewal policy, pure: renew when the gate holds no certificate or less than the margin is
// left, but not before retry_delay has passed since the last failure; warn when fewer than
// kExpiryWarningWindow are left (or it has expired), at most once per kExpiryWarningInterval.
RenewalAdvice AdviseRenewal(const RenewalInput& input);

struct TerminalRenewerOptions {
  // Renew when less than this is left; nullopt: half the certificate's validity.
  std::optional<std::chrono::seconds> renew_margin;
  // How often Run() looks at the certificate.
  std::chrono::milliseconds check_interval = std::chrono::seconds(60);
  // Backoff after a failed attempt: doubles from min to max.
  std::chrono::seconds retry_min{30};
  std::chrono::seconds retry_max{3600};
  // For one request to the server.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

// Thread-compatible: one thread calls LoadStored, Check and Run; the holder is what other threads
// read.
class TerminalRenewer {
 public:
  // For the gate directory `dir` (gate.json names the server; the client certificate and the
  // server CA are its TLS files). GateFiles::ReadConfig's errors. References must outlive it.
  static Result<std::unique_ptr<TerminalRenewer>> Create(const std::filesystem::path& dir,
                                                         BadgeCredentialsHolder& holder,
                                                         const Clock& clock,
                                                         TerminalRenewerOptions options = {});

  // Loads DIR/badge-terminal.json into the holder. ReadTerminalCredentials' errors (kNotFound:
  // none yet; the holder is left as it is).
  Status LoadStored();

  // One renewal: a fresh brainpoolP256r1 key, the request, the answer checked
  // (DecodeTerminalIssuance, the certificate is for this key), the file replaced, the holder
  // swapped. Errors: the TLS files' and the fetch's (kUnavailable when the server cannot be
  // reached ...); the server's refusal with its code and message (kNotFound: the organisation has
  // no badge keys; kPermissionDenied: this gate is not active); kDataLoss for a malformed answer;
  // the file's write errors. On error the held credentials and the file are unchanged.
  Status Renew();

  // Asks AdviseRenewal and acts: renews when due (a failure doubles the retry delay and is
  // logged), logs the expiry WARNING or ERROR when due.
  void Check();

  // Check() every check_interval until `stop` is set.
  void Run(const std::atomic<bool>& stop);

 private:
  TerminalRenewer(GateFiles files, GateConfig config, BadgeCredentialsHolder& holder,
                  const Clock& clock, TerminalRenewerOptions options)
      : files_(std::move(files)),
        config_(std::move(config)),
        holder_(holder),
        clock_(clock),
        options_(options) {}

  GateFiles files_;
  GateConfig config_;
  BadgeCredentialsHolder& holder_;
  const Clock& clock_;
  TerminalRenewerOptions options_;
  std::optional<TimePoint> not_before_;
  std::optional<TimePoint> not_after_;
  std::optional<TimePoint> last_failure_;
  std::chrono::seconds retry_delay_{0};
  std::optional<TimePoint> last_warning_;
  StatusCode last_failure_code_ = StatusCode::kOk;
};

}  // namespace sekisho::gate
