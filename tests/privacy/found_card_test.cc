// C1 (DESIGN.md §1, P1): a lost card, found by a stranger whose reader is not ours and who has
// neither the PIN nor K_org. The card has been enrolled by an organisation and used at one of its
// gates; the stranger then asks it everything a reader can ask without a PIN (spec §1-§7), and,
// separately, reads it the way a JPKI client does, through the APDU firewall.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "access/data_dir.h"
#include "access/test_site.h"
#include "base/bytes.h"
#include "base/random.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "card/sim/simulated_card.h"
#include "gate/jpki_authenticator.h"
#include "gate/scripted_keypad.h"
#include "identity/pseudonym.h"
#include "policy/model.h"
#include "tests/privacy/leak_scanner.h"

namespace sekisho::privacy {
namespace {

using access::testing::kTestPin;
using access::testing::TempDir;
using access::testing::TestOrg;
using access::testing::TestSite;
using card::sim::testing::DataOf;
using card::sim::testing::SendBytes;
using card::sim::testing::SwOf;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::IsEmpty;
namespace mn = card::mynumber;

constexpr std::string_view kOrgName = "Acme Corp";
constexpr std::string_view kStaffNumber = "E-1001";
constexpr std::string_view kStaffName = "Aoi Tanaka";

std::string Fid(std::uint16_t fid) {
  return ToHex(Bytes{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid & 0xFF)});
}

// What a reader obtains from a card without any PIN or key.
struct StrangerRead {
  Bytes transcript;                    // every command and its whole response, in order
  std::map<std::string, Bytes> files;  // "application / EF fid" -> content, for every read that
                                       // answered 9000 (transparent EFs whole, records by number)
  std::size_t commands = 0;
};

class StrangerReader {
 public:
  explicit StrangerReader(card::VirtualCard& card) : card_(card) {}

  // Resets the card and asks everything the chip answers without a credential: the MF-level data
  // objects (spec §7.4), then in each known application (spec §1) every EF from 0001 to 001F
  // (SELECT, READ BINARY to the end, READ RECORD 1-8).
  StrangerRead ReadEverything() {
    out_ = {};
    card_.Reset();
    Append(out_.transcript, card_.Atr());
    constexpr std::uint16_t kMfDataObjects[] = {0x0045, 0x00F0, 0x00F2, 0x00F7, 0x00F8,
                                                0x7F21, 0x5F51, 0x0042, 0x0066};
    for (const std::uint16_t tag : kMfDataObjects) {
      const auto p1 = static_cast<std::uint8_t>(tag >> 8);
      const auto p2 = static_cast<std::uint8_t>(tag & 0xFF);
      Bytes answer = Ask({0x00, mn::kInsGetData, p1, p2, 0x00});
      if (SwOf(answer) == 0x6700) answer = Ask({0x00, mn::kInsGetData, p1, p2, 0x00, 0x00, 0x00});
      Keep("MF / GET DATA " + ToHex(Bytes{p1, p2}), answer);
    }
    const std::pair<const char*, ByteView> applications[] = {{"JPKI", mn::kJpkiAid},
                                                             {"input-assist", mn::kInputAssistAid},
                                                             {"card-face", mn::kCardFaceAid},
                                                             {"residence", mn::kResidenceAid},
                                                             {"common", mn::kCommonAid}};
    for (const auto& [name, aid] : applications) {
      if (SwOf(Ask(card::sim::testing::SelectAidApdu(aid))) != 0x9000) continue;
      for (std::uint16_t fid = 0x0001; fid <= 0x001F; ++fid) {
        if (SwOf(Ask(card::sim::testing::SelectEfApdu(fid))) != 0x9000) continue;
        const std::string where = std::string(name) + " / EF " + Fid(fid);
        ReadTransparent(where);
        for (std::uint8_t record = 1; record <= 8; ++record) {
          Bytes answer = Ask({0x00, mn::kInsReadRecord, record, 0x04, 0x00});
          if ((SwOf(answer) & 0xFF00) == 0x6C00) {
            answer = Ask({0x00, mn::kInsReadRecord, record, 0x04,
                          static_cast<std::uint8_t>(SwOf(answer) & 0xFF)});
          }
          Keep(where + " record " + std::to_string(record), answer);
        }
      }
    }
    return out_;
  }

