// The audit view (auditors; DESIGN.md P5): the latest signed checkpoint, a record's inclusion
// proof and a consistency proof between an earlier checkpoint and the latest, both checked in
// this browser (RFC 9162 §2.1.3.2, §2.1.4.2), and the admin events.
import { ApiError, api, query } from "../api";
import type { PageContext } from "../app";
import { parseCheckpoint } from "../checkpoint";
import { formatTime, h, notice, replace, table } from "../dom";
import { Form, numberOr, text } from "../forms";
import { fromHex, toHex, verifyConsistency } from "../merkle";
import { allPassed, checkRecordInclusion } from "../proofs";
import type {
  AdminEvent,
  AuditCheckpoint,
  AuditRecord,
  ConsistencyProof,
  InclusionProof,
  Page,
} from "../types";
import { Pager } from "../ui";
import { checksList } from "./me";

const kSeenKey = "sekisho.checkpoints";

interface SeenCheckpoint {
  size: number;
  root: string; // hex
  text: string;
  seen: string;
}

// The checkpoints this browser has seen, newest first: an auditor's own record for later
// consistency checks (the log cannot rewrite what the auditor kept).
function seenCheckpoints(): SeenCheckpoint[] {
  try {
    return JSON.parse(localStorage.getItem(kSeenKey) ?? "[]") as SeenCheckpoint[];
  } catch {
    return [];
  }
}

function remember(checkpoint: AuditCheckpoint): void {
  const list = seenCheckpoints().filter(
    (c) => !(c.size === checkpoint.tree_size && c.root === checkpoint.root),
  );
  list.unshift({
    size: checkpoint.tree_size,
    root: checkpoint.root,
    text: checkpoint.checkpoint,
    seen: new Date().toISOString(),
  });
  localStorage.setItem(kSeenKey, JSON.stringify(list.slice(0, 50)));
}

function recordText(record: AuditRecord): string {
  if (record.erased || record.record === null) return "(erased)";
  const bytes = fromHex(record.record);
  if (record.kind === "gate")
    return `gate event, ${bytes.length} bytes (binary: docs/formats/gate-events.md)`;
  return new TextDecoder().decode(bytes);
}

// For an erasure record ("erased record N", docs/formats/audit-log.md): a link to record N, whose
// content it removed. Null for other records.
function erasedBy(record: AuditRecord): HTMLElement | null {
  if (record.kind !== "erasure" || record.record === null) return null;
  const match = /^erased record (\d+)$/.exec(new TextDecoder().decode(fromHex(record.record)));
  if (!match) return null;
  return h(
    "p",
    { "data-testid": "erasure-of" },
    `This is the log's own entry for the erasure of record ${match[1]}: `,
    h("a", { href: `#/audit/record/${match[1]}` }, `look up record ${match[1]}`),
  );
}

