#include "access/org_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/secret.h"

namespace sekisho::access {
namespace {

std::string Errno() { return std::strerror(errno); }

std::string Octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() gives.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return UnavailableError("cannot sync directory " + dir.string() + ": " + Errno());
  }
  return OkStatus();
}

}  // namespace

Status WriteOrgKeyFile(const std::filesystem::path& path, const identity::OrgKey& key) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return AlreadyExistsError("organisation key file " + path.string() +
                                " exists; it is never replaced (every pseudonym depends on it)");
    }
    if (error == ENOENT) {
      return NotFoundError("cannot create organisation key file " + path.string() +
                           ": its directory does not exist");
    }
    return UnavailableError("cannot create organisation key file " + path.string() + ": " +
                            std::strerror(error));
  }
  const ByteView bytes = key.view();
  Status status;
  if (::fchmod(fd.get(), 0600) != 0) {
    status = UnavailableError("cannot set mode 0600 on " + path.string() + ": " + Errno());
  } else if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    status =
        UnavailableError("cannot write organisation key file " + path.string() + ": " + Errno());
  } else if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
    status =
        UnavailableError("cannot sync organisation key file " + path.string() + ": " + Errno());
  }
  if (!status.ok()) {
    ::unlink(path.c_str());
    return status;
  }
  return SyncDirectory(path.parent_path().empty() ? "." : path.parent_path());
}

Result<identity::OrgKey> ReadOrgKeyFile(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) {
      return NotFoundError("organisation key file " + path.string() +
                           " does not exist; create the organisation with `sekisho init "
                           "--org NAME`");
    }
    if (error == ELOOP) {
      return PermissionDeniedError("organisation key file " + path.string() +
                                   " is a symbolic link; it must be a regular file of mode 0600");
    }
    if (error == EACCES) {
      return PermissionDeniedError("cannot open organisation key file " + path.string() + ": " +
                                   std::strerror(error));
    }
    return UnavailableError("cannot open organisation key file " + path.string() + ": " +
                            std::strerror(error));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return UnavailableError("cannot stat organisation key file " + path.string() + ": " + Errno());
  }
  if (!S_ISREG(st.st_mode)) {
    return PermissionDeniedError("organisation key file " + path.string() +
                                 " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return PermissionDeniedError(
        "organisation key file " + path.string() + " has mode " + Octal(st.st_mode) +
        ", looser than 0600: anyone who can read it can link pseudonyms to cards. Run `chmod 600 " +
        path.string() + "` (and check who may have read it)");
  }
  if (st.st_size != static_cast<off_t>(identity::OrgKey::kSize)) {
    return DataLossError("organisation key file " + path.string() + " holds " +
                         std::to_string(st.st_size) + " bytes; a key has exactly " +
                         std::to_string(identity::OrgKey::kSize));
  }
  // One byte more than a key, to notice a file that grew after the fstat.
  Bytes buffer(identity::OrgKey::kSize + 1);
  std::size_t n = 0;
  while (n < buffer.size()) {
    const ssize_t r = ::read(fd.get(), buffer.data() + n, buffer.size() - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int error = errno;
      WipeBytes(buffer);
      return UnavailableError("cannot read organisation key file " + path.string() + ": " +
                              std::strerror(error));
    }
    if (r == 0) break;
    n += static_cast<std::size_t>(r);
  }
  SecretBytes secret(ByteView(buffer.data(), n));
  WipeBytes(buffer);
  if (n != identity::OrgKey::kSize) {
    return DataLossError("organisation key file " + path.string() + " changed size while read");
  }
  return identity::OrgKey::FromBytes(secret.view());
}

}  // namespace sekisho::access
