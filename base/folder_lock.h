// An advisory lock (flock(2)) on a folder, held until destruction. Processes that use a key kept
// in the folder hold it shared; the one that replaces the key holds it exclusively, so a key is
// never rotated under a running `sekisho serve`, which would go on signing with the key it
// loaded.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.h"

namespace sekisho {

class FolderLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Never waits. kFailedPrecondition "<dir> is in use by another Sekisho process<busy_hint>" when
  // the lock is held the other way (`busy_hint` says who and what to do, starting with ": " or
  // " ("); kUnavailable when the folder cannot be opened or locked.
  static Result<FolderLock> Acquire(const std::filesystem::path& dir, Mode mode,
                                    std::string_view busy_hint);

  FolderLock(FolderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  explicit FolderLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sekisho
