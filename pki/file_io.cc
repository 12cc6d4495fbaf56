#include "pki/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sekisho::pki {
namespace {

constexpr std::size_t kSmallFileSize = 1 << 20;
constexpr std::size_t kMiB = 1 << 20;

Status IoError(const std::filesystem::path& path, std::string_view what, int err) {
  return UnavailableError(path.string() + ": " + std::string(what) + ": " + std::strerror(err));
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

Result<std::string> ReadFileUpTo(const std::filesystem::path& path, std::size_t max_size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(path.string() + " does not exist");
    return IoError(path, "cannot open", err);
  }
  std::string text;
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    text.reserve(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max_size) + 1);
  }
  std::string buffer(max_size >= kMiB ? kMiB : max_size + 1, '\0');
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(path, "cannot read", errno);
    }
    if (n == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
    if (text.size() > max_size) {
      return DataLossError(path.string() + " is larger than " + SizeText(max_size));
    }
  }
  return text;
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path) {
  return ReadFileUpTo(path, kSmallFileSize);
}

std::string SizeText(std::size_t bytes) {
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           mode_t mode) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  // mkstemp creates the file with mode 0600; it is only widened below if `mode` asks for it.
  Fd fd(::mkstemp(temp.data()));
  if (fd.get() < 0) return IoError(temp, "cannot create", errno);
  auto fail = [&](std::string_view what) {
    const int err = errno;
    ::unlink(temp.c_str());
    return IoError(temp, what, err);
  };
  if (::fchmod(fd.get(), mode) != 0) return fail("cannot set mode");
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd.get(), contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("cannot sync");
  if (::close(fd.Release()) != 0) return fail("cannot close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename");
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    return IoError(dir, "cannot sync directory", errno);
  }
  return OkStatus();
}

}  // namespace sekisho::pki
