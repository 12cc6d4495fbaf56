// `sekisho card readers | inspect | authenticate`: real readers through pcsc-lite. Every card
// access goes through the APDU firewall with the JPKI user-authentication policy, so nothing but
// the auth certificate, the auth PIN and the auth key is ever touched; `inspect` of a badge goes
// through the badge gate policy (badge/badge_firewall.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "access/badge_keys.h"
#include "badge/badge_firewall.h"
#include "badge/badge_ids.h"
#include "badge/badge_terminal.h"
#include "badge/secure_messaging.h"
#include "badge/security_infos.h"
#include "base/clock.h"
#include "base/random.h"
#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/pcsc/pcsc_context.h"
#include "card/response_apdu.h"
#include "card/status_word.h"
#include "card/tlv.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "cmd/sekisho/pin_entry.h"
#include "cmd/sekisho/reader_session.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"
#include "pki/verify.h"

namespace sekisho::cli {
namespace {

std::string Date(TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string_view TokenName(card::TokenKind kind) {
  switch (kind) {
    case card::TokenKind::kMyNumberCard:
      return "My Number Card (JPKIAPICCTOKEN2)";
    case card::TokenKind::kJukiCard:
      return "Basic Resident Register card (JPKIAPICCTOKEN)";
    case card::TokenKind::kAndroidSecureElement:
      return "Android secure element (JPKIAPGPSETOKEN)";
    case card::TokenKind::kIphone:
      return "iPhone (JPKIAPIOSTOKEN)";
    case card::TokenKind::kUnknown:
      break;
  }
  return "unknown JPKI token";
}

std::string Anchor(const pki::Certificate& cert) {
  const std::string issuer = cert.IssuerText();
  return issuer + (issuer.find("O=JPKI-TEST") != std::string::npos ? "  [TEST PKI]" : "");
}

Status ListReaders() {
  ASSIGN_OR_RETURN(auto context, card::pcsc::PcscContext::Establish());
  ASSIGN_OR_RETURN(std::vector<std::string> readers, context->ListReaders());
  if (readers.empty()) std::printf("no readers\n");
  for (const std::string& r : readers) {
    const bool present = context->WaitForCard(r, std::chrono::milliseconds(0)).ok();
    std::printf("%s\t%s\n", r.c_str(), present ? "card present" : "empty");
  }
  return OkStatus();
}

struct InspectOptions {
  ReaderOptions reader;
  std::optional<std::filesystem::path> org_key;
  // A badge: act as an authorised terminal of this organisation.
  std::optional<std::string> data;
  std::optional<std::string> org;
};

// The data directory of --data and --org; `card inspect` writes nothing, the actor is only what
// a data session needs.
DataOptions InspectDataOptions(const InspectOptions& o) {
  DataOptions data;
  data.data = o.data.value_or("");
  data.org = o.org;
  const char* user = std::getenv("USER");
  data.actor = user != nullptr && *user != '\0' ? user : "card-inspect";
  return data;
}

// The dotted form of an OID's content octets (ITU-T X.690 §8.19).
std::string DottedOid(ByteView oid) {
  if (oid.empty()) return "?";
  std::string text = oid[0] < 80 ? std::to_string(oid[0] / 40) + "." + std::to_string(oid[0] % 40)
                                 : "2." + std::to_string(oid[0] - 80);
  std::uint64_t arc = 0;
  for (std::size_t i = 1; i < oid.size(); ++i) {
    arc = (arc << 7) | (oid[i] & 0x7F);
    if ((oid[i] & 0x80) == 0) {
      text += "." + std::to_string(arc);
      arc = 0;
    }
  }
  return text;
}

// The protocol names of BSI TR-03110-3 App. A.1.1 that a badge's EF.CardAccess carries.
std::string_view ProtocolName(std::string_view dotted) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"0.4.0.127.0.7.2.2.4.2.2", "PACE (id-PACE-ECDH-GM-AES-CBC-CMAC-128)"},
      {"0.4.0.127.0.7.2.2.2", "Terminal Authentication (id-TA)"},
      {"0.4.0.127.0.7.2.2.3.2.2", "Chip Authentication (id-CA-ECDH-AES-CBC-CMAC-128)"},
      {"0.4.0.127.0.7.2.2.3.2", "Chip Authentication domain parameters (id-CA-ECDH)"},
      {"0.4.0.127.0.7.2.2.5.2.3", "Restricted Identification (id-RI-ECDH-SHA-256)"},
  };
  for (const auto& [oid, name] : kNames) {
    if (oid == dotted) return name;
  }
  return "unknown protocol";
}

