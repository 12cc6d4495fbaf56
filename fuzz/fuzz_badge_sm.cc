// libFuzzer target for secure-messaging unwrap (badge/secure_messaging.h): the input is offered
// to a card-side session as a protected command and to a terminal-side session as a protected
// response. Neither may crash; a forged MAC must never verify (fixed keys, SSC 1), and a broken
// session stays broken.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "badge/secure_messaging.h"

namespace {

using sekisho::ByteView;
using sekisho::SecretBytes;
using sekisho::badge::SmSession;

void Check(bool condition) {
  if (!condition) std::abort();
}

SmSession NewSession() {
  const std::uint8_t k_enc[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const std::uint8_t k_mac[16] = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  return SmSession::Create(SecretBytes(ByteView(k_enc)), SecretBytes(ByteView(k_mac))).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  SmSession card = NewSession();
  auto command = card.UnwrapCommand(input);
  if (command.ok()) {
    // Only a correctly MACed command gets here; the card can answer it.
    Check(card.WrapResponse(sekisho::card::ResponseApdu{{}, 0x9000}).ok());
  } else {
    Check(card.broken());
    Check(!card.UnwrapCommand(input).ok());
  }
  SmSession terminal = NewSession();
  Check(terminal.WrapCommand(sekisho::card::CommandApdu{.cla = 0, .ins = 0xB0, .ne = 256}).ok());
  auto response = terminal.UnwrapResponse(input);
  if (!response.ok()) Check(terminal.broken());
  (void)sekisho::badge::IsoUnpad(input);
  return 0;
}
