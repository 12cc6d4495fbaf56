#include "base/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace sekisho {
namespace {

std::string Describe(const SecretFileKind& kind, const std::filesystem::path& path) {
  return std::string(kind.name) + " " + path.string();
}

std::string ErrnoText(int error) { return std::strerror(error); }

// "0644": the permission bits as chmod takes them.
std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Owns a file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now and returns what close() returns.
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

Status SyncDirectoryOf(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return UnavailableError("cannot sync directory " + dir.string() + ": " + ErrnoText(errno));
  }
  return OkStatus();
}

}  // namespace

Status WriteSecretFile(const std::filesystem::path& path, ByteView contents,
                       const SecretFileKind& kind) {
  // O_EXCL makes creation the test for an existing file (a symbolic link included), so two
  // writers cannot both succeed; 0600 from the start, so the bytes are never readable by others.
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return AlreadyExistsError(Describe(kind, path) + " exists; it is never replaced (" +
                                std::string(kind.why_never_replaced) + ")");
    }
    if (error == ENOENT) {
      return NotFoundError("cannot create " + Describe(kind, path) +
                           ": its directory does not exist");
    }
    return UnavailableError("cannot create " + Describe(kind, path) + ": " + ErrnoText(error));
  }
  Status status;
  if (::fchmod(fd.get(), 0600) != 0) {  // the umask may have narrowed it, never widened
    status = UnavailableError("cannot set mode 0600 on " + Describe(kind, path) + ": " +
                              ErrnoText(errno));
  } else if (::write(fd.get(), contents.data(), contents.size()) !=
             static_cast<ssize_t>(contents.size())) {
    status = UnavailableError("cannot write " + Describe(kind, path) + ": " + ErrnoText(errno));
  } else if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
    status = UnavailableError("cannot sync " + Describe(kind, path) + ": " + ErrnoText(errno));
  }
  if (!status.ok()) {
    ::unlink(path.c_str());
    return status;
  }
  return SyncDirectoryOf(path);
}

Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::size_t size,
                                   const SecretFileKind& kind) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) {
      std::string message = Describe(kind, path) + " does not exist";
      if (!kind.when_missing.empty()) message += "; " + std::string(kind.when_missing);
      return NotFoundError(std::move(message));
    }
    if (error == ELOOP) {
      return PermissionDeniedError(Describe(kind, path) +
                                   " is a symbolic link; it must be a regular file of mode 0600");
    }
    if (error == EACCES) {
      return PermissionDeniedError("cannot open " + Describe(kind, path) + ": " + ErrnoText(error));
    }
    return UnavailableError("cannot open " + Describe(kind, path) + ": " + ErrnoText(error));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return UnavailableError("cannot stat " + Describe(kind, path) + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return PermissionDeniedError(Describe(kind, path) + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return PermissionDeniedError(Describe(kind, path) + " has mode " + OctalMode(st.st_mode) +
                                 ", looser than 0600: " + std::string(kind.exposure) +
                                 ". Run `chmod 600 " + path.string() +
                                 "` (and check who may have read it)");
  }
  if (st.st_size != static_cast<off_t>(size)) {
    return DataLossError(Describe(kind, path) + " holds " + std::to_string(st.st_size) +
                         " bytes; " + std::string(kind.secret) + " has exactly " +
                         std::to_string(size));
  }
  // One byte more than expected, to notice a file that grew after the fstat.
  Bytes buffer(size + 1);
  std::size_t n = 0;
  while (n < buffer.size()) {
    const ssize_t r = ::read(fd.get(), buffer.data() + n, buffer.size() - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int error = errno;
      WipeBytes(buffer);
      return UnavailableError("cannot read " + Describe(kind, path) + ": " + ErrnoText(error));
    }
    if (r == 0) break;
    n += static_cast<std::size_t>(r);
  }
  SecretBytes secret(ByteView(buffer.data(), n));
  WipeBytes(buffer);
  if (n != size) return DataLossError(Describe(kind, path) + " changed size while read");
  return secret;
}

}  // namespace sekisho
