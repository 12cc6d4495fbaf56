// Test-only: byte strings written as hex literals in known-answer tests, H("9000").
#pragma once

#include <string_view>

#include "base/bytes.h"

namespace sekisho::testing {

// The bytes `hex` spells (base/bytes.h FromHex). Precondition: `hex` is well formed; a malformed
// literal is a defect of the test (Result::value() asserts).
inline Bytes H(std::string_view hex) { return *FromHex(hex); }

}  // namespace sekisho::testing
