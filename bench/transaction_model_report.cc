// transaction_model_report: the card transaction model (bench/transaction_model.h) applied to
// the exact APDU trace of each door path (the JPKI door path on the My Number Card; the badge's
// sequence at a card-only door and with the badge PIN), one table per path, a summary, and the goal
// check (a badge authentication <= 300 ms modeled; a Suica gate's ~200 ms is the reference).
// Figures and sources: docs/performance.md.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/badge_door_trace.h"
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

// One path's modeled figures, activation included.
struct PathSummary {
  std::string name;
  PiccType type;
  std::size_t apdus = 0;
  std::size_t bytes_sent = 0;
  std::size_t bytes_received = 0;
  double transport_ms = 0;  // with activation
  double card_ms = 0;
  double total_ms() const { return transport_ms + card_ms; }
};

char TypeLetter(PiccType type) { return type == PiccType::kA ? 'A' : 'B'; }

// Models `trace`; nullopt (after printing why) when the model refuses it.
std::optional<PathSummary> Summarize(const std::string& name, const Trace& trace,
                                     const TransportConfig& transport, const CardTimings& card,
                                     TraceCost* cost_out = nullptr) {
  auto cost = ModelTrace(trace, transport, card);
  if (!cost.ok()) {
    fmt::print("{}: {}\n", name, cost.status().ToString());
    return std::nullopt;
  }
  PathSummary s{.name = name, .type = transport.type};
  s.apdus = cost->apdus;
  s.bytes_sent = cost->bytes_sent;
  s.bytes_received = cost->bytes_received;
  s.transport_ms = cost->transport.count() + ActivationTime(transport.type).count();
  s.card_ms = cost->card.count();
  if (cost_out != nullptr) *cost_out = std::move(cost).value();
  return s;
}

// Prints one path's table and returns its summary, or nullopt (after printing why) when the
// model refuses the trace.
std::optional<PathSummary> PrintPath(const std::string& name, const std::string& title,
                                     const Trace& trace, const TransportConfig& transport,
                                     const CardTimings& card) {
  TraceCost cost;
  std::optional<PathSummary> summary = Summarize(name, trace, transport, card, &cost);
  if (!summary) return std::nullopt;
  const Millis activation = ActivationTime(transport.type);
  fmt::print("\n{}, ISO/IEC 14443 Type {} at 106 kbit/s\n", title, TypeLetter(transport.type));
  fmt::print("{:>2}  {:<34} {:>6} {:>6} {:>6} {:>9} {:>8} {:>8}  {}\n", "#", "command", "C-APDU",
             "R-APDU", "blocks", "transport", "card", "total", "card work");
  for (std::size_t i = 0; i < cost.exchanges.size(); ++i) {
    const ExchangeCost& e = cost.exchanges[i];
    std::string blocks = fmt::format("{}/{}", e.command_blocks, e.response_blocks);
    if (e.wtx_requests > 0) blocks += fmt::format("+{}W", e.wtx_requests);
    fmt::print("{:>2}  {:<34} {:>6} {:>6} {:>6} {:>9.2f} {:>8.2f} {:>8.2f}  {}\n", i + 1, e.label,
               e.command_size, e.response_size, blocks, e.transport.count(), e.card.count(),
               e.total().count(), WorkText(trace[i].work));
  }
  fmt::print("    {:<34} {:>6} {:>6} {:>6} {:>9.2f} {:>8} {:>8.2f}\n", "activation (before APDUs)",
             "", "", "", activation.count(), "", activation.count());
  fmt::print("    {} APDUs, {} bytes sent, {} bytes received (status words included)\n",
             summary->apdus, summary->bytes_sent, summary->bytes_received);
  fmt::print("    transport {:.2f} ms + activation {:.2f} ms, card {:.2f} ms: total {:.1f} ms\n",
             cost.transport.count(), activation.count(), cost.card.count(), summary->total_ms());
  return summary;
}

void PrintSummary(const std::vector<PathSummary>& paths) {
  fmt::print(
      "\nSummary (transport includes activation; goal: badge <= {:.0f} ms; Suica ~{:.0f} ms)\n",
      kBadgeGoalMs, kSuicaReferenceMs);
  fmt::print("{:<22} {:>4} {:>5} {:>6} {:>9} {:>9} {:>8} {:>8} {:>7} {:>7}\n", "path", "type",
             "APDUs", "sent", "received", "transport", "card", "total", "x goal", "x Suica");
  for (const PathSummary& p : paths) {
    fmt::print("{:<22} {:>4} {:>5} {:>6} {:>9} {:>9.1f} {:>8.1f} {:>8.1f} {:>7.2f} {:>7.2f}\n",
               p.name, TypeLetter(p.type), p.apdus, p.bytes_sent, p.bytes_received, p.transport_ms,
               p.card_ms, p.total_ms(), p.total_ms() / kBadgeGoalMs,
               p.total_ms() / kSuicaReferenceMs);
  }
}

