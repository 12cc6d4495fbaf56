#include "bench/badge_door_trace.h"

#include <cstdint>
#include <memory>
#include <string>

#include "badge/badge_firewall.h"
#include "badge/badge_ids.h"
#include "badge/badge_terminal.h"
#include "badge/ec_key.h"
#include "badge/security_infos.h"
#include "bench/simulated_badge.h"
#include "card/apdu_firewall.h"
#include "card/command_apdu.h"
#include "card/sim/sim_channel.h"
#include "card/tlv.h"

namespace sekisho::bench {
namespace {

constexpr std::size_t kBlock = 16;  // AES block; also the SSC's size with AES (TR-03110-3 F.2)

// ISO/IEC 7816-4:2020 §5.4.1: CLA bits 4-3 set: secure messaging with the header authenticated.
bool IsProtected(ByteView command) { return !command.empty() && (command[0] & 0x0C) == 0x0C; }

// Blocks of a CMAC over `n` bytes (NIST SP 800-38B: the last block completed by the subkey).
int CmacBlocks(std::size_t n) { return n == 0 ? 1 : static_cast<int>((n + kBlock - 1) / kBlock); }

// The public-key data object a PACE or CA token is the MAC of (TR-03110-3 A.2.4.2, D.3.3):
// 7F49 L { 06 L <protocol OID>, 86 L <uncompressed point> }; every length fits in one byte.
std::size_t PublicKeyDataObjectSize(badge::EacProtocol protocol) {
  const std::size_t inner = 2 + badge::ProtocolOid(protocol).size() + 2 + badge::kPointSize;
  return 2 + 1 + inner;
}

// Card-side AES blocks for the data objects of one protected APDU's data field (command data or
// response data): the MAC over pad(SSC || [padded header] || DOs but 8E), and with DO 87 the IV
// and one block per cryptogram block. nullopt when the objects do not parse.
std::optional<int> ProtectedBlocks(ByteView data, bool command) {
  auto objects = card::ParseTlvSequence(data, card::TlvMode::kStrict);
  if (!objects.ok()) return std::nullopt;
  std::size_t maced = command ? 2 * kBlock : kBlock;
  int cipher = 0;
  for (const card::Tlv& object : *objects) {
    if (object.header.tag == 0x8E) continue;
    maced += object.header.total_length();
    if (object.header.tag == 0x87) {
      // Padding-content indicator 01, then the cryptogram (TR-03110-3 F.2).
      if (object.value.empty() || (object.value.size() - 1) % kBlock != 0) return std::nullopt;
      cipher += 1 + static_cast<int>((object.value.size() - 1) / kBlock);
    }
  }
  // ISO/IEC 9797-1 padding method 2 always adds at least one byte.
  return static_cast<int>(maced / kBlock + 1) + cipher;
}

// The first data object inside a plain GENERAL AUTHENTICATE's 7C template (0 when empty),
// which names the PACE step (TR-03110-3 App. B.11.2, Table 41).
std::optional<std::uint32_t> PaceStepTag(ByteView command) {
  auto apdu = card::CommandApdu::Parse(command);
  if (!apdu.ok()) return std::nullopt;
  auto outer = card::ParseTlv(apdu->data, card::TlvMode::kStrict);
  if (!outer.ok() || outer->header.tag != 0x7C) return std::nullopt;
  if (outer->header.length == 0) return 0;
  auto inner = card::ParseTlv(outer->value, card::TlvMode::kStrict);
  if (!inner.ok()) return std::nullopt;
  return inner->header.tag;
}

// The password reference of MSE:SET AT for PACE (tag 83: 02 CAN, 03 PIN).
bool SetsUpPacePin(ByteView command) {
  auto apdu = card::CommandApdu::Parse(command);
  if (!apdu.ok()) return false;
  auto objects = card::ParseTlvSequence(apdu->data, card::TlvMode::kStrict);
  if (!objects.ok()) return false;
  const card::Tlv* reference = card::FindTag(*objects, 0x83);
  return reference != nullptr && reference->value.size() == 1 &&
         reference->value[0] == static_cast<std::uint8_t>(badge::PacePassword::kPin);
}

}  // namespace

std::optional<int> SecureMessagingBlocks(const Exchange& exchange) {
  if (!IsProtected(exchange.command)) return std::nullopt;
  auto command = card::CommandApdu::Parse(exchange.command);
  if (!command.ok()) return std::nullopt;
  std::optional<int> blocks = ProtectedBlocks(command->data, true);
  if (!blocks) return std::nullopt;
  // A bare status word is the card refusing in clear (6987, 6988 ...): nothing to wrap.
  if (exchange.response.size() > 2) {
    const ByteView response(exchange.response);
    const std::optional<int> answer = ProtectedBlocks(response.first(response.size() - 2), false);
    if (!answer) return std::nullopt;
    *blocks += *answer;
  }
  return blocks;
}

Trace BadgeTraceFrom(const std::vector<Exchange>& recording) {
  const int pace_token_blocks =
      2 * CmacBlocks(PublicKeyDataObjectSize(badge::EacProtocol::kPace)) + 1;
  const int ca_token_blocks = CmacBlocks(PublicKeyDataObjectSize(badge::EacProtocol::kCa)) + 1;
  bool pin = false;
  int set_dst = 0;
  int verify_certificate = 0;
  // CA comes once, plain (first, without PACE) or protected (after TA); RI is after it.
  bool ca_set_up = false;
  bool ca_done = false;
  const std::vector<CardWork> ca_work = {{OnCardOperation::kEcdhP256, 1},
                                         {OnCardOperation::kSha1Block, 2},
                                         {OnCardOperation::kAesBlock, ca_token_blocks}};

  Trace trace;
  trace.reserve(recording.size());
  for (const Exchange& exchange : recording) {
    TraceExchange x;
    x.label = CommandLabel(exchange.command);
    x.command_size = exchange.command.size();
    x.response_size = exchange.response.size();
    const ByteView c = exchange.command;
    if (c.size() < 4) {
      trace.push_back(std::move(x));
      continue;
    }
    const std::uint8_t ins = c[1];
    const std::uint16_t p1p2 = static_cast<std::uint16_t>(c[2] << 8 | c[3]);
    if (!IsProtected(c)) {
      if (ins == badge::kInsReadBinary && c[2] == (0x80 | badge::kSfiCardAccess)) {
        x.label = "READ BINARY EF.CardAccess";
      } else if (ins == badge::kInsManageSecurityEnvironment && p1p2 == badge::kMseSetAtPace) {
        pin = SetsUpPacePin(c);
        x.label = pin ? "MSE:SET AT (PACE, PIN)" : "MSE:SET AT (PACE, CAN)";
      } else if (ins == badge::kInsManageSecurityEnvironment && p1p2 == badge::kMseSetAtInternal) {
        x.label = "MSE:SET AT (CA)";  // CA first, in plain (the card-only order)
        ca_set_up = true;
      } else if (ins == badge::kInsGeneralAuthenticate && ca_set_up && !ca_done) {
        // TR-03110-2 §3.4: K = ECDH(SK_PICC, PK_PCD), keys from K and the nonce, the token.
        x.label = "GENERAL AUTHENTICATE (CA)";
        x.work = ca_work;
        ca_done = true;
      } else if (ins == badge::kInsGeneralAuthenticate) {
        // TR-03110-2 §3.2.1, Generic Mapping (TR-03110-3 A.3.4.1).
        switch (PaceStepTag(c).value_or(0xFF)) {
          case 0:
            x.label = "GENERAL AUTHENTICATE (PACE 1)";
            x.work = {{OnCardOperation::kSha1Block, 1}, {OnCardOperation::kAesBlock, 1}};
            break;
          case 0x81:
            x.label = "GENERAL AUTHENTICATE (PACE 2)";
            x.work = {{OnCardOperation::kEcKeyGeneration, 1},
                      {OnCardOperation::kEcdhP256, 1},
                      {OnCardOperation::kPaceGenericMapping, 1}};
            break;
          case 0x83:
            x.label = "GENERAL AUTHENTICATE (PACE 3)";
            x.work = {{OnCardOperation::kEcKeyGeneration, 1}, {OnCardOperation::kEcdhP256, 1}};
            break;
          case 0x85:
            x.label = "GENERAL AUTHENTICATE (PACE 4)";
            x.work = {{OnCardOperation::kSha1Block, 2},
                      {OnCardOperation::kAesBlock, pace_token_blocks}};
            if (pin) x.work.push_back({OnCardOperation::kPinVerify, 1});
            break;
          default:
            break;
        }
      }
      trace.push_back(std::move(x));
      continue;
    }

    if (ins == badge::kInsManageSecurityEnvironment && p1p2 == badge::kMseSetDst) {
      x.label = ++set_dst == 1 ? "MSE:SET DST (CVCA)" : "MSE:SET DST (DV)";
    } else if (ins == badge::kInsPerformSecurityOperation && p1p2 == badge::kPsoVerifyCertificate) {
      // TR-03110-2 §3.3: the card verifies each certificate of the chain with its issuer's key.
      x.label = ++verify_certificate == 1 ? "PSO:VERIFY CERTIFICATE (DV)"
                                          : "PSO:VERIFY CERTIFICATE (terminal)";
      x.work = {{OnCardOperation::kCvCertificateVerify, 1}};
    } else if (ins == badge::kInsManageSecurityEnvironment && p1p2 == badge::kMseSetAtTa) {
      x.label = "MSE:SET AT (TA)";
    } else if (ins == badge::kInsGetChallenge) {
      x.label = "GET CHALLENGE";
    } else if (ins == badge::kInsExternalAuthenticate) {
      // TR-03110-2 §3.3.2: the terminal's signature over ID_PICC || r_PICC || Comp(PK_PCD).
      x.label = "EXTERNAL AUTHENTICATE";
      x.work = {{OnCardOperation::kEcdsaP256Verify, 1}};
    } else if (ins == badge::kInsReadBinary && c[2] == (0x80 | badge::kSfiCardSecurity)) {
      x.label = "READ BINARY EF.CardSecurity";
    } else if (ins == badge::kInsManageSecurityEnvironment && p1p2 == badge::kMseSetAtInternal) {
      x.label = ca_set_up ? "MSE:SET AT (RI)" : "MSE:SET AT (CA)";
      ca_set_up = true;
    } else if (ins == badge::kInsGeneralAuthenticate) {
      if (!ca_done) {
        // TR-03110-2 §3.4: K = ECDH(SK_PICC, PK_PCD), keys from K and the nonce, the token.
        x.label = "GENERAL AUTHENTICATE (CA)";
        x.work = ca_work;
        ca_done = true;
      } else {
        // TR-03110-2 §3.5: I = H(ECDH(SK_ID, PK_Sector)), SHA-256 of 32 bytes.
        x.label = "GENERAL AUTHENTICATE (RI)";
        x.work = {{OnCardOperation::kEcdhP256, 1}, {OnCardOperation::kSha256Block, 1}};
      }
    }
    const std::optional<int> sm = SecureMessagingBlocks(exchange);
    if (sm && *sm > 0) x.work.push_back({OnCardOperation::kAesSmBlock, *sm});
    trace.push_back(std::move(x));
  }
  return trace;
}

Result<std::vector<Exchange>> RecordBadgeAuthentication(BadgeDoor door) {
  auto badge = SimulatedBadge::Create();
  if (!badge.ok()) return badge.status().WithContext("simulated badge");
  card::sim::SimChannel sim((*badge)->applet());
  RecordingChannel recorder(sim);
  auto firewall = card::ApduFirewall::Create(recorder, badge::BadgeGatePolicy());
  if (!firewall.ok()) return InternalError("firewall: " + firewall.status().ToString());
  badge::BadgeTerminal terminal(**firewall, (*badge)->credentials());
  auto identifier =
      door == BadgeDoor::kCardAndPin
          ? terminal.ReadIdentifier(SimulatedBadge::Password(badge::PacePassword::kPin),
                                    badge::PacePassword::kPin)
          : terminal.ReadIdentifierWithoutPassword();
  if (!identifier.ok()) {
    return InternalError("the recorded badge authentication failed: " +
                         identifier.status().ToString());
  }
  if (*identifier != (*badge)->expected_identifier()) {
    return InternalError("the recorded badge authentication gave another identifier");
  }
  return recorder.exchanges();
}

}  // namespace sekisho::bench
