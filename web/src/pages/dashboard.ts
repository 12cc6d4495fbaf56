// The dashboard (security administrators, auditors): door events as they happen (WebSocket),
// today's counters, each door's state, every gate's connection and policy version, and plots of
// events per hour by result, denials by reason and the gates' policy sync lag.
import { ApiError, api, query } from "../api";
import type { App, PageContext } from "../app";
import { type BarChart, barChart, kColours } from "../charts";
import { formatTime, h, notice, replace, table } from "../dom";
import { LiveEvents, type LiveState } from "../live";
import type { AccessEvent, Door, GateList, Page } from "../types";
import { badge } from "../ui";
import { DoorPanel } from "./dashboard_doors";

const kHours = 24;
const kMaxLive = 50;

function hourLabel(start: number): string {
  return `${String(new Date(start).getHours()).padStart(2, "0")}:00`;
}

export function dashboardPage(app: App) {
  return async (view: HTMLElement, _context: PageContext): Promise<void> => {
    const counters = { granted: 0, denied: 0 };
    const counterGranted = h("strong", { "data-testid": "count-granted" }, "0");
    const counterDenied = h("strong", { "data-testid": "count-denied" }, "0");
    const counterGates = h("strong", { "data-testid": "count-gates" }, "–");
    const liveState = h(
      "span",
      { class: "live-state", "data-state": "connecting", role: "status" },
      "connecting…",
    );
    const liveList = h("ol", {
      class: "live-list",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Live door events",
    });
    const gatesArea = h("div", {});
    const doorPanel = new DoorPanel();
    const noDenials = h("p", { class: "hint" }, "No denials in the last 24 hours.");
    const messages = h("div", {});
    const canvases = {
      hourly: h("canvas", {
        role: "img",
        "aria-label": "Events per hour by result, last 24 hours",
      }),
      reasons: h("canvas", { role: "img", "aria-label": "Denials by reason, last 24 hours" }),
      gates: h("canvas", {
        role: "img",
        "aria-label": "Gates: policy versions behind the published one, and seconds offline",
      }),
    };
    view.append(
      h("h1", {}, "Dashboard"),
      messages,
      h(
        "div",
        { class: "counters" },
        h("div", { class: "counter" }, h("span", {}, "Granted (24 h)"), counterGranted),
        h("div", { class: "counter" }, h("span", {}, "Denied (24 h)"), counterDenied),
        h("div", { class: "counter" }, h("span", {}, "Gates connected"), counterGates),
      ),
      h(
        "div",
        { class: "dash-grid" },
        h("section", { class: "panel live" }, h("h2", {}, "Live events ", liveState), liveList),
        h(
          "section",
          { class: "panel" },
          h("h2", {}, "Events per hour"),
          h("div", { class: "chart" }, canvases.hourly),
        ),
        h(
          "section",
          { class: "panel" },
          h("h2", {}, "Denials by reason"),
          noDenials,
          h("div", { class: "chart" }, canvases.reasons),
        ),
        h(
          "section",
          { class: "panel" },
          h("h2", {}, "Gate sync lag"),
          h("div", { class: "chart" }, canvases.gates),
        ),
      ),
      h("h2", {}, "Doors"),
      doorPanel.element,
      h("h2", {}, "Gates"),
      gatesArea,
    );

    // Hour buckets, oldest first, ending with the current hour.
    const now = new Date();
    now.setMinutes(0, 0, 0);
    const firstHour = now.getTime() - (kHours - 1) * 3600_000;
    const hourly = {
      granted: new Array<number>(kHours).fill(0),
      denied: new Array<number>(kHours).fill(0),
    };
    const reasons = new Map<string, number>();
    let hourlyChart: BarChart | null = null;
    let reasonsChart: BarChart | null = null;
    let gatesChart: BarChart | null = null;

    const count = (e: AccessEvent) => {
      const t = new Date(e.time).getTime();
      const bucket = Math.floor((t - firstHour) / 3600_000);
      if (e.result === "granted" || e.result === "denied") {
        counters[e.result] += 1;
        if (bucket >= 0 && bucket < kHours) hourly[e.result][bucket]! += 1;
      }
      if (e.result === "denied") reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
    };
    const drawCounts = () => {
      doorPanel.render();
      counterGranted.textContent = String(counters.granted);
      counterDenied.textContent = String(counters.denied);
      const labels = Array.from({ length: kHours }, (_, i) => hourLabel(firstHour + i * 3600_000));
      if (!hourlyChart) {
        hourlyChart = barChart(canvases.hourly, {
          labels,
          stacked: true,
          datasets: [
            { label: "granted", data: hourly.granted, colour: kColours.granted },
            { label: "denied", data: hourly.denied, colour: kColours.denied },
          ],
        });
      } else {
        hourlyChart.update();
      }
      const sorted = [...reasons.entries()].sort((a, b) => b[1] - a[1]);
      if (!reasonsChart) {
        reasonsChart = barChart(canvases.reasons, {
          labels: sorted.map(([r]) => r),
          horizontal: true,
          datasets: [{ label: "denials", data: sorted.map(([, n]) => n), colour: kColours.denied }],
        });
      } else {
        reasonsChart.data.labels = sorted.map(([r]) => r);
        reasonsChart.data.datasets[0]!.data = sorted.map(([, n]) => n);
        reasonsChart.update();
      }
      noDenials.hidden = sorted.length > 0;
      canvases.reasons.setAttribute(
        "aria-label",
        `Denials by reason, last 24 hours: ${sorted.map(([r, n]) => `${r} ${n}`).join(", ") || "none"}`,
      );
      canvases.hourly.setAttribute(
        "aria-label",
        `Events per hour by result, last 24 hours: ${counters.granted} granted, ${counters.denied} denied`,
      );
    };

    const liveItem = (e: AccessEvent) =>
      h(
        "li",
        { class: `event event-${e.result}`, "data-event-id": String(e.id), "data-time": e.time },
        h("time", { datetime: e.time }, formatTime(e.time)),
        " ",
        badge(e.result),
        " ",
        h("span", { class: "door" }, e.door?.name ?? `door ${e.door?.id}`),
        ` · gate ${e.gate} · ${e.reason}`,
        e.assurance ? ` · ${e.assurance}` : "",
        e.staff_id !== null && e.staff_id !== undefined ? ` · staff #${e.staff_id}` : "",
      );

    const loadGates = async () => {
      let list: GateList;
      try {
        list = await api<GateList>("GET", "/gates");
      } catch (error) {
        if (error instanceof ApiError && error.sessionEnded) return;
        replace(gatesArea, notice("error", (error as Error).message));
        return;
      }
      doorPanel.setGates(list.gates);
      doorPanel.render();
      const connected = list.gates.filter((g) => g.connected).length;
      const active = list.gates.filter((g) => g.status !== "revoked").length;
      counterGates.textContent = `${connected} / ${active}`;
      replace(
        gatesArea,
        table(
          "Gates and their doors' controllers",
          ["Gate", "Status", "Connection", "Policy version", "Last seen", "Events"],
          list.gates.map((g) => [
            `${g.name} (#${g.id})`,
            badge(g.status),
            g.connected ? badge("connected") : badge("offline"),
            `${g.policy_version} of ${list.published_version}`,
            formatTime(g.last_seen_at),
            String(g.events_received),
          ]),
          "No gate yet.",
        ),
      );
      const shown = list.gates.filter((g) => g.status === "active");
      const behind = shown.map((g) => Math.max(0, list.published_version - g.policy_version));
      // A connected gate is in sync now; an offline one has been out of touch since it was last seen.
      const offlineFor = shown.map((g) =>
        g.connected || !g.last_seen_at
          ? 0
          : Math.max(0, Math.round((Date.now() - new Date(g.last_seen_at).getTime()) / 1000)),
      );
      if (!gatesChart) {
        gatesChart = barChart(canvases.gates, {
          labels: shown.map((g) => g.name),
          datasets: [
            { label: "versions behind", data: behind, colour: kColours.warning, axis: "y" },
            { label: "seconds offline", data: offlineFor, colour: kColours.neutral, axis: "y1" },
          ],
          axes: { y: "versions behind", y1: "seconds" },
        });
      } else {
        gatesChart.data.labels = shown.map((g) => g.name);
        gatesChart.data.datasets[0]!.data = behind;
        gatesChart.data.datasets[1]!.data = offlineFor;
        gatesChart.update();
      }
    };

    // The last 24 hours from the events API (at most 5 pages of 1000).
    const loadHistory = async () => {
      let token = "";
      const recent: AccessEvent[] = [];
      for (let pageNo = 0; pageNo < 5; pageNo++) {
        const page = await api<Page<AccessEvent>>(
          "GET",
          `/events${query({ since: new Date(firstHour).toISOString(), limit: 1000, page_token: token })}`,
        );
        for (const e of page.items) {
          doorPanel.addEvent(e);
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          count(e);
          if (recent.length < kMaxLive) recent.push(e);
        }
        token = page.next_page_token ?? "";
        if (!token) break;
      }
      for (const e of recent) {
        if (!liveList.querySelector(`[data-event-id="${e.id}"]`)) liveList.append(liveItem(e));
      }
      // Newest first, whether an item came live or from the API.
      const items = Array.from(liveList.children) as HTMLElement[];
      items.sort(
        (a, b) =>
          (b.dataset["time"] ?? "").localeCompare(a.dataset["time"] ?? "") ||
          Number(b.dataset["eventId"]) - Number(a.dataset["eventId"]),
      );
      liveList.replaceChildren(...items.slice(0, kMaxLive));
    };

    const seen = new Set<number>();
    let gatesSoon: number | undefined;
    const live = new LiveEvents(
      (e) => {
        if (seen.has(e.id)) return;
        seen.add(e.id);
        doorPanel.addEvent(e);
        if (liveList.querySelector(`[data-event-id="${e.id}"]`)) return;
        liveList.prepend(liveItem(e));
        while (liveList.children.length > kMaxLive) liveList.lastElementChild?.remove();
        count(e);
        drawCounts();
        window.clearTimeout(gatesSoon);
        gatesSoon = window.setTimeout(() => void loadGates(), 1000);
      },
      () => void loadGates(),
      (state: LiveState) => {
        // Back after a break: what happened meanwhile comes from the events API.
        if (state === "live" && liveState.dataset["state"] === "reconnecting") {
          void loadHistory().then(drawCounts, () => undefined);
        }
        liveState.dataset["state"] = state;
        liveState.textContent =
          state === "live" ? "● live" : state === "connecting" ? "connecting…" : "reconnecting…";
      },
    );
    live.start();
    const refresh = window.setInterval(() => void loadGates(), 10_000);
    app.onLeave(() => {
      live.stop();
      window.clearInterval(refresh);
      window.clearTimeout(gatesSoon);
      hourlyChart?.destroy();
      reasonsChart?.destroy();
      gatesChart?.destroy();
    });

    try {
      doorPanel.setDoors((await api<{ items: Door[] }>("GET", "/doors")).items);
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      replace(messages, notice("error", `Doors could not be loaded: ${(error as Error).message}`));
    }
    await loadGates();
    try {
      await loadHistory();
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      replace(
        messages,
        notice("info", `Past events could not be loaded: ${(error as Error).message}`),
      );
    }
    drawCounts();
    view.dataset["loaded"] = "true";
  };
}
