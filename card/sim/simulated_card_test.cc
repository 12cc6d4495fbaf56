// Conformance of SimulatedCard to spec mynumber-card.md: §0 transport, §1 applications and
// SELECT, §3 READ BINARY / READ RECORD / GET DATA / GET CHALLENGE rows, §3.2 status words,
// §9 notes, and robustness against arbitrary bytes.
#include "card/sim/simulated_card.h"

#include <gtest/gtest.h>

#include <ostream>

#include "base/random.h"
#include "card/mynumber_card.h"
#include "card/sim/card_keys.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;
using ::sekisho::card::sim::testing::DataOf;
using ::sekisho::card::sim::testing::NewTestCard;
using ::sekisho::card::sim::testing::SelectAidAndEf;
using ::sekisho::card::sim::testing::SelectAidApdu;
using ::sekisho::card::sim::testing::SelectAndVerify;
using ::sekisho::card::sim::testing::SelectEfApdu;
using ::sekisho::card::sim::testing::Send;
using ::sekisho::card::sim::testing::SendBytes;
using ::sekisho::card::sim::testing::SwOf;
using ::sekisho::card::sim::testing::VerifyApdu;
using ::sekisho::card::sim::testing::World;

Bytes Aid(const auto& aid) { return Bytes(aid.begin(), aid.end()); }

class SimulatedCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card_ = NewTestCard();
    ASSERT_NE(card_, nullptr);
  }
  VirtualCard& card() { return *card_; }
  std::uint16_t Sw(std::string_view hex) { return SwOf(Send(card(), hex)); }
  std::uint16_t SwBytes(ByteView apdu) { return SwOf(card().Process(apdu)); }

  std::unique_ptr<SimulatedCard> card_;
};

// §0 transport facts.

TEST_F(SimulatedCardTest, AtrIsTheContactAtr) {
  EXPECT_EQ(card().Atr(), FromHex("3B E0 00 FF 81 31 FE 45 14").value());
}

