// libFuzzer target for the BER-TLV parser (card/tlv.h): both modes, children a bounded number of
// levels deep, and EncodeTlv reproducing every strict-mode parse byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "card/tlv.h"

namespace {

using sekisho::Bytes;
using sekisho::ByteView;
using sekisho::card::EncodeTlv;
using sekisho::card::ParseChildren;
using sekisho::card::ParseTlv;
using sekisho::card::ParseTlvHeader;
using sekisho::card::ParseTlvSequence;
using sekisho::card::Tlv;
using sekisho::card::TlvMode;

constexpr int kMaxDepth = 8;

void Check(bool condition) {
  if (!condition) std::abort();
}

// The bytes `tlv` was parsed from, recovered from its value view.
ByteView Whole(const Tlv& tlv) {
  return ByteView(tlv.value.data() - tlv.header.header_length, tlv.header.total_length());
}

void Walk(const Tlv& tlv, TlvMode mode, int depth) {
  Check(tlv.value.size() == tlv.header.length);
  if (mode == TlvMode::kStrict) {
    // DER-like encodings are unique: re-encoding gives back the same bytes.
    const Bytes encoded = EncodeTlv(tlv.header.tag, tlv.value);
    const ByteView whole = Whole(tlv);
    Check(encoded.size() == whole.size() &&
          std::memcmp(encoded.data(), whole.data(), whole.size()) == 0);
  }
  if (depth >= kMaxDepth) return;
  auto children = ParseChildren(tlv, mode);
  if (!children.ok()) return;
  std::size_t sum = 0;
  for (const Tlv& child : *children) {
    // Children lie inside their parent's value.
    Check(child.value.data() >= tlv.value.data() &&
          child.value.data() + child.value.size() <= tlv.value.data() + tlv.value.size());
    sum += child.header.total_length();
    Walk(child, mode, depth + 1);
  }
  if (mode == TlvMode::kStrict) Check(sum == tlv.value.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  for (TlvMode mode : {TlvMode::kStrict, TlvMode::kCardTolerant}) {
    auto header = ParseTlvHeader(input, mode);
    auto one = ParseTlv(input, mode);
    if (one.ok()) {
      Check(header.ok() && header->total_length() <= size);
      Check(one->header.total_length() == header->total_length());
    }
    auto tlvs = ParseTlvSequence(input, mode);
    if (!tlvs.ok()) continue;
    std::size_t sum = 0;
    for (const Tlv& tlv : *tlvs) {
      sum += tlv.header.total_length();
      Walk(tlv, mode, 0);
    }
    Check(sum <= size);
    if (mode == TlvMode::kStrict) {
      Check(sum == size);
      // Whatever strict mode accepts, tolerant mode accepts the same way.
      auto tolerant = ParseTlvSequence(input, TlvMode::kCardTolerant);
      Check(tolerant.ok() && tolerant->size() == tlvs->size());
    }
  }
  return 0;
}
