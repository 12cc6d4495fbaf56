#include "tests/privacy/leak_scanner.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace sekisho::privacy {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return s;
}

std::string UrlSafe(std::string s) {
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::string Base64(ByteView bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

void LeakScanner::Add(std::string name, ByteView bytes, unsigned encodings, std::size_t window) {
  std::vector<std::pair<std::string, ByteView>> parts;
  if (window > 0 && bytes.size() > window) {
    for (std::size_t at = 0; at + window <= bytes.size(); at += window) {
      parts.emplace_back(name + " [" + std::to_string(at) + "+" + std::to_string(window) + "]",
                         bytes.subspan(at, window));
    }
    parts.emplace_back(name + " [last " + std::to_string(window) + "]", bytes.last(window));
  } else {
    parts.emplace_back(name, bytes);
  }
  for (const auto& [item, part] : parts) {
    if ((encodings & kRaw) != 0) needles_.push_back({item, "raw", ToString(part), false});
    if ((encodings & kHex) != 0) {
      const std::string upper = ToHex(part);
      const std::string spaced = ToHex(part, true);
      needles_.push_back({item, "hex (upper)", upper, true});
      needles_.push_back({item, "hex (lower)", Lower(upper), true});
      needles_.push_back({item, "hex (upper, spaced)", spaced, false});
      needles_.push_back({item, "hex (lower, spaced)", Lower(spaced), false});
    }
    if ((encodings & kBase64) != 0) {
      // Inside a longer encoding the item starts at a byte offset of 0, 1 or 2 modulo 3; after
      // skipping 0, 2 or 1 of its bytes the rest is aligned, and every whole group of 3 bytes of
      // it encodes to the same 4 characters wherever it stands.
      for (std::size_t skip = 0; skip < 3 && skip < part.size(); ++skip) {
        ByteView aligned = part.subspan(skip);
        aligned = aligned.first(aligned.size() / 3 * 3);
        if (aligned.size() < 3) continue;
        const std::string b64 = Base64(aligned);
        const std::string label = " (skip " + std::to_string(skip) + ")";
        needles_.push_back({item, "base64" + label, b64, true});
        needles_.push_back({item, "base64url" + label, UrlSafe(b64), true});
      }
    }
  }
}

void LeakScanner::AddCardPart(std::string name, ByteView bytes, unsigned encodings,
                              std::size_t window, ByteView public_material) {
  // Mark every byte covered by a run of kPublicRun or more bytes that also occurs in the public
  // material.
  std::vector<bool> is_public(bytes.size(), false);
  const std::string haystack = ToString(public_material);
  for (std::size_t i = 0; i + kPublicRun <= bytes.size(); ++i) {
    if (haystack.find(ToString(bytes.subspan(i, kPublicRun))) != std::string::npos) {
      std::fill(is_public.begin() + static_cast<std::ptrdiff_t>(i),
                is_public.begin() + static_cast<std::ptrdiff_t>(i + kPublicRun), true);
    }
  }
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (is_public[at]) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < bytes.size() && !is_public[end]) ++end;
    const ByteView span = bytes.subspan(at, end - at);
    if (span.size() >= kPublicRun) {
      Add(name + " [" + std::to_string(at) + ".." + std::to_string(end) + ")", span, encodings,
          window);
    }
    at = end;
  }
}

std::vector<Finding> LeakScanner::ScanBytes(ByteView haystack,
                                            const std::filesystem::path& file) const {
  const std::string raw = ToString(haystack);
  std::string stripped;
  std::copy_if(raw.begin(), raw.end(), std::back_inserter(stripped),
               [](char c) { return !IsSpace(c); });
  std::vector<Finding> findings;
  for (const Needle& n : needles_) {
    const std::string& text = n.strip_whitespace ? stripped : raw;
    const std::size_t at = text.find(n.text);
    if (at != std::string::npos) findings.push_back({n.item, n.encoding, file, at});
  }
  return findings;
}

Result<std::vector<std::filesystem::path>> LeakScanner::Files(
    const std::filesystem::path& root) const {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return UnavailableError("cannot list " + root.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<Finding>> LeakScanner::ScanTree(const std::filesystem::path& root) const {
  ASSIGN_OR_RETURN(const std::vector<std::filesystem::path> files, Files(root));
  std::vector<Finding> findings;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return UnavailableError("cannot read " + file.string());
    const Bytes content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (Finding& f : ScanBytes(content, file)) findings.push_back(std::move(f));
  }
  return findings;
}

std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += "item '" + f.item + "' as " + f.encoding + " in " + f.file.string() + " at offset " +
           std::to_string(f.offset) + "\n";
  }
  return out;
}

}  // namespace sekisho::privacy
