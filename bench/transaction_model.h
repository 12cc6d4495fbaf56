// Card transaction model: what one contactless APDU trace costs on ISO/IEC 14443 at 106 kbit/s
// (air time, frame delays, block chaining) plus the card's own work from published smart-card
// timings. Pure arithmetic, no I/O. Assumptions and sources: docs/performance.md "Card
// transaction model".
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::bench {

using Millis = std::chrono::duration<double, std::milli>;

// Carrier frequency fc (ISO/IEC 14443-2): 13.56 MHz. At 106 kbit/s one bit (etu) is 128/fc.
inline constexpr double kCarrierHz = 13.56e6;
inline constexpr int kCarrierCyclesPerEtu = 128;

// A duration of `cycles` carrier cycles (1/fc each).
constexpr Millis CarrierCycles(double cycles) { return Millis(cycles * 1000.0 / kCarrierHz); }

// What the card computes for one command, beyond decoding it and moving bytes.
enum class OnCardOperation {
  kPinVerify,            // a VERIFY that compares a PIN (try counter written to NVM)
  kRsa2048Sign,          // RSA-2048 private-key operation with CRT, PKCS#1 v1.5
  kEcdsaP256Sign,        // ECDSA over P-256
  kEcdsaP256Verify,      // ECDSA verification over P-256
  kEcdhP256,             // ECDH (plain x coordinate) over P-256
  kCvCertificateVerify,  // card-verifiable certificate check (BSI TR-03110): ECDSA P-256 verify
  kAesSmBlock,           // one 16-byte AES-128 block of secure messaging (encryption or CMAC)
  kSha256Block,          // one 64-byte SHA-256 compression
  kEcKeyGeneration,      // a fresh 256-bit EC key pair (one scalar multiplication)
  kPaceGenericMapping,   // PACE Generic Mapping's new generator s x G + H (TR-03110-3 A.3.4.1)
  kAesBlock,             // one 16-byte AES-128 block of a protocol (PACE nonce, tokens)
  kSha1Block,            // one 64-byte SHA-1 compression (key derivation, TR-03110-3 A.2.3)
};
inline constexpr std::size_t kOnCardOperationCount = 12;

// "RSA-2048 sign" etc., for tables.
std::string_view OnCardOperationName(OnCardOperation op);

// `count` times `op` within one command.
struct CardWork {
  OnCardOperation op;
  int count = 1;
};

// One command/response pair as the air interface carries it.
struct TraceExchange {
  std::string label;              // "SELECT", "READ BINARY" ... never card data
  std::size_t command_size = 0;   // the command APDU as sent (header, Lc, data, Le)
  std::size_t response_size = 0;  // the response APDU: data + SW1 SW2
  std::vector<CardWork> work;     // empty: no cryptography (SELECT, READ BINARY, empty VERIFY)
};
using Trace = std::vector<TraceExchange>;

// How many times `trace` asks the card for `op`, over every exchange.
int OperationCount(const Trace& trace, OnCardOperation op);

// The label of a command by its instruction byte (ISO/IEC 7816-4:2020 §11, and the JPKI
// application's COMPUTE DIGITAL SIGNATURE): "SELECT", "READ BINARY", "VERIFY", ... or
// "INS xx" for others. Empty input gives "?".
std::string CommandLabel(ByteView command);

enum class PiccType { kA, kB };

struct TransportConfig {
  PiccType type = PiccType::kB;  // the My Number Card is Type B (spec §0)
  // Largest frame, prologue and CRC included, the card accepts (FSC) and the reader accepts
  // (FSD). 256 is FSCI/FSDI 8, what a modern card and reader announce (ISO/IEC 14443-4:2018
  // §5.3.3; Type B: ATQB Max_Frame_Size, ATTRIB Param 2).
  std::size_t fsc = 256;
  std::size_t fsd = 256;
  // Frame waiting time integer of the card. When set, a card computation longer than
  // FWT = (256 x 16 / fc) x 2^FWI is covered by S(WTX) request/response pairs (ISO/IEC
  // 14443-4:2018 §7.3, §7.4), one per FWT started after the first, each extending by one FWT
  // (WTXM 1). When unset, S(WTX) is not modelled.
  std::optional<int> fwi;
};

// The card's time for each operation and for handling any command at all.
struct CardTimings {
  std::string name;  // which chip the figures come from
  std::array<Millis, kOnCardOperationCount> operation{};
  // Command dispatch, file access and response assembly of every APDU, cryptography aside.
  Millis per_command{0};

  Millis Of(OnCardOperation op) const { return operation[static_cast<std::size_t>(op)]; }
};

// Published figures for NXP JCOP4 J3R180 (P71 secure element) measured by JCAlgTest
// (crocs-muni/JCAlgTest, Profiles/performance/fixed/NXP_JCOP4_J3R180_SECID_P71...1634708420109
// csv, 2021-10-20), each constant sourced in the .cc; the per-command time is an assumption
// (no published figure found): 1 ms. The elliptic-curve figures are JCAlgTest's 256-bit ones,
// measured on secp256r1 (P-256); they stand for brainpoolP256r1 too (no published figure for
// that curve on this chip; docs/performance.md).
CardTimings PublishedJcop4P71Timings();

// Air-interface costs of one exchange; all times are model times, not measurements.
struct ExchangeCost {
  std::string label;
  std::size_t command_size = 0;
  std::size_t response_size = 0;
  int command_blocks = 0;   // I-blocks carrying the command (more than one: chaining)
  int response_blocks = 0;  // I-blocks carrying the response
  int wtx_requests = 0;     // S(WTX) pairs (only with TransportConfig::fwi)
  Millis transport{0};      // frames on the air and the frame delays between them
  Millis card{0};           // per-command time plus every operation's time
  Millis total() const { return transport + card; }
};

struct TraceCost {
  std::vector<ExchangeCost> exchanges;
  std::size_t apdus = 0;
  std::size_t bytes_sent = 0;      // command APDU bytes
  std::size_t bytes_received = 0;  // response APDU bytes, status words included
  Millis transport{0};
  Millis card{0};
  Millis total() const { return transport + card; }
};

// Applies the model to `trace`. Per exchange:
//   - each frame on the air: Type A 9 bits per byte (8 + odd parity) plus start and end of
//     communication (ISO/IEC 14443-3:2011 §6.2.3); Type B 10 etu per character (start, 8 data,
//     stop; no extra guard time), SOF 12 etu, EOF 10 etu (§7.1.1-7.1.5); 128/fc per bit;
//   - each block: PCB + INF + CRC (ISO/IEC 14443-4:2018 §7.2; CID and NAD absent), at most FSC
//     (command) or FSD (response) bytes; a longer APDU is chained, each non-final block
//     acknowledged by an R(ACK) of PCB + CRC (§7.6.3);
//   - between frames the shortest delay the standard allows: Type A PCD to PICC 1236/fc
//     (n = 9, last bit 1; 64/fc less when it is 0), PICC to PCD 1172/fc (ISO/IEC 14443-3:2011
//     §6.2.1); Type B PCD to PICC TR0 + TR1 = 1024/fc + 1280/fc, PICC to PCD TR2 = 14 etu
//     (§7.1.6, §7.1.7);
//   - the card's time (CardTimings) between the last command block and the first response
//     block.
// The reader's own latency (firmware, USB, PC/SC) and the host's work are not included.
// kInvalidArgument when FSC or FSD is outside 16..4096 or FWI outside 0..14, or an exchange
// has a command shorter than 4 bytes, a response shorter than 2 bytes or a negative count.
Result<TraceCost> ModelTrace(const Trace& trace, const TransportConfig& transport,
                             const CardTimings& card);

// Activation before the first APDU, at the same timings: Type A REQA, ATQA, one cascade level
// of ANTICOLLISION and SELECT (4-byte UID), SAK, RATS and an ATS of `ats_size` bytes (ISO/IEC
// 14443-3:2011 §6.4, 14443-4:2018 §5.2, §5.3); Type B REQB, ATQB (12 bytes + CRC), ATTRIB and
// its 1-byte answer (ISO/IEC 14443-3:2011 §7.7-7.11). Field power-up and polling are not
// included.
Millis ActivationTime(PiccType type, std::size_t ats_size = 6);

}  // namespace sekisho::bench
