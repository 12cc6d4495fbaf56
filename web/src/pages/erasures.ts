// Erasure requests (docs/server.md "Erasure requests"): security admins and HR ask for one audit
// record's content to be erased, with a reason from a fixed list; an auditor who did not ask
// approves (the log erases the content and writes its own erasure record) or rejects. Every
// request and decision is also an admin record of the log.
import { ApiError, api, query } from "../api";
import type { PageContext } from "../app";
import { append, formatTime, h, notice, replace, table } from "../dom";
import { Form, numberOr, text } from "../forms";
import type { ErasureRequest } from "../types";
import { badge, confirmDialog } from "../ui";

const kReasons: Array<[string, string]> = [
  ["data-subject-request", "The person it is about asked for it"],
  ["retention-expired", "Its retention period has passed"],
  ["recorded-in-error", "It should never have been recorded"],
];

function reasonText(reason: string): string {
  return kReasons.find(([value]) => value === reason)?.[1] ?? reason;
}

export async function renderErasures(view: HTMLElement, context: PageContext): Promise<void> {
  const role = context.session.role;
  const canAsk = role === "security_admin" || role === "hr";
  const canDecide = role === "auditor";
  const listArea = h("div", {});
  const messages = h("div", { "aria-live": "polite" });
  const stateFilter = h(
    "select",
    { id: "erasure-state-filter", name: "state" },
    [
      ["", "All"],
      ["pending", "Pending"],
      ["approved", "Approved"],
      ["rejected", "Rejected"],
    ].map(([value, label]) =>
      h("option", { value, selected: value === (canDecide ? "pending" : "") }, label),
    ),
  );

  const decide = async (request: ErasureRequest, verb: "approve" | "reject") => {
    const ok = await confirmDialog(
      verb === "approve"
        ? {
            title: `Erase the content of record ${request.record}?`,
            body: `Asked by ${request.requested_by}: ${reasonText(request.reason)}. The record's content is removed for good; its leaf hash stays, so every proof and checkpoint still verifies, and the log records the erasure.`,
            confirm: "Approve and erase",
            danger: true,
          }
        : {
            title: `Reject the erasure of record ${request.record}?`,
            body: "The record stays as it is. The rejection is recorded in the log.",
            confirm: "Reject",
          },
    );
    if (ok === null) return;
    try {
      const after = await api<ErasureRequest>(
        "POST",
        `/audit/erasure-requests/${request.id}/${verb}`,
      );
      replace(
        messages,
        notice(
          "success",
          after.state === "approved"
            ? `Record ${after.record} was erased; the log's erasure record is ${after.erasure_entry}.`
            : `The request for record ${after.record} was rejected.`,
        ),
      );
    } catch (error) {
      replace(messages, notice("error", (error as Error).message));
    }
    await load();
  };

  const load = async () => {
    const state = (stateFilter as HTMLSelectElement).value;
    const list = await api<{ items: ErasureRequest[] }>(
      "GET",
      `/audit/erasure-requests${query({ state: state || undefined })}`,
    );
    replace(
      listArea,
      table(
        "Erasure requests, newest first",
        ["Request", "Record", "Reason", "State", "Asked by", "Decided by", ""],
        list.items.map((r) => [
          `#${r.id}`,
          canDecide
            ? h("a", { href: `#/audit/record/${r.record}` }, String(r.record))
            : String(r.record),
          reasonText(r.reason),
          badge(r.state),
          `${r.requested_by}, ${formatTime(r.requested_at)}`,
          r.decided_by ? `${r.decided_by}, ${formatTime(r.decided_at)}` : "—",
          canDecide && r.state === "pending" && r.requested_by !== context.session.login
            ? h(
                "span",
                { class: "row-actions" },
                h(
                  "button",
                  {
                    type: "button",
                    class: "danger",
                    "data-testid": `approve-erasure-${r.id}`,
                    onclick: () => void decide(r, "approve"),
                  },
                  "Approve",
                ),
                h("button", { type: "button", onclick: () => void decide(r, "reject") }, "Reject"),
              )
            : r.erasure_entry !== null
              ? `erasure record ${r.erasure_entry}`
              : "",
        ]),
        "No erasure requests.",
      ),
    );
  };
  stateFilter.addEventListener("change", () => void load());

  const askForm = canAsk
    ? new Form({
        key: "erasure-request",
        title: "Ask for a record to be erased",
        fields: [
          {
            name: "record",
            label: "Audit record number",
            kind: "number",
            min: 0,
            required: true,
            help: "The record's index in the audit log (the event's number on the Events page)",
            value: context.params[0] ?? "",
          },
          {
            name: "reason",
            label: "Reason",
            kind: "select",
            required: true,
            options: [["", "— choose —"], ...kReasons],
          },
        ],
        submit: "Ask for erasure",
        resetOnSuccess: true,
        onSubmit: async (values) => {
          const record = numberOr(values, "record");
          if (typeof record !== "number") throw new Error("record: expected a record number");
          const reason = text(values, "reason");
          if (!reason) throw new Error("reason: choose why the record is to be erased");
          const created = await api<ErasureRequest>("POST", "/audit/erasure-requests", {
            record,
            reason,
          });
          replace(
            messages,
            notice(
              "success",
              `Request #${created.id} for record ${created.record} is waiting for an auditor.`,
            ),
          );
          await load();
        },
      })
    : null;

  append(view, [
    h("h1", {}, "Erasure requests"),
    h(
      "p",
      { class: "lead" },
      "Erasing removes a record's content from the audit log for good; its leaf hash stays, so the log still verifies. One person asks, an auditor decides.",
    ),
    messages,
    askForm ? h("section", { class: "panel" }, askForm.element) : null,
    h("label", { for: "erasure-state-filter" }, "Show "),
    stateFilter,
    listArea,
  ]);
  try {
    await load();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    replace(listArea, notice("error", error.message));
  }
}