// "PACE (...) v2" per SecurityInfo of EF.CardAccess (a DER SET OF SEQUENCE { OID, INTEGER, ... }).
Result<std::vector<std::string>> CardAccessProtocols(ByteView card_access) {
  auto set = card::ParseTlv(card_access, card::TlvMode::kStrict);
  if (!set.ok() || set->header.tag != 0x31) {
    return DataLossError("EF.CardAccess is not a SET of SecurityInfos");
  }
  ASSIGN_OR_RETURN(const std::vector<card::Tlv> infos,
                   card::ParseChildren(*set, card::TlvMode::kStrict));
  std::vector<std::string> protocols;
  for (const card::Tlv& info : infos) {
    auto fields = card::ParseChildren(info, card::TlvMode::kStrict);
    if (!fields.ok() || fields->empty() || (*fields)[0].header.tag != 0x06) {
      return DataLossError("EF.CardAccess holds a SecurityInfo without a protocol");
    }
    const std::string dotted = DottedOid((*fields)[0].value);
    std::string line = std::string(ProtocolName(dotted)) + ", " + dotted;
    if (fields->size() > 1 && (*fields)[1].header.tag == 0x02 && (*fields)[1].value.size() == 1) {
      line += ", version " + std::to_string((*fields)[1].value[0]);
    }
    protocols.push_back(std::move(line));
  }
  return protocols;
}

// The status word of a raw response, as "6A82 (name)"; the secure-messaging ones of ISO/IEC
// 7816-4:2020 §5.6 Table 6, which card/status_word.h does not name, by their meaning here.
std::string SwText(ByteView response) {
  if (response.size() < 2) return "no status word";
  const std::uint16_t sw = ReadU16(response[response.size() - 2], response[response.size() - 1]);
  std::string name(card::StatusWordName(sw));
  if (sw == badge::kSwSmObjectsMissing) name = "secure messaging data objects missing";
  if (sw == badge::kSwSmObjectsIncorrect) name = "secure messaging required: no session";
  return ToHex16(sw) + " (" + name + ")";
}

// What any reader sees of a badge, without its PIN and without being a terminal of the
// organisation: the same on every badge of a batch (docs/decisions/badge-eac-sequence.md,
// property 1).
Status PrintPublicBadge(card::CardChannel& firewall, const OpenCard& open) {
  ASSIGN_OR_RETURN(Bytes atr, open.channel->Atr());
  std::printf("reader:             %s\n", open.reader.c_str());
  std::printf("ATR:                %s\n", ToHex(atr, true).c_str());
  std::printf("card:               Sekisho badge (SELECT of AID %s: 9000)\n",
              ToHex(badge::kBadgeAid, true).c_str());
  ASSIGN_OR_RETURN(const Bytes read_access,
                   firewall.Transmit(Bytes{0x00, badge::kInsReadBinary,
                                           static_cast<std::uint8_t>(0x80 | badge::kSfiCardAccess),
                                           0x00, 0x00}));
  ASSIGN_OR_RETURN(const card::ResponseApdu access, card::ResponseApdu::Parse(read_access));
  if (!access.ok()) {
    return DataLossError("the badge refused to give EF.CardAccess: " + SwText(read_access));
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> protocols, CardAccessProtocols(access.data));
  std::printf("EF.CardAccess:      %zu bytes, readable by anyone, %s\n", access.data.size(),
              access.data == badge::EncodeCardAccess() ? "the same on every badge"
                                                       : "NOT the standard badge profile");
  for (const std::string& p : protocols) std::printf("                    %s\n", p.c_str());
  // Everything else needs secure messaging (Chip Authentication, whose key is the batch's, or
  // PACE with the badge PIN) and then Terminal Authentication by the organisation: in clear the
  // badge refuses it, identically on every badge.
  struct Probe {
    const char* what;
    Bytes apdu;
  };
  const Probe probes[] = {
      {"READ BINARY EF.CardSecurity (batch key)",
       {0x0C, badge::kInsReadBinary, static_cast<std::uint8_t>(0x80 | badge::kSfiCardSecurity),
        0x00, 0x00}},
      {"MSE:SET AT (chip authentication, RI)", {0x0C, 0x22, 0x41, 0xA4, 0x00}},
      {"GET CHALLENGE (terminal authentication)",
       {0x0C, badge::kInsGetChallenge, 0x00, 0x00, 0x08}},
  };
  std::printf("before terminal authentication:\n");
  for (const Probe& probe : probes) {
    ASSIGN_OR_RETURN(const Bytes answer, firewall.Transmit(probe.apdu));
    std::printf("  %-42s refused: %s\n", probe.what, SwText(answer).c_str());
  }
  std::printf(
      "                    (the identifier needs chip authentication, then terminal "
      "authentication by the issuing organisation)\n");
  return OkStatus();
}

