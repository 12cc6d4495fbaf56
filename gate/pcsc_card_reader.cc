#include "gate/pcsc_card_reader.h"

#include <utility>

#include "base/result.h"
#include "card/pcsc/pcsc_channel.h"

namespace sekisho::gate {

Result<std::unique_ptr<PcscCardReader>> PcscCardReader::Open(const std::string& reader) {
  ASSIGN_OR_RETURN(std::unique_ptr<card::pcsc::PcscContext> context,
                   card::pcsc::PcscContext::Establish());
  ASSIGN_OR_RETURN(std::vector<std::string> readers, context->ListReaders());
  for (const std::string& known : readers) {
    if (known == reader) {
      return std::unique_ptr<PcscCardReader>(new PcscCardReader(std::move(context), reader));
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
  return std::unique_ptr<card::CardChannel>(std::move(channel));
}

Status PcscCardReader::WaitForRemoval(std::chrono::milliseconds timeout) {
  return context_->WaitForRemoval(reader_, timeout);
}

}  // namespace sekisho::gate