TEST_F(SimulatedCardTest, NonZeroLogicalChannelAnswers6881) {
  EXPECT_EQ(Sw("01 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6881);
  EXPECT_EQ(Sw("03 B0 00 00 04"), 0x6881);
  EXPECT_EQ(Sw("81 2A 00 80 01 00 00"), 0x6881);
  EXPECT_EQ(Sw("40 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6881);  // channel 4
  EXPECT_EQ(Sw("7F B0 00 00 04"), 0x6881);
}

TEST_F(SimulatedCardTest, SecureMessagingClassIsRefused) {
  EXPECT_EQ(Sw("0C A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6882);
  EXPECT_EQ(Sw("08 A4 02 0C 02 00 06"), 0x6882);
  EXPECT_EQ(Sw("0C B0 00 00 04"), 0x69FC);
  EXPECT_EQ(Sw("04 B0 00 00 04"), 0x69FC);
  EXPECT_EQ(Sw("0C 20 00 80"), 0x69FC);
  EXPECT_EQ(Sw("0C 20 00 80 04 31 32 33 34"), 0x69FC);
  // SM to READ/VERIFY never touches the file or the counter.
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw("00 20 00 80"), 0x63C3);
}

TEST_F(SimulatedCardTest, UnknownClassAnswers6E00) {
  EXPECT_EQ(Sw("A0 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6E00);
  EXPECT_EQ(Sw("20 B0 00 00 04"), 0x6E00);
  EXPECT_EQ(Sw("C0 B0 00 00 04"), 0x6E00);
  EXPECT_EQ(Sw("FF B0 00 00 04"), 0x6E00);
  // Proprietary instruction in the ISO class and the reverse.
  EXPECT_EQ(Sw("00 2A 00 80 01 00 00"), 0x6E00);
  EXPECT_EQ(Sw("80 B0 00 00 04"), 0x6E00);
  EXPECT_EQ(Sw("80 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6E00);
}

TEST_F(SimulatedCardTest, CommandChainingIsNotSupported) {
  EXPECT_EQ(Sw("10 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6884);
}

TEST_F(SimulatedCardTest, UnknownInstructionAnswers6D00) {
  EXPECT_EQ(Sw("00 0E 00 00"), 0x6D00);
  EXPECT_EQ(Sw("00 FF 00 00"), 0x6D00);
  EXPECT_EQ(Sw("80 50 00 00 08"), 0x6D00);
  EXPECT_EQ(Sw("00 D6 00 00 01 00"), 0x6D00);  // UPDATE BINARY: the card is read-only here
}

TEST_F(SimulatedCardTest, MalformedApduAnswers6700) {
  EXPECT_EQ(card().Process(Bytes{}), FromHex("67 00").value());
  EXPECT_EQ(Sw("00"), 0x6700);
  EXPECT_EQ(Sw("00 A4 04"), 0x6700);
  EXPECT_EQ(Sw("00 A4 04 0C 05 01 02"), 0x6700);  // Lc says 5, 2 bytes follow
  EXPECT_EQ(Sw("00 B0 00 00 00 01"), 0x6700);     // truncated extended Le
}

TEST_F(SimulatedCardTest, ExtendedLeIsAccepted) {
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthCert), 0x9000);
  const Bytes response = Send(card(), "00 B0 00 00 00 08 00");  // Le = 2048
  EXPECT_EQ(SwOf(response), 0x9000);
  EXPECT_EQ(DataOf(response), World().profile.auth_certificate);  // the whole EF (< 2048)
  const Bytes all = Send(card(), "00 B0 00 00 00 00 00");         // Le = 65536
  EXPECT_EQ(DataOf(all), World().profile.auth_certificate);
}

TEST_F(SimulatedCardTest, PowerCycleAndResetClearSelection) {
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiToken), 0x9000);
  card().Reset();
  EXPECT_EQ(Sw("00 B0 00 00 20"), 0x6986);        // no current EF
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 06"), 0x6A82);  // no current DF
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiToken), 0x9000);
  card().PowerOff();
  EXPECT_EQ(Sw("00 B0 00 00 20"), 0x6F00);  // an unpowered card answers nothing useful
  card().PowerOn();
  EXPECT_EQ(Sw("00 B0 00 00 20"), 0x6986);
}

// §1 applications and SELECT.

TEST_F(SimulatedCardTest, EveryApplicationAnswersSelect) {
  for (const auto& aid :
       {Aid(my::kJpkiAid), Aid(my::kInputAssistAid), Aid(my::kCardFaceAid), Aid(my::kResidenceAid),
        Aid(my::kCommonAid), Aid(my::kIssuerSecurityDomainAid)}) {
    const Bytes response = card().Process(SelectAidApdu(aid));
    EXPECT_EQ(response, FromHex("90 00").value()) << ToHex(aid);  // no FCI
  }
}

TEST_F(SimulatedCardTest, UnknownAidAnswers6A82AndKeepsTheSelection) {
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiToken), 0x9000);
  EXPECT_EQ(Sw("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02"), 0x6A82);
  EXPECT_EQ(Sw("00 A4 04 0C 09 D3 92 F0 00 26 01 00 00 00"), 0x6A82);  // a prefix only
  EXPECT_EQ(Sw("00 A4 04 0C 02 3F 00"), 0x6A82);
  EXPECT_EQ(Sw("00 B0 00 00 20"), 0x9000);  // still JPKI 0006
}

TEST_F(SimulatedCardTest, SelectWithP2Other0CAnswers6A86) {
  EXPECT_EQ(Sw("00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6A86);
  EXPECT_EQ(Sw("00 A4 04 04 0A D3 92 F0 00 26 01 00 00 00 01 00"), 0x6A86);
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  EXPECT_EQ(Sw("00 A4 02 00 02 00 06"), 0x6A86);
  EXPECT_EQ(Sw("00 A4 02 04 02 00 06 00"), 0x6A86);
}

TEST_F(SimulatedCardTest, SelectOtherP1Answers6A86) {
  EXPECT_EQ(Sw("00 A4 01 0C 02 00 06"), 0x6A86);
  EXPECT_EQ(Sw("00 A4 08 0C 02 00 06"), 0x6A86);
  EXPECT_EQ(Sw("00 A4 03 0C"), 0x6A86);
}

TEST_F(SimulatedCardTest, SelectEfNeedsAnApplication) {
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 06"), 0x6A82);
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 06"), 0x9000);
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 0C"), 0x6A82);  // not in the JPKI AP
  EXPECT_EQ(Sw("00 A4 02 0C 01 00"), 0x6700);     // FID must be two bytes
  EXPECT_EQ(Sw("00 A4 02 0C 03 00 00 06"), 0x6700);
}

TEST_F(SimulatedCardTest, SelectMfQuirk) {
  // Spec §1 notes: 6A86 after reset; 9000 without change once a DF is current; 3F00 -> 6A82.
  EXPECT_EQ(Sw("00 A4 00 00"), 0x6A86);
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiToken), 0x9000);
  EXPECT_EQ(Sw("00 A4 00 00"), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00 20"), 0x9000);        // the EF is still current
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 0A"), 0x9000);  // and the DF
  EXPECT_EQ(Sw("00 A4 00 0C 02 3F 00"), 0x6A82);
  EXPECT_EQ(Sw("00 A4 02 0C 02 3F 00"), 0x6A82);
  EXPECT_EQ(Sw("00 A4 02 0C 02 2F 10"), 0x6A82);
}

TEST_F(SimulatedCardTest, IssuerSecurityDomainReturnsToMfLevel) {
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  ASSERT_EQ(SwBytes(VerifyApdu("1234")), 0x9000);
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kIssuerSecurityDomainAid))), 0x9000);
  EXPECT_EQ(Sw("00 A4 02 0C 02 00 06"), 0x6A82);  // MF level: no EFs
  EXPECT_EQ(Sw("00 A4 00 00"), 0x6A86);           // as after reset
  EXPECT_EQ(Sw("00 CA 00 F2 00"), 0x9000);        // MF data objects again
  // The JPKI verification did not survive.
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthKey), 0x9000);
  EXPECT_EQ(Sw("80 2A 00 80 01 00 00"), 0x6982);
}

