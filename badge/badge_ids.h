// Identifiers shared by the badge applet (card/sim/badge_applet.h) and the terminal
// (badge/badge_terminal.h): the applet's AID, its files, and the APDU parameters of the EAC
// sequence (docs/decisions/badge-eac-sequence.md).
#pragma once

#include <array>
#include <cstdint>

namespace sekisho::badge {

// Proprietary AID (ISO/IEC 7816-4 §12.2.3, category D): RID D3 92 F0 00 4F, PIX "BADGE1".
inline constexpr std::array<std::uint8_t, 11> kBadgeAid = {0xD3, 0x92, 0xF0, 0x00, 0x4F, 0x42,
                                                           0x41, 0x44, 0x47, 0x45, 0x31};
// Short file identifiers (TR-03110-3 App. A.1.2): EF.CardAccess 011C, EF.CardSecurity 011D.
inline constexpr std::uint8_t kSfiCardAccess = 0x1C;
inline constexpr std::uint8_t kSfiCardSecurity = 0x1D;

// Instruction bytes (ISO/IEC 7816-4 §11; TR-03110-3 App. B.11).
inline constexpr std::uint8_t kInsSelect = 0xA4;
inline constexpr std::uint8_t kInsReadBinary = 0xB0;
inline constexpr std::uint8_t kInsManageSecurityEnvironment = 0x22;
inline constexpr std::uint8_t kInsGeneralAuthenticate = 0x86;
inline constexpr std::uint8_t kInsPerformSecurityOperation = 0x2A;
inline constexpr std::uint8_t kInsGetChallenge = 0x84;
inline constexpr std::uint8_t kInsExternalAuthenticate = 0x82;

// MSE P1-P2: SET AT for mutual authentication (PACE, C1 A4), for external authentication (TA,
// 81 A4), for internal authentication (CA, RI: 41 A4); SET DST for certificate verification
// (81 B6). PSO:VERIFY CERTIFICATE is P1-P2 00 BE.
inline constexpr std::uint16_t kMseSetAtPace = 0xC1A4;
inline constexpr std::uint16_t kMseSetAtTa = 0x81A4;
inline constexpr std::uint16_t kMseSetAtInternal = 0x41A4;
inline constexpr std::uint16_t kMseSetDst = 0x81B6;
inline constexpr std::uint16_t kPsoVerifyCertificate = 0x00BE;

// Status words TR-03110-3 App. B uses beyond card/status_word.h.
inline constexpr std::uint16_t kSwVerificationFailed = 0x6300;

}  // namespace sekisho::badge
