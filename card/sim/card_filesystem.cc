#include "card/sim/card_filesystem.h"

namespace sekisho::card::sim {

bool AccessRule::Allows(const std::set<std::uint16_t>& verified) const {
  switch (kind_) {
    case Kind::kFree:
      return true;
    case Kind::kNever:
      return false;
    case Kind::kAnyOf:
      for (std::uint16_t pin : pins_) {
        if (verified.contains(pin)) return true;
      }
      return false;
  }
  return false;
}

const ElementaryFile* Application::Find(std::uint16_t fid) const {
  const auto it = files.find(fid);
  return it == files.end() ? nullptr : &it->second;
}

ElementaryFile TransparentEf(std::uint16_t fid, Bytes content, AccessRule read) {
  ElementaryFile ef;
  ef.fid = fid;
  ef.kind = EfKind::kTransparent;
  ef.content = std::move(content);
  ef.read = std::move(read);
  return ef;
}

ElementaryFile RecordEf(std::uint16_t fid, std::vector<Bytes> records, AccessRule read) {
  ElementaryFile ef;
  ef.fid = fid;
  ef.kind = EfKind::kRecord;
  ef.records = std::move(records);
  ef.read = std::move(read);
  return ef;
}

ElementaryFile PinEf(std::uint16_t fid, PinReference pin) {
  ElementaryFile ef;
  ef.fid = fid;
  ef.kind = EfKind::kPin;
  ef.pin = std::move(pin);
  return ef;
}

ElementaryFile UnsimulatedKeyEf(std::uint16_t fid) {
  ElementaryFile ef;
  ef.fid = fid;
  ef.kind = EfKind::kKey;
  return ef;
}

}  // namespace sekisho::card::sim
