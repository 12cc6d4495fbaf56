// BER-TLV parsing and encoding: ISO/IEC 7816-4:2020 §6.3 and ISO/IEC 8825-1 (X.690) §8.1.
#include "card/tlv.h"

#include <algorithm>
#include <limits>
#include <string>

namespace sekisho::card {
namespace {

// At most three tag octets (ISO/IEC 7816-4 §6.3: tag numbers up to 16383) and four subsequent
// length octets (lengths up to 2^32 - 1).
constexpr std::size_t kMaxTagOctets = 3;
constexpr std::size_t kMaxSubsequentLengthOctets = 4;

Bytes TagOctets(std::uint32_t tag) {
  Bytes out;
  bool started = false;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto octet = static_cast<std::uint8_t>(tag >> shift);
    if (octet != 0 || started || shift == 0) {
      out.push_back(octet);
      started = true;
    }
  }
  return out;
}

std::string TagHex(std::uint32_t tag) { return ToHex(TagOctets(tag)); }

std::string ByteHex(std::uint8_t b) { return ToHex(ByteView(&b, 1)); }

Status Malformed(std::size_t offset, const std::string& why) {
  return InvalidArgumentError("TLV at offset " + std::to_string(offset) + ": " + why);
}

// Tag and length octets of the TLV starting at `buf[pos]`; offsets in errors are `pos`.
Result<TlvHeader> ParseHeaderAt(ByteView buf, std::size_t pos, TlvMode mode) {
  const bool strict = mode == TlvMode::kStrict;
  if (pos >= buf.size()) return Malformed(pos, "input is empty, expected a tag octet");
  const std::size_t avail = buf.size() - pos;
  const ByteView in = buf.subspan(pos);

  // Tag octets, X.690 §8.1.2.
  const std::uint8_t first = in[0];
  if (first == 0x00) {
    // ISO/IEC 7816-4 §6.3: '00' is not a valid first tag octet (padding; in BER, end-of-contents,
    // which only closes an indefinite length that is refused anyway).
    return Malformed(pos, "tag octet 00 is not a valid first tag octet");
  }
  TlvHeader h{};
  h.tag_class = static_cast<TagClass>(first >> 6);
  h.constructed = (first & 0x20) != 0;
  h.tag = first;
  h.tag_number = first & 0x1F;
  std::size_t tag_len = 1;
  if (h.tag_number == 0x1F) {  // long form, X.690 §8.1.2.4
    h.tag_number = 0;
    while (true) {
      if (tag_len >= avail) {
        return Malformed(pos, "truncated tag: tag starting " + ByteHex(first) +
                                  " needs a subsequent octet after " + std::to_string(tag_len) +
                                  " octet(s), input ends");
      }
      if (tag_len >= kMaxTagOctets) {
        return Malformed(pos, "tag starting " + ByteHex(first) + " is longer than " +
                                  std::to_string(kMaxTagOctets) + " octets");
      }
      const std::uint8_t octet = in[tag_len];
      if (strict && tag_len == 1 && (octet & 0x7F) == 0) {
        return Malformed(pos, "tag " + ByteHex(first) + " " + ByteHex(octet) +
                                  " has a leading zero subsequent octet (X.690 §8.1.2.4.2)");
      }
      h.tag = (h.tag << 8) | octet;
      h.tag_number = (h.tag_number << 7) | (octet & 0x7Fu);
      ++tag_len;
      if ((octet & 0x80) == 0) break;
    }
    if (strict && h.tag_number < 0x1F) {
      return Malformed(pos, "tag " + TagHex(h.tag) + " writes tag number " +
                                std::to_string(h.tag_number) +
                                " in the long form; one octet is required below 31");
    }
  }

  // Length octets, X.690 §8.1.3.
  if (tag_len >= avail) {
    return Malformed(pos, "truncated length: no length octet after tag " + TagHex(h.tag));
  }
  const std::uint8_t l0 = in[tag_len];
  std::size_t length_len = 1;
  std::uint64_t length = 0;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 == 0x80) {
    return Malformed(pos, "indefinite length (80) after tag " + TagHex(h.tag) + " is not allowed");
  } else if (l0 == 0xFF) {
    return Malformed(pos, "reserved length octet FF after tag " + TagHex(h.tag));
  } else {
    const std::size_t n = l0 & 0x7F;
    if (n > kMaxSubsequentLengthOctets) {
      return Malformed(pos, "length octet " + ByteHex(l0) + " announces " + std::to_string(n) +
                                " length octets, at most " +
                                std::to_string(kMaxSubsequentLengthOctets) + " are supported");
    }
    const std::size_t present = avail - tag_len - 1;
    if (n > present) {
      return Malformed(pos, "truncated length: " + ByteHex(l0) + " announces " + std::to_string(n) +
                                " length octets, " + std::to_string(present) + " present");
    }
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | in[tag_len + 1 + i];
    if (strict && in[tag_len + 1] == 0x00) {
      return Malformed(pos, "non-minimal length: " + ByteHex(l0) +
                                " is followed by a leading 00 octet (X.690 §10.1)");
    }
    if (strict && n == 1 && length < 0x80) {
      return Malformed(pos, "non-minimal length: 81 " + ByteHex(static_cast<std::uint8_t>(length)) +
                                " for a length below 128 (X.690 §10.1)");
    }
    length_len = 1 + n;
  }
  h.header_length = tag_len + length_len;
  if (length > std::numeric_limits<std::size_t>::max() - h.header_length) {
    return Malformed(pos, "length " + std::to_string(length) + " does not fit in memory");
  }
  h.length = static_cast<std::size_t>(length);
  return h;
}

