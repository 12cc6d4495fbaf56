// A throw-away badge PKI for tests: one organisation's CVCA, DV and gate terminal with fresh
// keys, valid around a given date. Never for real use.
#pragma once

#include <string_view>

#include "badge/cv_certificate.h"
#include "badge/ec_key.h"

namespace sekisho::badge::testing {

// `d` moved by `days` (negative: earlier).
inline Date AddDays(Date d, int days) {
  return Date(std::chrono::sys_days(d) + std::chrono::days(days));
}

struct TestOrganisation {
  EcKeyPair cvca_key;
  EcKeyPair dv_key;
  EcKeyPair terminal_key;
  CvCertificate cvca;
  CvCertificate dv;
  CvCertificate terminal;
};

// CHRs "JP<mnemonic>CV001", "JP<mnemonic>DV001", "JP<mnemonic>TM001" (mnemonic 1-6 letters).
// CVCA valid today-1y .. today+3y, DV today-30d .. today+90d, terminal today-1d .. today+2d
// with `terminal_rights`.
TestOrganisation MakeTestOrganisation(std::string_view mnemonic, Date today,
                                      std::uint64_t terminal_rights = rights::kGate);

// A terminal certificate of `org`'s DV with its own validity and rights (and a fresh key,
// stored into *key).
CvCertificate IssueTestTerminal(const TestOrganisation& org, std::string_view chr, Date effective,
                                Date expiration, std::uint64_t terminal_rights, EcKeyPair* key);

}  // namespace sekisho::badge::testing
