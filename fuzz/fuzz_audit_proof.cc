// libFuzzer target for the proof verifier (audit/proof.h). Two modes, by the first byte:
//   even: a real tree of 1-64 leaves and a real proof, altered by the input's edits; the verifier
//         must accept exactly when the proof is unaltered (SHA-256 collisions aside);
//   odd:  sizes, index, leaf, roots and path taken raw from the input, up to 2^64 - 1; the
//         verifier must answer with one of its documented codes and never accept a path of the
//         wrong length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "audit/memory_tree.h"
#include "audit/proof.h"

namespace {

using sekisho::StatusCode;
using sekisho::audit::ConsistencyProof;
using sekisho::audit::Hash;
using sekisho::audit::InclusionProof;
using sekisho::audit::kHashSize;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Reads from the input, then zeros once it runs out.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return v;
  }
  Hash Hash32() {
    Hash h;
    for (auto& b : h) b = Byte();
    return h;
  }
  bool empty() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

const sekisho::audit::MemoryTree& Tree() {
  static const sekisho::audit::MemoryTree tree = [] {
    sekisho::audit::MemoryTree t;
    for (int i = 0; i < 64; ++i) {
      const std::uint8_t leaf[2] = {static_cast<std::uint8_t>(i), 0x5A};
      t.Append(sekisho::audit::HashLeaf(leaf));
    }
    return t;
  }();
  return tree;
}

// Applies the input's edits to the path: (op, position, value) triples. Returns true when any
// edit changed the proof.
bool Edit(Reader& in, std::vector<Hash>& path) {
  const std::vector<Hash> original = path;
  for (int edits = 0; edits < 8 && !in.empty(); ++edits) {
    const std::uint8_t op = in.Byte() % 4;
    const std::uint8_t position = in.Byte();
    const std::uint8_t value = in.Byte();
    if (op == 0 && !path.empty()) {
      path[position % path.size()][value % kHashSize] ^=
          static_cast<std::uint8_t>(1 << (value % 8));
    } else if (op == 1) {
      path.push_back(path.empty() ? Hash{} : path[position % path.size()]);
    } else if (op == 2 && !path.empty()) {
      path.pop_back();
    } else if (op == 3 && path.size() >= 2) {
      std::swap(path[position % path.size()], path[value % path.size()]);
    }
  }
  return path != original;
}

void RealTree(Reader& in) {
  const auto& tree = Tree();
  const bool inclusion = (in.Byte() & 1) == 0;
  const std::uint64_t size = 1 + in.Byte() % 64;
  if (inclusion) {
    const std::uint64_t index = in.Byte() % size;
    InclusionProof proof = *tree.ProveInclusion(index, size);
    const Hash leaf = (*tree.Reader()(std::vector{sekisho::audit::NodeId{0, index}}))[0];
    const bool changed = Edit(in, proof.path);
    const auto status = sekisho::audit::VerifyInclusion(leaf, proof, *tree.RootAt(size));
    Check(status.ok() == !changed);
    if (!status.ok()) {
      Check(status.code() == StatusCode::kInvalidArgument ||
            status.code() == StatusCode::kUnauthenticated);
    }
  } else {
    const std::uint64_t first = in.Byte() % (size + 1);
    ConsistencyProof proof = *tree.ProveConsistency(first, size);
    const bool changed = Edit(in, proof.path);
    const auto status =
        sekisho::audit::VerifyConsistency(proof, *tree.RootAt(first), *tree.RootAt(size));
    Check(status.ok() == !changed);
    if (!status.ok()) {
      Check(status.code() == StatusCode::kInvalidArgument ||
            status.code() == StatusCode::kDataLoss);
    }
  }
}

void RawInput(Reader& in) {
  const bool inclusion = (in.Byte() & 1) == 0;
  const std::uint64_t a = in.U64();
  const std::uint64_t b = in.U64();
  const Hash x = in.Hash32();
  const Hash y = in.Hash32();
  std::vector<Hash> path;
  while (!in.empty() && path.size() < 70) path.push_back(in.Hash32());
  if (inclusion) {
    const InclusionProof proof{a, b, path};
    const auto status = sekisho::audit::VerifyInclusion(x, proof, y);
    if (status.ok()) {
      Check(a < b && path.size() == sekisho::audit::InclusionProofLength(a, b));
    } else {
      Check(status.code() == StatusCode::kInvalidArgument ||
            status.code() == StatusCode::kUnauthenticated);
    }
  } else {
    const ConsistencyProof proof{a, b, path};
    const auto status = sekisho::audit::VerifyConsistency(proof, x, y);
    if (status.ok()) {
      Check(a <= b && path.size() == sekisho::audit::ConsistencyProofLength(a, b));
    } else {
      Check(status.code() == StatusCode::kInvalidArgument ||
            status.code() == StatusCode::kDataLoss);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  if ((in.Byte() & 1) == 0) {
    RealTree(in);
  } else {
    RawInput(in);
  }
  return 0;
}