// As an authorised terminal of the organisation, by the sequence of a card-only door
// (docs/decisions/badge-eac-sequence.md): a terminal certificate from its DV, valid today only,
// with a gate's rights; Chip Authentication in plain against the organisation's batch key, then
// TA and RI under CA's secure messaging. No CAN and no PIN. The identifier becomes the
// organisation's pseudonym at once and is never shown.
Status InspectBadgeAsTerminal(card::CardChannel& firewall, const InspectOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(InspectDataOptions(o)));
  ASSIGN_OR_RETURN(identity::OrgKey k_org, LoadSessionKey(s));
  const badge::Date today = access::DateOf(s.clock->Now());
  ASSIGN_OR_RETURN(const access::BadgeKeys keys,
                   access::BadgeKeys::Load(*s.dir, s.org.name, today));
  ASSIGN_OR_RETURN(const badge::TerminalCredentials terminal,
                   keys.IssueTerminal(today, std::chrono::days(1), badge::rights::kGate, "IN"));
  ASSIGN_OR_RETURN(const badge::CvCertificate cert,
                   badge::CvCertificate::Parse(terminal.terminal_certificate));
  std::printf(
      "terminal:           %s of %s (issued now by %s, valid today only; rights: RI, "
      "CAN allowed)\n",
      cert.chr().c_str(), s.org.name.c_str(), keys.dv().chr().c_str());
  badge::BadgeTerminal reader(firewall, terminal);
  auto identifier = reader.ReadIdentifierWithoutPassword();
  if (!identifier.ok()) {
    if (reader.chip_key_untrusted()) {
      return identifier.status().WithContext("not a badge of " + s.org.name +
                                             "; nothing of its terminal was sent");
    }
    return identifier.status().WithContext("the badge as a terminal of " + s.org.name);
  }
  const Bytes psn = identity::RiPseudonym(k_org, *identifier);
  WipeBytes(*identifier);
  std::printf(
      "authenticated:      chip authentication (genuine, batch %d), terminal "
      "authentication, restricted identification\n",
      keys.batch_number());
  std::printf("pseudonym:          %s (in %s)\n", identity::DisplayPseudonym(psn).c_str(),
              s.org.name.c_str());
  auto credential = s.registry->FindCredentialByPseudonym(s.org.id, psn);
  if (!credential.ok()) {
    if (credential.status().code() != StatusCode::kNotFound) return credential.status();
    std::printf("holder:             none: %s has not issued this badge\n", s.org.name.c_str());
    return OkStatus();
  }
  ASSIGN_OR_RETURN(const store::Staff staff, s.registry->GetStaff(s.org.id, credential->staff));
  std::printf("holder:             staff %s (%s)\n", staff.staff_number.c_str(),
              staff.display_name.c_str());
  std::printf("credential:         %s %s, valid until %s\n",
              std::string(store::CredentialKindName(credential->kind)).c_str(),
              std::string(store::CredentialStatusName(credential->status)).c_str(),
              FormatDate(credential->not_after).c_str());
  return OkStatus();
}

Status InspectBadge(const InspectOptions& o, const OpenCard& open) {
  ASSIGN_OR_RETURN(auto firewall,
                   card::ApduFirewall::Create(*open.channel, badge::BadgeGatePolicy()));
  Bytes select = {0x00, badge::kInsSelect, 0x04, 0x0C,
                  static_cast<std::uint8_t>(badge::kBadgeAid.size())};
  select.insert(select.end(), badge::kBadgeAid.begin(), badge::kBadgeAid.end());
  ASSIGN_OR_RETURN(const Bytes selected, firewall->Transmit(select));
  ASSIGN_OR_RETURN(const card::ResponseApdu select_answer, card::ResponseApdu::Parse(selected));
  if (!select_answer.ok()) {
    return FailedPreconditionError(
        "the card is neither a My Number Card (no JPKI application) nor a Sekisho badge (SELECT "
        "of the badge applet: " +
        SwText(selected) + ")");
  }
  RETURN_IF_ERROR(PrintPublicBadge(*firewall, open));
  if (o.data) return InspectBadgeAsTerminal(*firewall, o);
  std::printf(
      "pseudonym:          (pass --data DIR --org ORG to read it as a terminal of the "
      "organisation)\n");
  return OkStatus();
}

