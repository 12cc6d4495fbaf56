// Forms with labels bound to their inputs, errors shown next to the field the API's message
// names (fields.ts), and drafts: what was typed survives an expired session (sessionStorage)
// and is put back once the user has signed in again.
import { ApiError } from "./api";
import { type Child, h, uid } from "./dom";
import { fieldOfMessage } from "./fields";

export type FieldKind =
  | "text"
  | "number"
  | "date"
  | "time"
  | "datetime-local"
  | "select"
  | "checkbox"
  | "textarea"
  | "password";

export interface FieldSpec {
  name: string;
  label: string;
  kind?: FieldKind;
  options?: Array<[value: string, label: string]>;
  required?: boolean;
  help?: string;
  value?: string | boolean;
  autocomplete?: string;
  min?: number;
  max?: number;
  placeholder?: string;
}

export type Values = Record<string, string | boolean>;

// A part of a form that is not a plain field (a list of rows): it keeps its own draft.
export interface FormPart {
  element: HTMLElement;
  draft(): unknown;
  restore(draft: unknown): void;
}

const kDraftsKey = "sekisho.drafts";
const liveForms = new Set<Form>();

function readDrafts(): Record<string, { values: Values; parts: unknown[] }> {
  try {
    return JSON.parse(sessionStorage.getItem(kDraftsKey) ?? "{}") as Record<
      string,
      { values: Values; parts: unknown[] }
    >;
  } catch {
    return {};
  }
}

// Saves what is typed in every form on the page (never passwords); called when the session ends.
export function saveDrafts(): void {
  const drafts = readDrafts();
  for (const form of liveForms) {
    if (!form.element.isConnected) {
      liveForms.delete(form);
      continue;
    }
    drafts[form.key] = { values: form.values(false), parts: form.parts.map((p) => p.draft()) };
  }
  sessionStorage.setItem(kDraftsKey, JSON.stringify(drafts));
}

function takeDraft(key: string): { values: Values; parts: unknown[] } | null {
  const drafts = readDrafts();
  const draft = drafts[key];
  if (!draft) return null;
  delete drafts[key];
  sessionStorage.setItem(kDraftsKey, JSON.stringify(drafts));
  return draft;
}

// One labelled field: a wrapper marked data-field=NAME holding the label, the control, an
// optional hint and the error slot the control is described by.
export function field(spec: FieldSpec): HTMLElement {
  const id = uid(`f-${spec.name.replace(/[^A-Za-z0-9_-]/g, "-")}`);
  const errorId = `${id}-error`;
  const hintId = spec.help ? `${id}-hint` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  const common = {
    id,
    name: spec.name,
    required: spec.required ?? false,
    "aria-describedby": describedBy,
  };
  let control: HTMLElement;
  switch (spec.kind ?? "text") {
    case "select":
      control = h(
        "select",
        common,
        (spec.options ?? []).map(([value, label]) =>
          h("option", { value, selected: spec.value === value }, label),
        ),
      );
      break;
    case "checkbox":
      control = h("input", { ...common, type: "checkbox", checked: spec.value === true });
      break;
    case "textarea":
      control = h("textarea", { ...common, rows: 3, placeholder: spec.placeholder });
      (control as HTMLTextAreaElement).value = typeof spec.value === "string" ? spec.value : "";
      break;
    default:
      control = h("input", {
        ...common,
        type: spec.kind ?? "text",
        value: typeof spec.value === "string" ? spec.value : undefined,
        autocomplete: spec.autocomplete,
        min: spec.min,
        max: spec.max,
        placeholder: spec.placeholder,
        step: spec.kind === "datetime-local" ? 1 : undefined,
      });
  }
  const label = h(
    "label",
    { for: id },
    spec.label,
    spec.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null,
  );
  return h(
    "div",
    { class: spec.kind === "checkbox" ? "field field-check" : "field", "data-field": spec.name },
    spec.kind === "checkbox" ? [control, label] : [label, control],
    hintId ? h("p", { class: "hint", id: hintId }, spec.help) : null,
    h("p", { class: "field-error", id: errorId, "aria-live": "polite" }),
  );
}

export interface FormOptions {
  key: string; // the draft key: one per form of the console
  title?: string;
  fields: FieldSpec[];
  parts?: FormPart[];
  submit: string;
  onSubmit: (values: Values, form: Form) => Promise<void>;
  resetOnSuccess?: boolean;
  extra?: Child; // shown above the buttons
  secondary?: Child; // further buttons beside the submit button
}

export class Form {
  readonly element: HTMLFormElement;
  readonly key: string;
  readonly parts: FormPart[];
  private readonly status: HTMLElement;
  private readonly submitButton: HTMLButtonElement;

