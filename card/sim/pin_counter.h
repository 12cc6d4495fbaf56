// One IEF's retry counter and the status words it produces (spec mynumber-card.md §2, §3.2, §9):
// 63Cx for the empty VERIFY and for a wrong value, 63C0 on the exhausting attempt and for the
// empty VERIFY once blocked, 6984 for any VERIFY with data once blocked.
#pragma once

#include <algorithm>
#include <cstdint>

#include "base/bytes.h"

namespace sekisho::card::sim {

class PinCounter {
 public:
  PinCounter(int max_tries, int tries_left)
      : max_(max_tries), left_(std::clamp(tries_left, 0, max_tries)) {}

  int max_tries() const { return max_; }
  int tries_left() const { return left_; }
  bool blocked() const { return left_ == 0; }

  // 63Cx with x = tries left (the empty VERIFY; also the answer to a wrong value after Spend()).
  std::uint16_t TriesLeftWord() const {
    return static_cast<std::uint16_t>(0x63C0 | std::min(left_, 15));
  }

  // The counter after one try is spent (never below 0) and after a success (back to max).
  PinCounter Spent() const { return PinCounter(max_, left_ - 1); }
  PinCounter Restored() const { return PinCounter(max_, max_); }

 private:
  int max_;
  int left_;
};

// Compares a presented value with the reference in time independent of where they differ
// (CRYPTO_memcmp). Different lengths never match.
bool ReferenceMatches(ByteView presented, ByteView reference);

}  // namespace sekisho::card::sim
