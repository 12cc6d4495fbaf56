// Learning what a partly read X.509 certificate holds from its DER headers alone (RFC 5280 §4.1,
// X.690 §8.1.2-§8.1.3), so a certificate EF can be read no further than needed.
#pragma once

#include <cstddef>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card {

// The size of the whole DER certificate that starts with `first_bytes`: its outer SEQUENCE
// header plus length (`30 82 HH LL` gives 0xHHLL + 4; short and 81 forms work too). Needs only
// the header octets (4 bytes for the 82 form). kInvalidArgument when the bytes do not start a DER
// SEQUENCE with a definite length, or when they are too short to hold its header.
Result<std::size_t> CertificateTotalLength(ByteView first_bytes);

// The offset just past the tbsCertificate's subjectPublicKeyInfo, when `prefix` (the first bytes
// of a DER certificate) already holds the whole of it; nullopt when the prefix is too short to
// contain it yet. Walks Certificate -> tbsCertificate -> [0] version (optional), serialNumber,
// signature, issuer, validity, subject, subjectPublicKeyInfo (RFC 5280 §4.1.1.1, §4.1.2) by their
// TLV headers only, never by their values. kInvalidArgument when the structure seen so far is not
// a certificate (another tag, a length that overruns its parent, a non-DER header).
Result<std::optional<std::size_t>> SubjectPublicKeyInfoEnd(ByteView prefix);

// As SubjectPublicKeyInfoEnd, but the offset is returned as soon as the prefix holds the
// subjectPublicKeyInfo's tag and length octets, before its content: how much more to read.
Result<std::optional<std::size_t>> LocateSubjectPublicKeyInfoEnd(ByteView prefix);

// The DER subjectPublicKeyInfo inside `prefix` (a view into it): what the pseudonym is computed
// from (DESIGN §3). kInvalidArgument when the prefix is not a certificate or ends before the
// subjectPublicKeyInfo does.
Result<ByteView> SubjectPublicKeyInfoFromPrefix(ByteView prefix);

}  // namespace sekisho::card
