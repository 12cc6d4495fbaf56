#include "pki/asn1_values.h"

#include <openssl/err.h>

#include <chrono>
#include <climits>
#include <cstdio>
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

std::string Iso8601Utc(TimePoint time) {
  using namespace std::chrono;
  const sys_seconds t = floor<seconds>(time);
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss<seconds> clock{t - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  char hms[16];
  std::snprintf(hms, sizeof hms, "T%02d:%02d:%02dZ", static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return std::string(text) + hms;
}

Result<Bytes> IntegerMagnitude(const ASN1_INTEGER& integer) {
  // OpenSSL keeps an INTEGER as its big-endian magnitude, the sign in the type (a_int.c), so no
  // BIGNUM is needed: this runs once per entry of CRLs with a million entries.
  const int type = ASN1_STRING_type(&integer);
  if (type != V_ASN1_INTEGER && type != V_ASN1_NEG_INTEGER) {
    return InvalidArgumentError("malformed INTEGER: not an INTEGER");
  }
  const unsigned char* data = ASN1_STRING_get0_data(&integer);
  const int length = ASN1_STRING_length(&integer);
  if (length < 0 || (length > 0 && data == nullptr)) {
    return InvalidArgumentError("malformed INTEGER");
  }
  int i = 0;
  while (i < length && data[i] == 0x00) ++i;
  if (i == length) return Bytes{0x00};
  return Bytes(data + i, data + length);
}

Result<Asn1IntegerPtr> IntegerFromMagnitude(ByteView magnitude) {
  if (magnitude.empty()) return InvalidArgumentError("empty serial number");
  if (magnitude.size() > INT_MAX) return InvalidArgumentError("serial number too long");
  std::size_t i = 0;
  while (i + 1 < magnitude.size() && magnitude[i] == 0x00) ++i;
  // The same representation d2i gives (see IntegerMagnitude): magnitude bytes, positive type.
  Asn1IntegerPtr integer(ASN1_INTEGER_new());
  if (!integer || ASN1_STRING_set(integer.get(), magnitude.data() + i,
                                  static_cast<int>(magnitude.size() - i)) != 1) {
    return InternalError("serial number: " + OpenSslErrorText());
  }
  return integer;
}

}  // namespace sekisho::pki
