// The site's objects (security administrators; site/model_json.h forms): sites with lockdown
// and threat level, zones, doors, schedules with holiday windows, access levels and their
// assignments to staff. Each kind has a list and one form that creates or edits.
import { api } from "../api";
import type { PageContext } from "../app";
import { type Child, h, notice, replace, table } from "../dom";
import {
  type FieldSpec,
  Form,
  type FormPart,
  type Values,
  localToRfc3339,
  numberOr,
  rfc3339ToLocal,
  text,
} from "../forms";
import { type Row, RowsPart } from "../rows";
import type {
  Assignment,
  Door,
  GateList,
  Level,
  Page,
  Schedule,
  Site,
  Staff,
  Zone,
} from "../types";
import { badge, confirmDialog } from "../ui";

interface Refs {
  sites: Site[];
  zones: Zone[];
  schedules: Schedule[];
  levels: Level[];
  gates: GateList["gates"];
  staff: Staff[];
}

interface HasIdName {
  id: number;
  name?: string;
}

interface Kind<T extends HasIdName> {
  path: string; // "doors"
  singular: string; // "door"
  title: string;
  needs: Array<keyof Refs>;
  columns: Array<[string, (item: T, refs: Refs) => Child]>;
  fields(refs: Refs, item: T | null): FieldSpec[];
  parts?(refs: Refs, item: T | null): FormPart[];
  body(values: Values, parts: FormPart[], refs: Refs): unknown;
  actions?(
    item: T,
    reload: () => Promise<void>,
    say: (kind: "success" | "error", text: string) => void,
  ): Child;
  label(item: T): string;
}

const nameOf = (list: HasIdName[], id: number, none = "—") =>
  id === 0 ? none : (list.find((x) => x.id === id)?.name ?? `#${id}`);
const options = (list: HasIdName[], none?: string): Array<[string, string]> => [
  ...(none ? ([["0", none]] as Array<[string, string]>) : []),
  ...list.map((x): [string, string] => [String(x.id), x.name ?? `#${x.id}`]),
];
const idOr = (values: Values, name: string) => numberOr(values, name, 0);

const sites: Kind<Site> = {
  path: "sites",
  singular: "site",
  title: "Sites",
  needs: ["levels"],
  label: (s) => s.name,
  columns: [
    ["Name", (s) => s.name],
    ["UTC offset", (s) => s.utc_offset],
    ["Holidays", (s) => (s.holidays.length ? s.holidays.join(", ") : "—")],
    ["Threat level", (s) => String(s.threat_level)],
    ["Lockdown", (s) => (s.lockdown ? badge("lockdown") : "no")],
  ],
  fields: (refs, s) => [
    { name: "name", label: "Name", required: true, value: s?.name ?? "" },
    {
      name: "utc_offset",
      label: "UTC offset",
      value: s?.utc_offset ?? "+09:00",
      placeholder: "+09:00",
      help: "+HH:MM or -HH:MM",
    },
    {
      name: "holidays",
      label: "Holidays",
      kind: "textarea",
      value: s?.holidays.join("\n") ?? "",
      help: "One date per line, YYYY-MM-DD, in increasing order",
    },
    {
      name: "lockdown_override_level",
      label: "Lockdown override level",
      kind: "select",
      options: options(refs.levels, "— nobody —"),
      value: String(s?.lockdown_override_level ?? 0),
      help: "Holders of this level still pass during a lockdown",
    },
    {
      name: "daily_reset",
      label: "Daily reset",
      value: s?.daily_reset ?? "00:00",
      placeholder: "03:00",
      help: "HH:MM local: anti-passback and first-person-in records expire",
    },
  ],
  body: (v) => ({
    name: text(v, "name"),
    utc_offset: text(v, "utc_offset") || undefined,
    holidays: text(v, "holidays").split(/\s+/).filter(Boolean),
    lockdown_override_level: idOr(v, "lockdown_override_level"),
    daily_reset: text(v, "daily_reset") || undefined,
  }),
  actions: (s, reload, say) => {
    const levelId = `threat-${s.id}`;
    const level = h("input", {
      id: levelId,
      type: "number",
      min: 0,
      max: 255,
      value: String(s.threat_level),
      class: "small",
    });
    return h(
      "div",
      { class: "row-actions" },
      h(
        "button",
        {
          type: "button",
          class: s.lockdown ? "" : "danger",
          onclick: async () => {
            const ok = await confirmDialog({
              title: s.lockdown ? `Lift the lockdown of ${s.name}?` : `Lock ${s.name} down?`,
              body: s.lockdown
                ? "Doors follow their normal access levels again."
                : "Within seconds every door of the site refuses everyone but holders of the override level.",
              confirm: s.lockdown ? "Lift lockdown" : "Lock down",
              danger: !s.lockdown,
            });
            if (ok === null) return;
            try {
              await api("PUT", `/sites/${s.id}/lockdown`, { lockdown: !s.lockdown });
              say(
                "success",
                s.lockdown ? `Lockdown of ${s.name} lifted.` : `${s.name} is locked down.`,
              );
            } catch (error) {
              say("error", (error as Error).message);
            }
            await reload();
          },
        },
        s.lockdown ? "Lift lockdown" : "Lock down",
      ),
      h("label", { for: levelId, class: "inline" }, "Threat level"),
      level,
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            try {
              await api("PUT", `/sites/${s.id}/threat-level`, {
                threat_level: numberOr({ l: level.value }, "l", 0),
              });
              say("success", `Threat level of ${s.name} set to ${level.value}.`);
            } catch (error) {
              say("error", (error as Error).message);
            }
            await reload();
          },
        },
        "Set",
      ),
    );
  },
};

