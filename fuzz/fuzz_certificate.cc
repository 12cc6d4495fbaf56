// libFuzzer target for X.509 certificates (pki/certificate.h): Certificate::FromDer, then every
// accessor, the PEM and DER round trips, the trust-anchor checks and path validation with the
// certificate as its own anchor (with a required policy, so OpenSSL's policy tree runs too).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <openssl/err.h>

#include "pki/certificate.h"
#include "pki/test_pki.h"
#include "pki/trust_anchors.h"
#include "pki/verify.h"

namespace {

using sekisho::Bytes;
using sekisho::ByteView;
using sekisho::FromUnixSeconds;
using sekisho::pki::Certificate;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  struct ClearErrors {
    ~ClearErrors() { ERR_clear_error(); }
  } clear_errors;
  auto cert = Certificate::FromDer(ByteView(data, size));
  if (!cert.ok()) {
    Check(cert.status().code() == sekisho::StatusCode::kInvalidArgument);
    return 0;
  }
  const Bytes der = cert->Der();
  Check(!der.empty());
  Check(!cert->SubjectPublicKeyInfoDer().empty());
  Check(!cert->IssuerNameDer().empty());
  const Bytes serial = cert->SerialNumber();
  Check(!serial.empty() && (serial.size() == 1 || serial[0] != 0x00));
  (void)cert->NotBefore();
  (void)cert->NotAfter();
  (void)cert->IssuerText();
  (void)cert->SubjectText();
  (void)cert->KeyBits();
  (void)cert->PublicKey();
  // Whatever parsed once parses again from its own encodings, to the same certificate.
  auto again = Certificate::FromDer(der);
  Check(again.ok() && again->Der() == der);
  auto from_pem = Certificate::FromPem(cert->Pem());
  Check(from_pem.ok() && from_pem->Der() == der);
  Check(cert->Clone().Der() == der);

  sekisho::pki::TrustAnchorSet anchors;
  const sekisho::Status added = anchors.Add(cert->Clone(), "");
  Check(added.ok() || added.code() == sekisho::StatusCode::kInvalidArgument);
  const bool self_issued = sekisho::pki::IsIssuedBy(*cert, *cert);
  if (added.ok()) Check(self_issued && anchors.MatchIssuer(*cert).size() == 1);

  std::vector<Certificate> self;
  self.push_back(cert->Clone());
  const sekisho::pki::VerifyOptions options = {
      .at = FromUnixSeconds(1767225600),
      .required_policies = {std::string(sekisho::pki::kTestAuthPolicyOid)}};
  (void)sekisho::pki::VerifyCertificate(*cert, self, options).ok();
  return 0;
}
