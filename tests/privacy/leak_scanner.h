// LeakScanner: searches files for card data (DESIGN.md §3 "What is never stored anywhere") as
// raw bytes and in the encodings a careless program would write them in: hex (upper, lower,
// spaced) and base64 (standard and URL-safe, at every alignment inside a longer encoding, across
// PEM-style line breaks). Long items are also searched for by windows, so a stored part of one
// is found too.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::privacy {

enum Encoding : unsigned {
  kRaw = 1u << 0,
  kHex = 1u << 1,     // upper and lower case, plain and with a space between bytes
  kBase64 = 1u << 2,  // standard and URL-safe alphabets, any alignment, line breaks ignored
};

struct Finding {
  std::string item;      // the name given to Add
  std::string encoding;  // "raw", "hex (lower)", "base64 (skip 1)" ...
  std::filesystem::path file;
  std::size_t offset = 0;  // in the file (in its whitespace-free form for base64 and hex)
};

class LeakScanner {
 public:
  // Looks for `bytes` (at least 4 bytes) in the given encodings. With `window` > 0 and longer
  // items, every window of that size at multiples of `window` (and the last one) is searched
  // for on its own: any stored run of 2 * window - 1 bytes of the item contains one.
  void Add(std::string name, ByteView bytes, unsigned encodings, std::size_t window = 0);

  // As Add with `window`, for the parts of `bytes` that are not public: a run of kPublicRun or
  // more bytes also found in `public_material` (a CA certificate: its DN, algorithm identifiers,
  // key identifiers) is not card data and is left out. What remains is searched for in windows;
  // a remaining span shorter than `window` but of at least kPublicRun bytes is searched for
  // whole.
  static constexpr std::size_t kPublicRun = 8;
  void AddCardPart(std::string name, ByteView bytes, unsigned encodings, std::size_t window,
                   ByteView public_material);

  std::vector<Finding> ScanBytes(ByteView haystack, const std::filesystem::path& file) const;
  // Every regular file under `root` (recursively). kUnavailable when one cannot be read.
  Result<std::vector<Finding>> ScanTree(const std::filesystem::path& root) const;
  // The files ScanTree read, and their total size, for tests to show the scan covered something.
  Result<std::vector<std::filesystem::path>> Files(const std::filesystem::path& root) const;

  std::size_t needle_count() const { return needles_.size(); }

 private:
  struct Needle {
    std::string item;
    std::string encoding;
    std::string text;
    bool strip_whitespace = false;  // search the haystack with whitespace removed
  };
  std::vector<Needle> needles_;
};

// Base64 (RFC 4648 §4) of `bytes`, with padding. For planting items in the scanner's own test.
std::string Base64(ByteView bytes);

// "item 'x' as hex (lower) in FILE at offset N" lines, for failure messages.
std::string Describe(const std::vector<Finding>& findings);

}  // namespace sekisho::privacy
