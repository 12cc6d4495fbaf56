// Public facts of the My Number Card chip shared by the JPKI client, the APDU firewall and the
// simulator: application identifiers, file identifiers, credential limits.
// Source: ../shared/spec/mynumber-card.md (§0 transport, §1 applications, §2 credentials,
// §3 APDUs, §4 JPKI files, §6 input-assist files). Mirrored in docs/card.md.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace sekisho::card::mynumber {

using Aid = std::array<std::uint8_t, 10>;

// §1: applications, selected with 00 A4 04 0C 0A <AID>.
inline constexpr Aid kJpkiAid = {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
inline constexpr Aid kInputAssistAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                        0x00, 0x01, 0x01, 0x04, 0x08};  // 券面事項入力補助AP
inline constexpr Aid kCardFaceAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                     0x00, 0x01, 0x01, 0x04, 0x02};  // 券面事項確認AP
inline constexpr Aid kResidenceAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                      0x00, 0x01, 0x01, 0x04, 0x01};  // 住基AP
inline constexpr Aid kCommonAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                   0x00, 0x01, 0x01, 0x01, 0x00};  // 共通AP
inline constexpr std::array<std::uint8_t, 7> kIssuerSecurityDomainAid = {0xA0, 0x00, 0x00, 0x01,
                                                                        0x51, 0x00, 0x00};

// §4: JPKI application files (FIDs; the same numbers serve as SFIs, §3 "READ BINARY by SFI").
inline constexpr std::uint16_t kJpkiSignCert = 0x0001;      // needs the signature password
inline constexpr std::uint16_t kJpkiSignCaCert = 0x0002;
inline constexpr std::uint16_t kJpkiToken = 0x0006;         // 160-byte CK_TOKEN_INFO
inline constexpr std::uint16_t kJpkiCertPresence = 0x0008;  // 8F 8F 00
inline constexpr std::uint16_t kJpkiAuthCert = 0x000A;
inline constexpr std::uint16_t kJpkiAuthCaCert = 0x000B;
inline constexpr std::uint16_t kJpkiAuthKey = 0x0017;
inline constexpr std::uint16_t kJpkiAuthPin = 0x0018;
inline constexpr std::uint16_t kJpkiSignKey = 0x001A;
inline constexpr std::uint16_t kJpkiSignPassword = 0x001B;

// §6: input-assist application files.
inline constexpr std::uint16_t kInputAssistMyNumber = 0x0001;
inline constexpr std::uint16_t kInputAssistBasicFour = 0x0002;
inline constexpr std::uint16_t kInputAssistIntegrity = 0x0003;
inline constexpr std::uint16_t kInputAssistCvCert = 0x0004;
inline constexpr std::uint16_t kInputAssistApInfo = 0x0005;
inline constexpr std::uint16_t kInputAssistPin = 0x0011;
inline constexpr std::uint16_t kInputAssistBlockedRef = 0x0012;
inline constexpr std::uint16_t kInputAssistCodeA = 0x0014;
inline constexpr std::uint16_t kInputAssistCodeB = 0x0015;

// §2: credential limits.
inline constexpr int kAuthPinMaxTries = 3;
inline constexpr int kSignPasswordMaxTries = 5;
inline constexpr int kInputAssistPinMaxTries = 3;
inline constexpr std::size_t kAuthPinLength = 4;

// §1: token labels (EF 0006, first 32 bytes, space padded).
inline constexpr std::string_view kTokenMyNumberCard = "JPKIAPICCTOKEN2";
inline constexpr std::string_view kTokenJukiCard = "JPKIAPICCTOKEN";
inline constexpr std::string_view kTokenAndroid = "JPKIAPGPSETOKEN";
inline constexpr std::string_view kTokenIos = "JPKIAPIOSTOKEN";
inline constexpr std::size_t kTokenEfSize = 160;
inline constexpr std::size_t kTokenLabelSize = 32;

// §5: the card's keys are RSA-2048, so a modulus or a signature is 256 bytes.
inline constexpr std::size_t kRsaModulusSize = 256;

// §0: contact ATR.
inline constexpr std::array<std::uint8_t, 9> kContactAtr = {0x3B, 0xE0, 0x00, 0xFF, 0x81,
                                                            0x31, 0xFE, 0x45, 0x14};

// §3: SHA-256 DigestInfo prefix (RFC 8017 §9.2 note 1) sent before the 32-byte digest.
inline constexpr std::array<std::uint8_t, 19> kSha256DigestInfoPrefix = {
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

// §3 instruction bytes.
inline constexpr std::uint8_t kInsSelect = 0xA4;
inline constexpr std::uint8_t kInsReadBinary = 0xB0;
inline constexpr std::uint8_t kInsVerify = 0x20;
inline constexpr std::uint8_t kInsChangeReferenceData = 0x24;
inline constexpr std::uint8_t kInsComputeSignature = 0x2A;  // CLA 80
inline constexpr std::uint8_t kInsGetResponse = 0xC0;
inline constexpr std::uint8_t kInsGetData = 0xCA;
inline constexpr std::uint8_t kInsReadRecord = 0xB2;
inline constexpr std::uint8_t kInsGetChallenge = 0x84;
inline constexpr std::uint8_t kInsInternalAuthenticate = 0x88;
inline constexpr std::uint8_t kInsChangeKey = 0x32;  // CLA 80, JICSAP

}  // namespace sekisho::card::mynumber
