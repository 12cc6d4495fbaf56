// The checkpoint signing key file: the 32-byte Ed25519 seed (RFC 8032 §5.1.5), mode 0600,
// nothing else. Format: docs/formats/audit-log.md "Files".
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ed25519.h"
#include "base/random.h"
#include "base/result.h"

namespace sekisho::audit {

// Its name in the data directory.
inline constexpr std::string_view kCheckpointKeyFileName = "audit-key";

// Creates `path` holding the key's seed, mode 0600 from the start whatever the umask, synced
// with its directory. kAlreadyExists when `path` exists (a checkpoint key is never replaced:
// the old checkpoints would no longer verify); kNotFound when the directory does not exist;
// kUnavailable for other I/O errors. On error no file is left behind.
Status WriteCheckpointKeyFile(const std::filesystem::path& path, const Ed25519PrivateKey& key);

// Reads the key. Before reading a byte it refuses with
//   kNotFound          no file at `path`;
//   kPermissionDenied  a symbolic link or not a regular file, or a mode looser than 0600 (the
//                      message names the mode and the `chmod 600` fix);
//   kDataLoss          a size other than 32 bytes;
//   kUnavailable       other I/O errors.
Result<Ed25519PrivateKey> ReadCheckpointKeyFile(const std::filesystem::path& path);

// The origin (checkpoint.h) of a data directory's log: "sekisho-audit/" and the first 8 bytes of
// SHA-256(public key) in lower-case hex, so the log's name follows its key.
std::string LogOriginForKey(const Ed25519PublicKey& key);

// The public halves of the checkpoint keys a log used before its current one, oldest first
// (docs/audit.md "Keys"): one key per line in lower-case hex (64 characters), mode 0600.
inline constexpr std::string_view kRetiredCheckpointKeysFileName = "audit-key.retired";
// The longest file read: far more keys than a log will ever retire.
inline constexpr std::size_t kMaxRetiredCheckpointKeys = 1000;

// The keys in `path`; none when there is no file. kDataLoss "retired checkpoint keys <path>,
// line N: ..." for a line that is not a key, a repeated key, or more than
// kMaxRetiredCheckpointKeys keys; kUnavailable for I/O errors.
Result<std::vector<Ed25519PublicKey>> ReadRetiredCheckpointKeys(const std::filesystem::path& path);
// Replaces `path` with `keys` atomically (a new file beside it, mode 0600, renamed over it).
// kUnavailable for I/O errors; on error `path` is unchanged.
Status WriteRetiredCheckpointKeys(const std::filesystem::path& path,
                                  std::span<const Ed25519PublicKey> keys);

// ReadCheckpointKeyFile, or a new key from `random` written with WriteCheckpointKeyFile when
// there is no file yet.
Result<Ed25519PrivateKey> LoadOrCreateCheckpointKeyFile(const std::filesystem::path& path,
                                                        Random& random);

}  // namespace sekisho::audit
