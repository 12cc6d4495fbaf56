// Door events (security administrators, auditors): GET /api/v1/events with its filters, paged,
// newest first. Auditors can open any event's record in the audit page to check its proof.
import { api, query } from "../api";
import type { PageContext } from "../app";
import { formatTime, h, replace, table } from "../dom";
import { Form, localToRfc3339, text } from "../forms";
import type { AccessEvent, Door, GateList, Page } from "../types";
import { Pager, badge } from "../ui";

export const kReasons = [
  "granted",
  "granted-anti-passback-soft",
  "granted-override",
  "granted-second-person",
  "unknown-credential",
  "revoked",
  "expired",
  "not-yet-valid",
  "no-access-level",
  "outside-schedule",
  "denied-by-rule",
  "insufficient-assurance",
  "lockdown",
  "anti-passback",
  "awaiting-second-person",
  "awaiting-first-person-in",
  "unknown-door",
  "authentication-failed",
  "pin-refused",
  "card-error",
  "no-snapshot",
  "internal-error",
  "door-held-open",
  "door-forced",
];

export async function renderEvents(view: HTMLElement, context: PageContext): Promise<void> {
  const isAuditor = context.session.role === "auditor";
  const [doors, gates] = await Promise.all([
    api<{ items: Door[] }>("GET", "/doors"),
    api<GateList>("GET", "/gates"),
  ]);
  let filters: Record<string, string | null> = {};
  const listArea = h("div", {});
  const pager = new Pager(async (token) => {
    const page = await api<Page<AccessEvent>>(
      "GET",
      `/events${query({ ...filters, limit: 50, page_token: token })}`,
    );
    replace(
      listArea,
      table(
        "Door events, newest first",
        ["Time", "Door", "Gate", "Result", "Reason", "Assurance", "Staff", "Record"],
        page.items.map((e) => [
          formatTime(e.time),
          e.door.name ?? `door ${e.door.id}`,
          String(e.gate),
          badge(e.result),
          e.reason,
          e.assurance ?? "—",
          e.staff_id === null ? "—" : `#${e.staff_id}`,
          // Auditors check the record's inclusion; administrators may ask for its erasure.
          isAuditor
            ? h("a", { href: `#/audit/record/${e.id}` }, `#${e.id}`)
            : h(
                "a",
                { href: `#/erasures/${e.id}`, title: `Ask for record ${e.id} to be erased` },
                `#${e.id}`,
              ),
        ]),
        "No events match.",
      ),
    );
    return page.next_page_token ?? "";
  });
  const form = new Form({
    key: "events-filter",
    title: "Filter",
    fields: [
      {
        name: "door",
        label: "Door",
        kind: "select",
        options: [
          ["", "Any door"],
          ...doors.items.map((d): [string, string] => [String(d.id), d.name]),
        ],
      },
      {
        name: "gate",
        label: "Gate",
        kind: "select",
        options: [
          ["", "Any gate"],
          ...gates.gates.map((g): [string, string] => [String(g.id), g.name]),
        ],
      },
      {
        name: "result",
        label: "Result",
        kind: "select",
        options: [
          ["", "Any result"],
          ["granted", "Granted"],
          ["denied", "Denied"],
          ["alarm", "Alarm"],
        ],
      },
      {
        name: "reason",
        label: "Reason",
        kind: "select",
        options: [["", "Any reason"], ...kReasons.map((r): [string, string] => [r, r])],
      },
      { name: "staff_id", label: "Staff id", kind: "number", min: 1 },
      { name: "since", label: "Since", kind: "datetime-local" },
      { name: "until", label: "Until", kind: "datetime-local" },
    ],
    submit: "Show events",
    onSubmit: async (values) => {
      filters = {
        door: text(values, "door"),
        gate: text(values, "gate"),
        result: text(values, "result"),
        reason: text(values, "reason"),
        staff_id: text(values, "staff_id"),
        since: localToRfc3339(text(values, "since"), true),
        until: localToRfc3339(text(values, "until"), true),
      };
      await pager.reload();
    },
  });
  form.element.classList.add("filters-form");
  view.append(
    h("h1", {}, "Door events"),
    h("section", { class: "panel" }, form.element),
    listArea,
    pager.element,
  );
  await pager.reload();
}
