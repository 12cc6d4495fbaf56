#include "identity/pseudonym.h"

#include <cstdlib>

#include "base/digest.h"
#include "identity/base32.h"
#include "identity/hmac.h"

namespace sekisho::identity {
namespace {

constexpr int kN = 32;  // Luhn mod N over the base32 alphabet
constexpr std::size_t kDisplaySymbols = 16;

ByteView Label(std::string_view label) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
}

ByteView StripLeadingZeros(ByteView magnitude) {
  std::size_t i = 0;
  while (i + 1 < magnitude.size() && magnitude[i] == 0x00) ++i;
  return magnitude.subspan(i);
}

// Luhn mod N: from the rightmost symbol leftwards, double every other symbol starting with
// `first_factor`, fold a doubled value d to d / N + d % N, and sum.
int LuhnSum(std::string_view symbols, int first_factor) {
  int factor = first_factor;
  int sum = 0;
  for (auto it = symbols.rbegin(); it != symbols.rend(); ++it) {
    const int addend = factor * Base32Value(*it);
    sum += addend / kN + addend % kN;
    factor = factor == 2 ? 1 : 2;
  }
  return sum;
}

std::string Printable(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0x0F];
}

}  // namespace

Bytes Pseudonym(const OrgKey& k_org, ByteView spki_der) {
  return HmacSha256(k_org.view(), {Label(kPseudonymLabel), spki_der});
}

Bytes RiPseudonym(const OrgKey& k_org, ByteView ri) {
  return HmacSha256(k_org.view(), {Label(kRiPseudonymLabel), ri});
}

Bytes KeyedSerial(const OrgKey& k_org, ByteView issuer_dn_der, ByteView serial) {
  const Bytes issuer_hash = Sha256(issuer_dn_der);
  return HmacSha256(k_org.view(),
                    {Label(kKeyedSerialLabel), issuer_hash, StripLeadingZeros(serial)});
}

KeyedSerialHasher::KeyedSerialHasher(const OrgKey& k_org, ByteView issuer_dn_der)
    : hmac_(k_org.view(), {Label(kKeyedSerialLabel), Sha256(issuer_dn_der)}) {}

Bytes KeyedSerialHasher::Of(ByteView serial) const { return hmac_.Of(StripLeadingZeros(serial)); }

char LuhnMod32CheckCharacter(std::string_view symbols) {
  // The check character will sit to the right, so the rightmost data symbol is doubled.
  const int remainder = LuhnSum(symbols, 2) % kN;
  return kBase32Alphabet[static_cast<std::size_t>((kN - remainder) % kN)];
}

std::string DisplayPseudonym(ByteView psn) {
  if (psn.size() < kDisplayBytes) std::abort();
  const std::string symbols = Base32Encode(psn.first(kDisplayBytes));
  std::string out;
  for (std::size_t i = 0; i < symbols.size(); i += 4) {
    out.append(symbols, i, 4);
    out.push_back('-');
  }
  out.push_back(LuhnMod32CheckCharacter(symbols));
  return out;
}

Result<Bytes> ParseDisplayPseudonym(std::string_view text) {
  std::string symbols;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' || c == ' ') continue;
    const int value = Base32Value(c);
    if (value < 0) {
      return InvalidArgumentError("display pseudonym: " + Printable(c) + " at position " +
                                  std::to_string(i + 1) + " is not a base32 character (A-Z, 2-7)");
    }
    symbols.push_back(kBase32Alphabet[static_cast<std::size_t>(value)]);
  }
  if (symbols.size() != kDisplaySymbols + 1) {
    return InvalidArgumentError(
        "display pseudonym: expected 17 characters (16 and a check "
        "character, dashes aside), got " +
        std::to_string(symbols.size()));
  }
  // With the check character in place the sum over all 17 symbols is 0 mod N.
  if (LuhnSum(symbols, 1) % kN != 0) {
    return InvalidArgumentError(
        "display pseudonym: check character does not match (a character is mistyped)");
  }
  return Base32Decode(std::string_view(symbols).substr(0, kDisplaySymbols));
}

}  // namespace sekisho::identity
