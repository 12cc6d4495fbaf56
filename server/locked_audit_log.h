// LockedAuditLog: the server's one audit log (audit/audit_log.h, not thread-safe) shared by the
// gate hub's connections and the API's proof requests, each use under one lock.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "audit/audit_log.h"

namespace sekisho::server {

// Thread-safe. `With` must not be called from inside another `With` (the lock is not recursive).
class LockedAuditLog {
 public:
  explicit LockedAuditLog(std::unique_ptr<audit::AuditLog> log) : log_(std::move(log)) {}
  LockedAuditLog(const LockedAuditLog&) = delete;
  LockedAuditLog& operator=(const LockedAuditLog&) = delete;

  // Runs f(AuditLog&) under the lock and returns what it returns.
  template <class F>
  auto With(F&& f) {
    std::lock_guard lock(mutex_);
    return std::forward<F>(f)(*log_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<audit::AuditLog> log_;
};

}  // namespace sekisho::server
