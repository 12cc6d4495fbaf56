// PcscCardReader: a CardReader on a PC/SC reader through pcsc-lite (card/pcsc), the gate's real
// reader. Card insertion and removal come from SCardGetStatusChange.
#pragma once

#include <memory>
#include <string>

#include "card/pcsc/pcsc_context.h"
#include "gate/card_reader.h"

namespace sekisho::gate {

// One thread at a time, apart from Cancel() (as PcscContext).
class PcscCardReader final : public CardReader {
 public:
  // Establishes a context with pcscd and checks that `reader` is known. kUnavailable when pcscd
  // is not running; kNotFound "reader X not found; readers: ..." otherwise.
  static Result<std::unique_ptr<PcscCardReader>> Open(const std::string& reader);

  Result<std::unique_ptr<card::CardChannel>> WaitForCard(
      std::chrono::milliseconds timeout) override;
  Status WaitForRemoval(std::chrono::milliseconds timeout) override;
  void Cancel() override { context_->Cancel(); }
  const std::string& name() const override { return reader_; }

 private:
  PcscCardReader(std::unique_ptr<card::pcsc::PcscContext> context, std::string reader)
      : context_(std::move(context)), reader_(std::move(reader)) {}

  std::unique_ptr<card::pcsc::PcscContext> context_;
  std::string reader_;
};

}  // namespace sekisho::gate
