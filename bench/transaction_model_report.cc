// transaction_model_report: the card transaction model (bench/transaction_model.h) applied to
// the exact APDU trace of each door path, one table per path, and the goal check
// (a badge authentication <= 300 ms modeled; a Suica gate's ~200 ms is the reference).
// Only the JPKI door path has a trace so far: the badge applet's trace is added here, through
// PrintPath, once the applet exists. Figures and sources: docs/performance.md.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "bench/jpki_door_trace.h"
#include "bench/transaction_model.h"

namespace sekisho::bench {
namespace {

constexpr double kBadgeGoalMs = 300;
constexpr double kSuicaReferenceMs = 200;

std::string WorkText(const std::vector<CardWork>& work) {
  if (work.empty()) return "-";
  std::string text;
  for (const CardWork& w : work) {
    if (!text.empty()) text += ", ";
    text += w.count == 1 ? std::string(OnCardOperationName(w.op))
                         : fmt::format("{} x {}", w.count, OnCardOperationName(w.op));
  }
  return text;
}

// Prints one path's table and returns its modeled total with activation, or nullopt (after
// printing why) when the model refuses the trace.
std::optional<double> PrintPath(const std::string& title, const Trace& trace,
                                const TransportConfig& transport, const CardTimings& card) {
  auto cost = ModelTrace(trace, transport, card);
  if (!cost.ok()) {
    fmt::print("{}: {}\n", title, cost.status().ToString());
    return std::nullopt;
  }
  const Millis activation = ActivationTime(transport.type);
  fmt::print("\n{}, ISO/IEC 14443 Type {} at 106 kbit/s\n", title,
             transport.type == PiccType::kA ? "A" : "B");
  fmt::print("{:>2}  {:<27} {:>6} {:>6} {:>6}  {:<16} {:>9} {:>8} {:>8}\n", "#", "command",
             "C-APDU", "R-APDU", "blocks", "card work", "transport", "card", "total");
  for (std::size_t i = 0; i < cost->exchanges.size(); ++i) {
    const ExchangeCost& e = cost->exchanges[i];
    std::string blocks = fmt::format("{}/{}", e.command_blocks, e.response_blocks);
    if (e.wtx_requests > 0) blocks += fmt::format("+{}W", e.wtx_requests);
    fmt::print("{:>2}  {:<27} {:>6} {:>6} {:>6}  {:<16} {:>9.2f} {:>8.2f} {:>8.2f}\n", i + 1,
               e.label, e.command_size, e.response_size, blocks, WorkText(trace[i].work),
               e.transport.count(), e.card.count(), e.total().count());
  }
  fmt::print("    {:<27} {:>6} {:>6} {:>6}  {:<16} {:>9.2f} {:>8} {:>8.2f}\n",
             "activation (before APDUs)", "", "", "", "", activation.count(), "",
             activation.count());
  const double total = cost->total().count() + activation.count();
  fmt::print("    {} APDUs, {} bytes sent, {} bytes received (status words included)\n",
             cost->apdus, cost->bytes_sent, cost->bytes_received);
  fmt::print("    transport {:.2f} ms + activation {:.2f} ms, card {:.2f} ms: total {:.1f} ms\n",
             cost->transport.count(), activation.count(), cost->card.count(), total);
  return total;
}

int Run(int argc, char** argv) {
  CLI::App app{"Card transaction model of each door path (docs/performance.md)"};
  TransportConfig transport;
  int fwi = 0;
  app.add_option("--fsc", transport.fsc, "card's frame size FSC in bytes")->capture_default_str();
  app.add_option("--fsd", transport.fsd, "reader's frame size FSD in bytes")->capture_default_str();
  app.add_option("--fwi", fwi, "card's FWI: model S(WTX) (default: not modelled)");
  CLI11_PARSE(app, argc, argv);
  if (app.count("--fwi") > 0) transport.fwi = fwi;

  const CardTimings card = PublishedJcop4P71Timings();
  fmt::print(
      "Card transaction model (docs/performance.md): frames and frame delays at the\n"
      "standard's minimum; card times: {};\n"
      "per-command card time {:.1f} ms (assumed). Reader firmware/USB latency and the host's\n"
      "own work are not included. FSC {} / FSD {} bytes; S(WTX) {}.\n",
      card.name, card.per_command.count(), transport.fsc, transport.fsd,
      transport.fwi ? fmt::format("modelled at FWI {}", *transport.fwi) : "not modelled");

  // The JPKI door path: the My Number Card is Type B (spec §0).
  auto recording = RecordJpkiDoorAuthentication();
  if (!recording.ok()) {
    fmt::print(stderr, "transaction_model_report: {}\n", recording.status().ToString());
    return 1;
  }
  TransportConfig jpki_transport = transport;
  jpki_transport.type = PiccType::kB;
  const std::optional<double> jpki =
      PrintPath("JPKI door path (gate::JpkiAuthenticator on the simulated My Number Card)",
                JpkiTraceFrom(*recording), jpki_transport, card);
  if (!jpki) return 1;

  fmt::print(
      "\nGoal: badge authentication <= {:.0f} ms modeled; reference: Suica gate "
      "~{:.0f} ms.\n",
      kBadgeGoalMs, kSuicaReferenceMs);
  fmt::print("  badge: no trace yet (the badge applet does not exist); not modelled.\n");
  fmt::print(
      "  JPKI door path, for comparison: {:.1f} ms = {:.2f} x the badge goal, {:.2f} x "
      "Suica's;\n  the holder's PIN entry comes on top.\n",
      *jpki, *jpki / kBadgeGoalMs, *jpki / kSuicaReferenceMs);
  return 0;
}

}  // namespace
}  // namespace sekisho::bench

int main(int argc, char** argv) { return sekisho::bench::Run(argc, argv); }
