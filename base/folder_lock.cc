#include "base/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace sekisho {

Result<FolderLock> FolderLock::Acquire(const std::filesystem::path& dir, Mode mode,
                                       std::string_view busy_hint) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return UnavailableError(dir.string() + ": cannot open: " + std::strerror(errno));
  }
  FolderLock lock(fd);
  const int operation = mode == Mode::kExclusive ? LOCK_EX : LOCK_SH;
  if (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return FailedPreconditionError(dir.string() + " is in use by another Sekisho process" +
                                     std::string(busy_hint));
    }
    return UnavailableError(dir.string() + ": cannot lock: " + std::strerror(errno));
  }
  return lock;
}

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace sekisho
