#include "audit/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/digest.h"
#include "base/secret.h"

namespace sekisho::audit {
namespace {

std::string Describe(const std::filesystem::path& path) {
  return "checkpoint key file " + path.string();
}

std::string ErrnoText(int error) { return std::strerror(error); }

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

Status WriteCheckpointKeyFile(const std::filesystem::path& path, const Ed25519PrivateKey& key) {
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return AlreadyExistsError(Describe(path) +
                                " exists; it is never replaced (earlier checkpoints would no "
                                "longer verify)");
    }
    if (error == ENOENT) {
      return NotFoundError("cannot create " + Describe(path) + ": its directory does not exist");
    }
    return UnavailableError("cannot create " + Describe(path) + ": " + ErrnoText(error));
  }
  const ByteView seed = key.seed();
  Status status;
  if (::fchmod(fd.get(), 0600) != 0) {  // the umask may have narrowed it, never widened
    status =
        UnavailableError("cannot set mode 0600 on " + Describe(path) + ": " + ErrnoText(errno));
  } else if (::write(fd.get(), seed.data(), seed.size()) != static_cast<ssize_t>(seed.size())) {
    status = UnavailableError("cannot write " + Describe(path) + ": " + ErrnoText(errno));
  } else if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
    status = UnavailableError("cannot sync " + Describe(path) + ": " + ErrnoText(errno));
  }
  if (!status.ok()) {
    ::unlink(path.c_str());
    return status;
  }
  return SyncDirectoryOf(path);
}

Result<Ed25519PrivateKey> ReadCheckpointKeyFile(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) return NotFoundError(Describe(path) + " does not exist");
    if (error == ELOOP) {
      return PermissionDeniedError(Describe(path) +
                                   " is a symbolic link; it must be a regular file of mode 0600");
    }
    if (error == EACCES) {
      return PermissionDeniedError("cannot open " + Describe(path) + ": " + ErrnoText(error));
    }
    return UnavailableError("cannot open " + Describe(path) + ": " + ErrnoText(error));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return UnavailableError("cannot stat " + Describe(path) + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) return PermissionDeniedError(Describe(path) + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return PermissionDeniedError(Describe(path) + " has mode " + mode +
                                 ", looser than 0600: anyone who can read it can sign false "
                                 "checkpoints. Run `chmod 600 " +
                                 path.string() + "` (and check who may have read it)");
  }
  if (st.st_size != static_cast<off_t>(kEd25519SeedSize)) {
    return DataLossError(Describe(path) + " holds " + std::to_string(st.st_size) +
                         " bytes; a key has exactly " + std::to_string(kEd25519SeedSize));
  }
  // One byte more than a key, to notice a file that grew after the fstat.
  Bytes buffer(kEd25519SeedSize + 1);
  std::size_t n = 0;
  while (n < buffer.size()) {
    const ssize_t r = ::read(fd.get(), buffer.data() + n, buffer.size() - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int error = errno;
      WipeBytes(buffer);
      return UnavailableError("cannot read " + Describe(path) + ": " + ErrnoText(error));
    }
    if (r == 0) break;
    n += static_cast<std::size_t>(r);
  }
  const SecretBytes seed(ByteView(buffer.data(), n));
  WipeBytes(buffer);
  if (n != kEd25519SeedSize) return DataLossError(Describe(path) + " changed size while read");
  return Ed25519PrivateKey::FromSeed(seed.view());
}

std::string LogOriginForKey(const Ed25519PublicKey& key) {
  const Bytes digest = Sha256(key.bytes());
  std::string hex = ToHex(ByteView(digest).first(8));
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "sekisho-audit/" + hex;
}

Result<Ed25519PrivateKey> LoadOrCreateCheckpointKeyFile(const std::filesystem::path& path,
                                                        Random& random) {
  auto key = ReadCheckpointKeyFile(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  Ed25519PrivateKey fresh = Ed25519PrivateKey::Generate(random);
  Status written = WriteCheckpointKeyFile(path, fresh);
  // Another process may have created it in between: use the one on disk.
  if (written.code() == StatusCode::kAlreadyExists) return ReadCheckpointKeyFile(path);
  RETURN_IF_ERROR(written);
  return fresh;
}

}  // namespace sekisho::audit
