// FlatIndex: an open-addressing hash index from a key to a position in a vector its owner keeps.
// Linear probing in one flat array, no node per entry, backward-shift deletion (no tombstones),
// so lookups on the door path cost one or two cache lines and never allocate.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "policy/model.h"

namespace sekisho::policy {

// Object ids are small integers assigned by the server; the multiplicative step in FlatIndex
// spreads consecutive ids.
struct ObjectIdHash {
  std::uint64_t operator()(ObjectId id) const { return id; }
};

// Credential keys are HMAC outputs (DESIGN.md §3), uniform in every bit: their first 8 bytes are
// already a good hash.
struct CredentialKeyHash {
  std::uint64_t operator()(const CredentialKey& key) const {
    std::uint64_t prefix;
    std::memcpy(&prefix, key.data(), sizeof prefix);
    return prefix;
  }
};

// No extra value per entry.
struct NoExtra {
  friend bool operator==(NoExtra, NoExtra) = default;
};

// Maps each key to a std::uint32_t position, plus an optional small `Extra` value kept in the
// same slot (CompiledPolicy keeps a prefetch address there). Keys are unique. The table keeps its
// load at or below 1/2, so a lookup of an absent key (an unknown card) stops after a few slots. Not
// thread-safe for writes; const methods may run concurrently.
template <typename Key, typename Hash, typename Extra = NoExtra>
class FlatIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;

  FlatIndex() = default;

  // The position stored for `key`, or kAbsent. When found and `extra` is not null, *extra
  // receives the entry's extra value.
  std::uint32_t Find(const Key& key, Extra* extra = nullptr) const {
    if (size_ == 0) return kAbsent;
    for (std::size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.position == kAbsent) return kAbsent;
      if (slot.key == key) {
        if (extra != nullptr) *extra = slot.extra;
        return slot.position;
      }
    }
  }

  // Adds `key` -> (`position`, `extra`) (position != kAbsent), or replaces both for a present
  // key.
  void Set(const Key& key, std::uint32_t position, Extra extra = Extra{}) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    for (std::size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.position == kAbsent) {
        slot = Slot{key, position, extra};
        ++size_;
        return;
      }
      if (slot.key == key) {
        slot.position = position;
        slot.extra = extra;
        return;
      }
    }
  }

  // Removes `key`; false if it was not present.
  bool Erase(const Key& key) {
    if (size_ == 0) return false;
    std::size_t hole = Home(key);
    for (;; hole = (hole + 1) & mask_) {
      if (slots_[hole].position == kAbsent) return false;
      if (slots_[hole].key == key) break;
    }
    // Backward-shift deletion (Knuth, TAOCP vol. 3, §6.4, Algorithm R): move later entries of
    // the probe run into the hole unless their home lies cyclically in (hole, next].
    for (std::size_t next = (hole + 1) & mask_; slots_[next].position != kAbsent;
         next = (next + 1) & mask_) {
      const std::size_t home = Home(slots_[next].key);
      const bool stays =
          hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (stays) continue;
      slots_[hole] = slots_[next];
      hole = next;
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  // Sizes the table for `count` keys without rehashing on the way.
  void Reserve(std::size_t count) {
    std::size_t capacity = kMinCapacity;
    while (capacity < count * 2) capacity *= 2;
    if (capacity > slots_.size()) Rehash(capacity);
  }

  void Clear() {
    slots_.clear();
    mask_ = 0;
    shift_ = 64;
    size_ = 0;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr std::size_t kMinCapacity = 16;

  struct Slot {
    Key key{};
    std::uint32_t position = kAbsent;
    [[no_unique_address]] Extra extra{};
  };

  // Fibonacci hashing: the top bits of hash * 2^64/phi pick the slot.
  std::size_t Home(const Key& key) const {
    return static_cast<std::size_t>((Hash{}(key)*0x9E3779B97F4A7C15ull) >> shift_);
  }

  void Grow() { Rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2); }

  void Rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.position != kAbsent) Set(slot.key, slot.position, slot.extra);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace sekisho::policy