const zones: Kind<Zone> = {
  path: "zones",
  singular: "zone",
  title: "Zones",
  needs: ["sites", "levels"],
  label: (z) => z.name,
  columns: [
    ["Name", (z) => z.name],
    ["Site", (z, r) => nameOf(r.sites, z.site)],
    ["Anti-passback", (z) => z.anti_passback],
    ["Two-person", (z) => (z.two_person ? `yes (${z.two_person_window_seconds} s)` : "no")],
  ],
  fields: (r, z) => [
    { name: "name", label: "Name", required: true, value: z?.name ?? "" },
    {
      name: "site",
      label: "Site",
      kind: "select",
      required: true,
      options: options(r.sites),
      value: String(z?.site ?? r.sites[0]?.id ?? ""),
    },
    {
      name: "anti_passback",
      label: "Anti-passback",
      kind: "select",
      options: [
        ["off", "Off"],
        ["soft", "Soft (record only)"],
        ["hard", "Hard (refuse)"],
      ],
      value: z?.anti_passback ?? "off",
    },
    {
      name: "two_person",
      label: "Two-person rule",
      kind: "checkbox",
      value: z?.two_person ?? false,
    },
    {
      name: "two_person_window_seconds",
      label: "Two-person window (seconds)",
      kind: "number",
      min: 1,
      value: String(z?.two_person_window_seconds ?? 30),
    },
    {
      name: "first_person_in_level",
      label: "First person in: level",
      kind: "select",
      options: options(r.levels, "— none —"),
      value: String(z?.first_person_in_level ?? 0),
    },
  ],
  body: (v) => ({
    name: text(v, "name"),
    site: idOr(v, "site"),
    anti_passback: text(v, "anti_passback"),
    two_person: v["two_person"] === true,
    two_person_window_seconds: numberOr(v, "two_person_window_seconds", 30),
    first_person_in_level: idOr(v, "first_person_in_level"),
  }),
};

