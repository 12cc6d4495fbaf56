// Test code only: the Certificate Transparency reference leaves and roots (RFC 6962 / RFC 9162
// hashing), and a naive recursive MTH, PATH and PROOF written straight from RFC 9162 §2.1 with
// SHA-256 from base/digest.h, independent of the code under test.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "base/bytes.h"

namespace sekisho::audit::testing {

// The origin line (checkpoint name) of the logs the tests open.
inline constexpr std::string_view kLogOrigin = "example.org/audit";

// The eight leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657,
// 606162636465666768696a6b6c6d6e6f.
std::vector<Bytes> CtLeaves();
// The published roots of the trees of the first n of those leaves, n = 0..8, in hex.
std::vector<std::string> CtRoots();

Hash FromHexOrDie(std::string_view hex);

// RFC 9162 §2.1.1 over leaf inputs.
Hash NaiveLeafHash(ByteView input);
Hash NaiveMth(std::span<const Bytes> leaves);
// MTH over leaf hashes (the same recursion, leaves already hashed).
Hash NaiveMthOfHashes(std::span<const Hash> leaf_hashes);
// PATH(m, D[n]) (§2.1.3.1) and PROOF(m, D[n]) (§2.1.4.1) over leaf hashes.
std::vector<Hash> NaivePath(std::uint64_t m, std::span<const Hash> leaf_hashes);
std::vector<Hash> NaiveProof(std::uint64_t m, std::span<const Hash> leaf_hashes);

// Leaf hashes of n distinct leaves ("leaf 0", "leaf 1", ...).
std::vector<Hash> SampleLeafHashes(std::size_t n);

}  // namespace sekisho::audit::testing
