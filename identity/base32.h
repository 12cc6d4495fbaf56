// Base32 with the RFC 4648 §6 alphabet (A-Z, 2-7), without padding.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::identity {

inline constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Upper-case base32 of `bytes`, no '=' padding (RFC 4648 §6 with §3.2's padding omitted).
std::string Base32Encode(ByteView bytes);

// Value 0-31 of a base32 character, case-insensitive; -1 for anything else.
int Base32Value(char c);

// Inverse of Base32Encode; accepts lower case. kInvalidArgument naming the problem: a character
// outside the alphabet (padding included) with its position, a length no encoding has
// (8k + 1, 3 or 6 characters), or non-zero unused bits in the last character.
Result<Bytes> Base32Decode(std::string_view text);

}  // namespace sekisho::identity