Result<Tlv> ParseTlvAt(ByteView buf, std::size_t pos, TlvMode mode) {
  ASSIGN_OR_RETURN(const TlvHeader h, ParseHeaderAt(buf, pos, mode));
  const std::size_t remaining = buf.size() - pos - h.header_length;
  if (h.length > remaining) {
    return Malformed(pos, "length " + std::to_string(h.length) + " exceeds the " +
                              std::to_string(remaining) + " remaining bytes");
  }
  return Tlv{h, buf.subspan(pos + h.header_length, h.length)};
}

}  // namespace

Result<TlvHeader> ParseTlvHeader(ByteView input, TlvMode mode) {
  return ParseHeaderAt(input, 0, mode);
}

Result<Tlv> ParseTlv(ByteView input, TlvMode mode) { return ParseTlvAt(input, 0, mode); }

Result<std::vector<Tlv>> ParseTlvSequence(ByteView input, TlvMode mode) {
  std::vector<Tlv> out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    if (mode == TlvMode::kCardTolerant) {
      if (input[pos] == 0x00) {  // ISO/IEC 7816-4 §6.3 padding between data objects
        ++pos;
        continue;
      }
      // Spec §6: FF filler after the data objects, up to the end of the EF.
      if (input[pos] == 0xFF &&
          std::all_of(input.begin() + static_cast<std::ptrdiff_t>(pos), input.end(),
                      [](std::uint8_t b) { return b == 0xFF; })) {
        break;
      }
    }
    ASSIGN_OR_RETURN(Tlv tlv, ParseTlvAt(input, pos, mode));
    pos += tlv.header.total_length();
    out.push_back(tlv);
  }
  return out;
}

Result<std::vector<Tlv>> ParseChildren(const Tlv& tlv, TlvMode mode) {
  if (mode == TlvMode::kStrict && !tlv.header.constructed) {
    return InvalidArgumentError("tag " + TagHex(tlv.header.tag) +
                                " is primitive and has no children");
  }
  Result<std::vector<Tlv>> children = ParseTlvSequence(tlv.value, mode);
  if (!children.ok()) {
    return children.status().WithContext("in the value of tag " + TagHex(tlv.header.tag));
  }
  return children;
}

const Tlv* FindTag(std::span<const Tlv> tlvs, std::uint32_t tag) {
  for (const Tlv& tlv : tlvs) {
    if (tlv.header.tag == tag) return &tlv;
  }
  return nullptr;
}

Bytes EncodeTlv(std::uint32_t tag, ByteView value) {
  Bytes out = TagOctets(tag);
  const std::size_t n = value.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    std::size_t octets = 1;
    while (octets < sizeof(std::size_t) && (n >> (8 * octets)) != 0) ++octets;
    out.push_back(static_cast<std::uint8_t>(0x80 | octets));
    for (std::size_t i = octets; i > 0; --i) {
      out.push_back(static_cast<std::uint8_t>(n >> (8 * (i - 1))));
    }
  }
  Append(out, value);
  return out;
}

}  // namespace sekisho::card
