// BadgeApplet: the simulated Sekisho badge, a card of its own that answers the badge EAC sequence
// (docs/decisions/badge-eac-sequence.md; BSI TR-03110-3 App. B): SELECT by kBadgeAid, READ BINARY
// of EF.CardAccess (always) and EF.CardSecurity (after TA), MSE:SET AT, GENERAL AUTHENTICATE
// (PACE, CA, RI), MSE:SET DST, PSO:VERIFY CERTIFICATE, GET CHALLENGE, EXTERNAL AUTHENTICATE.
// Two orders: PACE -> TA -> CA -> RI (EAC2; card+PIN doors), and CA -> TA -> RI without PACE
// (the EAC1 order with the version 2 commands; card-only doors). Everything after PACE, or
// after CA when it comes first, travels under secure messaging.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "badge/cv_certificate.h"
#include "badge/eac_session.h"
#include "badge/secure_messaging.h"
#include "base/clock.h"
#include "base/random.h"
#include "card/command_apdu.h"
#include "card/response_apdu.h"
#include "card/sim/badge_profile.h"
#include "card/virtual_card.h"

namespace sekisho::card::sim {

// A T=1 ATR with no historical bytes: nothing in it tells one badge from another.
inline constexpr std::uint8_t kBadgeAtr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};

// Status words, as the applet gives them:
//   9000 success; 6A82 unknown AID or file; 6982 EF.CardSecurity before TA, CA under PACE's
//   secure messaging before TA, TA's commands in plain (before PACE or CA), RI before CA and TA
//   or without the RI right (and, without the PIN, the CAN-allowed right); 6985 a command out of
//   order (a second CA, CA in plain after anything but SELECT, GET CHALLENGE before MSE:SET AT);
//   6A88 an unknown certificate authority, terminal reference or key id;
//   6A80 malformed data (a certificate that does not parse, a wrong protocol OID, after CA first
//   a Comp in MSE:SET AT (TA) that is not CA's ephemeral key); 6300 a
//   certificate or signature that does not verify, an expired or foreign certificate, or a wrong
//   CAN; 63Cx a wrong PIN (x tries left); 6983 the PIN is blocked; 6987 a plain command while
//   secure messaging is on; 6988 a protected command that fails to unwrap (bad MAC, replay,
//   truncation, padding). After 6987/6988 the session is over: PACE or CA must start again.
class BadgeApplet final : public card::VirtualCard {
 public:
  // `clock` gives the card's current date (certificate validity); `random` the TA challenges.
  // Both must outlive the applet. kInternal if the EAC set-up fails.
  static Result<std::unique_ptr<BadgeApplet>> Create(BadgeProfile profile, const Clock& clock,
                                                     Random& random);

  Bytes Atr() const override { return Bytes(std::begin(kBadgeAtr), std::end(kBadgeAtr)); }
  void PowerOn() override { EndSession(false); }
  void PowerOff() override { EndSession(false); }
  void Reset() override { EndSession(false); }
  Bytes Process(ByteView command) override;

  // The profile with the current PIN retry counter (persistent state).
  const BadgeProfile& profile() const { return profile_; }

 private:
  enum class Stage {
    kIdle,        // nothing started (after SELECT)
    kPaceSetUp,   // MSE:SET AT for PACE done
    kPaceNonce,   // encrypted nonce sent
    kPaceMapped,  // generator mapped
    kPaceKeyed,   // ephemeral keys exchanged
    kSecure,      // PACE done, SM on
    kTaSetUp,     // MSE:SET AT for TA done
    kCaSetUp,     // MSE:SET AT for CA done
    kRiSetUp,     // MSE:SET AT for RI done
  };

  BadgeApplet(BadgeProfile profile, const Clock& clock, Random& random, Bytes card_access,
              Bytes card_security);
  void EndSession(bool keep_selection);
  badge::Date Today() const;
  card::ResponseApdu Dispatch(const card::CommandApdu& command);
  card::ResponseApdu Select(const card::CommandApdu& command);
  card::ResponseApdu ReadBinary(const card::CommandApdu& command);
  card::ResponseApdu ManageSecurityEnvironment(const card::CommandApdu& command);
  card::ResponseApdu VerifyCertificate(const card::CommandApdu& command);
  card::ResponseApdu GetChallenge(const card::CommandApdu& command);
  card::ResponseApdu ExternalAuthenticate(const card::CommandApdu& command);
  card::ResponseApdu GeneralAuthenticate(const card::CommandApdu& command);
  card::ResponseApdu PaceStep(ByteView data);

  BadgeProfile profile_;
  const Clock& clock_;
  Random& random_;
  const Bytes card_access_;
  const Bytes card_security_;

  // Session state; EndSession clears it.
  bool selected_ = false;
  Stage stage_ = Stage::kIdle;
  badge::PacePassword password_kind_ = badge::PacePassword::kCan;
  std::unique_ptr<badge::EacChip> eac_;
  std::optional<badge::SmSession> sm_;
  std::optional<badge::SmSession> next_sm_;     // installed after the current response is sent
  std::optional<badge::CvCertificate> issuer_;  // set by MSE:SET DST
  std::optional<badge::CvCertificate> trust_point_;
  std::optional<badge::CvCertificate> dv_;
  std::optional<badge::EffectiveAuthorization> authorization_;  // terminal chain verified
  Bytes terminal_comp_ephemeral_;
  Bytes challenge_;
  bool ta_done_ = false;
  bool ca_done_ = false;
  bool chip_first_ = false;  // CA ran first, in plain (the card-only order): no PACE
};

}  // namespace sekisho::card::sim