// §3 READ BINARY.

TEST_F(SimulatedCardTest, ReadBinaryOffsetsAndEnd) {
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthCert), 0x9000);
  const Bytes& der = World().profile.auth_certificate;
  ASSERT_GT(der.size(), 0x100u);
  // P1 (b7-b1) and P2 form the offset.
  Bytes r = Send(card(), "00 B0 01 00 10");
  EXPECT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(DataOf(r), Bytes(der.begin() + 0x100, der.begin() + 0x110));
  // Le = 00 asks for 256 bytes.
  r = Send(card(), "00 B0 00 00 00");
  EXPECT_EQ(DataOf(r), Bytes(der.begin(), der.begin() + 256));
  // Le beyond the end: the remaining bytes with 9000 (§9).
  const std::size_t last = der.size() - 3;
  r = SendBytes(card(), Bytes{0x00, 0xB0, static_cast<std::uint8_t>(last >> 8),
                              static_cast<std::uint8_t>(last & 0xFF), 0x00});
  EXPECT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(DataOf(r), Bytes(der.end() - 3, der.end()));
  // Offset at or past the end: 6B00.
  const std::size_t end = der.size();
  EXPECT_EQ(SwBytes(Bytes{0x00, 0xB0, static_cast<std::uint8_t>(end >> 8),
                          static_cast<std::uint8_t>(end & 0xFF), 0x01}),
            0x6B00);
  EXPECT_EQ(Sw("00 B0 7F FF 01"), 0x6B00);
}

