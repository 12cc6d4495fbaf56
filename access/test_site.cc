#include "access/test_site.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "access/anchor_store.h"
#include "pki/rsa_key.h"
#include "pki/test_pki.h"

namespace sekisho::access::testing {
namespace {

// The value of a Result a test cannot go on without; aborts with the reason otherwise.
template <typename T>
T Must(Result<T> result, std::string_view what) {
  if (!result.ok()) {
    std::cerr << "test site: " << what << ": " << result.status().ToString() << "\n";
    std::abort();
  }
  return std::move(result).value();
}

void Must(const Status& status, std::string_view what) {
  if (!status.ok()) {
    std::cerr << "test site: " << what << ": " << status.ToString() << "\n";
    std::abort();
  }
}

}  // namespace

card::sim::CardProfile TestProfile(int auth_tries) {
  card::sim::CardProfile profile = World().profile;
  profile.auth_pin = std::string(kTestPin);
  profile.counters.auth_pin = auth_tries;
  return profile;
}

card::sim::CardProfile RenewedProfile() {
  card::sim::CardProfile profile = TestProfile();
  auto key = Must(pki::GenerateRsaKeyOs(), "renewed auth key");
  SeededRandom random(1234);
  auto cert = Must(pki::IssueAuthCertificate(World().pki, *key, random, kEnrolTime,
                                             kEnrolTime + std::chrono::years(5)),
                   "renewed auth certificate");
  profile.auth_key_pem = Must(pki::PrivateKeyToPem(*key), "renewed key PEM");
  profile.auth_certificate = cert.Der();
  return profile;
}

pki::Crl AuthCrl(std::span<const Bytes> revoked_serials, TimePoint at) {
  return Must(pki::MakeCrl(*World().pki.auth_ca_key, World().pki.auth_ca, revoked_serials, at,
                           at + pki::kTestCrlLifetime),
              "test CRL");
}

TestSite::TestSite(const std::filesystem::path& root, std::uint64_t seed)
    : random_(seed), dir_(Must(DataDir::Create(root), "data directory")) {
  registry_ = Must(store::sqlite::SqliteRegistry::Open(dir_.registry_path(), clock_), "registry");
  Must(AddAnchor(dir_.anchors_dir(), World().pki.auth_ca, AnchorKind::kTest, clock_.Now()),
       "test anchor");
  anchors_ = Must(LoadAnchors(dir_.anchors_dir()), "anchors");
}

TestOrg& TestSite::AddOrg(std::string_view name, std::uint64_t key_seed) {
  SeededRandom key_random(key_seed);
  Must(dir_.CreateOrgFiles(name, key_random), "organisation files");
  auto org = Must(registry_->CreateOrganisation(name, "test-admin"), "organisation");
  auto key = Must(dir_.LoadOrgKey(name), "organisation key");
  orgs_.push_back(std::make_unique<TestOrg>(TestOrg{std::move(org), std::move(key), {}}));
  return *orgs_.back();
}

store::Staff TestSite::AddStaff(const TestOrg& org, std::string_view number,
                                std::string_view name) {
  store::NewStaff staff;
  staff.staff_ref = store::StaffRef::Generate(random_);
  staff.staff_number = std::string(number);
  staff.display_name = std::string(name);
  staff.department = "Security";
  staff.valid_from = clock_.Now() - std::chrono::hours(1);
  return Must(registry_->AddStaff(org.org.id, staff, "hr-admin"), "staff");
}

Result<EnrolmentOutcome> TestSite::Enrol(TestOrg& org, const store::Staff& staff,
                                         card::CardChannel& channel, bool rebind,
                                         std::string_view pin, bool* pin_asked) {
  if (pin_asked != nullptr) *pin_asked = false;
  EnrolRequest request;
  request.org = org.org.id;
  request.staff = staff.id;
  request.actor = "enrol-desk-1";
  request.rebind = rebind;
  const EnrolmentEnvironment env{anchors_, &org.revoked, *registry_, org.key, clock_, random_};
  const std::string pin_text(pin);
  return access::Enrol(
      request, channel,
      [&]() -> Result<SecretBytes> {
        if (pin_asked != nullptr) *pin_asked = true;
        return SecretBytes(pin_text);
      },
      env);
}

Result<CrlImportOutcome> TestSite::ImportCrl(TestOrg& org, const pki::Crl& crl) {
  return access::ImportCrl(crl, anchors_, *registry_, org.org.id, org.key, org.revoked, clock_,
                           "crl-importer");
}

}  // namespace sekisho::access::testing
