// On a staff member's page: their enrolment state (from their credentials; a card is enrolled at
// an enrolment station with `sekisho enrol`, docs/user-guide.md) and, for security
// administrators, whether the latest credential change is in effect at each gate (the gate holds
// the policy version published after it; docs/server.md §7).
import { ApiError, api } from "../api";
import { formatTime, h, replace, table } from "../dom";
import type { Credential, GateList, Staff } from "../types";
import { badge } from "../ui";

export type Enrolment = "enrolled" | "suspended" | "not enrolled";

// "enrolled" with an active credential, "suspended" with a suspended one and none active, else
// "not enrolled" (none yet, or every one revoked or retired).
export function enrolmentOf(credentials: Credential[]): Enrolment {
  if (credentials.some((c) => c.status === "active")) return "enrolled";
  if (credentials.some((c) => c.status === "suspended")) return "suspended";
  return "not enrolled";
}

export function enrolmentFacts(staff: Staff, credentials: Credential[]): HTMLElement {
  const state = enrolmentOf(credentials);
  const active = credentials.filter((c) => c.status === "active");
  const last = active[active.length - 1];
  const hint =
    state === "enrolled"
      ? `card enrolled ${formatTime(last?.enrolled_at)} by ${last?.enrolled_by || "—"}; a renewed ` +
        `card is re-bound at an enrolment station: sekisho enrol --rebind --staff ${staff.staff_number}`
      : staff.status === "left"
        ? "has left: no card can be enrolled"
        : state === "suspended"
          ? "the card is suspended; reinstate it when found, or enrol a new one"
          : `enrol their card at an enrolment station: sekisho enrol --staff ${staff.staff_number}`;
  return h(
    "span",
    {},
    h("span", { "data-state": state }, badge(state)),
    " ",
    h("span", { class: "hint" }, hint),
  );
}

// A table of the active gates: "in effect" when a gate holds the published policy version (which
// every credential change before now is in), else "waiting" with how far behind it is. Checks
// again every 2 s, at most 15 times, while a gate waits and the page is shown.
export function gateEffect(view: HTMLElement): HTMLElement {
  const area = h("section", { class: "gate-effect", "data-testid": "gate-effect" });
  let checks = 0;
  const load = async () => {
    if (!area.isConnected && checks > 0) return;
    checks += 1;
    let list: GateList;
    try {
      list = await api<GateList>("GET", "/gates");
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      replace(area, h("p", { class: "hint" }, `Gates: ${(error as Error).message}`));
      return;
    }
    const gates = list.gates.filter((g) => g.status === "active");
    const inEffect = (g: (typeof gates)[number]) =>
      g.connected && g.policy_version >= list.published_version;
    replace(
      area,
      h("h2", {}, "Credential changes at the gates"),
      table(
        `Policy version ${list.published_version} holds every change made so far`,
        ["Gate", "State", "Policy version", "Last seen"],
        gates.map((g) => [
          g.name,
          badge(inEffect(g) ? "in effect" : "waiting"),
          `${g.policy_version} of ${list.published_version}${g.connected ? "" : " (offline)"}`,
          formatTime(g.last_seen_at),
        ]),
        "No active gate.",
      ),
    );
    if (gates.some((g) => !inEffect(g)) && checks < 15 && view.isConnected)
      window.setTimeout(() => void load(), 2000);
  };
  void load();
  return area;
}
