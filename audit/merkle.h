// The Merkle tree hash rules of RFC 9162 §2.1.1 (SHA-256 with the 0x00 leaf and 0x01 node
// prefixes) and the addressing of perfect subtrees by which the log stores and reads its tree.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::audit {

inline constexpr std::size_t kHashSize = 32;
using Hash = std::array<std::uint8_t, kHashSize>;

// MTH({}) = SHA-256() (RFC 9162 §2.1.1): e3b0c442...b855.
const Hash& EmptyTreeRoot();
// MTH({d}) = SHA-256(0x00 || d) (RFC 9162 §2.1.1).
Hash HashLeaf(ByteView leaf_input);
// SHA-256(0x01 || left || right) (RFC 9162 §2.1.1).
Hash HashChildren(const Hash& left, const Hash& right);

// kInvalidArgument "<what>: expected a 32-byte hash, got N bytes".
Result<Hash> HashFromBytes(ByteView bytes, std::string_view what);
// Lower-case hex, as the docs and the CLI print hashes.
std::string HashHex(const Hash& hash);

// The split point k of RFC 9162 §2.1.1: the largest power of two smaller than n. Precondition:
// n >= 2.
std::uint64_t SplitPoint(std::uint64_t n);

// A perfect subtree: the 2^level leaves [index * 2^level, (index + 1) * 2^level). Level 0 is a
// leaf hash; higher levels are MTH of that range, stored once the range is complete.
struct NodeId {
  int level = 0;
  std::uint64_t index = 0;

  std::uint64_t begin() const { return index << level; }
  std::uint64_t end() const { return (index + 1) << level; }
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// The perfect subtrees of MTH(D[begin:end]) as RFC 9162 §2.1.1 splits it, left to right, with
// strictly decreasing levels; FoldSubtrees of their hashes is that MTH. Precondition:
// begin < end and begin is a multiple of the smallest power of two >= end - begin, which holds
// for every range the recursions of RFC 9162 §2.1.3.1 and §2.1.4.1 visit (and for begin = 0).
std::vector<NodeId> SubtreesOf(std::uint64_t begin, std::uint64_t end);

// The right fold H(h0, H(h1, ... H(h[n-2], h[n-1]))): MTH of a range from the hashes of
// SubtreesOf that range. Precondition: !hashes.empty().
Hash FoldSubtrees(std::span<const Hash> hashes);

}  // namespace sekisho::audit