TEST_F(SimulatedCardTest, ReadBinaryBySfiMakesTheEfCurrent) {
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  const Bytes& der = World().profile.auth_certificate;
  Bytes r = Send(card(), "00 B0 8A 00 04");  // SFI 0A, offset 0
  EXPECT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(DataOf(r), Bytes(der.begin(), der.begin() + 4));
  r = Send(card(), "00 B0 8A 10 04");  // offset = P2
  EXPECT_EQ(DataOf(r), Bytes(der.begin() + 0x10, der.begin() + 0x14));
  r = Send(card(), "00 B0 00 04 04");  // 000A is now current
  EXPECT_EQ(DataOf(r), Bytes(der.begin() + 4, der.begin() + 8));
  EXPECT_EQ(Sw("00 B0 8C 00 04"), 0x6A82);  // no EF 000C
  EXPECT_EQ(Sw("00 B0 80 00 04"), 0x6A86);  // SFI 0
  EXPECT_EQ(Sw("00 B0 AA 00 04"), 0x6A86);  // b6 set: not an SFI form
  EXPECT_EQ(Sw("00 B0 97 00 04"), 0x6981);  // key IEF by SFI
}

TEST_F(SimulatedCardTest, ReadBinaryRefusals) {
  EXPECT_EQ(Sw("00 B0 00 00 04"), 0x6986);  // nothing selected at all
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00 04"), 0x6986);  // DF but no EF
  EXPECT_EQ(Sw("00 B0 8A 00 04"), 0x9000);
  for (std::uint16_t ief :
       {my::kJpkiAuthKey, my::kJpkiAuthPin, my::kJpkiSignKey, my::kJpkiSignPassword}) {
    ASSERT_EQ(SwBytes(SelectEfApdu(ief)), 0x9000);
    EXPECT_EQ(Sw("00 B0 00 00 04"), 0x6981) << ief;
  }
  ASSERT_EQ(SwBytes(SelectEfApdu(my::kJpkiSignCert)), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00 04"), 0x6982);
  ASSERT_EQ(SwBytes(SelectEfApdu(my::kJpkiToken)), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00"), 0x6700);           // no Le
  EXPECT_EQ(Sw("00 B0 00 00 01 00 04"), 0x6700);  // a data field
}

// §7.2, §7.3 READ RECORD.

TEST_F(SimulatedCardTest, CommonApRecord) {
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kCommonAid))), 0x9000);
  const Bytes r = Send(card(), "00 B2 01 0C 00");
  ASSERT_EQ(SwOf(r), 0x9000);
  const Bytes record = DataOf(r);
  ASSERT_EQ(record.size(), 30u);
  EXPECT_EQ(record[0], 0x01);
  EXPECT_EQ(record[1], 0x1C);
  const std::string text = ToString(ByteView(record).subspan(2));
  const DerivedCardData derived = DeriveCardData(World().profile.seed);
  EXPECT_EQ(text.substr(0, 15), derived.card_serial);
  EXPECT_EQ(text.substr(15, 5), derived.municipality_code);
  EXPECT_EQ(text.substr(20), World().profile.card_expiry);
  // The record EF is now current: READ RECORD with P2 = 04.
  EXPECT_EQ(Send(card(), "00 B2 01 04 00"), r);
}

TEST_F(SimulatedCardTest, ReadRecordRefusals) {
  EXPECT_EQ(Sw("00 B2 01 04 00"), 0x6986);  // no current EF
  EXPECT_EQ(Sw("00 B2 01 0C 00"), 0x6A82);  // MF level
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kCommonAid))), 0x9000);
  EXPECT_EQ(Sw("00 B2 02 0C 00"), 0x6A83);  // no record 2
  EXPECT_EQ(Sw("00 B2 00 0C 00"), 0x6A83);
  EXPECT_EQ(Sw("00 B2 01 0D 00"), 0x6A86);  // only "read record P1" is supported
  EXPECT_EQ(Sw("00 B2 01 0C 05"), 0x6C1E);  // Le shorter than the record
  EXPECT_EQ(Sw("00 B2 01 14 00"), 0x6981);  // SFI 2: transparent EF
  EXPECT_EQ(Sw("00 B2 01 CC 00"), 0x6981);  // SFI 19: the key IEF
  ASSERT_EQ(SwBytes(SelectEfApdu(0x0001)), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00 04"), 0x6981);  // READ BINARY on a record EF
  ASSERT_EQ(SwBytes(SelectEfApdu(0x0002)), 0x9000);
  EXPECT_EQ(Sw("00 B0 00 00 00"), 0x9000);
}

