// The hash chain over a gate's events (docs/formats/gate-events.md "Chain"): each link commits to
// the previous one and to the event's record bytes, so a removed, reordered or altered event
// breaks every later link.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/digest.h"
#include "gate/event.h"

namespace sekisho::gate {

// Domain-separation label: ASCII, no terminator.
inline constexpr std::string_view kChainLabel = "sekisho/gate-chain/v1";

using ChainHash = std::array<std::uint8_t, kSha256Size>;

// chain_0 = SHA-256("sekisho/gate-chain/v1" || gate id as 4 bytes big-endian): where the chain of
// a new gate starts.
ChainHash GenesisChainHash(GateId gate);

// chain_i = SHA-256("sekisho/gate-chain/v1" || chain_{i-1} || record_i), where record_i is the
// encoded event (EncodeEvent) with sequence number i.
ChainHash NextChainHash(const ChainHash& previous, ByteView record);

// The bytes of a stored chain hash; kDataLoss "<what>: a chain hash is 32 bytes, got N".
Result<ChainHash> ChainHashFromBytes(ByteView bytes, std::string_view what);

}  // namespace sekisho::gate
