// CardReader: the reader at one door, as the gate's reader loop uses it: wait for a card, talk to
// it, wait until it is taken away. PcscCardReader is the real one (pcsc-lite);
// SimulatedCardReader hands over in-process simulated cards (tests and the demo).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "base/status.h"
#include "card/card_channel.h"

namespace sekisho::gate {

class CardReader {
 public:
  virtual ~CardReader() = default;

  // Waits up to `timeout` for a card and connects to it. kDeadlineExceeded when none came;
  // kUnavailable after Cancel() or when the reader went away; kNotFound for an unknown reader.
  virtual Result<std::unique_ptr<card::CardChannel>> WaitForCard(
      std::chrono::milliseconds timeout) = 0;
  // Waits up to `timeout` until the reader is empty (the holder took the card). The channel
  // WaitForCard returned must be destroyed first. Errors as WaitForCard.
  virtual Status WaitForRemoval(std::chrono::milliseconds timeout) = 0;
  // Makes a blocked WaitFor* return kUnavailable promptly; safe from any thread.
  virtual void Cancel() = 0;
  // For logs: the reader's name.
  virtual const std::string& name() const = 0;
};

}  // namespace sekisho::gate
