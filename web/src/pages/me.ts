// Self-service for staff (DESIGN.md §7, P4, P5): my credentials, reporting one lost in two
// clicks (it is suspended at every gate within seconds), and my access log with each entry's
// proof checked in this browser.
import { ApiError, api } from "../api";
import type { PageContext } from "../app";
import { formatTime, h, notice, replace, table } from "../dom";
import { type Check, type EventProofBundle, allPassed, checkEventProof } from "../proofs";
import type { AccessEvent, Credential, Page } from "../types";
import { Pager, badge, confirmDialog } from "../ui";

export function checksList(checks: Check[]): HTMLElement {
  return h(
    "ul",
    { class: "checks" },
    checks.map((c) =>
      h(
        "li",
        { class: c.ok === true ? "ok" : c.ok === false ? "bad" : "unchecked" },
        h("strong", {}, `${c.ok === true ? "✓" : c.ok === false ? "✗" : "–"} ${c.label}: `),
        c.detail,
      ),
    ),
  );
}

export async function renderMe(view: HTMLElement, context: PageContext): Promise<void> {
  const messages = h("div", { "aria-live": "polite" });
  const credentialsArea = h("div", {});
  const eventsArea = h("div", {});
  view.append(
    h("h1", {}, "My cards and access log"),
    messages,
    h("h2", {}, "My credentials"),
    credentialsArea,
    h("h2", {}, "My access log"),
    h(
      "p",
      { class: "hint" },
      "Each entry is in the tamper-evident audit log. “Verify” checks its proof here, in your browser.",
    ),
    eventsArea,
  );
  if (context.session.staff === null) {
    replace(
      credentialsArea,
      notice("error", "This account is not linked to a staff member; ask HR."),
    );
    return;
  }

  const reportLost = async (c: Credential) => {
    const ok = await confirmDialog({
      title: "Report this card lost?",
      body: "It stops opening doors at every gate within seconds. If you find it, ask HR or security to reinstate it.",
      confirm: "Yes, block my card",
      danger: true,
    });
    if (ok === null) return;
    try {
      const after = await api<Credential>("POST", `/me/credentials/${c.id}/report-lost`);
      replace(
        messages,
        notice(
          "success",
          `Card ${after.id} is blocked (${after.status}). Every gate refuses it within seconds.`,
        ),
      );
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      replace(messages, notice("error", (error as Error).message));
    }
    await loadCredentials();
  };

  const loadCredentials = async () => {
    const list = await api<{ items: Credential[] }>("GET", "/me/credentials");
    replace(
      credentialsArea,
      list.items.length === 0
        ? h("p", {}, "No card is enrolled for you yet.")
        : h(
            "ul",
            { class: "cards" },
            list.items.map((c) =>
              h(
                "li",
                { class: "card-item" },
                h(
                  "div",
                  {},
                  h("strong", {}, c.kind === "jpki" ? "My Number Card" : c.kind),
                  " ",
                  badge(c.status),
                ),
                h(
                  "div",
                  { class: "hint" },
                  `Enrolled ${formatTime(c.enrolled_at)} · expires ${formatTime(c.not_after)}`,
                ),
                c.status === "active"
                  ? h(
                      "button",
                      { type: "button", class: "danger", onclick: () => void reportLost(c) },
                      "Report lost",
                    )
                  : null,
              ),
            ),
          ),
    );
  };

  const verify = async (event: AccessEvent, cell: HTMLElement) => {
    replace(cell, h("span", { role: "status" }, "Checking…"));
    try {
      const bundle = await api<EventProofBundle>("GET", `/me/events/${event.id}/proof`);
      const checks = await checkEventProof(bundle);
      replace(
        cell,
        h(
          "span",
          { class: allPassed(checks) ? "proof-ok" : "proof-bad", role: "status" },
          allPassed(checks) ? "✓ Verified" : "✗ Does not verify",
        ),
        h("details", {}, h("summary", {}, "Details"), checksList(checks)),
      );
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      replace(cell, h("span", { class: "proof-bad", role: "status" }, (error as Error).message));
    }
  };

  const pager = new Pager(async (token) => {
    let page: Page<AccessEvent>;
    try {
      page = await api<Page<AccessEvent>>(
        "GET",
        `/me/events?limit=20${token ? `&page_token=${encodeURIComponent(token)}` : ""}`,
      );
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 503)) {
        replace(eventsArea, notice("info", "The access log is not available on this server yet."));
        return "";
      }
      throw error;
    }
    replace(
      eventsArea,
      table(
        "My access log, newest first",
        ["Time", "Door", "Result", "Proof"],
        page.items.map((e) => {
          const cell = h("div", { class: "proof-cell" });
          cell.append(
            h(
              "button",
              {
                type: "button",
                onclick: () => void verify(e, cell),
                "aria-label": `Verify the entry of ${formatTime(e.time)}`,
              },
              "Verify",
            ),
          );
          return [
            formatTime(e.time),
            e.door.name ?? `door ${e.door.id}`,
            h("span", {}, badge(e.result), e.result === "denied" ? ` ${e.reason}` : ""),
            cell,
          ];
        }),
        "No entries yet.",
      ),
    );
    return page.next_page_token ?? "";
  });
  view.append(pager.element);
  await loadCredentials();
  await pager.reload();
}