 private:
  Bytes Ask(const Bytes& command) {
    ++out_.commands;
    Bytes answer = SendBytes(card_, command);
    Append(out_.transcript, command);
    Append(out_.transcript, answer);
    return answer;
  }
  void Keep(const std::string& where, const Bytes& answer) {
    if (SwOf(answer) == 0x9000) out_.files[where] = DataOf(answer);
  }
  // READ BINARY from offset 0 in 256-byte steps until a short read or an error.
  void ReadTransparent(const std::string& where) {
    Bytes content;
    bool any = false;
    while (content.size() <= 0x7FFF) {
      const Bytes answer =
          Ask({0x00, mn::kInsReadBinary, static_cast<std::uint8_t>(content.size() >> 8),
               static_cast<std::uint8_t>(content.size() & 0xFF), 0x00});
      if (SwOf(answer) != 0x9000) break;
      any = true;
      const Bytes data = DataOf(answer);
      Append(content, data);
      if (data.size() < 256) break;
    }
    if (any) out_.files[where] = std::move(content);
  }

  card::VirtualCard& card_;
  StrangerRead out_;
};

// Everything Sekisho knows about the holder as this employer: a scanner for each of it.
LeakScanner EmployerScanner(const TestOrg& org, const store::Staff& staff,
                            const access::EnrolmentOutcome& enrolled) {
  constexpr unsigned kAll = kRaw | kHex | kBase64;
  LeakScanner scanner;
  scanner.Add("organisation name", ToBytes(kOrgName), kAll);
  scanner.Add("organisation slug", ToBytes(access::OrgSlug(kOrgName)), kRaw);
  scanner.Add("staff number", ToBytes(kStaffNumber), kAll);
  scanner.Add("staff name", ToBytes(kStaffName), kAll);
  scanner.Add("staff reference", staff.staff_ref.view(), kAll, 8);
  scanner.Add("pseudonym", enrolled.credential.pseudonym, kAll, 8);
  scanner.Add("display pseudonym", ToBytes(enrolled.display_pseudonym), kRaw);
  if (enrolled.credential.keyed_serial) {
    scanner.Add("keyed serial", *enrolled.credential.keyed_serial, kAll, 8);
  }
  scanner.Add("K_org", org.key.view(), kAll, 8);
  return scanner;
}

TEST(PrivacyTest, C1_FoundCardTellsAStrangersReaderNothingOfTheEmployer) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  TestOrg& org = site.AddOrg(kOrgName, 101);
  const store::Staff staff = site.AddStaff(org, kStaffNumber, kStaffName);

  // The card as the municipality issued it, read by the stranger before anything of ours.
  const card::sim::CardProfile issued = access::testing::TestProfile();
  std::unique_ptr<card::sim::SimulatedCard> pristine = card::sim::testing::NewTestCard(issued);
  const StrangerRead before = StrangerReader(*pristine).ReadEverything();

  // The holder's card goes through everything the employer does with it: enrolment at the desk,
  // then an authentication at a gate (PIN, signature of a challenge).
  std::unique_ptr<card::sim::SimulatedCard> card = card::sim::testing::NewTestCard(issued);
  card::sim::SimChannel channel(*card);
  auto enrolled = site.Enrol(org, staff, channel);
  ASSERT_THAT(enrolled, IsOk());
  gate::ScriptedKeypad keypad;
  keypad.AddPin(kTestPin);
  SeededRandom gate_random(31);
  gate::JpkiAuthenticator authenticator(org.key, keypad, gate_random);
  const gate::AuthenticationOutcome at_gate =
      authenticator.Authenticate(channel, policy::Assurance::kCardAndPin);
  ASSERT_TRUE(at_gate.ok()) << at_gate.status.ToString();
  EXPECT_EQ(*at_gate.credential, policy::CredentialKeyOf(enrolled->credential.pseudonym));

  // The card is lost. The stranger's reader asks it everything a reader can without a PIN.
  const StrangerRead found = StrangerReader(*card).ReadEverything();
  ASSERT_GE(found.commands, 5u * 31u);  // at least every EF of every application was asked for

  // P1: nothing was written to the card. Every answer, byte for byte, is the one the card gave
  // before the employer saw it (the PIN counter is back at 3 after the correct PINs).
  EXPECT_EQ(card->profile().counters, issued.counters);
  EXPECT_EQ(found.transcript, before.transcript);
  EXPECT_EQ(found.files, before.files);

  // Nothing that names the employer, in any encoding, anywhere in what the card answered.
  const LeakScanner employer = EmployerScanner(org, staff, *enrolled);
  EXPECT_THAT(employer.ScanBytes(found.transcript, "the stranger's transcript"), IsEmpty())
      << Describe(employer.ScanBytes(found.transcript, "the stranger's transcript"));
  // The scan would have found them: a pseudonym window, the staff number or the organisation
  // name planted among the card's answers is reported.
  for (const Bytes& planted : {Bytes(enrolled->credential.pseudonym.begin() + 8,
                                     enrolled->credential.pseudonym.begin() + 24),
                               ToBytes(kStaffNumber), ToBytes(ToHex(org.key.view()))}) {
    Bytes with = found.transcript;
    with.insert(with.begin() + static_cast<std::ptrdiff_t>(with.size() / 2), planted.begin(),
                planted.end());
    EXPECT_FALSE(employer.ScanBytes(with, "planted").empty()) << ToHex(planted);
  }

