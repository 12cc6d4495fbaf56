// BER-TLV data objects: ISO/IEC 7816-4:2020 §6.3, with the tag and length octets of
// ISO/IEC 8825-1 (X.690) §8.1.2-§8.1.3. A strict DER-like mode for certificates and a tolerant
// mode for what the My Number Card writes (../shared/spec/mynumber-card.md §6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card {

// kStrict (DER-like, X.690 §10.1): tag numbers 0..30 must use the one-octet tag form, the first
// subsequent tag octet must not be 80, lengths must use the fewest octets (no 81 for < 128, no
// leading 00 length octet), tag 00 (end-of-contents) is refused.
// kCardTolerant: additionally accepts long-form tags for numbers below 31 (FF 10, DF 21) and
// non-minimal lengths (82 00 9F), and in sequences skips 00 padding and stops at FF filler.
// Both modes refuse: indefinite length (80), the reserved length octet FF, more than four
// subsequent length octets (85..FE), more than three tag octets, anything beyond the input.
enum class TlvMode { kStrict, kCardTolerant };

// Bits 8-7 of the first tag octet (X.690 §8.1.2.2, Table 1).
enum class TagClass { kUniversal, kApplication, kContextSpecific, kPrivate };

struct TlvHeader {
  std::uint32_t tag;  // the tag octets as written, big-endian: 0x30, 0x5F4E, 0xFF10, 0xDF21
  TagClass tag_class;
  bool constructed;           // bit 6 of the first tag octet
  std::uint32_t tag_number;   // the number the tag octets encode (FF 10 -> 16, DF 21 -> 33)
  std::size_t header_length;  // tag octets + length octets
  std::size_t length;         // value length
  std::size_t total_length() const { return header_length + length; }
};

// A parsed data object. `value` points into the caller's buffer, which must outlive it.
struct Tlv {
  TlvHeader header;
  ByteView value;
};

// Parses the tag and length octets at the start of `input`; the value need not be present (used
// to learn a certificate's total size from its first bytes). kInvalidArgument, naming the
// reason and offset 0, for empty input, truncated tag or length octets, or a tag or length the
// mode refuses. Never reads past `input`.
Result<TlvHeader> ParseTlvHeader(ByteView input, TlvMode mode);

// Parses one complete TLV at the start of `input`; bytes after it are ignored (use
// header.total_length()). kInvalidArgument as ParseTlvHeader, and when the value is longer than
// the bytes left after the header.
Result<Tlv> ParseTlv(ByteView input, TlvMode mode);

// Parses consecutive TLVs filling `input` (empty input gives no TLVs). In kCardTolerant mode
// 00 padding bytes before or between TLVs are skipped (ISO/IEC 7816-4 §6.3: '00' and 'FF' are
// invalid first tag bytes, used as padding), and a run of FF bytes reaching the end of `input`
// ends the sequence (spec §6: filler bytes FF follow the TLV inside the EF). kInvalidArgument,
// with the offset of the offending TLV within `input`, when any TLV is malformed.
Result<std::vector<Tlv>> ParseTlvSequence(ByteView input, TlvMode mode);

// Children of a constructed TLV (ParseTlvSequence over its value). In kStrict mode a TLV whose
// tag is primitive is kInvalidArgument; kCardTolerant does not check the bit, because the card
// marks primitive objects as constructed (FF 10 holds 12 ASCII digits). Error messages name the
// parent tag and the offset within its value.
Result<std::vector<Tlv>> ParseChildren(const Tlv& tlv, TlvMode mode);

// First TLV with `tag` (as written, e.g. 0xDF22) in `tlvs`, or nullptr. Not recursive.
const Tlv* FindTag(std::span<const Tlv> tlvs, std::uint32_t tag);

// Encodes a TLV with minimal length octets (for the simulator building EFs and for tests). The
// tag is written as its big-endian octets without leading zero octets (0x5F4E -> 5F 4E, 0x00 ->
// 00); it is not validated, so pass a tag as ParseTlvHeader reports it. Precondition: the value
// is shorter than 2^32 bytes (four length octets).
Bytes EncodeTlv(std::uint32_t tag, ByteView value);

}  // namespace sekisho::card
