#include "bench/transaction_model.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "card/mynumber_card.h"

namespace sekisho::bench {
namespace {

// ISO/IEC 14443-4:2018 §7.2: PCB (1) + EDC (CRC_A or CRC_B, 2); CID and NAD are absent.
constexpr std::size_t kBlockOverhead = 3;
// R(ACK): PCB + CRC. S(WTX): PCB + WTXM/INF (1) + CRC (§7.4).
constexpr std::size_t kRBlockSize = 3;
constexpr std::size_t kWtxBlockSize = 4;
// FSCI/FSDI 0..12 give 16..4096 bytes (§5.3.3).
constexpr std::size_t kMinFrameSize = 16;
constexpr std::size_t kMaxFrameSize = 4096;
constexpr int kMaxFwi = 14;

// Carrier cycles, ISO/IEC 14443-3:2011.
constexpr double kEtu = kCarrierCyclesPerEtu;
// §6.2.1: FDT PCD to PICC = (n x 128 + 84)/fc with n = 9 when the last bit is (1)b, 20 instead of
// 84 when it is (0)b; the larger is used for every frame. FDT PICC to PCD is at least 1172/fc.
constexpr double kTypeAPcdToPicc = 9 * 128 + 84;
constexpr double kTypeAPiccToPcd = 1172;
// §7.1.6: before the PICC's SOF, TR0 (no subcarrier, at least 64/fs = 1024/fc) then TR1
// (unmodulated subcarrier, at least 80/fs = 1280/fc). §7.1.7: the PCD's SOF starts no earlier
// than TR2 after the PICC's EOF; 14 etu (10 etu + 32/fs) is its smallest default.
constexpr double kTypeBPcdToPicc = 1024 + 1280;
constexpr double kTypeBPiccToPcd = 14 * kEtu;

// Carrier cycles of one frame of `bytes` bytes.
double FrameCycles(PiccType type, std::size_t bytes) {
  const double n = static_cast<double>(bytes);
  if (type == PiccType::kA) {
    // §6.2.3.2: start of communication (1 bit), 8 data bits + odd parity per byte, end of
    // communication (1 bit period).
    return (9 * n + 2) * kEtu;
  }
  // §7.1.1-7.1.5: SOF (10 etu low + 2 etu high), 10 etu per character (start bit, 8 data bits,
  // stop bit; extra guard time 0), EOF (10 etu low).
  return (12 + 10 * n + 10) * kEtu;
}

double PcdToPicc(PiccType type) { return type == PiccType::kA ? kTypeAPcdToPicc : kTypeBPcdToPicc; }
double PiccToPcd(PiccType type) { return type == PiccType::kA ? kTypeAPiccToPcd : kTypeBPiccToPcd; }

int BlocksFor(std::size_t apdu_size, std::size_t frame_size) {
  const std::size_t inf = frame_size - kBlockOverhead;
  return static_cast<int>((apdu_size + inf - 1) / inf);
}

// Air time of `apdu_size` bytes sent as `blocks` I-blocks, each non-final block followed by the
// frame delay, the peer's R(ACK) and the frame delay back (§7.6.3). Frame time is affine in its
// size, so the blocks' frames add up to `blocks` empty frames plus every byte they carry.
double ChainedCycles(PiccType type, std::size_t apdu_size, int blocks, double delay_to_peer,
                     double delay_back) {
  const double per_byte = FrameCycles(type, 1) - FrameCycles(type, 0);
  const double frames = FrameCycles(type, 0) * blocks +
                        per_byte * static_cast<double>(apdu_size + kBlockOverhead * blocks);
  const double acks = (blocks - 1) * (delay_to_peer + FrameCycles(type, kRBlockSize) + delay_back);
  return frames + acks;
}

Status CheckConfig(const TransportConfig& config) {
  for (std::size_t size : {config.fsc, config.fsd}) {
    if (size < kMinFrameSize || size > kMaxFrameSize) {
      return InvalidArgumentError(
          fmt::format("frame size {} is outside {}..{} (ISO/IEC 14443-4 FSCI/FSDI 0..12)", size,
                      kMinFrameSize, kMaxFrameSize));
    }
  }
  if (config.fwi && (*config.fwi < 0 || *config.fwi > kMaxFwi)) {
    return InvalidArgumentError(fmt::format("FWI {} is outside 0..{}", *config.fwi, kMaxFwi));
  }
  return OkStatus();
}

}  // namespace

std::string_view OnCardOperationName(OnCardOperation op) {
  switch (op) {
    case OnCardOperation::kPinVerify:
      return "PIN verify";
    case OnCardOperation::kRsa2048Sign:
      return "RSA-2048 sign";
    case OnCardOperation::kEcdsaP256Sign:
      return "ECDSA P-256 sign";
    case OnCardOperation::kEcdsaP256Verify:
      return "ECDSA P-256 verify";
    case OnCardOperation::kEcdhP256:
      return "ECDH P-256";
    case OnCardOperation::kCvCertificateVerify:
      return "CV certificate verify";
    case OnCardOperation::kAesSmBlock:
      return "AES SM block";
    case OnCardOperation::kSha256Block:
      return "SHA-256 block";
    case OnCardOperation::kEcKeyGeneration:
      return "EC key generation";
    case OnCardOperation::kPaceGenericMapping:
      return "PACE GM mapping";
    case OnCardOperation::kAesBlock:
      return "AES block";
    case OnCardOperation::kSha1Block:
      return "SHA-1 block";
  }
  return "?";
}

std::string CommandLabel(ByteView command) {
  if (command.size() < 2) return "?";
  const std::uint8_t cla = command[0];
  const std::uint8_t ins = command[1];
  namespace mn = card::mynumber;
  switch (ins) {
    case mn::kInsSelect:
      return "SELECT";
    case mn::kInsReadBinary:
      return "READ BINARY";
    case mn::kInsVerify:
      // ISO/IEC 7816-4:2020 §11.5.6: without a data field the card only reports the tries left.
      return command.size() <= 4 ? "VERIFY (tries left)" : "VERIFY";
    case mn::kInsComputeSignature:
      // CLA 80: the JPKI application's COMPUTE DIGITAL SIGNATURE (spec §3); CLA 00 is ISO's
      // PERFORM SECURITY OPERATION.
      return cla == 0x80 ? "COMPUTE DIGITAL SIGNATURE" : "PERFORM SECURITY OPERATION";
    case mn::kInsGetResponse:
      return "GET RESPONSE";
    case mn::kInsGetData:
      return "GET DATA";
    case mn::kInsReadRecord:
      return "READ RECORD";
    case mn::kInsGetChallenge:
      return "GET CHALLENGE";
    case mn::kInsInternalAuthenticate:
      return "INTERNAL AUTHENTICATE";
    // ISO/IEC 7816-4:2020 §11.5.5, §11.5.11, §11.5.4: the EAC commands (BSI TR-03110-3 B.11).
    case 0x22:
      return "MANAGE SECURITY ENVIRONMENT";
    case 0x86:
      return "GENERAL AUTHENTICATE";
    case 0x82:
      return "EXTERNAL AUTHENTICATE";
    default:
      return fmt::format("INS {:02X}", ins);
  }
}

CardTimings PublishedJcop4P71Timings() {
  // JCAlgTest 1.8.0, NXP JCOP4 J3R180 SECID P71, file
  // Profiles/performance/fixed/NXP_JCOP4_J3R180_SECID_P71____PERFORMANCE_SYMMETRIC_ASYMMETRIC_
  // DATAFIXED_1634708420109__3b_d5_18_ff_81_91_fe_1f_c3_80_73_c8_21_10_0a.csv in
  // github.com/crocs-muni/JCAlgTest: "avg op" in ms, the applet's own loop with the empty-loop
  // baseline subtracted (no transport in the figure), 256-byte input unless noted.
  CardTimings t;
  t.name = "NXP JCOP4 J3R180 (P71), JCAlgTest 2021-10-20";
  auto set = [&t](OnCardOperation op, double ms) {
    t.operation[static_cast<std::size_t>(op)] = Millis(ms);
  };
  // "ALG_RSA_CRT LENGTH_RSA_2048 ALG_RSA_SHA_PKCS1 Signature_sign()": 60.68 ms. It includes
  // hashing the 256-byte input with SHA-1 on the card (ALG_SHA doFinal 256 B: 5.34 ms), which
  // the JPKI card does not do (the host sends the DigestInfo), so it errs high by about that.
  set(OnCardOperation::kRsa2048Sign, 60.68);
  // Every 256-bit EC figure below is on secp256r1: JCAlgTest sets that curve for 256-bit keys
  // (AlgTest_JClient/src/algtest/EC_Consts.java, EC256_FP_*). The badge's curve,
  // brainpoolP256r1, has no published figure for this chip; the same figures stand for it
  // (a card's coprocessor multiplies modulo any 256-bit prime alike; an assumption).
  // "KeyPair_ALG_EC_FP KeyBuilder_LENGTH_EC_FP_256 Signature_ALG_ECDSA_SHA Signature_sign()":
  // 31.96 ms; "... Signature_verify()": 30.22 ms (SHA-1 of 256 bytes included).
  set(OnCardOperation::kEcdsaP256Sign, 31.96);
  set(OnCardOperation::kEcdsaP256Verify, 30.22);
  // "ALG_EC_FP LENGTH_EC_FP_256 ALG_EC_SVDP_DH KeyAgreement_generateSecret()": 20.04 ms.
  set(OnCardOperation::kEcdhP256, 20.04);
  // Assumption: a CV certificate check costs one ECDSA P-256 verify (its hash over a body of
  // about 200 bytes is inside the 256-byte figure); parsing and keeping the key are not counted.
  set(OnCardOperation::kCvCertificateVerify, 30.22);
  // "TYPE_AES LENGTH_AES_128 ALG_AES_BLOCK_128_CBC_NOPAD Cipher_doFinal()": 1.86 ms for 256
  // bytes = 16 blocks (the call's fixed cost spread over them, so it errs high for long data).
  set(OnCardOperation::kAesSmBlock, 1.86 / 16);
  // "ALG_SHA_256 MessageDigest_doFinal()": 7.92 ms for 256 bytes = 4 data blocks + 1 padding
  // block.
  set(OnCardOperation::kSha256Block, 7.92 / 5);
  // "ALG_SHA MessageDigest_doFinal()": 5.34 ms for 256 bytes = 4 data blocks + 1 padding block.
  set(OnCardOperation::kSha1Block, 5.34 / 5);
  // The same AES figure as secure messaging: a PACE nonce or token block is an AES-128 block.
  set(OnCardOperation::kAesBlock, 1.86 / 16);
  // "ALG_EC_FP LENGTH_EC_FP_256 KeyPair_genKeyPair()": 26.80 ms (10 iterations, flagged CHECK
  // for their spread, 25.00-31.00 ms). One scalar multiplication by the base point, plus the
  // random private key and writing the key objects.
  set(OnCardOperation::kEcKeyGeneration, 26.80);
  // Assumption, no published figure (Java Card has no API for it): s x G + H is one
  // scalar multiplication and one point addition, costed as one ECDH.
  set(OnCardOperation::kPaceGenericMapping, 20.04);
  // Derived: a PIN check writes the try counter twice (spent before the comparison, restored
  // after a match: the anti-tearing order of card/sim/simulated_card.h), each an atomic NVM
  // update: "UTIL Util_arrayCopy_RAM2EEPROM()" 2.86 ms (256 B, the smallest measured write).
  set(OnCardOperation::kPinVerify, 2 * 2.86);
  // Assumption, no published figure found: 1 ms per command for dispatch and file access.
  t.per_command = Millis(1.0);
  return t;
}

Result<TraceCost> ModelTrace(const Trace& trace, const TransportConfig& transport,
                             const CardTimings& card) {
  RETURN_IF_ERROR(CheckConfig(transport));
  const PiccType type = transport.type;
  const double to_picc = PcdToPicc(type);
  const double to_pcd = PiccToPcd(type);

  TraceCost cost;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const TraceExchange& x = trace[i];
    if (x.command_size < 4) {
      return InvalidArgumentError(
          fmt::format("exchange {} ({}): a command APDU has at least 4 bytes, not {}", i, x.label,
                      x.command_size));
    }
    if (x.response_size < 2) {
      return InvalidArgumentError(
          fmt::format("exchange {} ({}): a response APDU has at least SW1 SW2, not {} bytes", i,
                      x.label, x.response_size));
    }
    ExchangeCost e;
    e.label = x.label;
    e.command_size = x.command_size;
    e.response_size = x.response_size;
    e.card = card.per_command;
    for (const CardWork& w : x.work) {
      if (w.count < 0) {
        return InvalidArgumentError(fmt::format("exchange {} ({}): negative count {} of {}", i,
                                                x.label, w.count, OnCardOperationName(w.op)));
      }
      e.card += card.Of(w.op) * w.count;
    }

    e.command_blocks = BlocksFor(x.command_size, transport.fsc);
    e.response_blocks = BlocksFor(x.response_size, transport.fsd);
    // Command (PCD to PICC, acknowledged by the PICC), the delay before the PICC answers, the
    // response (PICC to PCD, acknowledged by the PCD), and the delay before the next command.
    double cycles =
        ChainedCycles(type, x.command_size, e.command_blocks, to_picc, to_pcd) + to_picc +
        ChainedCycles(type, x.response_size, e.response_blocks, to_pcd, to_picc) + to_pcd;
    if (transport.fwi) {
      const double fwt_ms = CarrierCycles(256.0 * 16 * std::ldexp(1.0, *transport.fwi)).count();
      const double card_ms = e.card.count();
      if (card_ms > fwt_ms) e.wtx_requests = static_cast<int>(std::ceil(card_ms / fwt_ms)) - 1;
      // Each: the PICC's S(WTX) request, the delay, the PCD's S(WTX) response, the delay.
      cycles += e.wtx_requests * (FrameCycles(type, kWtxBlockSize) + to_pcd +
                                  FrameCycles(type, kWtxBlockSize) + to_picc);
    }
    e.transport = CarrierCycles(cycles);

    ++cost.apdus;
    cost.bytes_sent += x.command_size;
    cost.bytes_received += x.response_size;
    cost.transport += e.transport;
    cost.card += e.card;
    cost.exchanges.push_back(std::move(e));
  }
  return cost;
}

