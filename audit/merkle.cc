#include "audit/merkle.h"

#include <openssl/evp.h>

#include <bit>
#include <cstdlib>
#include <memory>

namespace sekisho::audit {
namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// SHA-256 fetched once and a context kept per thread: the log hashes two or three short inputs
// per record, and an implicit fetch and a fresh context per hash would cost more than the hash.
class Sha256Hasher {
 public:
  Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) std::abort();
  }
  void Begin() {
    if (EVP_DigestInit_ex2(ctx_.get(), Md(), nullptr) != 1) std::abort();
  }
  void Update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(ctx_.get(), data, size) != 1) std::abort();
  }
  Hash Finish() {
    Hash out;
    unsigned int len = 0;
    // Fails only on allocation failure; there is nothing sensible to return then.
    if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1 || len != kHashSize) std::abort();
    return out;
  }

 private:
  static const EVP_MD* Md() {
    static const std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, "SHA2-256", nullptr));
    if (md == nullptr) std::abort();
    return md.get();
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
};

Sha256Hasher& ThreadHasher() {
  thread_local Sha256Hasher hasher;
  return hasher;
}

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

}  // namespace

const Hash& EmptyTreeRoot() {
  static const Hash root = [] {
    Sha256Hasher& h = ThreadHasher();
    h.Begin();
    return h.Finish();
  }();
  return root;
}

Hash HashLeaf(ByteView leaf_input) {
  Sha256Hasher& h = ThreadHasher();
  h.Begin();
  h.Update(&kLeafPrefix, 1);
  h.Update(leaf_input.data(), leaf_input.size());
  return h.Finish();
}

Hash HashChildren(const Hash& left, const Hash& right) {
  Sha256Hasher& h = ThreadHasher();
  h.Begin();
  h.Update(&kNodePrefix, 1);
  h.Update(left.data(), left.size());
  h.Update(right.data(), right.size());
  return h.Finish();
}

Result<Hash> HashFromBytes(ByteView bytes, std::string_view what) {
  if (bytes.size() != kHashSize) {
    return InvalidArgumentError(std::string(what) + ": expected a 32-byte hash, got " +
                                std::to_string(bytes.size()) + " bytes");
  }
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

std::string HashHex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kHashSize);
  for (const std::uint8_t b : hash) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

std::vector<NodeId> SubtreesOf(std::uint64_t begin, std::uint64_t end) {
  std::vector<NodeId> nodes;
  while (begin < end) {
    // The largest power of two that fits; the alignment precondition makes it a subtree.
    const int level = static_cast<int>(std::bit_width(end - begin)) - 1;
    nodes.push_back({level, begin >> level});
    begin += std::uint64_t{1} << level;
  }
  return nodes;
}

Hash FoldSubtrees(std::span<const Hash> hashes) {
  Hash acc = hashes.back();
  for (std::size_t i = hashes.size() - 1; i-- > 0;) acc = HashChildren(hashes[i], acc);
  return acc;
}

}  // namespace sekisho::audit
