// SELECT, READ BINARY, READ RECORD and GET DATA of the simulated card (ISO/IEC 7816-4:2020
// §11.2, §11.3, §11.4.3, §11.5.3; spec mynumber-card.md §1 notes, §3, §3.2, §7.4, §9).
#include <algorithm>

#include "card/mynumber_card.h"
#include "card/sim/card_state.h"
#include "card/status_word.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

bool Equal(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

CardState::Answer CardState::Select(const CommandApdu& apdu) {
  switch (apdu.p1) {
    case 0x04: {  // by DF name (spec §1: always P2 = 0C, no FCI)
      if (apdu.p2 != 0x0C) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
      if (Equal(apdu.data, my::kIssuerSecurityDomainAid)) {
        ClearSession();  // back to MF level (spec §1, §7.4)
        return {{}, ToU16(StatusWord::kOk)};
      }
      for (std::size_t i = 0; i < apps_.size(); ++i) {
        if (!Equal(apdu.data, apps_[i].aid)) continue;
        // Verification lasts while its DF stays selected (spec §3.1, UNCONFIRMED beyond that):
        // re-selecting the same DF keeps it, another DF drops it.
        if (app_ != i) verified_.clear();
        app_ = i;
        ef_.reset();
        return {{}, ToU16(StatusWord::kOk)};
      }
      return {{}, ToU16(StatusWord::kFileNotFound)};  // a failed SELECT keeps the selection
    }
    case 0x02: {  // EF under the current DF
      if (apdu.p2 != 0x0C) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
      if (apdu.data.size() != 2) return {{}, ToU16(StatusWord::kWrongLength)};
      const Application* app = CurrentApp();
      if (app == nullptr) return {{}, ToU16(StatusWord::kFileNotFound)};  // MF has no EFs
      const std::uint16_t fid = ReadU16(apdu.data[0], apdu.data[1]);
      if (app->Find(fid) == nullptr) return {{}, ToU16(StatusWord::kFileNotFound)};
      ef_ = fid;
      return {{}, ToU16(StatusWord::kOk)};
    }
    case 0x00:  // select MF: spec §1 notes
      if (!apdu.data.empty()) return {{}, ToU16(StatusWord::kFileNotFound)};  // 3F00 and others
      if (!app_) return {{}, ToU16(StatusWord::kIncorrectP1P2)};              // after reset
      return {{}, ToU16(StatusWord::kOk)};                                    // no change
    default:
      return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  }
}

CardState::Answer CardState::ReadBinary(const CommandApdu& apdu) {
  if (!apdu.data.empty() || !apdu.ne) return {{}, ToU16(StatusWord::kWrongLength)};
  const Application* app = CurrentApp();
  const ElementaryFile* ef = nullptr;
  std::size_t offset = 0;
  if (apdu.p1 & 0x80) {  // b8 = 1: b5-b1 SFI, P2 offset (ISO/IEC 7816-4 §11.3.3)
    const std::uint8_t sfi = apdu.p1 & 0x1F;
    if ((apdu.p1 & 0x60) != 0 || sfi == 0) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
    if (app == nullptr || (ef = app->Find(sfi)) == nullptr) {
      return {{}, ToU16(StatusWord::kFileNotFound)};
    }
    ef_ = sfi;
    offset = apdu.p2;
  } else {
    if (app == nullptr || !ef_) return {{}, ToU16(StatusWord::kCommandNotAllowed)};
    ef = app->Find(*ef_);
    offset = (static_cast<std::size_t>(apdu.p1) << 8) | apdu.p2;
  }
  if (ef->kind != EfKind::kTransparent)
    return {{}, ToU16(StatusWord::kCommandIncompatibleWithFile)};
  if (!ef->read.Allows(verified_)) return {{}, ToU16(StatusWord::kSecurityStatusNotSatisfied)};
  if (offset >= ef->content.size()) return {{}, ToU16(StatusWord::kWrongParametersOffset)};
  // Spec §9: Le beyond the end returns the remaining bytes with 9000.
  const std::size_t n = std::min(*apdu.ne, ef->content.size() - offset);
  const auto begin = ef->content.begin() + static_cast<std::ptrdiff_t>(offset);
  return {Bytes(begin, begin + static_cast<std::ptrdiff_t>(n)), ToU16(StatusWord::kOk)};
}

CardState::Answer CardState::ReadRecord(const CommandApdu& apdu) {
  if (!apdu.data.empty() || !apdu.ne) return {{}, ToU16(StatusWord::kWrongLength)};
  // P2 b3-b1 = 100: read record number P1; b8-b4 = SFI, or 00000 for the current EF.
  if ((apdu.p2 & 0x07) != 0x04) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  const Application* app = CurrentApp();
  const std::uint8_t sfi = apdu.p2 >> 3;
  const ElementaryFile* ef = nullptr;
  if (sfi != 0) {
    if (sfi == 0x1F) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
    if (app == nullptr || (ef = app->Find(sfi)) == nullptr) {
      return {{}, ToU16(StatusWord::kFileNotFound)};
    }
    ef_ = sfi;
  } else {
    if (app == nullptr || !ef_) return {{}, ToU16(StatusWord::kCommandNotAllowed)};
    ef = app->Find(*ef_);
  }
  if (ef->kind != EfKind::kRecord) return {{}, ToU16(StatusWord::kCommandIncompatibleWithFile)};
  if (!ef->read.Allows(verified_)) return {{}, ToU16(StatusWord::kSecurityStatusNotSatisfied)};
  if (apdu.p1 == 0 || apdu.p1 > ef->records.size()) return {{}, ToU16(StatusWord::kRecordNotFound)};
  const Bytes& record = ef->records[apdu.p1 - 1];
  if (*apdu.ne < record.size()) {
    // ISO/IEC 7816-4 §5.3.4: resend with Le = the record length.
    return {{}, static_cast<std::uint16_t>(0x6C00 | (record.size() & 0xFF))};
  }
  return {record, ToU16(StatusWord::kOk)};
}

CardState::Answer CardState::GetData(const CommandApdu& apdu) {
  if (!apdu.data.empty() || !apdu.ne) return {{}, ToU16(StatusWord::kWrongLength)};
  // Spec §7.4: the data objects answer at MF level only (after reset or the ISD's SELECT).
  if (app_) return {{}, ToU16(StatusWord::kReferencedDataNotFound)};
  const auto it = mf_objects_.find(ReadU16(apdu.p1, apdu.p2));
  if (it == mf_objects_.end()) return {{}, ToU16(StatusWord::kReferencedDataNotFound)};
  // Spec §3: an object longer than Le answers 6700 (the host retries with extended Le).
  if (*apdu.ne < it->second.size()) return {{}, ToU16(StatusWord::kWrongLength)};
  return {it->second, ToU16(StatusWord::kOk)};
}

}  // namespace sekisho::card::sim
