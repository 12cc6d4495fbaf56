// A test PKI shaped like JPKI's (spec mynumber-card.md §5, under O=JPKI-TEST): two self-signed
// roots, one for user authentication and one for digital signature, the certificates they issue
// to simulated cards, and their CRLs. For simulated cards, demos and tests only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

// Files of a saved test PKI.
inline constexpr std::string_view kAuthCaFile = "auth-ca.pem";
inline constexpr std::string_view kAuthCaKeyFile = "auth-ca.key.pem";  // mode 0600
inline constexpr std::string_view kAuthCaCrlFile = "auth-ca.crl.pem";
inline constexpr std::string_view kSignCaFile = "sign-ca.pem";
inline constexpr std::string_view kSignCaKeyFile = "sign-ca.key.pem";  // mode 0600
inline constexpr std::string_view kSignCaCrlFile = "sign-ca.crl.pem";
inline constexpr std::string_view kTestPkiReadmeFile = "README.txt";

// Root DNs, in the order of the RDN sequence (spec §5 with O=JPKI-TEST, the test hierarchy's O).
inline constexpr std::string_view kTestAuthCaDn =
    "C=JP, O=JPKI-TEST, OU=JPKI for user authentication, "
    "OU=Japan Agency for Local Authority Information Systems";
inline constexpr std::string_view kTestSignCaDn =
    "C=JP, O=JPKI-TEST, OU=JPKI for digital signature, "
    "OU=Japan Agency for Local Authority Information Systems";

// The certificate policy of the test PKI's user-authentication certificates: an OID under the
// UUID arc 2.25 (ITU-T X.667 | ISO/IEC 9834-8; needs no registration) from the random UUID
// dd9e7d9a-9833-4e2b-bd43-eef111fcb14f, chosen for Sekisho's test PKI. It is NOT J-LIS's policy
// OID for JPKI; a deployment configures the real one (docs/pki.md).
inline constexpr std::string_view kTestAuthPolicyOid =
    "2.25.294582317521556140193638623905830449487";

// How long a CRL written by SaveTestPki, RevokeInTestPki or RenewTestPkiCrls stays current.
inline constexpr std::chrono::hours kTestCrlLifetime{24 * 30};

// Signature-certificate attributes in subjectAltName otherName (spec §5).
inline constexpr std::string_view kJpkiNameOid = "1.2.392.200149.8.5.5.1";
inline constexpr std::string_view kJpkiSexOid = "1.2.392.200149.8.5.5.3";
inline constexpr std::string_view kJpkiBirthDateOid = "1.2.392.200149.8.5.5.4";
inline constexpr std::string_view kJpkiAddressOid = "1.2.392.200149.8.5.5.5";

struct TestPki {
  EvpPkeyPtr auth_ca_key;
  Certificate auth_ca;
  EvpPkeyPtr sign_ca_key;
  Certificate sign_ca;
};

enum class TestCa { kAuth, kSign };

// Creates both roots: RSA-2048 keys from GenerateRsaKey(random) (auth first, then its serial,
// then the sign key and serial, so one seed gives one PKI), sha256WithRSAEncryption,
// self-signed, 8-byte positive random serials, basicConstraints CA:TRUE and keyUsage
// keyCertSign+cRLSign (both critical), subjectKeyIdentifier, valid from `now` for 10 calendar
// years. kInternal if OpenSSL fails.
Result<TestPki> CreateTestPki(Random& random, TimePoint now);

// Writes the files listed above into `dir` (created if missing): certificates and CRLs 0644,
// keys 0600 (unencrypted PKCS#8), empty CRLs with thisUpdate = the root's notBefore and
// nextUpdate kTestCrlLifetime later, and a README saying it is a TEST PKI.
// kAlreadyExists if `dir` already holds auth-ca.pem or sign-ca.pem; kUnavailable on I/O errors.
Status SaveTestPki(const TestPki& pki, const std::filesystem::path& dir);

// Reads the roots and keys written by SaveTestPki. kNotFound naming the missing file; kDataLoss
// naming the file that does not parse or whose key does not belong to its certificate;
// kUnavailable on other I/O errors.
Result<TestPki> LoadTestPki(const std::filesystem::path& dir);

// Reads and checks the CRL of one root of a saved test PKI. kNotFound / kDataLoss (also when
// its signature does not verify with the root) naming the file.
Result<Crl> LoadTestPkiCrl(const std::filesystem::path& dir, TestCa ca);

// The card holder's attributes in a signature certificate (never in an auth certificate).
struct TestIdentity {
  std::string name;        // UTF-8
  std::string address;     // UTF-8
  std::string birth_date;  // YYYYMMDD
  char sex = '9';          // '1' male, '2' female, '9' not applicable (ISO/IEC 5218)
};

// A user-authentication certificate for `holder_public_key`, like JPKI's 利用者証明用 one: NO
// personal data anywhere. Subject C=JP, CN=<20 upper-case hex characters from `random`>;
// serial 8 random bytes (positive); v3; keyUsage digitalSignature (critical);
// authorityKeyIdentifier; certificatePolicies kTestAuthPolicyOid (non-critical, no qualifiers);
// signed by the auth root with sha256WithRSAEncryption.
// Draws the CN bytes first, then the serial. kInvalidArgument if not_after <= not_before.
Result<Certificate> IssueAuthCertificate(const TestPki& pki, const EVP_PKEY& holder_public_key,
                                         Random& random, TimePoint not_before, TimePoint not_after);

// A digital-signature certificate (署名用): as IssueAuthCertificate, issued by the sign root,
// keyUsage digitalSignature+nonRepudiation (critical), no certificatePolicies, plus a
// subjectAltName of otherName entries with UTF8String values: name (.1), sex (.3), birth date
// (.4), address (.5). kInvalidArgument (naming the field, never its value) if the name or address
// is empty or not UTF-8, the birth date is not 8 digits, the sex is not '1', '2' or '9', or
// not_after <= not_before.
Result<Certificate> IssueSignCertificate(const TestPki& pki, const EVP_PKEY& holder_public_key,
                                         const TestIdentity& identity, Random& random,
                                         TimePoint not_before, TimePoint not_after);

// Adds `cert`'s serial to the CRL of the root that issued it (found by signature) in a saved
// test PKI and re-issues that CRL with thisUpdate `now` and nextUpdate kTestCrlLifetime later;
// revoking twice is harmless. kInvalidArgument if neither root issued `cert`; LoadTestPki's and
// LoadTestPkiCrl's codes otherwise (a missing CRL file starts an empty list).
Status RevokeInTestPki(const std::filesystem::path& dir, const Certificate& cert, TimePoint now);

// Re-issues both CRLs of a saved test PKI with the same entries, thisUpdate `now` and nextUpdate
// kTestCrlLifetime later (for a test PKI older than its CRLs). Codes as RevokeInTestPki.
Status RenewTestPkiCrls(const std::filesystem::path& dir, TimePoint now);

}  // namespace sekisho::pki
