// Conformance of the simulated card's credentials: spec mynumber-card.md §2 (tries, lockout,
// counter reset, what each code opens), §3 VERIFY / CHANGE REFERENCE DATA rows, §9, and the
// persistence of retry counters across a saved card file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "base/status_matchers.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/simulated_card.h"
#include "card/sim/verification_code.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;
using ::sekisho::card::sim::testing::NewTestCard;
using ::sekisho::card::sim::testing::SelectAidAndEf;
using ::sekisho::card::sim::testing::SelectAidApdu;
using ::sekisho::card::sim::testing::SelectAndVerify;
using ::sekisho::card::sim::testing::SelectEfApdu;
using ::sekisho::card::sim::testing::Send;
using ::sekisho::card::sim::testing::SwOf;
using ::sekisho::card::sim::testing::TempDir;
using ::sekisho::card::sim::testing::VerifyApdu;
using ::sekisho::card::sim::testing::World;
using ::sekisho::testing::IsOk;

template <std::size_t N>
Bytes Aid(const std::array<std::uint8_t, N>& aid) {
  return Bytes(aid.begin(), aid.end());
}

std::uint16_t Sw(VirtualCard& card, std::string_view hex) { return SwOf(Send(card, hex)); }
std::uint16_t Sw(VirtualCard& card, ByteView apdu) { return SwOf(card.Process(apdu)); }

std::string CodeB() {
  const CardProfile& p = World().profile;
  return VerificationCodeB(p.identity.birth_date, p.card_expiry, p.security_code).value();
}

struct InitialTries {
  Bytes aid;
  std::uint16_t ief;
  std::uint16_t sw;
};

TEST(CredentialsTest, InitialTriesLeftPerIef) {
  auto card = NewTestCard();
  ASSERT_NE(card, nullptr);
  const std::vector<InitialTries> rows = {
      {Aid(my::kJpkiAid), my::kJpkiAuthPin, 0x63C3},
      {Aid(my::kJpkiAid), my::kJpkiSignPassword, 0x63C5},
      {Aid(my::kInputAssistAid), my::kInputAssistPin, 0x63C3},
      {Aid(my::kInputAssistAid), my::kInputAssistBlockedRef, 0x63C0},
      {Aid(my::kInputAssistAid), my::kInputAssistCodeA, 0x63CA},
      {Aid(my::kInputAssistAid), my::kInputAssistCodeB, 0x63CA},
      {Aid(my::kCardFaceAid), 0x0011, 0x63CA},
      {Aid(my::kCardFaceAid), 0x0012, 0x63CA},
      {Aid(my::kCardFaceAid), 0x0013, 0x63CA},
      {Aid(my::kResidenceAid), 0x001C, 0x63C3},
      {Aid(my::kCommonAid), 0x001C, 0x63C3},
  };
  for (const auto& row : rows) {
    ASSERT_EQ(SelectAidAndEf(*card, row.aid, row.ief), 0x9000) << row.ief;
    EXPECT_EQ(Sw(*card, "00 20 00 80"), row.sw) << ToHex(row.aid) << " " << row.ief;
  }
}

TEST(CredentialsTest, AuthPinLockoutSequence) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C1);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C0);  // the exhausting attempt
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);  // blocked: even the right PIN
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x6984);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
  EXPECT_EQ(card->profile().counters.auth_pin, 0);
  // The key stays unusable.
  ASSERT_EQ(Sw(*card, SelectEfApdu(my::kJpkiAuthKey)), 0x9000);
  EXPECT_EQ(Sw(*card, "80 2A 00 80 01 00 00"), 0x6982);
}

TEST(CredentialsTest, SignPasswordHasFiveTries) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiSignPassword), 0x9000);
  // Clients uppercase the password (spec §2); the card compares bytes.
  EXPECT_EQ(Sw(*card, VerifyApdu("abc123")), 0x63C4);
  EXPECT_EQ(Sw(*card, VerifyApdu("XYZ999")), 0x63C3);
  EXPECT_EQ(Sw(*card, VerifyApdu("XYZ999")), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("XYZ999")), 0x63C1);
  EXPECT_EQ(Sw(*card, VerifyApdu("XYZ999")), 0x63C0);
  EXPECT_EQ(Sw(*card, VerifyApdu("ABC123")), 0x6984);
}