  constructor(private readonly options: FormOptions) {
    this.key = options.key;
    this.parts = options.parts ?? [];
    this.status = h("div", { class: "form-status", "aria-live": "polite" });
    this.submitButton = h("button", { type: "submit", class: "primary" }, options.submit);
    this.element = h(
      "form",
      { class: "form", novalidate: true, "data-form": options.key },
      options.title ? h("h3", {}, options.title) : null,
      this.status,
      options.fields.map(field),
      this.parts.map((p) => p.element),
      options.extra ?? null,
      h("div", { class: "buttons" }, this.submitButton, options.secondary ?? null),
    );
    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submitNow();
    });
    liveForms.add(this);
    const draft = takeDraft(this.key);
    if (draft) {
      this.setValues(draft.values);
      draft.parts.forEach((d, i) => this.parts[i]?.restore(d));
      this.status.replaceChildren(
        h(
          "p",
          { class: "notice notice-info", role: "status" },
          "Restored what you had typed before your session ended.",
        ),
      );
    }
  }

  private controls(): Array<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> {
    return Array.from(this.element.querySelectorAll("input[name], select[name], textarea[name]"));
  }

  // The values by name (checkboxes as booleans); passwords only when `withPasswords`.
  values(withPasswords = true): Values {
    const out: Values = {};
    for (const control of this.controls()) {
      if (control instanceof HTMLInputElement && control.type === "checkbox") {
        out[control.name] = control.checked;
      } else if (
        control instanceof HTMLInputElement &&
        control.type === "password" &&
        !withPasswords
      ) {
        continue;
      } else {
        out[control.name] = control.value;
      }
    }
    return out;
  }

  setValues(values: Values): void {
    for (const control of this.controls()) {
      const value = values[control.name];
      if (value === undefined) continue;
      if (control instanceof HTMLInputElement && control.type === "checkbox") {
        control.checked = value === true;
      } else if (!(control instanceof HTMLInputElement && control.type === "password")) {
        control.value = String(value);
      }
    }
  }

  reset(): void {
    this.element.reset();
    this.clearErrors();
  }

  clearErrors(): void {
    this.status.replaceChildren();
    for (const slot of Array.from(this.element.querySelectorAll(".field-error")))
      slot.textContent = "";
    for (const control of Array.from(this.element.querySelectorAll("[aria-invalid]"))) {
      control.removeAttribute("aria-invalid");
    }
  }

  showSuccess(text: string): void {
    this.status.replaceChildren(h("p", { class: "notice notice-success", role: "status" }, text));
  }

  // Shows `error` next to the field it names, or above the form; focuses that place.
  showError(error: unknown): void {
    const message =
      error instanceof ApiError || error instanceof Error ? error.message : String(error);
    const names = Array.from(this.element.querySelectorAll<HTMLElement>("[data-field]")).map(
      (e) => e.dataset["field"]!,
    );
    const isFieldError =
      !(error instanceof ApiError) || error.status === 400 || error.status === 409;
    const match = isFieldError ? fieldOfMessage(message, names) : null;
    if (match) {
      const wrapper = this.element.querySelector<HTMLElement>(
        `[data-field="${CSS.escape(match.field)}"]`,
      )!;
      const slot =
        wrapper.querySelector(":scope > .field-error") ?? wrapper.querySelector(".field-error");
      if (slot) slot.textContent = match.text;
      const control = wrapper.querySelector<HTMLElement>("input, select, textarea");
      control?.setAttribute("aria-invalid", "true");
      control?.focus();
      this.status.replaceChildren(
        h("p", { class: "notice notice-error", role: "alert" }, "Please correct the marked field."),
      );
      return;
    }
    this.status.replaceChildren(
      h("p", { class: "notice notice-error", role: "alert", tabindex: -1 }, message),
    );
  }

  async submitNow(): Promise<void> {
    this.clearErrors();
    this.submitButton.disabled = true;
    try {
      await this.options.onSubmit(this.values(), this);
      if (this.options.resetOnSuccess) {
        this.element.reset();
        for (const part of this.parts) part.restore(null);
      }
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return; // the session handler took over
      this.showError(error);
    } finally {
      this.submitButton.disabled = false;
    }
  }
}

// Helpers for building request bodies from form values.
export function text(values: Values, name: string): string {
  const value = values[name];
  return typeof value === "string" ? value.trim() : "";
}

// A number field: the number, or the text itself when it is not one (the API names the field).
export function numberOr(
  values: Values,
  name: string,
  absent: number | null = null,
): number | string | null {
  const raw = text(values, name);
  if (raw === "") return absent;
  const n = Number(raw);
  return Number.isFinite(n) && /^-?\d+$/.test(raw) ? n : raw;
}

// A <input type="datetime-local"> value ("2026-04-01T09:00" local) as RFC 3339 with the
// browser's offset, or null when empty.
export function localToRfc3339(value: string, withMillis = false): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString(); // UTC
  return withMillis ? iso : iso.replace(/\.\d{3}Z$/, "Z");
}

// RFC 3339 -> a datetime-local value in the browser's zone.
export function rfc3339ToLocal(value: string | null): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