TEST_F(SimulatedCardTest, ResidenceRecordNeedsItsPin) {
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kResidenceAid))), 0x9000);
  EXPECT_EQ(Sw("00 B2 01 0C 00"), 0x6982);
  EXPECT_EQ(SelectAndVerify(card(), 0x001C, World().profile.residence_pin), 0x9000);
  const Bytes r = Send(card(), "00 B2 01 0C 00");
  ASSERT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(DataOf(r).size(), 13u);  // 01 0B + 11 digits
}

// §7.4 GET DATA, §3 GET CHALLENGE.

TEST_F(SimulatedCardTest, MfDataObjects) {
  Bytes r = Send(card(), "00 CA 00 F2 00");
  EXPECT_EQ(SwOf(r), 0x9000);
  EXPECT_EQ(ToString(DataOf(r)), World().profile.card_expiry);
  r = Send(card(), "00 CA 5F 51 00");
  EXPECT_EQ(DataOf(r), FromHex("E0 00 FF 81 31 FE 45 14").value());  // ATR without TS
  r = Send(card(), "00 CA 00 F0 00");
  EXPECT_EQ(ToString(DataOf(r)), DeriveCardData(World().profile.seed).municipality_code);
  EXPECT_EQ(Sw("00 CA 00 F2 04"), 0x6700);  // Le shorter than the object
  EXPECT_EQ(Sw("00 CA 01 23 00"), 0x6A88);  // absent object
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  EXPECT_EQ(Sw("00 CA 00 F2 00"), 0x6A88);  // MF level only
}

TEST_F(SimulatedCardTest, GetChallenge) {
  const Bytes a = Send(card(), "00 84 00 00 08");
  const Bytes b = Send(card(), "00 84 00 00 08");
  EXPECT_EQ(SwOf(a), 0x9000);
  EXPECT_EQ(DataOf(a).size(), 8u);
  EXPECT_NE(DataOf(a), DataOf(b));
  EXPECT_EQ(DataOf(Send(card(), "00 84 00 00 00")).size(), 256u);
  EXPECT_EQ(Sw("00 84 00 00 00 00 08"), 0x6985);  // extended Le (§3.2)
  EXPECT_EQ(Sw("00 84 01 00 08"), 0x6A86);
  EXPECT_EQ(Sw("00 84 00 00"), 0x6700);
}

TEST_F(SimulatedCardTest, CommandsTheSimulatorDoesNotModel) {
  EXPECT_EQ(Sw("80 FC 00 00"), 0x6700);     // §3.2
  EXPECT_EQ(Sw("00 C0 00 00 10"), 0x6985);  // GET RESPONSE with nothing pending
  ASSERT_EQ(SwBytes(SelectAidApdu(Aid(my::kCommonAid))), 0x9000);
  EXPECT_EQ(Sw("00 88 00 99 08 01 02 03 04 05 06 07 08 00"), 0x6A88);
}

// §3.2 status words, one command per row.

struct SwRow {
  const char* what;
  std::vector<const char*> setup;  // APDUs that must answer 9000 first
  const char* apdu;
  std::uint16_t sw;
};

// Names the row in test listings (ctest shows the parameter).
void PrintTo(const SwRow& row, std::ostream* os) { *os << row.what; }

class StatusWordTableTest : public SimulatedCardTest,
                            public ::testing::WithParamInterface<SwRow> {};

constexpr const char* kSelectJpki = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
constexpr const char* kSelectAssist = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08";