  // Of the JPKI application, a reader without the PIN obtains the public files only: the token,
  // the certificate-presence flags, the CA certificates and the authentication certificate, which
  // holds the holder's public key and no name (card_factory_test). The signature certificate and
  // every key and PIN stay closed.
  std::map<std::string, Bytes> jpki;
  for (const auto& [where, content] : found.files) {
    if (where.starts_with("JPKI / ")) jpki[where] = content;
  }
  const std::string prefix = "JPKI / EF ";
  EXPECT_EQ(jpki.size(), 5u);
  EXPECT_EQ(jpki[prefix + Fid(mn::kJpkiAuthCert)], issued.auth_certificate);
  EXPECT_EQ(jpki[prefix + Fid(mn::kJpkiAuthCaCert)], issued.auth_ca_certificate);
  EXPECT_EQ(jpki[prefix + Fid(mn::kJpkiSignCaCert)], issued.sign_ca_certificate);
  EXPECT_EQ(jpki[prefix + Fid(mn::kJpkiToken)].size(), mn::kTokenEfSize);
  EXPECT_TRUE(jpki.contains(prefix + Fid(mn::kJpkiCertPresence)));
  EXPECT_FALSE(found.files.contains(prefix + Fid(mn::kJpkiSignCert)));
  // The Individual Number and the four attributes are behind the input-assist PIN.
  for (const auto& [where, content] : found.files) {
    EXPECT_EQ(ToString(content).find(issued.my_number), std::string::npos) << where;
  }
}

TEST(PrivacyTest, C1_AJpkiReaderThroughTheFirewallGetsTheAuthCertificateAndNothingElse) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  TestOrg& org = site.AddOrg(kOrgName, 101);
  const store::Staff staff = site.AddStaff(org, kStaffNumber, kStaffName);
  const card::sim::CardProfile issued = access::testing::TestProfile();
  std::unique_ptr<card::sim::SimulatedCard> card = card::sim::testing::NewTestCard(issued);
  card::sim::SimChannel raw(*card);
  auto enrolled = site.Enrol(org, staff, raw);
  ASSERT_THAT(enrolled, IsOk());

  // The stranger's reader uses the same card layer a gate uses, without K_org.
  card::CountingChannel reached(raw);
  auto firewall = card::ApduFirewall::Create(reached, card::SharedJpkiUserAuthenticationPolicy());
  ASSERT_THAT(firewall, IsOk());
  card::JpkiClient jpki(**firewall);
  auto token = jpki.DetectToken();
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, card::TokenKind::kMyNumberCard);
  auto certificate = jpki.ReadAuthCertificate(card::CertificateRead::kFull);
  ASSERT_THAT(certificate, IsOk());
  EXPECT_EQ(*certificate, issued.auth_certificate);
  auto pin = jpki.QueryAuthPinStatus();
  ASSERT_THAT(pin, IsOk());
  EXPECT_EQ(pin->tries_left, 3);
  const LeakScanner employer = EmployerScanner(org, staff, *enrolled);
  EXPECT_THAT(employer.ScanBytes(*certificate, "the authentication certificate"), IsEmpty());

  // Every other application is refused before a byte reaches the card.
  for (const ByteView aid : {ByteView(mn::kInputAssistAid), ByteView(mn::kCardFaceAid),
                             ByteView(mn::kResidenceAid), ByteView(mn::kCommonAid)}) {
    const std::size_t sent = reached.counts().commands;
    EXPECT_THAT((*firewall)->Transmit(card::sim::testing::SelectAidApdu(aid)).status(),
                StatusIs(StatusCode::kPermissionDenied))
        << ToHex(aid);
    EXPECT_EQ(reached.counts().commands, sent) << ToHex(aid);
  }
  // And the signature certificate of the JPKI application with it.
  ASSERT_THAT(jpki.SelectApplication(), IsOk());
  const std::size_t sent = reached.counts().commands;
  EXPECT_THAT((*firewall)->Transmit(card::sim::testing::SelectEfApdu(mn::kJpkiSignCert)).status(),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(reached.counts().commands, sent);
}

}  // namespace
}  // namespace sekisho::privacy
