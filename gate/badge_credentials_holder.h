// BadgeCredentialsHolder: the badge credentials a gate currently holds, swapped whole while the
// doors run (a renewed terminal certificate) and read once per card presented
// (AuthenticatorRouter), so a tap uses one set from start to end. docs/gate.md "Badge terminal
// credentials".
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "base/clock.h"
#include "gate/badge_authenticator.h"

namespace sekisho::gate {

// One set of badge credentials and how long its terminal certificate lasts.
struct HeldBadgeCredentials {
  BadgeGateCredentials credentials;
  // The first instant the terminal certificate is no longer valid; nullopt: not known (the
  // credentials were given without it, as in tests), never treated as expired.
  std::optional<TimePoint> not_after;
};

// Thread-safe.
class BadgeCredentialsHolder {
 public:
  // The current set; null while the gate holds none (cards are then read as My Number Cards).
  std::shared_ptr<const HeldBadgeCredentials> Current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  // Replaces the current set (null: badges off). Taps in progress finish with the set they took.
  void Set(std::shared_ptr<const HeldBadgeCredentials> credentials) {
    std::lock_guard lock(mutex_);
    current_ = std::move(credentials);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const HeldBadgeCredentials> current_;
};

}  // namespace sekisho::gate