const doors: Kind<Door> = {
  path: "doors",
  singular: "door",
  title: "Doors",
  needs: ["sites", "zones", "gates"],
  label: (d) => d.name,
  columns: [
    ["Name", (d) => d.name],
    ["Site", (d, r) => nameOf(r.sites, d.site)],
    ["From", (d, r) => nameOf(r.zones, d.from_zone, "outside")],
    ["To", (d, r) => nameOf(r.zones, d.to_zone)],
    ["Requires", (d) => d.required],
    ["Gate", (d, r) => nameOf(r.gates, d.gate, "none")],
  ],
  fields: (r, d) => [
    { name: "name", label: "Name", required: true, value: d?.name ?? "" },
    {
      name: "site",
      label: "Site",
      kind: "select",
      required: true,
      options: options(r.sites),
      value: String(d?.site ?? r.sites[0]?.id ?? ""),
    },
    {
      name: "from_zone",
      label: "From zone",
      kind: "select",
      options: options(r.zones, "— outside —"),
      value: String(d?.from_zone ?? 0),
    },
    {
      name: "to_zone",
      label: "To zone",
      kind: "select",
      required: true,
      options: options(r.zones),
      value: String(d?.to_zone ?? r.zones[0]?.id ?? ""),
    },
    {
      name: "required",
      label: "Required assurance",
      kind: "select",
      options: [
        ["card+pin", "Card and PIN"],
        ["card", "Card only"],
      ],
      value: d?.required ?? "card+pin",
    },
    {
      name: "gate",
      label: "Gate (door controller)",
      kind: "select",
      options: options(r.gates, "— none yet —"),
      value: String(d?.gate ?? 0),
    },
  ],
  body: (v) => ({
    name: text(v, "name"),
    site: idOr(v, "site"),
    from_zone: idOr(v, "from_zone"),
    to_zone: idOr(v, "to_zone"),
    required: text(v, "required"),
    gate: idOr(v, "gate"),
  }),
};

// Holiday rows' labels say so: each control's name is unique in the form.
const windowColumns = (withDays: boolean) => [
  ...(withDays ? [{ key: "days", label: "Days", kind: "days" as const }] : []),
  {
    key: "start",
    label: withDays ? "Start" : "Holiday start",
    kind: "text" as const,
    placeholder: "08:00",
  },
  {
    key: "end",
    label: withDays ? "End" : "Holiday end",
    kind: "text" as const,
    placeholder: "18:30",
  },
];
const windowRows = (list: Schedule["windows"] | undefined): Row[] =>
  (list ?? []).map((w) => ({ days: w.days ?? [], start: w.start, end: w.end }));

const schedules: Kind<Schedule> = {
  path: "schedules",
  singular: "schedule",
  title: "Schedules",
  needs: [],
  label: (s) => s.name,
  columns: [
    ["Name", (s) => s.name],
    [
      "Windows",
      (s) =>
        s.windows.map((w) => `${(w.days ?? []).join(" ")} ${w.start}–${w.end}`).join("; ") || "—",
    ],
    [
      "On holidays",
      (s) => s.holiday_windows.map((w) => `${w.start}–${w.end}`).join("; ") || "closed",
    ],
    ["From", (s) => s.first_day ?? "—"],
    ["Until", (s) => s.last_day ?? "—"],
  ],
  fields: (_r, s) => [
    { name: "name", label: "Name", required: true, value: s?.name ?? "" },
    {
      name: "first_day",
      label: "First day",
      kind: "date",
      value: s?.first_day ?? "",
      help: "Empty: no start",
    },
    {
      name: "last_day",
      label: "Last day",
      kind: "date",
      value: s?.last_day ?? "",
      help: "Empty: no end",
    },
  ],
  parts: (_r, s) => [
    new RowsPart(
      "windows",
      "Time windows",
      windowColumns(true),
      { days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "18:00" },
      s
        ? windowRows(s.windows)
        : [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "18:00" }],
    ),
    new RowsPart(
      "holiday_windows",
      "Holiday windows",
      windowColumns(false),
      { start: "09:00", end: "12:00" },
      windowRows(s?.holiday_windows),
    ),
  ],
  body: (v, parts) => {
    const [windows, holiday] = parts as [RowsPart, RowsPart];
    return {
      name: text(v, "name"),
      windows: windows.rows().map((w) => ({ days: w["days"], start: w["start"], end: w["end"] })),
      holiday_windows: holiday.rows().map((w) => ({ start: w["start"], end: w["end"] })),
      first_day: text(v, "first_day") || null,
      last_day: text(v, "last_day") || null,
    };
  },
};