Status Inspect(const InspectOptions& o) {
  ASSIGN_OR_RETURN(OpenCard open, Open(o.reader));
  ASSIGN_OR_RETURN(auto firewall, card::ApduFirewall::Create(
                                      *open.channel, card::SharedJpkiUserAuthenticationPolicy()));
  card::CountingChannel counting(*firewall);
  card::JpkiClient jpki(counting);
  ASSIGN_OR_RETURN(Bytes atr, open.channel->Atr());
  auto detected = jpki.DetectToken();
  // No JPKI application ("not a My Number Card"): perhaps a badge.
  if (!detected.ok() && (detected.status().code() == StatusCode::kFailedPrecondition ||
                         detected.status().code() == StatusCode::kNotFound)) {
    return InspectBadge(o, open);
  }
  ASSIGN_OR_RETURN(card::TokenKind token, std::move(detected));
  ASSIGN_OR_RETURN(Bytes der, jpki.ReadAuthCertificate(card::CertificateRead::kFull));
  ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::FromDer(der));
  ASSIGN_OR_RETURN(card::PinStatus pin, jpki.QueryAuthPinStatus());

  std::printf("reader:             %s\n", open.reader.c_str());
  std::printf("ATR:                %s\n", ToHex(atr, true).c_str());
  std::printf("token:              %s\n", std::string(TokenName(token)).c_str());
  std::printf("auth certificate:   issued by %s\n", Anchor(cert).c_str());
  std::printf("                    valid %s to %s, RSA-%d\n", Date(cert.NotBefore()).c_str(),
              Date(cert.NotAfter()).c_str(), cert.KeyBits());
  if (o.org_key) {
    ASSIGN_OR_RETURN(identity::OrgKey key, LoadOrgKey(*o.org_key));
    const Bytes psn = identity::Pseudonym(key, cert.SubjectPublicKeyInfoDer());
    std::printf("pseudonym:          %s (keyed with %s)\n", identity::DisplayPseudonym(psn).c_str(),
                o.org_key->filename().c_str());
  } else if (o.data) {
    ASSIGN_OR_RETURN(DataSession s, OpenDataSession(InspectDataOptions(o)));
    ASSIGN_OR_RETURN(identity::OrgKey key, LoadSessionKey(s));
    const Bytes psn = identity::Pseudonym(key, cert.SubjectPublicKeyInfoDer());
    std::printf("pseudonym:          %s (in %s)\n", identity::DisplayPseudonym(psn).c_str(),
                s.org.name.c_str());
  } else {
    std::printf("pseudonym:          (pass --org-key FILE to compute it)\n");
  }
  if (pin.blocked) {
    std::printf("auth PIN:           LOCKED (only the municipal office can unlock it)\n");
  } else {
    std::printf("auth PIN:           %d of 3 tries left%s\n", pin.tries_left,
                pin.tries_left <= 1 ? " (Sekisho will not use the last try)" : "");
  }
  std::printf("card traffic:       %zu APDUs, %zu bytes read; firewall refused %zu\n",
              counting.counts().commands, counting.counts().bytes_received,
              static_cast<std::size_t>(firewall->stats().refused));
  return OkStatus();
}

struct AuthenticateOptions {
  ReaderOptions reader;
  std::optional<int> pin_fd;
  bool allow_last_try = false;
  std::vector<std::filesystem::path> anchors;
  std::optional<std::filesystem::path> org_key;
};

Result<std::vector<pki::Certificate>> LoadAnchors(const std::vector<std::filesystem::path>& files) {
  std::vector<pki::Certificate> anchors;
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) return NotFoundError("cannot open trust anchor " + f.string());
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cert = pki::Certificate::FromPem(pem);
    if (!cert.ok()) return cert.status().WithContext(f.string());
    anchors.push_back(std::move(cert).value());
  }
  return anchors;
}

