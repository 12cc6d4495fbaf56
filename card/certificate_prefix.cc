#include "card/certificate_prefix.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "card/tlv.h"

namespace sekisho::card {
namespace {

constexpr std::uint8_t kSequence = 0x30;    // universal 16, constructed (X.690 §8.9)
constexpr std::uint8_t kInteger = 0x02;     // universal 2 (X.690 §8.3)
constexpr std::uint8_t kVersionTag = 0xA0;  // [0] EXPLICIT, constructed (RFC 5280 §4.1)

Status NotACertificate(std::string_view element, std::size_t offset, std::string_view why) {
  return InvalidArgumentError("not an X.509 certificate: " + std::string(element) + " at offset " +
                              std::to_string(offset) + " " + std::string(why));
}

// The header of the element expected at `offset`, or nullopt when `prefix` ends before its tag
// and length octets do. Distinguishing "not yet read" from "malformed" is why this looks at the
// length octet itself before handing the header to ParseTlvHeader.
Result<std::optional<TlvHeader>> HeaderAt(ByteView prefix, std::size_t offset,
                                          std::uint8_t expected_tag, std::string_view element) {
  if (offset >= prefix.size()) return std::optional<TlvHeader>();
  if (prefix[offset] != expected_tag) {
    return NotACertificate(element, offset,
                           "has tag " + ToHex(prefix.subspan(offset, 1)) + ", expected " +
                               ToHex(std::array{expected_tag}));
  }
  if (prefix.size() - offset < 2) return std::optional<TlvHeader>();
  const std::uint8_t first_length_octet = prefix[offset + 1];
  // X.690 §8.1.3.5: 8n says n length octets follow; only 81..84 can be valid here (ParseTlvHeader
  // refuses the others), so only those can be waiting for more bytes.
  if (first_length_octet >= 0x81 && first_length_octet <= 0x84 &&
      prefix.size() - offset < 2u + (first_length_octet & 0x7Fu)) {
    return std::optional<TlvHeader>();
  }
  auto header = ParseTlvHeader(prefix.subspan(offset), TlvMode::kStrict);
  if (!header.ok())
    return NotACertificate(element, offset, "is not DER: " + header.status().message());
  return std::optional<TlvHeader>(*header);
}

}  // namespace

Result<std::size_t> CertificateTotalLength(ByteView first_bytes) {
  auto header = ParseTlvHeader(first_bytes, TlvMode::kStrict);
  if (!header.ok()) {
    return InvalidArgumentError("not the start of a DER certificate: " + header.status().message());
  }
  if (header->tag != kSequence) {
    return InvalidArgumentError("not the start of a DER certificate: tag " +
                                ToHex(first_bytes.first(1)) + " is not a SEQUENCE (30)");
  }
  return header->total_length();
}

// RFC 5280 §4.1:
//   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm, signatureValue }
//   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber,
//       signature, issuer, validity, subject, subjectPublicKeyInfo, ... }
namespace {

// Where the subjectPublicKeyInfo TLV lies: [begin, end) from the start of the certificate.
struct Span {
  std::size_t begin;
  std::size_t end;
};

Result<std::optional<Span>> LocateSubjectPublicKeyInfo(ByteView prefix) {
  using Found = std::optional<Span>;
  ASSIGN_OR_RETURN(auto certificate, HeaderAt(prefix, 0, kSequence, "Certificate"));
  if (!certificate) return Found();
  const std::size_t certificate_end = certificate->total_length();

  const std::size_t tbs_offset = certificate->header_length;
  ASSIGN_OR_RETURN(auto tbs, HeaderAt(prefix, tbs_offset, kSequence, "tbsCertificate"));
  if (!tbs) return Found();
  const std::size_t tbs_end = tbs_offset + tbs->total_length();
  if (tbs_end > certificate_end) {
    return NotACertificate("tbsCertificate", tbs_offset, "overruns the Certificate");
  }

  std::size_t offset = tbs_offset + tbs->header_length;
  if (offset >= prefix.size()) return Found();
  struct Element {
    std::uint8_t tag;
    std::string_view name;
  };
  // §4.1.2.1: the version is absent from v1 certificates.
  const bool has_version = prefix[offset] == kVersionTag;
  constexpr std::array<Element, 7> kElements = {{{kVersionTag, "version"},
                                                 {kInteger, "serialNumber"},
                                                 {kSequence, "signature"},
                                                 {kSequence, "issuer"},
                                                 {kSequence, "validity"},
                                                 {kSequence, "subject"},
                                                 {kSequence, "subjectPublicKeyInfo"}}};
  for (std::size_t i = has_version ? 0 : 1; i < kElements.size(); ++i) {
    const Element& element = kElements[i];
    if (offset >= tbs_end) {
      return NotACertificate(element.name, offset, "is missing: the tbsCertificate ended");
    }
    ASSIGN_OR_RETURN(auto header, HeaderAt(prefix, offset, element.tag, element.name));
    if (!header) return Found();
    if (header->total_length() > tbs_end - offset) {
      return NotACertificate(element.name, offset, "overruns the tbsCertificate");
    }
    if (i + 1 == kElements.size()) return Found(Span{offset, offset + header->total_length()});
    offset += header->total_length();
  }
  return Found();  // not reached: the loop returns at the last element
}

}  // namespace

Result<std::optional<std::size_t>> LocateSubjectPublicKeyInfoEnd(ByteView prefix) {
  ASSIGN_OR_RETURN(std::optional<Span> span, LocateSubjectPublicKeyInfo(prefix));
  if (!span) return std::optional<std::size_t>();
  return std::optional<std::size_t>(span->end);
}

Result<ByteView> SubjectPublicKeyInfoFromPrefix(ByteView prefix) {
  ASSIGN_OR_RETURN(std::optional<Span> span, LocateSubjectPublicKeyInfo(prefix));
  if (!span || span->end > prefix.size()) {
    return InvalidArgumentError("certificate prefix of " + std::to_string(prefix.size()) +
                                " bytes ends before its subjectPublicKeyInfo");
  }
  return prefix.subspan(span->begin, span->end - span->begin);
}

Result<std::optional<std::size_t>> SubjectPublicKeyInfoEnd(ByteView prefix) {
  ASSIGN_OR_RETURN(std::optional<std::size_t> end, LocateSubjectPublicKeyInfoEnd(prefix));
  if (end && prefix.size() < *end) return std::optional<std::size_t>();
  return end;
}

}  // namespace sekisho::card
