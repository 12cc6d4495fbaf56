#include "gate/chain.h"

#include <algorithm>
#include <string>

#include "gate/wire.h"

namespace sekisho::gate {
namespace {

ChainHash Hash(ByteView input) {
  const Bytes digest = Sha256(input);
  ChainHash out;
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

}  // namespace

ChainHash GenesisChainHash(GateId gate) {
  Bytes input = ToBytes(kChainLabel);
  PutU32(input, gate);
  return Hash(input);
}

ChainHash NextChainHash(const ChainHash& previous, ByteView record) {
  Bytes input;
  input.reserve(kChainLabel.size() + previous.size() + record.size());
  Append(input, ToBytes(kChainLabel));
  Append(input, previous);
  Append(input, record);
  return Hash(input);
}

Result<ChainHash> ChainHashFromBytes(ByteView bytes, std::string_view what) {
  ChainHash out;
  if (bytes.size() != out.size()) {
    return DataLossError(std::string(what) + ": a chain hash is 32 bytes, got " +
                         std::to_string(bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace sekisho::gate
