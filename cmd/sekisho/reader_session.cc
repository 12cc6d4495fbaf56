#include "cmd/sekisho/reader_session.h"

#include <chrono>
#include <vector>

#include "access/org_key_file.h"

namespace sekisho::cli {

void AddReaderOptions(CLI::App* cmd, ReaderOptions& o) {
  cmd->add_option("--reader", o.reader, "Reader name (default: the first reader with a card)");
  cmd->add_option("--wait", o.wait_seconds, "Seconds to wait for a card to be inserted")
      ->capture_default_str();
}

Result<OpenCard> Open(const ReaderOptions& o) {
  OpenCard open;
  ASSIGN_OR_RETURN(open.context, card::pcsc::PcscContext::Establish());
  ASSIGN_OR_RETURN(std::vector<std::string> readers, open.context->ListReaders());
  if (readers.empty()) {
    return NotFoundError("no card reader is connected (is pcscd running with a reader driver?)");
  }
  const auto wait = std::chrono::milliseconds(o.wait_seconds * 1000);
  if (o.reader) {
    open.reader = *o.reader;
    RETURN_IF_ERROR(open.context->WaitForCard(open.reader, wait));
  } else {
    for (const std::string& r : readers) {
      if (open.context->WaitForCard(r, std::chrono::milliseconds(0)).ok()) {
        open.reader = r;
        break;
      }
    }
    if (open.reader.empty()) {
      RETURN_IF_ERROR(
          open.context->WaitForCard(readers.front(), wait).WithContext("no reader holds a card"));
      open.reader = readers.front();
    }
  }
  ASSIGN_OR_RETURN(open.channel, card::pcsc::PcscChannel::Connect(*open.context, open.reader));
  return open;
}

Result<identity::OrgKey> LoadOrgKey(const std::filesystem::path& path) {
  return access::ReadOrgKeyFile(path);
}

}  // namespace sekisho::cli
