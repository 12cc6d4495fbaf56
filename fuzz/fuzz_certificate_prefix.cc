// libFuzzer target for the certificate-prefix walk (card/certificate_prefix.h) that decides how
// much of a certificate EF the door reads: results lie inside the input, agree with each other,
// and grow with the prefix as a card's answers arrive (never a different answer for more bytes).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/bytes.h"
#include "card/certificate_prefix.h"
#include "card/tlv.h"

namespace {

using sekisho::ByteView;
using sekisho::card::CertificateTotalLength;
using sekisho::card::LocateSubjectPublicKeyInfoEnd;
using sekisho::card::SubjectPublicKeyInfoEnd;
using sekisho::card::SubjectPublicKeyInfoFromPrefix;

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_certificate_prefix: %s\n", what);
    std::abort();
  }
}

// What LocateSubjectPublicKeyInfoEnd said about one prefix.
struct Answer {
  bool error = false;
  std::optional<std::size_t> end;
  bool operator==(const Answer&) const = default;
};

Answer Locate(ByteView prefix) {
  auto end = LocateSubjectPublicKeyInfoEnd(prefix);
  if (!end.ok()) return Answer{true, std::nullopt};
  return Answer{false, *end};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);

  // The announced size needs only the outer header, and covers at least that header.
  auto total = CertificateTotalLength(input);
  if (total.ok()) {
    auto header = sekisho::card::ParseTlvHeader(input, sekisho::card::TlvMode::kStrict);
    Check(header.ok() && header->tag == 0x30, "a total length without a SEQUENCE header");
    Check(*total == header->total_length() && *total >= header->header_length,
          "total length is not the header's");
    auto again = CertificateTotalLength(input.first(header->header_length));
    Check(again.ok() && *again == *total, "the header alone gives another total length");
  }

  const Answer whole = Locate(input);
  if (!whole.error && whole.end) {
    // The subjectPublicKeyInfo ends inside the certificate the outer header announces.
    Check(total.ok() && *whole.end <= *total, "SPKI end beyond the certificate");
  }

  auto end = SubjectPublicKeyInfoEnd(input);
  Check(end.ok() == !whole.error, "SubjectPublicKeyInfoEnd and Locate disagree on errors");
  if (end.ok() && end->has_value()) {
    Check(**end <= size, "SPKI end past the input");
    Check(whole.end == *end, "SubjectPublicKeyInfoEnd and Locate disagree on the end");
  }

  auto spki = SubjectPublicKeyInfoFromPrefix(input);
  Check(spki.ok() == (end.ok() && end->has_value()), "FromPrefix and End disagree");
  if (spki.ok()) {
    // A view into the input, ending where SubjectPublicKeyInfoEnd says, holding one SEQUENCE.
    Check(spki->data() >= input.data() && spki->data() + spki->size() == input.data() + **end,
          "SPKI view is not inside the input where the end is");
    auto header = sekisho::card::ParseTlvHeader(*spki, sekisho::card::TlvMode::kStrict);
    Check(header.ok() && header->tag == 0x30 && header->total_length() == spki->size(),
          "SPKI view is not one SEQUENCE");
  }

  // Fed a growing prefix, as ReadCertificate does, the walk answers "not yet" for a while and
  // then settles on the whole input's answer for good: the same error, or the same end, which it
  // reports as soon as the SPKI's header is in.
  // Every prefix is walked until the answer settles; after that, a sample (the walk is the
  // slow part of this target).
  std::optional<std::size_t> settled_at;
  for (std::size_t k = 0; k <= size; ++k) {
    if (settled_at && k > *settled_at + 16 && k % 61 != 0 && k != size) continue;
    const Answer answer = Locate(input.first(k));
    if (settled_at) {
      Check(answer == whole, "the answer changed after it settled");
    } else if (answer.error || answer.end) {
      Check(answer == whole, "a prefix settles on another answer than the whole input");
      settled_at = k;
    }
  }
  // ... and for a whole subjectPublicKeyInfo in the input, it settles exactly when the SPKI's tag
  // and length octets are in: the door knows from then on how much more to read.
  if (spki.ok()) {
    auto header = sekisho::card::ParseTlvHeader(*spki, sekisho::card::TlvMode::kStrict);
    const std::size_t header_end =
        static_cast<std::size_t>(spki->data() - input.data()) + header->header_length;
    Check(settled_at == header_end, "the end is not known as soon as the SPKI header is in");
  }
  return 0;
}