const levels: Kind<Level> = {
  path: "levels",
  singular: "level",
  title: "Access levels",
  needs: ["zones", "schedules"],
  label: (l) => l.name,
  columns: [
    ["Name", (l) => l.name],
    [
      "Rules",
      (l, r) =>
        l.rules
          .map(
            (rule) =>
              `${rule.effect} ${nameOf(r.zones, rule.zone)} ${rule.schedule ? `(${nameOf(r.schedules, rule.schedule)})` : "(always)"}`,
          )
          .join("; ") || "—",
    ],
    ["Up to threat level", (l) => String(l.max_threat_level)],
  ],
  fields: (_r, l) => [
    { name: "name", label: "Name", required: true, value: l?.name ?? "" },
    {
      name: "max_threat_level",
      label: "Valid up to threat level",
      kind: "number",
      min: 0,
      max: 255,
      value: String(l?.max_threat_level ?? 255),
    },
  ],
  parts: (r, l) => [
    new RowsPart(
      "rules",
      "Rules",
      [
        { key: "zone", label: "Zone", kind: "select", options: options(r.zones) },
        {
          key: "schedule",
          label: "Schedule",
          kind: "select",
          options: options(r.schedules, "always"),
        },
        {
          key: "effect",
          label: "Effect",
          kind: "select",
          options: [
            ["grant", "grant"],
            ["deny", "deny"],
          ],
        },
      ],
      { zone: String(r.zones[0]?.id ?? ""), schedule: "0", effect: "grant" },
      (l?.rules ?? [{ zone: r.zones[0]?.id ?? 0, schedule: 0, effect: "grant" }]).map((rule) => ({
        zone: String(rule.zone),
        schedule: String(rule.schedule),
        effect: rule.effect,
      })),
    ),
  ],
  body: (v, parts) => ({
    name: text(v, "name"),
    max_threat_level: numberOr(v, "max_threat_level", 255),
    rules: (parts[0] as RowsPart).rows().map((rule) => ({
      zone: numberOr({ z: rule["zone"] as string }, "z", 0),
      schedule: numberOr({ s: rule["schedule"] as string }, "s", 0),
      effect: rule["effect"],
    })),
  }),
};

const staffLabel = (list: Staff[], id: number) => {
  const s = list.find((x) => x.id === id);
  return s ? `${s.display_name} (${s.staff_number})` : `staff #${id}`;
};

const assignments: Kind<Assignment> = {
  path: "assignments",
  singular: "level assignment",
  title: "Level assignments",
  needs: ["levels", "staff"],
  label: (a) => `assignment ${a.id}`,
  columns: [
    ["Staff member", (a, r) => staffLabel(r.staff, a.staff)],
    ["Level", (a, r) => nameOf(r.levels, a.level)],
    ["From", (a) => (a.valid_from ? rfc3339ToLocal(a.valid_from).replace("T", " ") : "always")],
    ["Until", (a) => (a.valid_until ? rfc3339ToLocal(a.valid_until).replace("T", " ") : "open")],
  ],
  fields: (r, a) => [
    {
      name: "staff",
      label: "Staff member",
      kind: "select",
      required: true,
      options: r.staff.map((s): [string, string] => [
        String(s.id),
        `${s.display_name} (${s.staff_number})`,
      ]),
      value: String(a?.staff ?? ""),
    },
    {
      name: "level",
      label: "Access level",
      kind: "select",
      required: true,
      options: options(r.levels),
      value: String(a?.level ?? ""),
    },
    {
      name: "valid_from",
      label: "Valid from",
      kind: "datetime-local",
      value: rfc3339ToLocal(a?.valid_from ?? null),
      help: "Empty: always",
    },
    {
      name: "valid_until",
      label: "Valid until",
      kind: "datetime-local",
      value: rfc3339ToLocal(a?.valid_until ?? null),
      help: "Empty: open end",
    },
  ],
  body: (v) => ({
    staff: idOr(v, "staff"),
    level: idOr(v, "level"),
    valid_from: localToRfc3339(text(v, "valid_from")),
    valid_until: localToRfc3339(text(v, "valid_until")),
  }),
};

