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

}  // namespace sekisho::card::sim
