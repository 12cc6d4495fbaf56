// libFuzzer target for CRLs (pki/crl.h, pki/crl_source.h, pki/crl_check.h): ParseCrl and
// Crl::FromDer, then every accessor, the round trips, the scope check and the keyed serials.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "identity/org_key.h"
#include "pki/crl.h"
#include "pki/crl_check.h"
#include "pki/crl_source.h"

namespace {

using sekisho::Bytes;
using sekisho::ByteView;
using sekisho::pki::Crl;

void Check(bool condition) {
  if (!condition) std::abort();
}

const sekisho::identity::OrgKey& Key() {
  static const auto* const key =
      new sekisho::identity::OrgKey(sekisho::identity::OrgKey::FromBytes(Bytes(32, 0x5A)).value());
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  // Either encoding, as a file or a download would give it.
  auto parsed = sekisho::pki::ParseCrl(input);
  Check(parsed.ok() || parsed.status().code() == sekisho::StatusCode::kDataLoss);

  auto crl = Crl::FromDer(input);
  if (!crl.ok()) {
    Check(crl.status().code() == sekisho::StatusCode::kInvalidArgument);
    return 0;
  }
  (void)crl->ThisUpdate();
  (void)crl->NextUpdate();
  const auto& serials = crl->RevokedSerials();
  for (std::size_t i = 0; i < serials.size(); ++i) {
    Check(!serials[i].empty() && (serials[i].size() == 1 || serials[i][0] != 0x00));
    if (i > 0) {
      // Ascending numeric order without duplicates.
      Check(serials[i - 1].size() < serials[i].size() ||
            (serials[i - 1].size() == serials[i].size() && serials[i - 1] < serials[i]));
    }
    if (i < 16) Check(crl->IsRevoked(serials[i]));
  }
  Check(!crl->IsRevoked({}));
  Check(!crl->IssuerNameDer().empty());
  const Bytes der = crl->Der();
  auto again = Crl::FromDer(der);
  Check(again.ok() && again->Der() == der && again->RevokedSerials() == serials);
  auto from_pem = Crl::FromPem(crl->Pem());
  Check(from_pem.ok() && from_pem->Der() == der);
  const sekisho::Status scope = sekisho::pki::CheckCrlScope(*crl);
  Check(scope.ok() || scope.code() == sekisho::StatusCode::kFailedPrecondition);
  Check(sekisho::pki::KeyedRevokedSerials(*crl, Key()).size() == serials.size());
  return 0;
}