export const kSiteKinds = { sites, zones, doors, schedules, levels, assignments } as const;

async function loadRefs(needs: Array<keyof Refs>): Promise<Refs> {
  const refs: Refs = { sites: [], zones: [], schedules: [], levels: [], gates: [], staff: [] };
  await Promise.all(
    needs.map(async (need) => {
      if (need === "gates") {
        refs.gates = (await api<GateList>("GET", "/gates")).gates;
      } else if (need === "staff") {
        refs.staff = (await api<Page<Staff>>("GET", "/staff?limit=1000")).items;
      } else {
        refs[need] = (
          await api<{ items: never[] }>("GET", `/${need === "levels" ? "levels" : need}`)
        ).items;
      }
    }),
  );
  return refs;
}

const apiPath = (kind: Kind<HasIdName>) =>
  kind.path === "assignments" ? "level-assignments" : kind.path;

export function siteKindPage<T extends HasIdName>(kind: Kind<T>) {
  return async (view: HTMLElement, _context: PageContext): Promise<void> => {
    const listArea = h("div", {});
    const formArea = h("section", { class: "panel" });
    const messages = h("div", { "aria-live": "polite" });
    view.append(h("h1", {}, kind.title), messages, listArea, formArea);
    const say = (k: "success" | "error", t: string) => replace(messages, notice(k, t));
    const path = apiPath(kind as unknown as Kind<HasIdName>);
    let refs = await loadRefs(kind.needs);

    const showForm = (item: T | null) => {
      const parts = kind.parts?.(refs, item) ?? [];
      const form = new Form({
        key: item ? `${kind.path}-edit-${item.id}` : `${kind.path}-create`,
        title: item ? `Edit ${kind.singular} “${kind.label(item)}”` : `Create a ${kind.singular}`,
        fields: kind.fields(refs, item),
        parts,
        submit: item ? "Save changes" : `Create ${kind.singular}`,
        secondary: item
          ? h("button", { type: "button", onclick: () => showForm(null) }, "Cancel")
          : null,
        onSubmit: async (values) => {
          const body = kind.body(values, parts, refs);
          const saved = item
            ? await api<T>("PUT", `/${path}/${item.id}`, body)
            : await api<T>("POST", `/${path}`, body);
          say("success", `${item ? "Saved" : "Created"} ${kind.singular} “${kind.label(saved)}”.`);
          await reload();
          showForm(null);
        },
      });
      replace(formArea, form.element);
      if (item) form.element.querySelector<HTMLElement>("input, select")?.focus();
    };

    const reload = async () => {
      refs = await loadRefs(kind.needs);
      const list = await api<{ items: T[] }>("GET", `/${path}`);
      replace(
        listArea,
        table(
          kind.title,
          [...kind.columns.map(([header]) => header), "Actions"],
          list.items.map((item) => [
            ...kind.columns.map(([, cell]) => cell(item, refs)),
            h(
              "div",
              { class: "row-actions" },
              h(
                "button",
                {
                  type: "button",
                  onclick: () => showForm(item),
                  "aria-label": `Edit ${kind.label(item)}`,
                },
                "Edit",
              ),
              h(
                "button",
                {
                  type: "button",
                  class: "danger",
                  "aria-label": `Delete ${kind.label(item)}`,
                  onclick: async () => {
                    const ok = await confirmDialog({
                      title: `Delete ${kind.singular} “${kind.label(item)}”?`,
                      body: "Only an object that nothing uses can be deleted.",
                      confirm: "Delete",
                      danger: true,
                    });
                    if (ok === null) return;
                    try {
                      await api("DELETE", `/${path}/${item.id}`);
                      say("success", `Deleted ${kind.singular} “${kind.label(item)}”.`);
                    } catch (error) {
                      say("error", (error as Error).message);
                    }
                    await reload();
                  },
                },
                "Delete",
              ),
              kind.actions?.(item, reload, say) ?? null,
            ),
          ]),
          `No ${kind.title.toLowerCase()} yet.`,
        ),
      );
    };
    await reload();
    showForm(null);
  };
}