Millis ActivationTime(PiccType type, std::size_t ats_size) {
  const double to_picc = PcdToPicc(type);
  const double to_pcd = PiccToPcd(type);
  // One command frame, the delay, the answer frame, the delay.
  auto round = [&](std::size_t command, std::size_t answer) {
    return FrameCycles(type, command) + to_picc + FrameCycles(type, answer) + to_pcd;
  };
  if (type == PiccType::kA) {
    // ISO/IEC 14443-3:2011 §6.2.3.1: REQA is a short frame, start + 7 bits + end.
    const double reqa = 9 * kEtu + to_picc + FrameCycles(type, 2) + to_pcd;  // ATQA, no CRC
    return CarrierCycles(reqa + round(2, 5) +      // ANTICOLLISION SEL NVB -> UID CL1 + BCC
                         round(9, 3) +             // SELECT + CRC_A -> SAK + CRC_A
                         round(4, ats_size + 2));  // RATS + CRC_A -> ATS + CRC_A
  }
  return CarrierCycles(round(5, 14) +  // REQB (APf AFI PARAM) + CRC_B -> ATQB + CRC_B
                       round(11, 3));  // ATTRIB (9 bytes) + CRC_B -> MBLI/CID + CRC_B
}

int OperationCount(const Trace& trace, OnCardOperation op) {
  int n = 0;
  for (const TraceExchange& x : trace) {
    for (const CardWork& w : x.work) n += w.op == op ? w.count : 0;
  }
  return n;
}

}  // namespace sekisho::bench
