#include "server/tls_files.h"

#include <string>
#include <system_error>

namespace sekisho::server {

Result<SecretBytes> ReadPemSecret(const std::filesystem::path& path, const SecretFileKind& kind) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFoundError(std::string(kind.name) + " " + path.string() + " not found");
  return ReadSecretFile(path, static_cast<std::size_t>(size), kind);
}

}  // namespace sekisho::server