TEST(CredentialsTest, SuccessResetsTheCounter) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("9999")), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("9999")), 0x63C1);
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C3);  // 63Cx even once verified (documented choice)
  EXPECT_EQ(card->profile().counters.auth_pin, 3);
}

TEST(CredentialsTest, WrongLengthCountsAsWrong) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("123")), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("12345")), 0x63C1);
  EXPECT_EQ(Sw(*card, VerifyApdu(std::string(200, '1'))), 0x63C0);
}

TEST(CredentialsTest, CountersAreSeparatePerIef) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C2);
  // Same digits, other IEFs: untouched counters.
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kInputAssistAid), my::kInputAssistPin), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C3);
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kResidenceAid), 0x001C), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C2);
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kCommonAid), 0x001C), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C3);
}

TEST(CredentialsTest, VerifyBySfi) {
  auto card = NewTestCard();
  ASSERT_EQ(Sw(*card, SelectAidApdu(Aid(my::kJpkiAid))), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 98"), 0x63C3);  // §3 example: 98 = 0018
  EXPECT_EQ(Sw(*card, "00 20 00 98 04 31 32 33 34"), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 9B"), 0x63C5);
  EXPECT_EQ(Sw(*card, "00 20 00 85 04 31 32 33 34"), 0x6A88);  // no IEF 0005
  EXPECT_EQ(Sw(*card, "00 20 00 97 04 31 32 33 34"), 0x6981);  // a key, not a PIN
}

TEST(CredentialsTest, VerifyRefusals) {
  auto card = NewTestCard();
  EXPECT_EQ(Sw(*card, "00 20 00 80 04 31 32 33 34"), 0x6986);  // nothing selected
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthCert), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80 04 31 32 33 34"), 0x6981);  // current EF is no IEF
  EXPECT_EQ(Sw(*card, "00 20 01 98 04 31 32 33 34"), 0x6A86);  // P1
  EXPECT_EQ(Sw(*card, "00 20 00 00 04 31 32 33 34"), 0x6A86);  // global reference
  EXPECT_EQ(Sw(*card, "00 20 00 18 04 31 32 33 34"), 0x6A86);
  EXPECT_EQ(card->profile().counters, World().profile.counters);
}

TEST(CredentialsTest, WrongValueDropsAnEarlierVerification) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  ASSERT_EQ(Sw(*card, VerifyApdu("1234")), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("9999")), 0x63C2);
  EXPECT_EQ(Sw(*card, "80 2A 00 97 01 00 00"), 0x6982);
}

TEST(CredentialsTest, InputAssistBlockedReference) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kInputAssistAid), my::kInputAssistBlockedRef), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
}

// §2: what each input-assist credential opens.
struct AccessRow {
  std::uint16_t ief;
  std::string (*value)();
  std::vector<std::uint16_t> open;
  std::vector<std::uint16_t> closed;
};

std::string InputAssistPin() { return World().profile.input_assist_pin; }
std::string CodeA() { return World().profile.my_number; }

TEST(CredentialsTest, InputAssistAccessByCredential) {
  const std::vector<AccessRow> rows = {
      {my::kInputAssistPin, &InputAssistPin, {0x0001, 0x0002, 0x0003, 0x0006, 0x0007}, {}},
      {my::kInputAssistCodeA, &CodeA, {0x0001, 0x0003, 0x0006, 0x0007}, {0x0002}},
      {my::kInputAssistCodeB, &CodeB, {0x0002, 0x0003, 0x0006, 0x0007}, {0x0001}},
  };
  for (const AccessRow& row : rows) {
    auto card = NewTestCard();
    ASSERT_EQ(Sw(*card, SelectAidApdu(Aid(my::kInputAssistAid))), 0x9000);
    for (std::uint16_t ef :
         std::initializer_list<std::uint16_t>{0x0001, 0x0002, 0x0003, 0x0006, 0x0007}) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x6982) << "before verify, EF " << ef;
    }
    for (std::uint16_t ef : std::initializer_list<std::uint16_t>{0x0004, 0x0005}) {  // free
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x9000) << "free EF " << ef;
    }
    ASSERT_EQ(SelectAndVerify(*card, row.ief, row.value()), 0x9000) << row.ief;
    for (std::uint16_t ef : row.open) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x9000) << "IEF " << row.ief << " EF " << ef;
    }
    for (std::uint16_t ef : row.closed) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x6982) << "IEF " << row.ief << " EF " << ef;
    }
  }
}

