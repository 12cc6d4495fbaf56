#include "access/anchor_store.h"

#include <algorithm>
#include <system_error>

#include "base/clock.h"
#include "base/digest.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

constexpr std::size_t kFileFingerprintChars = 16;

}  // namespace

std::string AnchorFingerprint(const pki::Certificate& cert) {
  std::string hex = ToHex(Sha256(cert.Der()));
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  });
  return hex;
}

Result<std::filesystem::path> AddAnchor(const std::filesystem::path& dir,
                                        const pki::Certificate& cert, AnchorKind kind,
                                        TimePoint now) {
  pki::TrustAnchorSet check;
  RETURN_IF_ERROR(check.Add(cert.Clone(), cert.SubjectText()));
  if (now < cert.NotBefore() || now > cert.NotAfter()) {
    return InvalidArgumentError("trust anchor '" + cert.SubjectText() + "' is not valid now (" +
                                FormatUtc(cert.NotBefore()) + " to " + FormatUtc(cert.NotAfter()) +
                                ")");
  }
  const bool test = kind == AnchorKind::kTest;
  if (check.anchors().front().is_test && !test) {
    return InvalidArgumentError(
        "this root is from a TEST PKI (O=JPKI-TEST); add it as a test "
        "anchor (--test), and never on a production site");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());

  const std::string fingerprint = AnchorFingerprint(cert);
  const std::string suffix = "-" + fingerprint.substr(0, kFileFingerprintChars) + ".pem";
  for (const char* prefix : {"jpki", "test"}) {
    if (std::filesystem::exists(dir / (prefix + suffix), ec)) {
      return AlreadyExistsError("this trust anchor is installed already as " +
                                (dir / (prefix + suffix)).string());
    }
  }
  const std::filesystem::path file = dir / ((test ? "test" : "jpki") + suffix);
  std::string text;
  text += "# Sekisho trust anchor: JPKI user-authentication root\n";
  text += test ? "# Label: TEST anchor - never trust it on a production site\n"
               : "# Label: production\n";
  text += "# Subject: " + cert.SubjectText() + "\n";
  text += "# Valid: " + FormatUtc(cert.NotBefore()) + " to " + FormatUtc(cert.NotAfter()) + "\n";
  text += "# SHA-256: " + fingerprint + "\n";
  text += cert.Pem();
  RETURN_IF_ERROR(pki::WriteFileAtomically(file, text, 0644));
  return file;
}

Result<pki::TrustAnchorSet> LoadAnchors(const std::filesystem::path& dir) {
  pki::TrustAnchorSet anchors;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return anchors;
  Status added = anchors.AddDirectory(dir);
  if (!added.ok() && added.code() != StatusCode::kNotFound) return added;
  return anchors;
}

}  // namespace sekisho::access