TEST_P(StatusWordTableTest, Row) {
  const SwRow& row = GetParam();
  for (const char* setup : row.setup) ASSERT_EQ(Sw(setup), 0x9000) << setup;
  EXPECT_EQ(Sw(row.apdu), row.sw) << row.what;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, StatusWordTableTest,
    ::testing::Values(
        SwRow{"9000", {kSelectJpki}, "00 A4 02 0C 02 00 06", 0x9000},
        SwRow{"63Cx empty VERIFY", {kSelectJpki, "00 A4 02 0C 02 00 18"}, "00 20 00 80", 0x63C3},
        SwRow{"63Cx wrong PIN",
              {kSelectJpki, "00 A4 02 0C 02 00 18"},
              "00 20 00 80 04 39 39 39 39",
              0x63C2},
        SwRow{"63C0 blocked ref, empty VERIFY",
              {kSelectAssist, "00 A4 02 0C 02 00 12"},
              "00 20 00 80",
              0x63C0},
        SwRow{"6984 blocked ref, VERIFY",
              {kSelectAssist, "00 A4 02 0C 02 00 12"},
              "00 20 00 80 04 31 32 33 34",
              0x6984},
        SwRow{"6982 key without PIN",
              {kSelectJpki, "00 A4 02 0C 02 00 17"},
              "80 2A 00 80 01 00 00",
              0x6982},
        SwRow{"6982 sign cert without password",
              {kSelectJpki, "00 A4 02 0C 02 00 01"},
              "00 B0 00 00 04",
              0x6982},
        SwRow{"6A82 unknown AID", {}, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 09", 0x6A82},
        SwRow{"6A82 3F00", {}, "00 A4 00 0C 02 3F 00", 0x6A82},
        SwRow{"6A86 select MF after reset", {}, "00 A4 00 00", 0x6A86},
        SwRow{"6A86 signature P1 > 05",
              {kSelectJpki, "00 A4 02 0C 02 00 17"},
              "80 2A 06 80 01 00 00",
              0x6A86},
        SwRow{"6B00 offset past end",
              {kSelectJpki, "00 A4 02 0C 02 00 06"},
              "00 B0 00 A0 01",
              0x6B00},
        SwRow{"6700 80 FC", {}, "80 FC 00 00", 0x6700},
        SwRow{"6985 GET CHALLENGE extended Le", {}, "00 84 00 00 00 00 10", 0x6985},
        SwRow{"6881", {}, "01 A4 00 00", 0x6881},
        SwRow{"6882", {}, "0C A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", 0x6882},
        SwRow{"69FC", {kSelectJpki, "00 A4 02 0C 02 00 18"}, "0C 20 00 80", 0x69FC},
        SwRow{"6A88 GET DATA absent", {}, "00 CA 7F 21 00", 0x6A88},
        SwRow{"6981 READ on an internal EF",
              {kSelectJpki, "00 A4 02 0C 02 00 18"},
              "00 B0 00 00 01",
              0x6981},
        SwRow{"6D00", {}, "00 0E 00 00", 0x6D00}));

// Robustness: any byte string gets an answer of at least a status word (the fuzzer's job
// at scale; here a deterministic sample, with a verified PIN so signing paths are reachable).

TEST_F(SimulatedCardTest, AnswersArbitraryBytes) {
  SeededRandom random(99);
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  ASSERT_EQ(SwBytes(VerifyApdu("1234")), 0x9000);
  static constexpr std::uint8_t kClas[] = {0x00, 0x80, 0x0C, 0x01, 0xFF};
  static constexpr std::uint8_t kInss[] = {0xA4, 0xB0, 0xB2, 0x20, 0x24, 0x2A, 0xCA, 0x84, 0x88};
  for (int i = 0; i < 4000; ++i) {
    std::uint8_t len = 0;
    random.Fill(std::span<std::uint8_t>(&len, 1));
    Bytes apdu = random.Generate(len % 40);
    if (apdu.size() >= 2 && i % 2 == 0) {  // half of them with plausible headers
      apdu[0] = kClas[apdu[0] % std::size(kClas)];
      apdu[1] = kInss[apdu[1] % std::size(kInss)];
    }
    const Bytes response = card().Process(apdu);
    ASSERT_GE(response.size(), 2u) << ToHex(apdu);
  }
  // The card still works.
  ASSERT_EQ(SelectAidAndEf(card(), Aid(my::kJpkiAid), my::kJpkiToken), 0x9000);
  EXPECT_EQ(DataOf(Send(card(), "00 B0 00 00 0F")), ToBytes("JPKIAPICCTOKEN2"));
}

}  // namespace
}  // namespace sekisho::card::sim
