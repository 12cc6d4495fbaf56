#include "pki/openssl_types.h"

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

namespace sekisho::pki {

std::string OpenSslErrorText() {
  std::string text;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    if (!text.empty()) text += "; ";
    const char* lib = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    if (lib != nullptr) {
      text += lib;
      text += ": ";
    }
    if (reason != nullptr) {
      text += reason;
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "error %08lX", code);
      text += buf;
    }
  }
  if (text.empty()) text = "no OpenSSL error reported";
  return text;
}

void EncodingFailed() { std::abort(); }

}  // namespace sekisho::pki
