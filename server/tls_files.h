// The key files of the server's tls/ directory (docs/operations.md §1): how their messages name
// them, and reading one whatever its size (a PEM key's length varies).
#pragma once

#include <filesystem>

#include "base/result.h"
#include "base/secret.h"
#include "base/secret_file.h"

namespace sekisho::server {

inline constexpr SecretFileKind kCaKeyKind{
    .name = "server CA key file",
    .secret = "a PEM private key",
    .why_never_replaced = "every gate certificate was issued with it",
    .exposure = "whoever reads it can issue gate certificates",
    .when_missing = "restore it from a backup"};
inline constexpr SecretFileKind kServerKeyKind{
    .name = "server TLS key file",
    .secret = "a PEM private key",
    .why_never_replaced = "the server certificate is issued for it; `sekisho tls server-cert` "
                          "replaces both",
    .exposure = "whoever reads it can pose as this server",
    .when_missing = "restore it from a backup"};

// ReadSecretFile of the whole file: kNotFound "<kind> <path> not found", then its errors.
Result<SecretBytes> ReadPemSecret(const std::filesystem::path& path, const SecretFileKind& kind);

}  // namespace sekisho::server
