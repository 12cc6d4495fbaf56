#include "audit/test_vectors.h"

#include <cstdlib>

#include "base/digest.h"

namespace sekisho::audit::testing {
namespace {

Hash ToHash(const Bytes& bytes) {
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

Hash NaiveNode(const Hash& left, const Hash& right) {
  Bytes input = {0x01};
  input.insert(input.end(), left.begin(), left.end());
  input.insert(input.end(), right.begin(), right.end());
  return ToHash(Sha256(input));
}

// The largest power of two smaller than n, by counting up.
std::uint64_t NaiveSplit(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::vector<Hash> SubProof(std::uint64_t m, std::span<const Hash> d, bool b) {
  const std::uint64_t n = d.size();
  if (m == n) {
    if (b) return {};
    return {NaiveMthOfHashes(d)};
  }
  const std::uint64_t k = NaiveSplit(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = SubProof(m, d.subspan(0, k), b);
    out.push_back(NaiveMthOfHashes(d.subspan(k)));
  } else {
    out = SubProof(m - k, d.subspan(k), false);
    out.push_back(NaiveMthOfHashes(d.subspan(0, k)));
  }
  return out;
}

}  // namespace

std::vector<Bytes> CtLeaves() {
  std::vector<Bytes> leaves;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(*FromHex(hex));
  }
  return leaves;
}

std::vector<std::string> CtRoots() {
  return {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
}

Hash FromHexOrDie(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes.ok() || bytes->size() != kHashSize) std::abort();
  return ToHash(*bytes);
}

Hash NaiveLeafHash(ByteView input) {
  Bytes prefixed = {0x00};
  prefixed.insert(prefixed.end(), input.begin(), input.end());
  return ToHash(Sha256(prefixed));
}

Hash NaiveMth(std::span<const Bytes> leaves) {
  std::vector<Hash> hashes;
  for (const Bytes& leaf : leaves) hashes.push_back(NaiveLeafHash(leaf));
  return NaiveMthOfHashes(hashes);
}

Hash NaiveMthOfHashes(std::span<const Hash> d) {
  if (d.empty()) return ToHash(Sha256({}));
  if (d.size() == 1) return d[0];
  const std::uint64_t k = NaiveSplit(d.size());
  return NaiveNode(NaiveMthOfHashes(d.subspan(0, k)), NaiveMthOfHashes(d.subspan(k)));
}

std::vector<Hash> NaivePath(std::uint64_t m, std::span<const Hash> d) {
  const std::uint64_t n = d.size();
  if (n <= 1) return {};
  const std::uint64_t k = NaiveSplit(n);
  std::vector<Hash> out;
  if (m < k) {
    out = NaivePath(m, d.subspan(0, k));
    out.push_back(NaiveMthOfHashes(d.subspan(k)));
  } else {
    out = NaivePath(m - k, d.subspan(k));
    out.push_back(NaiveMthOfHashes(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> NaiveProof(std::uint64_t m, std::span<const Hash> d) {
  if (m == 0 || m == d.size()) return {};
  return SubProof(m, d, true);
}

std::vector<Hash> SampleLeafHashes(std::size_t n) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(NaiveLeafHash(ToBytes("leaf " + std::to_string(i))));
  return out;
}

}  // namespace sekisho::audit::testing
