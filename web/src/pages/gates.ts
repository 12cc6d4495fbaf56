// Gates (security administrators): connection state and policy version of each door
// controller, creating one with its one-time registration token (shown once), revoking one
// (docs/server.md §8).
import { api } from "../api";
import type { PageContext } from "../app";
import { formatTime, h, notice, replace, table } from "../dom";
import { Form, text } from "../forms";
import type { GateList, NewGateToken } from "../types";
import { badge, confirmDialog } from "../ui";

export async function renderGates(view: HTMLElement, _context: PageContext): Promise<void> {
  const listArea = h("div", {});
  const messages = h("div", { "aria-live": "polite" });
  const tokenArea = h("div", {});
  const say = (k: "success" | "error", t: string) => replace(messages, notice(k, t));

  const reload = async () => {
    const list = await api<GateList>("GET", "/gates");
    replace(
      listArea,
      h("p", {}, `Published policy version: ${list.published_version}`),
      table(
        "Gates",
        [
          "Id",
          "Name",
          "Status",
          "Connection",
          "Policy version",
          "Events received",
          "Last seen",
          "Actions",
        ],
        list.gates.map((g) => [
          String(g.id),
          g.name,
          badge(g.status),
          g.connected ? badge("connected") : badge("offline"),
          g.policy_version === list.published_version || !g.connected
            ? String(g.policy_version)
            : `${g.policy_version} (behind by ${list.published_version - g.policy_version})`,
          String(g.events_received),
          formatTime(g.last_seen_at),
          g.status === "revoked"
            ? "—"
            : h(
                "button",
                {
                  type: "button",
                  class: "danger",
                  "aria-label": `Revoke gate ${g.name}`,
                  onclick: async () => {
                    const ok = await confirmDialog({
                      title: `Revoke gate “${g.name}”?`,
                      body: "Its certificate is refused from now on and its connection is cut. A new gate must be created and registered to replace it.",
                      confirm: "Revoke gate",
                      danger: true,
                    });
                    if (ok === null) return;
                    try {
                      await api("POST", `/gates/${g.id}/revoke`);
                      say("success", `Gate ${g.name} is revoked.`);
                    } catch (error) {
                      say("error", (error as Error).message);
                    }
                    await reload();
                  },
                },
                "Revoke",
              ),
        ]),
        "No gate yet.",
      ),
    );
  };

  const form = new Form({
    key: "gate-create",
    title: "Create a gate",
    fields: [{ name: "name", label: "Name", required: true, placeholder: "Entrance lane 1" }],
    submit: "Create gate",
    resetOnSuccess: true,
    onSubmit: async (values) => {
      const created = await api<NewGateToken>("POST", "/gates", { name: text(values, "name") });
      const tokenId = "gate-token";
      replace(
        tokenArea,
        h(
          "section",
          { class: "panel token", role: "region", "aria-labelledby": "token-title" },
          h(
            "h2",
            { id: "token-title" },
            `Registration token of gate ${created.gate} (${created.name})`,
          ),
          notice(
            "info",
            "This token is shown once and never again. Give it to whoever registers the gate; it works one time.",
          ),
          h("label", { for: tokenId }, "One-time token"),
          h("input", {
            id: tokenId,
            class: "token-value",
            readonly: true,
            value: created.token,
            size: 66,
          }),
          h(
            "p",
            {},
            `On the gate: sekisho gate register --server HOST:PORT --ca ca.pem --dir GATE_DIR, then type the token. Assign the gate to its door first.`,
          ),
          h(
            "div",
            { class: "buttons" },
            h(
              "button",
              {
                type: "button",
                onclick: async (event: Event) => {
                  const button = event.currentTarget as HTMLButtonElement;
                  try {
                    await navigator.clipboard.writeText(created.token);
                    button.textContent = "Copied";
                  } catch {
                    (document.getElementById(tokenId) as HTMLInputElement).select();
                    button.textContent = "Select and copy with Ctrl+C";
                  }
                },
              },
              "Copy token",
            ),
            h(
              "button",
              { type: "button", onclick: () => replace(tokenArea) },
              "I have stored it — hide",
            ),
          ),
        ),
      );
      (document.getElementById(tokenId) as HTMLInputElement).focus();
      await reload();
    },
  });

  view.append(
    h("h1", {}, "Gates"),
    messages,
    tokenArea,
    listArea,
    h("section", { class: "panel" }, form.element),
  );
  await reload();
}