export async function renderAudit(view: HTMLElement, context: PageContext): Promise<void> {
  const checkpointArea = h("div", {});
  const inclusionResult = h("div", { "aria-live": "polite" });
  const consistencyResult = h("div", { "aria-live": "polite" });
  const eventsArea = h("div", {});
  let latest: AuditCheckpoint | null = null;

  const loadCheckpoint = async () => {
    try {
      latest = await api<AuditCheckpoint>("GET", "/audit/checkpoint");
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replace(
          checkpointArea,
          notice(
            "info",
            "No checkpoint has been signed yet. The operator signs one with `sekisho audit checkpoint`.",
          ),
        );
        return;
      }
      throw error;
    }
    remember(latest);
    replace(
      checkpointArea,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Records"),
        h("dd", { "data-testid": "checkpoint-size" }, String(latest.tree_size)),
        h("dt", {}, "Root"),
        h("dd", { class: "hash" }, latest.root),
        h("dt", {}, "Signed"),
        h("dd", {}, formatTime(latest.time)),
      ),
      h(
        "details",
        {},
        h("summary", {}, "Checkpoint text (signed note)"),
        h("pre", { class: "checkpoint" }, latest.checkpoint),
      ),
    );
  };

  const inclusionForm = new Form({
    key: "audit-inclusion",
    title: "Inclusion proof of a record",
    fields: [
      {
        name: "index",
        label: "Record index",
        kind: "number",
        min: 0,
        required: true,
        value: context.params[0] === "record" ? (context.params[1] ?? "") : "",
      },
    ],
    submit: "Check inclusion",
    onSubmit: async (values) => {
      replace(inclusionResult);
      if (!latest) throw new Error("There is no checkpoint to check against yet.");
      const index = numberOr(values, "index");
      if (typeof index !== "number") throw new Error("index: expected a record number");
      if (index >= latest.tree_size) {
        throw new Error(
          `index: record ${index} is not in the latest checkpoint (${latest.tree_size} records); sign a newer checkpoint first`,
        );
      }
      const [record, proof] = await Promise.all([
        api<AuditRecord>("GET", `/audit/records/${index}`),
        api<InclusionProof>(
          "GET",
          `/audit/proofs/inclusion${query({ index, size: latest.tree_size })}`,
        ),
      ]);
      const erased = record.erased || record.salt === null || record.record === null;
      const checks = await checkRecordInclusion({
        index,
        kind: record.kind,
        salt: erased ? null : record.salt,
        content: erased ? null : record.record,
        leafHashHex: record.leaf_hash,
        path: proof.path,
        treeSize: proof.tree_size,
        checkpointText: latest.checkpoint,
      });
      const ok = allPassed(checks);
      replace(
        inclusionResult,
        h(
          "p",
          {
            class: ok ? "proof-ok" : "proof-bad",
            role: "status",
            "data-testid": "inclusion-verdict",
          },
          ok ? `✓ Record ${index} is in the signed log` : `✗ Record ${index} does not verify`,
        ),
        checksList(checks),
        erased
          ? notice(
              "info",
              `Record ${index} was erased (right to deletion): its content is gone, its leaf hash stays in the tree, and a later erasure record of the log names it.`,
            )
          : h(
              "p",
              { "data-testid": "record-content" },
              h("strong", {}, `Record ${index} (${record.kind}): `),
              h("code", { class: "record" }, recordText(record)),
            ),
        erasedBy(record),
      );
    },
  });

  const seen = seenCheckpoints();
  const consistencyForm = new Form({
    key: "audit-consistency",
    title: "Consistency with an earlier checkpoint",
    fields: [
      {
        name: "earlier",
        label: "Earlier checkpoint seen by this browser",
        kind: "select",
        options: [
          ["", "— paste one below —"],
          ...seen.map((c): [string, string] => [
            String(seen.indexOf(c)),
            `${c.size} records, seen ${formatTime(c.seen)}`,
          ]),
        ],
      },
      {
        name: "pasted",
        label: "Or paste an earlier checkpoint",
        kind: "textarea",
        help: "The checkpoint text you kept (first four lines at least)",
      },
    ],
    submit: "Check consistency",
    onSubmit: async (values) => {
      replace(consistencyResult);
      if (!latest) throw new Error("There is no checkpoint to check against yet.");
      let first: { size: number; root: Uint8Array };
      const pasted = text(values, "pasted");
      if (pasted) {
        try {
          const parsed = parseCheckpoint(`${pasted.replace(/\r/g, "")}\n`);
          first = { size: parsed.treeSize, root: parsed.root };
        } catch (error) {
          throw new Error(`pasted: ${(error as Error).message}`);
        }
      } else {
        const chosen = seen[Number(text(values, "earlier"))];
        if (!chosen || text(values, "earlier") === "")
          throw new Error("earlier: choose a checkpoint or paste one");
        first = { size: chosen.size, root: fromHex(chosen.root) };
      }
      const proof = await api<ConsistencyProof>(
        "GET",
        `/audit/proofs/consistency${query({ first: first.size, second: latest.tree_size })}`,
      );
      const secondRoot = parseCheckpoint(latest.checkpoint).root;
      try {
        await verifyConsistency(
          first.size,
          latest.tree_size,
          first.root,
          secondRoot,
          proof.path.map(fromHex),
        );
        replace(
          consistencyResult,
          h(
            "p",
            { class: "proof-ok", role: "status", "data-testid": "consistency-verdict" },
            `✓ The log of ${latest.tree_size} records extends the earlier one of ${first.size} (${proof.path.length} proof hashes): nothing was changed or removed.`,
          ),
        );
      } catch (error) {
        replace(
          consistencyResult,
          h(
            "p",
            { class: "proof-bad", role: "alert", "data-testid": "consistency-verdict" },
            `✗ Not consistent: ${(error as Error).message}. Earlier root ${toHex(first.root).slice(0, 16)}…`,
          ),
        );
      }
    },
  });

  const pager = new Pager(async (token) => {
    const page = await api<Page<AdminEvent>>(
      "GET",
      `/admin-events${query({ limit: 25, page_token: token })}`,
    );
    replace(
      eventsArea,
      table(
        "Admin events, newest first",
        ["Time", "Actor", "Action", "Staff", "Credential", "Detail"],
        page.items.map((e) => [
          formatTime(e.at),
          e.actor,
          e.action,
          e.staff === null ? "—" : `#${e.staff}`,
          e.credential === null ? "—" : `#${e.credential}`,
          e.detail || "—",
        ]),
        "No admin events.",
      ),
    );
    return page.next_page_token ?? "";
  });

  view.append(
    h("h1", {}, "Audit log"),
    h("section", { class: "panel" }, h("h2", {}, "Latest checkpoint"), checkpointArea),
    h(
      "div",
      { class: "panels" },
      h("section", { class: "panel" }, inclusionForm.element, inclusionResult),
      h("section", { class: "panel" }, consistencyForm.element, consistencyResult),
    ),
    h("h2", {}, "Admin events"),
    eventsArea,
    pager.element,
  );
  await loadCheckpoint();
  await pager.reload();
  if (context.params[0] === "record" && context.params[1] && latest)
    await inclusionForm.submitNow();
}