// §2: 券面AP: A opens 0002-0006; B opens 0002, 0003, 0004, 0006 but not 0005; the birth-date
// key opens 0001.
TEST(CredentialsTest, CardFaceAccessByCredential) {
  const CardProfile& p = World().profile;
  const std::string birth_key = JapaneseEraDate(p.identity.birth_date).value();
  struct Row {
    std::uint16_t ief;
    std::string value;
    std::vector<std::uint16_t> open;
    std::vector<std::uint16_t> closed;
  };
  const std::vector<Row> rows = {
      {0x0013, p.my_number, {0x0002, 0x0003, 0x0004, 0x0005, 0x0006}, {0x0001}},
      {0x0012, CodeB(), {0x0002, 0x0003, 0x0004, 0x0006}, {0x0001, 0x0005}},
      {0x0011, birth_key, {0x0001, 0x0003, 0x0004}, {0x0002, 0x0005, 0x0006}},
  };
  for (const Row& row : rows) {
    auto card = NewTestCard();
    ASSERT_EQ(Sw(*card, SelectAidApdu(Aid(my::kCardFaceAid))), 0x9000);
    for (std::uint16_t ef : std::initializer_list<std::uint16_t>{0x0001, 0x0002, 0x0005, 0x0006}) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x6982) << "before verify, EF " << ef;
    }
    ASSERT_EQ(SelectAndVerify(*card, row.ief, row.value), 0x9000) << row.ief;
    for (std::uint16_t ef : row.open) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x9000) << "IEF " << row.ief << " EF " << ef;
    }
    for (std::uint16_t ef : row.closed) {
      ASSERT_EQ(Sw(*card, SelectEfApdu(ef)), 0x9000);
      EXPECT_EQ(Sw(*card, "00 B0 00 00 01"), 0x6982) << "IEF " << row.ief << " EF " << ef;
    }
  }
}

TEST(CredentialsTest, CardFaceCodesAreChecked) {
  auto card = NewTestCard();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kCardFaceAid), 0x0013), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("000000000000")), 0x63C9);
  ASSERT_EQ(Sw(*card, SelectEfApdu(0x0012)), 0x9000);
  // The jpki-rs reading (Gregorian YYYYMMDD) is wrong per spec §2: it does not open.
  const CardProfile& p = World().profile;
  EXPECT_EQ(Sw(*card, VerifyApdu(p.identity.birth_date.substr(2) + p.card_expiry.substr(0, 4) +
                                 p.security_code)),
            0x63C9);
  EXPECT_EQ(Sw(*card, VerifyApdu(CodeB())), 0x9000);
}

// §3 CHANGE REFERENCE DATA.

TEST(CredentialsTest, ChangeReferenceData) {
  int saves = 0;
  auto card = NewTestCard([&](const CardProfile&) {
    ++saves;
    return OkStatus();
  });
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, "00 24 01 80 04 35 36 37 38"), 0x6982);  // not verified yet
  ASSERT_EQ(Sw(*card, VerifyApdu("1234")), 0x9000);
  EXPECT_EQ(Sw(*card, "00 24 01 80 04 35 36 37 61"), 0x6A80);  // not 4 digits
  EXPECT_EQ(Sw(*card, "00 24 01 80 03 35 36 37"), 0x6A80);
  EXPECT_EQ(Sw(*card, "00 24 00 80 08 31 32 33 34 35 36 37 38"), 0x6A86);
  const int before = saves;
  EXPECT_EQ(Sw(*card, "00 24 01 80 04 35 36 37 38"), 0x9000);
  EXPECT_EQ(saves, before + 1);
  EXPECT_EQ(card->profile().auth_pin, "5678");
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("5678")), 0x9000);
  // The signature password follows its own rules.
  ASSERT_EQ(SelectAndVerify(*card, my::kJpkiSignPassword, "ABC123"), 0x9000);
  EXPECT_EQ(Sw(*card, "00 24 01 80 06 61 62 63 31 32 33"), 0x6A80);  // lower case
  EXPECT_EQ(Sw(*card, "00 24 01 80 06 58 59 5A 39 39 39"), 0x9000);  // XYZ999
  // Verification codes cannot be changed.
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kInputAssistAid), my::kInputAssistCodeA), 0x9000);
  ASSERT_EQ(Sw(*card, VerifyApdu(World().profile.my_number)), 0x9000);
  EXPECT_EQ(Sw(*card, "00 24 01 80 04 31 32 33 34"), 0x6985);
}

