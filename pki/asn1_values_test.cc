#include "pki/asn1_values.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::pki {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

// DER of an INTEGER (X.690 §8.3).
std::string IntegerDer(ByteView magnitude) {
  Result<Asn1IntegerPtr> integer = IntegerFromMagnitude(magnitude);
  EXPECT_THAT(integer, IsOk());
  unsigned char* der = nullptr;
  const int size = i2d_ASN1_INTEGER(integer->get(), &der);
  EXPECT_GT(size, 0);
  const std::string hex = ToHex(ByteView(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return hex;
}

Bytes MagnitudeOfDer(std::string_view hex) {
  const Bytes der = *FromHex(hex);
  const unsigned char* p = der.data();
  Asn1IntegerPtr integer(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(der.size())));
  EXPECT_NE(integer, nullptr) << hex;
  if (!integer) return {};
  Result<Bytes> magnitude = IntegerMagnitude(*integer);
  EXPECT_THAT(magnitude, IsOk());
  return magnitude.value_or(Bytes{});
}

TEST(Asn1ValuesTest, IntegersEncodeMinimallyAndPositive) {
  EXPECT_EQ(IntegerDer(Bytes{0x01}), "020101");
  EXPECT_EQ(IntegerDer(Bytes{0x00}), "020100");
  EXPECT_EQ(IntegerDer(Bytes{0x00, 0x00}), "020100");
  EXPECT_EQ(IntegerDer(Bytes{0x00, 0x7F}), "02017F");
  EXPECT_EQ(IntegerDer(Bytes{0x80}), "02020080");  // a leading 00 keeps it positive
  EXPECT_EQ(IntegerDer(Bytes{0x01, 0x00}), "02020100");
  EXPECT_THAT(IntegerFromMagnitude({}), StatusIs(StatusCode::kInvalidArgument));
}

TEST(Asn1ValuesTest, MagnitudesDropSignAndPadding) {
  EXPECT_EQ(MagnitudeOfDer("020100"), (Bytes{0x00}));
  EXPECT_EQ(MagnitudeOfDer("02017F"), (Bytes{0x7F}));
  EXPECT_EQ(MagnitudeOfDer("02020080"), (Bytes{0x80}));
  EXPECT_EQ(MagnitudeOfDer("0209008000000000000001"), (Bytes{0x80, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(MagnitudeOfDer("0201FF"), (Bytes{0x01}));    // -1
  EXPECT_EQ(MagnitudeOfDer("0202FF7F"), (Bytes{0x81}));  // -129
}

TEST(Asn1ValuesTest, IsoTimes) {
  EXPECT_EQ(Iso8601Utc(FromUnixSeconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Iso8601Utc(FromUnixSeconds(1767225600)), "2026-01-01T00:00:00Z");
  EXPECT_EQ(Iso8601Utc(FromUnixSeconds(951825599)), "2000-02-29T11:59:59Z");
  EXPECT_EQ(Iso8601Utc(FromUnixSeconds(4102444799) + std::chrono::milliseconds(999)),
            "2099-12-31T23:59:59Z");
}

}  // namespace
}  // namespace sekisho::pki
