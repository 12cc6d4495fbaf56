// A throw-away badge PKI for tests (test_pki.h). Aborts on failure: a test set-up bug.
#include "badge/test_pki.h"

#include <cstdlib>
#include <string>

namespace sekisho::badge::testing {
namespace {

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

Date Plus(Date d, std::chrono::days n) { return Date(std::chrono::sys_days(d) + n); }

}  // namespace

TestOrganisation MakeTestOrganisation(std::string_view mnemonic, Date today,
                                      std::uint64_t terminal_rights) {
  const std::string prefix = "JP" + std::string(mnemonic);
  EcKeyPair cvca_key = Must(GenerateEcKeyPair());
  EcKeyPair dv_key = Must(GenerateEcKeyPair());
  EcKeyPair terminal_key = Must(GenerateEcKeyPair());
  CvCertificate cvca =
      Must(IssueCvCertificate({.car = prefix + "CV001",
                               .chr = prefix + "CV001",
                               .role = CvRole::kCvca,
                               .rights = rights::kAll,
                               .effective = Plus(today, std::chrono::days(-365)),
                               .expiration = Plus(today, std::chrono::days(3 * 365)),
                               .public_point = cvca_key.public_point},
                              cvca_key.private_pkcs8));
  CvCertificate dv = Must(IssueCvCertificate({.car = cvca.chr(),
                                              .chr = prefix + "DV001",
                                              .role = CvRole::kDvOfficial,
                                              .rights = rights::kGate,
                                              .effective = Plus(today, std::chrono::days(-30)),
                                              .expiration = Plus(today, std::chrono::days(90)),
                                              .public_point = dv_key.public_point},
                                             cvca_key.private_pkcs8));
  CvCertificate terminal = Must(IssueCvCertificate({.car = dv.chr(),
                                                    .chr = prefix + "TM001",
                                                    .role = CvRole::kTerminal,
                                                    .rights = terminal_rights,
                                                    .effective = Plus(today, std::chrono::days(-1)),
                                                    .expiration = Plus(today, std::chrono::days(2)),
                                                    .public_point = terminal_key.public_point},
                                                   dv_key.private_pkcs8));
  return TestOrganisation{std::move(cvca_key), std::move(dv_key), std::move(terminal_key),
                          std::move(cvca),     std::move(dv),     std::move(terminal)};
}

CvCertificate IssueTestTerminal(const TestOrganisation& org, std::string_view chr, Date effective,
                                Date expiration, std::uint64_t terminal_rights, EcKeyPair* key) {
  *key = Must(GenerateEcKeyPair());
  return Must(IssueCvCertificate({.car = org.dv.chr(),
                                  .chr = std::string(chr),
                                  .role = CvRole::kTerminal,
                                  .rights = terminal_rights,
                                  .effective = effective,
                                  .expiration = expiration,
                                  .public_point = key->public_point},
                                 org.dv_key.private_pkcs8));
}

}  // namespace sekisho::badge::testing
