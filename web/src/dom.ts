// A small element builder: the console builds its DOM with h() instead of HTML strings, so no
// markup is ever parsed from data (no XSS through names) and no inline handlers exist (CSP).

export type Child = Node | string | number | null | undefined | false | Child[];

type Listener = (event: Event) => void;
export interface Props {
  class?: string;
  text?: string;
  [attribute: string]: string | number | boolean | Listener | undefined;
}

// h("button", {type: "button", onclick: fn}, "Save"): `on*` functions become listeners, `true`
// sets a boolean attribute, `false`/undefined leaves it out, anything else is an attribute.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key === "class") {
      element.className = String(value);
    } else if (key === "text") {
      element.textContent = String(value);
    } else if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value as Listener);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

// Replaces every child of `parent`.
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
// A document-unique id for label/aria bindings.
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A table with a caption, header cells and rows; an empty list shows `empty` in one cell.
export function table(
  caption: string,
  headers: string[],
  rows: Child[][],
  empty: string,
): HTMLElement {
  const body =
    rows.length === 0
      ? [h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, empty))]
      : rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((c) => h("td", {}, c)),
          ),
        );
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h("tbody", {}, body),
    ),
  );
}

// A status line that screen readers announce; `kind` picks its colour.
export function notice(kind: "info" | "error" | "success", text: string): HTMLElement {
  return h(
    "p",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
    text,
  );
}

// Time in the browser's zone, to the second ("2026-04-01 09:00:12").
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
