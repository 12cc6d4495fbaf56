// libFuzzer target for CV certificates (badge/cv_certificate.h): Parse, then every accessor, the
// re-parse of its own encoding, and chain verification with the input in each position.
#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "badge/cv_certificate.h"

namespace {

using sekisho::ByteView;
using sekisho::badge::CvCertificate;

void Check(bool condition) {
  if (!condition) std::abort();
}

constexpr sekisho::badge::Date kDay{std::chrono::year(2026), std::chrono::November,
                                    std::chrono::day(28)};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  struct ClearErrors {
    ~ClearErrors() { ERR_clear_error(); }
  } clear_errors;
  auto cert = CvCertificate::Parse(ByteView(data, size));
  if (!cert.ok()) {
    Check(cert.status().code() == sekisho::StatusCode::kInvalidArgument);
    return 0;
  }
  // A certificate that parsed is exactly its input, and parses again to the same fields.
  Check(cert->der().size() == size);
  auto again = CvCertificate::Parse(cert->der());
  Check(again.ok() && again->chr() == cert->chr() && again->car() == cert->car() &&
        again->rights() == cert->rights() && again->public_point() == cert->public_point());
  Check(cert->signature().size() == 64);
  Check(cert->ChatDer().size() == 21);
  Check(cert->body_der().size() < size);
  (void)cert->CheckValidAt(kDay);
  (void)cert->VerifyIssuedBy(*cert);
  (void)sekisho::badge::VerifyTerminalChain(*cert, *cert, *cert, kDay);
  return 0;
}
