#include "base/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <vector>

namespace sekisho {

void InitLogging(const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks;
  if (options.to_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (options.file) {
    sinks.push_back(
        std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file->string(), false));
  }
  auto logger = std::make_shared<spdlog::logger>("sekisho", sinks.begin(), sinks.end());
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::info);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(std::move(logger));
}

std::string ApduForLog(ByteView command) {
  if (command.size() < 4) return "<" + std::to_string(command.size()) + "-byte fragment>";
  std::string out = ToHex(command.first(4), true);
  const std::size_t body = command.size() - 4;
  if (body == 0) return out;
  // Case 2 short: one byte Le. Anything longer carries data; show only its length.
  if (body == 1) return out + " Le=" + std::to_string(command[4] == 0 ? 256 : command[4]);
  if (command[4] != 0) return out + " Lc=" + std::to_string(command[4]);
  if (body >= 3) return out + " Lc/Le(ext)=" + std::to_string(ReadU16(command[5], command[6]));
  return out + " <" + std::to_string(body) + " body bytes>";
}

std::string ResponseForLog(ByteView response) {
  if (response.size() < 2) return "<" + std::to_string(response.size()) + "-byte response>";
  return std::to_string(response.size() - 2) + " bytes, SW " +
         ToHex(response.last(2), false);
}

}  // namespace sekisho
