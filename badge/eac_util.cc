// Owners and error text for OpenSSL and OpenPACE objects (eac_util.h).
#include "badge/eac_util.h"

#include <openssl/err.h>

#include <mutex>
#include <string>

namespace sekisho::badge::internal {

void EnsureEacInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { EAC_init(); });
}

Status LibraryError(StatusCode code, std::string_view what) {
  std::string message(what);
  const unsigned long error = ERR_get_error();
  if (error != 0) {
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    message += ": ";
    message += text;
  }
  ERR_clear_error();
  return Status(code, std::move(message));
}

BufMemPtr ToBufMem(ByteView bytes) {
  BufMemPtr buf(BUF_MEM_new());
  if (!buf) return nullptr;
  if (!bytes.empty()) {
    if (BUF_MEM_grow(buf.get(), bytes.size()) == 0) return nullptr;
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<std::uint8_t*>(buf->data));
  }
  buf->length = bytes.size();
  return buf;
}

Bytes FromBufMem(const BUF_MEM* buf) {
  if (buf == nullptr || buf->length == 0) return {};
  const auto* p = reinterpret_cast<const std::uint8_t*>(buf->data);
  return Bytes(p, p + buf->length);
}

}  // namespace sekisho::badge::internal
