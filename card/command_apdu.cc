#include "card/command_apdu.h"

#include <string>

namespace sekisho::card {
namespace {

Status Malformed(const std::string& why) { return InvalidArgumentError("malformed APDU: " + why); }

}  // namespace

ApduCase CommandApdu::Case() const {
  if (data.empty()) return ne ? ApduCase::k2 : ApduCase::k1;
  return ne ? ApduCase::k4 : ApduCase::k3;
}

bool CommandApdu::NeedsExtendedLength() const {
  return data.size() > kMaxShortNc || (ne && *ne > kMaxShortNe);
}

// ISO/IEC 7816-4:2020 §5.1, Table 2 (short) and Table 3 (extended). In the extended form Lc is
// 00 followed by two bytes; Le is two bytes after an Lc, or 00 + two bytes when alone. Ne = 256
// is coded 00 (short) and Ne = 65536 is coded 0000 (extended).
Result<Bytes> CommandApdu::Encode() const {
  if (data.size() > kMaxExtendedNc) return Malformed("Nc " + std::to_string(data.size()) + " > 65535");
  if (ne && (*ne == 0 || *ne > kMaxExtendedNe)) {
    return Malformed("Ne " + std::to_string(*ne) + " outside 1..65536");
  }
  Bytes out = {cla, ins, p1, p2};
  const bool extended = NeedsExtendedLength();
  if (!data.empty()) {
    if (extended) {
      out.push_back(0x00);
      out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
      out.push_back(static_cast<std::uint8_t>(data.size() & 0xFF));
    } else {
      out.push_back(static_cast<std::uint8_t>(data.size()));
    }
    Append(out, data);
  }
  if (ne) {
    if (extended) {
      if (data.empty()) out.push_back(0x00);
      const std::size_t v = *ne == kMaxExtendedNe ? 0 : *ne;
      out.push_back(static_cast<std::uint8_t>(v >> 8));
      out.push_back(static_cast<std::uint8_t>(v & 0xFF));
    } else {
      out.push_back(static_cast<std::uint8_t>(*ne == kMaxShortNe ? 0 : *ne));
    }
  }
  return out;
}

Result<CommandApdu> CommandApdu::Parse(ByteView b) {
  if (b.size() < 4) return Malformed(std::to_string(b.size()) + " bytes, header needs 4");
  CommandApdu c{b[0], b[1], b[2], b[3], {}, std::nullopt};
  const ByteView body = b.subspan(4);
  const std::size_t n = body.size();
  if (n == 0) return c;  // case 1
  if (n == 1) {          // case 2 short
    c.ne = body[0] == 0 ? kMaxShortNe : body[0];
    return c;
  }
  if (body[0] != 0) {  // short Lc: case 3 or 4 short
    const std::size_t nc = body[0];
    if (n == 1 + nc) {
      c.data.assign(body.begin() + 1, body.end());
      return c;
    }
    if (n == 2 + nc) {
      c.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(nc));
      c.ne = body[n - 1] == 0 ? kMaxShortNe : body[n - 1];
      return c;
    }
    return Malformed("Lc " + std::to_string(nc) + " disagrees with " + std::to_string(n) +
                     " body bytes");
  }
  // body[0] == 0 and n >= 2: extended form.
  if (n == 3) {  // case 2 extended
    const std::size_t v = ReadU16(body[1], body[2]);
    c.ne = v == 0 ? kMaxExtendedNe : v;
    return c;
  }
  if (n < 3) return Malformed("extended length field truncated");
  const std::size_t nc = ReadU16(body[1], body[2]);
  if (nc == 0) return Malformed("extended Lc is zero");
  if (n == 3 + nc) {
    c.data.assign(body.begin() + 3, body.end());
    return c;
  }
  if (n == 5 + nc) {
    c.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(nc));
    const std::size_t v = ReadU16(body[n - 2], body[n - 1]);
    c.ne = v == 0 ? kMaxExtendedNe : v;
    return c;
  }
  return Malformed("extended Lc " + std::to_string(nc) + " disagrees with " + std::to_string(n) +
                   " body bytes");
}

}  // namespace sekisho::card