// Persistence: counters saved before the answer; a locked card stays locked.

TEST(CredentialsTest, CounterChangesArePersistedBeforeTheAnswer) {
  std::vector<int> saved;
  auto card = NewTestCard([&](const CardProfile& p) {
    saved.push_back(p.counters.auth_pin);
    return OkStatus();
  });
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C3);
  EXPECT_TRUE(saved.empty());  // the query changes nothing
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x63C2);
  EXPECT_EQ(saved, (std::vector<int>{2}));
  // A correct PIN: the try is spent and saved first, then restored and saved (anti-tearing).
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x9000);
  EXPECT_EQ(saved, (std::vector<int>{2, 1, 3}));
  // Blocked VERIFY and SELECT/READ save nothing.
  saved.clear();
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kInputAssistAid), my::kInputAssistBlockedRef), 0x9000);
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);
  EXPECT_TRUE(saved.empty());
}

TEST(CredentialsTest, PersistFailureAnswers6581AndNeverUnlocks) {
  bool fail = false;
  auto card = NewTestCard(
      [&](const CardProfile&) { return fail ? UnavailableError("disk full") : OkStatus(); });
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  fail = true;
  // A correct PIN is not accepted when the try cannot be recorded.
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6581);
  ASSERT_EQ(Sw(*card, SelectEfApdu(my::kJpkiAuthKey)), 0x9000);
  EXPECT_EQ(Sw(*card, "80 2A 00 80 01 00 00"), 0x6982);
  // The spent try stays spent in memory: guessing is bounded even while saving fails.
  ASSERT_EQ(Sw(*card, SelectEfApdu(my::kJpkiAuthPin)), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C2);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x6581);
  EXPECT_EQ(Sw(*card, VerifyApdu("0000")), 0x6581);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);
  fail = false;
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);
}

TEST(CredentialsTest, LockSurvivesSaveLoadAndANewCard) {
  TempDir dir;
  const auto path = dir.path() / "card.json";
  ASSERT_THAT(SaveCardProfile(World().profile, path), IsOk());
  {
    auto card = NewTestCard(World().profile,
                            [&](const CardProfile& p) { return SaveCardProfile(p, path); });
    ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
    for (int i = 0; i < 3; ++i) Sw(*card, VerifyApdu("0000"));
    ASSERT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
    ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiSignPassword), 0x9000);
    EXPECT_EQ(Sw(*card, VerifyApdu("WRONG1")), 0x63C4);
  }
  auto loaded = LoadCardProfile(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->counters.auth_pin, 0);
  EXPECT_EQ(loaded->counters.sign_password, 4);
  auto card = NewTestCard(*loaded);
  ASSERT_EQ(SelectAidAndEf(*card, Aid(my::kJpkiAid), my::kJpkiAuthPin), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C0);
  EXPECT_EQ(Sw(*card, VerifyApdu("1234")), 0x6984);
  ASSERT_EQ(Sw(*card, SelectEfApdu(my::kJpkiSignPassword)), 0x9000);
  EXPECT_EQ(Sw(*card, "00 20 00 80"), 0x63C4);
}

TEST(CredentialsTest, CreateRejectsABrokenProfile) {
  CardProfile bad = World().profile;
  bad.counters.sign_password = 6;
  EXPECT_THAT(SimulatedCard::Create(bad),
              ::sekisho::testing::StatusIs(StatusCode::kDataLoss,
                                           ::testing::HasSubstr("retry_counters.sign_password")));
  bad = World().profile;
  bad.auth_key_pem = World().profile.sign_key_pem;  // key and certificate disagree
  EXPECT_THAT(SimulatedCard::Create(bad),
              ::sekisho::testing::StatusIs(StatusCode::kDataLoss,
                                           ::testing::HasSubstr("certificates.auth")));
}

}  // namespace
}  // namespace sekisho::card::sim
