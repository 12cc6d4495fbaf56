// Renewing the gate's badge terminal credentials (terminal_renewer.h).
#include "gate/terminal_renewer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "badge/cv_certificate.h"
#include "badge/ec_key.h"
#include "gate/terminal_credentials_file.h"
#include "net/http_client.h"
#include "net/tls_context.h"

namespace sekisho::gate {
namespace {

using nlohmann::json;

// The server's error answer {"error": code, "message": text} as a Status of the matching code.
Status RefusalOf(const net::HttpResponse& response) {
  const json j = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  std::string message = "HTTP " + std::to_string(response.status);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    message = j["message"].get<std::string>() + " (" + message + ")";
  }
  message = "the server refused a badge terminal certificate: " + message;
  switch (response.status) {
    case 400:
      return InvalidArgumentError(message);
    case 401:
      return UnauthenticatedError(message);
    case 403:
      return PermissionDeniedError(message);
    case 404:
      return NotFoundError(message);
    case 409:
      return FailedPreconditionError(message);
    default:
      return UnavailableError(message);
  }
}

std::string Left(std::chrono::seconds left) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(left);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(left - hours);
  return std::to_string(hours.count()) + " h " + std::to_string(minutes.count()) + " min";
}

}  // namespace

RenewalAdvice AdviseRenewal(const RenewalInput& in) {
  RenewalAdvice advice;
  const bool retry_allowed = !in.last_failure || in.now >= *in.last_failure + in.retry_delay;
  if (!in.not_after || !in.not_before) {
    advice.expired = true;
    advice.renew = retry_allowed;
    return advice;
  }
  const auto left = *in.not_after - in.now;
  const auto margin = in.renew_margin
                          ? std::chrono::duration_cast<TimePoint::duration>(*in.renew_margin)
                          : (*in.not_after - *in.not_before) / 2;
  advice.expired = left <= TimePoint::duration::zero();
  advice.renew = left < margin && retry_allowed;
  advice.warn = left < kExpiryWarningWindow &&
                (!in.last_warning || in.now - *in.last_warning >= kExpiryWarningInterval);
  return advice;
}

Result<std::unique_ptr<TerminalRenewer>> TerminalRenewer::Create(const std::filesystem::path& dir,
                                                                 BadgeCredentialsHolder& holder,
                                                                 const Clock& clock,
                                                                 TerminalRenewerOptions options) {
  GateFiles files(dir);
  ASSIGN_OR_RETURN(GateConfig config, files.ReadConfig());
  return std::unique_ptr<TerminalRenewer>(
      new TerminalRenewer(std::move(files), std::move(config), holder, clock, options));
}

Status TerminalRenewer::LoadStored() {
  ASSIGN_OR_RETURN(StoredTerminal stored, ReadTerminalCredentials(files_.Path(kBadgeTerminalFile)));
  not_before_ = StartOf(stored.issuance.not_before);
  not_after_ = EndOf(stored.issuance.not_after);
  holder_.Set(HeldFrom(stored));
  spdlog::info("gate {}: badge terminal certificate valid until {}", config_.gate,
               FormatUtc(*not_after_));
  return OkStatus();
}

Status TerminalRenewer::Renew() {
  ASSIGN_OR_RETURN(
      std::shared_ptr<net::TlsClientContext> tls,
      net::TlsClientContext::Create(files_.Path(kServerCaFile), files_.Path(kClientCertFile),
                                    files_.Path(kClientKeyFile)));
  ASSIGN_OR_RETURN(badge::EcKeyPair key, badge::GenerateEcKeyPair());
  net::HttpRequest request;
  request.method = "POST";
  request.target = std::string(kBadgeTerminalPath);
  request.headers["content-type"] = "application/json";
  request.body = json{{"public_key", ToHex(key.public_point)}}.dump();
  ASSIGN_OR_RETURN(net::HttpResponse response, net::Fetch({.host = config_.server_host,
                                                           .port = config_.server_port,
                                                           .tls = std::move(tls),
                                                           .timeout = options_.timeout,
                                                           .body_limit = 64 * 1024},
                                                          request));
  if (response.status != 200) return RefusalOf(response);
  const json answer = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  ASSIGN_OR_RETURN(TerminalIssuance issuance, DecodeTerminalIssuance(answer));
  auto certificate = badge::CvCertificate::Parse(issuance.terminal_certificate);
  if (!certificate.ok() || certificate->public_point() != key.public_point) {
    return DataLossError("the server's terminal certificate is not for this gate's new key");
  }
  StoredTerminal stored{std::move(issuance), std::move(key.private_pkcs8)};
  RETURN_IF_ERROR(WriteTerminalCredentials(files_.Path(kBadgeTerminalFile), stored));
  not_before_ = StartOf(stored.issuance.not_before);
  not_after_ = EndOf(stored.issuance.not_after);
  holder_.Set(HeldFrom(stored));
  spdlog::info("gate {}: badge terminal certificate {} renewed, valid until {}", config_.gate,
               certificate->chr(), FormatUtc(*not_after_));
  return OkStatus();
}

void TerminalRenewer::Check() {
  const TimePoint now = clock_.Now();
  RenewalAdvice advice = AdviseRenewal({.now = now,
                                        .not_before = not_before_,
                                        .not_after = not_after_,
                                        .last_failure = last_failure_,
                                        .retry_delay = retry_delay_,
                                        .last_warning = last_warning_,
                                        .renew_margin = options_.renew_margin});
  if (advice.renew) {
    if (Status renewed = Renew(); renewed.ok()) {
      last_failure_.reset();
      retry_delay_ = std::chrono::seconds(0);
      last_failure_code_ = StatusCode::kOk;
      advice = AdviseRenewal({.now = now,
                              .not_before = not_before_,
                              .not_after = not_after_,
                              .last_warning = last_warning_,
                              .renew_margin = options_.renew_margin});
    } else {
      last_failure_ = now;
      retry_delay_ = std::clamp(retry_delay_ * 2, options_.retry_min, options_.retry_max);
      // A server without badge keys answers the same every time: said once, then quietly.
      if (renewed.code() != last_failure_code_ || renewed.code() != StatusCode::kNotFound) {
        spdlog::warn("gate {}: badge terminal certificate not renewed ({}); retrying in {} s",
                     config_.gate, renewed.ToString(), retry_delay_.count());
      }
      last_failure_code_ = renewed.code();
    }
  }
  if (!advice.warn || !not_after_) return;
  last_warning_ = now;
  if (advice.expired) {
    spdlog::error(
        "gate {}: the badge terminal certificate EXPIRED at {}: badges are refused at this "
        "gate until it is renewed (connect the gate to the server); My Number Cards still work",
        config_.gate, FormatUtc(*not_after_));
  } else {
    spdlog::warn(
        "gate {}: the badge terminal certificate expires at {} ({} left); badges will be "
        "refused after that unless the gate renews it from the server",
        config_.gate, FormatUtc(*not_after_),
        Left(std::chrono::duration_cast<std::chrono::seconds>(*not_after_ - now)));
  }
}

void TerminalRenewer::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    Check();
    const auto until = std::chrono::steady_clock::now() + options_.check_interval;
    while (!stop.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
    }
  }
}

}  // namespace sekisho::gate
