#include "card/response_apdu.h"

#include <string>

namespace sekisho::card {

Bytes ResponseApdu::Encode() const {
  Bytes out = data;
  out.push_back(sw1());
  out.push_back(sw2());
  return out;
}

Result<ResponseApdu> ResponseApdu::Parse(ByteView b) {
  if (b.size() < 2) {
    return DataLossError("response of " + std::to_string(b.size()) +
                         " bytes has no status word");
  }
  ResponseApdu r;
  r.data.assign(b.begin(), b.end() - 2);
  r.sw = ReadU16(b[b.size() - 2], b[b.size() - 1]);
  return r;
}

}  // namespace sekisho::card