// One door-style authentication: the public key from the auth certificate, the PIN (safely),
// a fresh challenge signed by the card, the signature checked with that key.
Status Authenticate(const AuthenticateOptions& o) {
  ASSIGN_OR_RETURN(std::vector<pki::Certificate> anchors, LoadAnchors(o.anchors));
  ASSIGN_OR_RETURN(OpenCard open, Open(o.reader));
  ASSIGN_OR_RETURN(auto firewall, card::ApduFirewall::Create(
                                      *open.channel, card::SharedJpkiUserAuthenticationPolicy()));
  card::CountingChannel counting(*firewall);
  card::JpkiClient jpki(counting);

  // With trust anchors the whole certificate is read and its chain checked (as at enrolment);
  // without, only the prefix up to the public key is read (as at a door, where the pseudonym
  // lookup stands in for the chain check done at enrolment).
  const auto mode =
      anchors.empty() ? card::CertificateRead::kUntilPublicKey : card::CertificateRead::kFull;
  ASSIGN_OR_RETURN(Bytes der, jpki.ReadAuthCertificate(mode));
  ASSIGN_OR_RETURN(ByteView spki, card::SubjectPublicKeyInfoFromPrefix(der));
  if (!anchors.empty()) {
    ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::FromDer(der));
    RETURN_IF_ERROR(pki::VerifyCertificate(cert, anchors, {.at = SystemClock().Now()})
                        .WithContext("auth certificate"));
    std::printf("certificate chain:  verified to %s\n", Anchor(cert).c_str());
  }

  ASSIGN_OR_RETURN(SecretBytes pin, ObtainPin(o.pin_fd, "User-authentication PIN (4 digits): "));
  RETURN_IF_ERROR(jpki.VerifyAuthPin(std::move(pin), o.allow_last_try
                                                         ? card::PinSafety::kAllowLastTry
                                                         : card::PinSafety::kRefuseLastTry));
  OsRandom random;
  const Bytes challenge = random.Generate(32);
  ASSIGN_OR_RETURN(Bytes signature, jpki.SignWithAuthKey(challenge));
  ASSIGN_OR_RETURN(auto public_key, pki::PublicKeyFromDer(spki));
  RETURN_IF_ERROR(pki::VerifyPkcs1Sha256(*public_key, challenge, signature)
                      .WithContext("the card's signature over the challenge"));

  std::printf("authenticated:      the card proved possession of its auth key\n");
  if (o.org_key) {
    ASSIGN_OR_RETURN(identity::OrgKey key, LoadOrgKey(*o.org_key));
    std::printf("pseudonym:          %s\n",
                identity::DisplayPseudonym(identity::Pseudonym(key, spki)).c_str());
  }
  std::printf("card traffic:       %zu APDUs, %zu bytes read\n", counting.counts().commands,
              counting.counts().bytes_received);
  return OkStatus();
}

// Commands a Sekisho use must never send (DESIGN P3), each with the reason it is forbidden.
// The data fields carry no real PIN or password.
struct Probe {
  const char* what;
  const char* apdu_hex;
};
constexpr Probe kForbiddenProbes[] = {
    {"SELECT the input-assist application (My Number, basic four)",
     "00A4040C0AD3921000310001010408"},
    {"SELECT the card-face application (photo, face images)", "00A4040C0AD3921000310001010402"},
    {"SELECT the residence application", "00A4040C0AD3921000310001010401"},
    {"SELECT the common application", "00A4040C0AD3921000310001010100"},
    {"SELECT the master file", "00A40000"},
    {"SELECT the signature certificate (name, address, birth date, sex)", "00A4020C020001"},
    {"READ BINARY of the signature certificate by SFI", "00B0810000"},
    {"SELECT the signature CA certificate", "00A4020C020002"},
    {"VERIFY (tries query) of the signature password", "0020009B"},
    {"COMPUTE DIGITAL SIGNATURE with the signature key",
     "802A009A333031300D060960864801650304020105000420"
     "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F00"},
    {"CHANGE REFERENCE DATA of the auth PIN", "002401800400000000"},
    {"GET DATA (card identification number)", "00CA004500"},
    {"READ RECORD", "00B2010C00"},
    {"GET CHALLENGE", "0084000008"},
    {"INTERNAL AUTHENTICATE", "0088009908000102030405060700"},
    {"SELECT JPKI on logical channel 1", "01A4040C0AD392F000260100000001"},
    {"SELECT JPKI with secure messaging", "0CA4040C0AD392F000260100000001"},
};

