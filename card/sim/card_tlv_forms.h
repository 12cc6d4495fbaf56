// The fixed-width BER-TLV length forms the My Number Card writes (spec mynumber-card.md §6:
// `82 00 9F`, `82 01 4B`), which card/tlv.h's EncodeTlv (minimal lengths) does not produce.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace sekisho::card::sim {

// Tag octets as EncodeTlv writes them, then `82 HH LL` whatever the length.
// Precondition: value.size() <= 0xFFFF.
Bytes EncodeTlv82(std::uint32_t tag, ByteView value);

// Concatenation of byte strings.
Bytes Concat(std::initializer_list<ByteView> parts);

}  // namespace sekisho::card::sim
