// Files that hold one secret of a fixed size (a key), mode 0600: created once and never
// replaced, read back only when no group or other user could have read them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho {

// How messages name a kind of secret file and say why its rules matter. Messages name the path
// and the mode, never the file's bytes.
struct SecretFileKind {
  // "checkpoint key file": messages read "<name> <path> ...".
  std::string_view name;
  // What the file holds, for the size message: "a key" gives "... holds 33 bytes; a key has
  // exactly 32".
  std::string_view secret;
  // Why an existing file is kept: "... exists; it is never replaced (<why_never_replaced>)".
  std::string_view why_never_replaced;
  // What a reader of the file could do: "... looser than 0600: <exposure>. Run `chmod 600 ...`".
  std::string_view exposure;
  // Added to the kNotFound message of ReadSecretFile after "; " when not empty: what to run.
  std::string_view when_missing;
};

// Creates `path` holding `contents` with mode 0600 from the start, whatever the umask, then
// fsyncs the file and its directory. Never replaces or follows anything at `path`:
//   kAlreadyExists  `path` exists (a symbolic link, even a dangling one, included);
//   kNotFound       its directory does not exist;
//   kUnavailable    other I/O errors.
// On error no file is left behind.
Status WriteSecretFile(const std::filesystem::path& path, ByteView contents,
                       const SecretFileKind& kind);

// Reads `path`, which must hold exactly `size` bytes. Before reading a byte it refuses with
//   kNotFound          no file at `path`;
//   kPermissionDenied  a symbolic link (not followed) or not a regular file, a file this user may
//                      not open, or a mode looser than 0600 (any group or other bit; the message
//                      names the mode and the `chmod 600` fix);
//   kDataLoss          a size other than `size`;
//   kUnavailable       other I/O errors.
// kDataLoss too when the file changes size while it is read. Buffers that held the bytes on the
// way are wiped.
Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::size_t size,
                                   const SecretFileKind& kind);

}  // namespace sekisho
