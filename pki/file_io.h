// Whole-file reads and atomic writes for the PEM files of a PKI directory.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sekisho::pki {

// Reads a whole file of at most `max_size` bytes. kNotFound if it does not exist; kDataLoss
// "PATH is larger than SIZE" if it is larger; kUnavailable for other I/O errors.
Result<std::string> ReadFileUpTo(const std::filesystem::path& path, std::size_t max_size);

// ReadFileUpTo(path, 1 MiB).
Result<std::string> ReadSmallFile(const std::filesystem::path& path);

// "64 MiB" for whole mebibytes, "1000 bytes" otherwise: sizes in messages.
std::string SizeText(std::size_t bytes);

// Replaces `path` with `contents` atomically (write a temporary file in the same directory with
// `mode`, fsync, rename, fsync the directory), so readers see the old or the new file, never a
// mix. The file is created with `mode` from the start, never wider. kUnavailable on I/O errors.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           mode_t mode);

}  // namespace sekisho::pki