// Sends every forbidden command through the firewall and proves that none reached the card.
// Each probe is judged on its own: the JPKI application is selected (allowed) before each one.
Status FirewallCheck(const ReaderOptions& o) {
  ASSIGN_OR_RETURN(OpenCard open, Open(o));
  card::CountingChannel card_side(*open.channel);  // what really reaches the card
  ASSIGN_OR_RETURN(auto firewall, card::ApduFirewall::Create(
                                      card_side, card::SharedJpkiUserAuthenticationPolicy()));
  ASSIGN_OR_RETURN(const Bytes select_jpki, FromHex("00A4040C0AD392F000260100000001"));
  std::size_t refused = 0;
  std::size_t reached = 0;
  for (const Probe& probe : kForbiddenProbes) {
    ASSIGN_OR_RETURN(Bytes answer, firewall->Transmit(select_jpki));
    ASSIGN_OR_RETURN(card::ResponseApdu selected, card::ResponseApdu::Parse(answer));
    if (!selected.ok()) {
      return FailedPreconditionError("the card has no JPKI application; is it a My Number Card?");
    }
    ASSIGN_OR_RETURN(Bytes apdu, FromHex(probe.apdu_hex));
    const std::size_t before = card_side.counts().commands;
    auto result = firewall->Transmit(apdu);
    reached += card_side.counts().commands - before;
    const bool was_refused =
        !result.ok() && result.status().code() == StatusCode::kPermissionDenied;
    refused += was_refused ? 1 : 0;
    std::printf("%-8s %s\n", was_refused ? "refused" : "PASSED", probe.what);
  }
  std::printf("%zu of %zu forbidden commands refused; %zu reached the card\n", refused,
              std::size(kForbiddenProbes), reached);
  if (refused != std::size(kForbiddenProbes) || reached != 0) {
    return InternalError("the APDU firewall let a forbidden command through");
  }
  return OkStatus();
}

}  // namespace

void RegisterCardSimCommands(CLI::App& card, Action& action);

void RegisterCardCommands(CLI::App& app, Action& action) {
  CLI::App* card = app.add_subcommand("card", "Card readers, cards and the card simulator");
  card->require_subcommand(1);
  RegisterCardSimCommands(*card, action);

  CLI::App* readers =
      card->add_subcommand("readers", "List PC/SC readers and whether a card is in");
  readers->callback([&action] { action = [] { return ListReaders(); }; });

  auto i = std::make_shared<InspectOptions>();
  CLI::App* inspect = card->add_subcommand(
      "inspect",
      "My Number Card: show the token type, the auth certificate's issuer and validity, the "
      "pseudonym enrolment would use and the PIN tries left; never the My Number or card-face "
      "data. Badge: show what any reader sees (SELECT, EF.CardAccess, refusals before terminal "
      "authentication) and, with --data, the organisation's pseudonym and holder");
  AddReaderOptions(inspect, i->reader);
  inspect->add_option("--org-key", i->org_key,
                      "Organisation key file (32 bytes) for the pseudonym");
  inspect->add_option("--data", i->data,
                      "Data directory: a My Number Card's pseudonym with the organisation's key; "
                      "a badge read as an authorised terminal of the organisation (a terminal "
                      "certificate from its DV, valid today), showing its pseudonym and holder");
  inspect->add_option("--org", i->org, "With --data: the organisation (default: the only one)");
  inspect->callback([&action, i] { action = [i] { return Inspect(*i); }; });

  auto f = std::make_shared<ReaderOptions>();
  CLI::App* check = card->add_subcommand(
      "firewall-check",
      "Send every forbidden command (My Number, card-face, signature key...) through the APDU "
      "firewall and show that none reaches the card");
  AddReaderOptions(check, *f);
  check->callback([&action, f] { action = [f] { return FirewallCheck(*f); }; });

  auto a = std::make_shared<AuthenticateOptions>();
  CLI::App* auth = card->add_subcommand(
      "authenticate",
      "Authenticate a card as a door would: PIN (refused on the last try), challenge, signature");
  AddReaderOptions(auth, a->reader);
  auth->add_option("--pin-fd", a->pin_fd, "Read the PIN from this file descriptor, not a prompt");
  auth->add_flag("--allow-last-try", a->allow_last_try,
                 "Send the PIN even when only one try is left (a wrong PIN then locks the card)");
  auth->add_option("--anchor", a->anchors,
                   "Trust anchor PEM; read the whole certificate and "
                   "verify its chain (repeatable)");
  auth->add_option("--org-key", a->org_key, "Organisation key file (32 bytes) for the pseudonym");
  auth->callback([&action, a] { action = [a] { return Authenticate(*a); }; });
}

}  // namespace sekisho::cli
