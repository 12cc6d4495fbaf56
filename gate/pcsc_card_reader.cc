#include "gate/pcsc_card_reader.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "base/result.h"
#include "card/pcsc/pcsc_channel.h"
#include "card/pcsc/pinpad_channel.h"
#include "card/pinpad_entry.h"

namespace sekisho::gate {

Result<std::unique_ptr<PcscCardReader>> PcscCardReader::Open(const std::string& reader,
                                                             const Options& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<card::pcsc::PcscContext> context,
                   card::pcsc::PcscContext::Establish());
  ASSIGN_OR_RETURN(std::vector<std::string> readers, context->ListReaders());
  for (const std::string& known : readers) {
    if (known == reader) {
      if (!options.use_pin_pad) {
        spdlog::warn(
            "reader '{}': its PIN pad is not used (insecure mode): PINs are read by this host",
            reader);
      }
      return std::unique_ptr<PcscCardReader>(
          new PcscCardReader(std::move(context), reader, options));
    }
  }
  std::string list;
  for (const std::string& known : readers) list += (list.empty() ? "" : ", ") + known;
  return Status(StatusCode::kNotFound,
                "reader \"" + reader + "\" not found; readers: " + (list.empty() ? "none" : list));
}

Result<std::unique_ptr<card::CardChannel>> PcscCardReader::WaitForCard(
    std::chrono::milliseconds timeout) {
  RETURN_IF_ERROR(context_->WaitForCard(reader_, timeout));
  ASSIGN_OR_RETURN(std::unique_ptr<card::pcsc::PcscChannel> channel,
                   card::pcsc::PcscChannel::Connect(*context_, reader_));
  if (!options_.use_pin_pad) return std::unique_ptr<card::CardChannel>(std::move(channel));
  // The PcscChannel is also the reader's control on this connection; the PinPadChannel owns it.
  card::pcsc::ReaderControl& control = *channel;
  std::unique_ptr<card::CardChannel> handed =
      card::pcsc::PinPadChannel::WrapIfOffered(std::move(channel), control, options_.pin_pad);
  const bool pin_pad = card::SecurePinEntryOf(*handed) != nullptr;
  if (pin_pad_seen_ != pin_pad) {
    pin_pad_seen_ = pin_pad;
    if (pin_pad) {
      spdlog::info("reader '{}': PINs are typed on the reader's PIN pad (secure PIN entry)",
                   reader_);
    } else {
      spdlog::info("reader '{}' offers no secure PIN entry: PINs come from the gate's keypad",
                   reader_);
    }
  }
  return handed;
}

Status PcscCardReader::WaitForRemoval(std::chrono::milliseconds timeout) {
  return context_->WaitForRemoval(reader_, timeout);
}

}  // namespace sekisho::gate