int Run(int argc, char** argv) {
  CLI::App app{"Card transaction model of each door path (docs/performance.md)"};
  TransportConfig transport;
  int fwi = 0;
  std::string badge_type = "A";
  app.add_option("--fsc", transport.fsc, "card's frame size FSC in bytes")->capture_default_str();
  app.add_option("--fsd", transport.fsd, "reader's frame size FSD in bytes")->capture_default_str();
  app.add_option("--fwi", fwi, "card's FWI: model S(WTX) (default: not modelled)");
  app.add_option("--badge-type", badge_type,
                 "ISO/IEC 14443 type of the badge's tables (the summary shows both)")
      ->check(CLI::IsMember({"A", "B"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (app.count("--fwi") > 0) transport.fwi = fwi;

  const CardTimings card = PublishedJcop4P71Timings();
  fmt::print(
      "Card transaction model (docs/performance.md): frames and frame delays at the\n"
      "standard's minimum; card times: {};\n"
      "per-command card time {:.1f} ms (assumed); brainpoolP256r1 costed as P-256 (assumed).\n"
      "Reader firmware/USB latency and the host's own work are not included.\n"
      "FSC {} / FSD {} bytes; S(WTX) {}.\n",
      card.name, card.per_command.count(), transport.fsc, transport.fsd,
      transport.fwi ? fmt::format("modelled at FWI {}", *transport.fwi) : "not modelled");

  // The JPKI door path: the My Number Card is Type B (spec §0).
  auto jpki_recording = RecordJpkiDoorAuthentication();
  if (!jpki_recording.ok()) {
    fmt::print(stderr, "transaction_model_report: {}\n", jpki_recording.status().ToString());
    return 1;
  }
  TransportConfig type_a = transport;
  type_a.type = PiccType::kA;
  TransportConfig type_b = transport;
  type_b.type = PiccType::kB;
  std::vector<PathSummary> summary;
  const std::optional<PathSummary> jpki =
      PrintPath("JPKI door path",
                "JPKI door path (gate::JpkiAuthenticator on the simulated My "
                "Number Card)",
                JpkiTraceFrom(*jpki_recording), type_b, card);
  if (!jpki) return 1;
  summary.push_back(*jpki);

  // The badge: an organisation's own card (a dual-interface chip such as the JCOP4 the timings
  // come from is usually Type A) or the applet in the national card's free area (Type B).
  const TransportConfig& badge_transport = badge_type == "A" ? type_a : type_b;
  const struct {
    BadgeDoor door;
    const char* name;
    const char* title;
  } badges[] = {
      {BadgeDoor::kCardOnly, "badge, card only",
       "Badge, card-only door: CA, TA, RI without PACE (badge::BadgeTerminal on the simulated "
       "badge)"},
      {BadgeDoor::kCardAndPin, "badge, PIN", "Badge, PACE with the badge PIN (card+PIN door)"},
  };
  for (const auto& b : badges) {
    auto recording = RecordBadgeAuthentication(b.door);
    if (!recording.ok()) {
      fmt::print(stderr, "transaction_model_report: {}\n", recording.status().ToString());
      return 1;
    }
    const Trace trace = BadgeTraceFrom(*recording);
    auto shown = PrintPath(b.name, b.title, trace, badge_transport, card);
    if (!shown) return 1;
    // The same trace on the other type, for the summary.
    auto other = Summarize(b.name, trace, badge_type == "A" ? type_b : type_a, card);
    if (!other) return 1;
    if (badge_type == "A") {
      summary.push_back(*shown);
      summary.push_back(*other);
    } else {
      summary.push_back(*other);
      summary.push_back(*shown);
    }
  }
  PrintSummary(summary);
  fmt::print("The holder's PIN entry (JPKI, badge PIN) comes on top of every figure.\n");
  return 0;
}

}  // namespace
}  // namespace sekisho::bench

int main(int argc, char** argv) { return sekisho::bench::Run(argc, argv); }
