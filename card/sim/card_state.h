// CardState: the simulated card behind SimulatedCard: its applications, keys, session state
// (current DF and EF, verified IEFs) and the APDU commands of spec mynumber-card.md §3.
// Internal to card/sim; the contract is SimulatedCard's.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "card/command_apdu.h"
#include "card/sim/card_filesystem.h"
#include "card/sim/card_keys.h"
#include "card/sim/card_profile.h"
#include "card/sim/simulated_card.h"

namespace sekisho::card::sim {

// ISO/IEC 7816-4:2020 §5.6 Table 6 words that card/status_word.h does not list.
inline constexpr std::uint16_t kSwMemoryFailure = 0x6581;
inline constexpr std::uint16_t kSwChainingNotSupported = 0x6884;

class CardState {
 public:
  static Result<std::unique_ptr<CardState>> Create(CardProfile profile, PersistFn persist);

  const CardProfile& profile() const { return profile_; }
  void PowerOn();
  void PowerOff();
  void Reset();
  Bytes Process(ByteView command);
  // Saves the free-area badge applet's state `badge` (its PIN retry counter) in the profile,
  // through the persist callback first: on a persist error the profile is unchanged.
  Status UpdateBadge(const BadgeProfile& badge);

 private:
  CardState(CardProfile profile, PersistFn persist, CardKeys keys);

  // Response: data then SW1 SW2.
  struct Answer {
    Bytes data;
    std::uint16_t sw;
  };

  void ClearSession();
  Answer Dispatch(const CommandApdu& apdu, ByteView raw);

  // file_commands.cc
  Answer Select(const CommandApdu& apdu);
  Answer ReadBinary(const CommandApdu& apdu);
  Answer ReadRecord(const CommandApdu& apdu);
  Answer GetData(const CommandApdu& apdu);
  // security_commands.cc
  Answer Verify(const CommandApdu& apdu);
  Answer ChangeReferenceData(const CommandApdu& apdu);
  Answer ComputeSignature(const CommandApdu& apdu);
  Answer GetChallenge(const CommandApdu& apdu, ByteView raw);

  // Resolves P2 = 80 (the current EF) or 80|SFI (an IEF by SFI). `absent_sw` for an SFI that
  // names nothing. Sets *sw and returns nullptr on failure.
  const ElementaryFile* ResolveIef(std::uint8_t p2, EfKind kind, std::uint16_t* sw) const;
  const Application* CurrentApp() const;
  // Saves `candidate` through the persist callback.
  Status Persist(const CardProfile& candidate) const;

  CardProfile profile_;
  PersistFn persist_;
  CardKeys keys_;
  std::vector<Application> apps_;
  std::map<std::uint16_t, Bytes> mf_objects_;
  SeededRandom challenge_random_;

  bool powered_ = true;
  std::optional<std::size_t> app_;    // index into apps_; nullopt = MF level
  std::optional<std::uint16_t> ef_;   // current EF within app_
  std::set<std::uint16_t> verified_;  // verified IEFs of app_
};

}  // namespace sekisho::card::sim
