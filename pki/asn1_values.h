// Conversions between ASN.1 values in certificates and CRLs and Sekisho types: times
// (RFC 5280 §4.1.2.5, §5.1.2.4) and serial-number INTEGERs (RFC 5280 §4.1.2.2).
#pragma once

#include <openssl/asn1.h>

#include <string>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "pki/openssl_types.h"

namespace sekisho::pki {

// Converts a UTCTime or GeneralizedTime to a TimePoint (whole seconds, UTC).
// kInvalidArgument if it is malformed.
Result<TimePoint> TimePointFromAsn1(const ASN1_TIME& time);

// Sets `out` to `time`, truncated to whole seconds: UTCTime for 1950-2049, GeneralizedTime
// otherwise (RFC 5280 §4.1.2.5). kInvalidArgument for a time OpenSSL cannot represent.
Status SetAsn1Time(ASN1_TIME& out, TimePoint time);

// "2026-01-31T00:00:00Z": ISO 8601 in UTC, whole seconds, for messages.
std::string Iso8601Utc(TimePoint time);

// The minimal big-endian magnitude of an INTEGER (sign dropped, no leading zero bytes; zero is
// one 0x00 byte). kInvalidArgument if it cannot be decoded.
Result<Bytes> IntegerMagnitude(const ASN1_INTEGER& integer);

// A positive INTEGER with the given big-endian magnitude (leading zero bytes are ignored).
// kInvalidArgument for an empty magnitude.
Result<Asn1IntegerPtr> IntegerFromMagnitude(ByteView magnitude);

}  // namespace sekisho::pki
