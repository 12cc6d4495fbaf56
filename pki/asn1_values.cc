#include "pki/asn1_values.h"

#include <openssl/err.h>

#include <chrono>
#include <climits>
#include <ctime>

namespace sekisho::pki {

Result<TimePoint> TimePointFromAsn1(const ASN1_TIME& time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(&time, &tm) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("malformed ASN.1 time");
  }
  using namespace std::chrono;
  const year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return InvalidArgumentError("malformed ASN.1 time");
  return time_point_cast<TimePoint::duration>(sys_days{date} + hours{tm.tm_hour} +
                                              minutes{tm.tm_min} + seconds{tm.tm_sec});
}

Status SetAsn1Time(ASN1_TIME& out, TimePoint time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
  if (ASN1_TIME_set(&out, static_cast<time_t>(seconds)) == nullptr) {
    ERR_clear_error();
    return InvalidArgumentError("time cannot be represented as an ASN.1 time");
  }
  return OkStatus();
}

Result<Bytes> IntegerMagnitude(const ASN1_INTEGER& integer) {
  BignumPtr bn(ASN1_INTEGER_to_BN(&integer, nullptr));
  if (!bn) return InvalidArgumentError("malformed INTEGER: " + OpenSslErrorText());
  if (BN_is_zero(bn.get())) return Bytes{0x00};
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

Result<Asn1IntegerPtr> IntegerFromMagnitude(ByteView magnitude) {
  if (magnitude.empty()) return InvalidArgumentError("empty serial number");
  if (magnitude.size() > INT_MAX) return InvalidArgumentError("serial number too long");
  BignumPtr bn(BN_bin2bn(magnitude.data(), static_cast<int>(magnitude.size()), nullptr));
  if (!bn) return InternalError("serial number: " + OpenSslErrorText());
  Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!integer) return InternalError("serial number: " + OpenSslErrorText());
  return integer;
}

}  // namespace sekisho::pki
