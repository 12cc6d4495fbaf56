#include "card/sim/card_tlv_forms.h"

#include "card/tlv.h"

namespace sekisho::card::sim {

Bytes EncodeTlv82(std::uint32_t tag, ByteView value) {
  // EncodeTlv with an empty value yields the tag octets and the length octet 00.
  Bytes out = EncodeTlv(tag, {});
  out.pop_back();
  out.push_back(0x82);
  out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(value.size() & 0xFF));
  Append(out, value);
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}

}  // namespace sekisho::card::sim
