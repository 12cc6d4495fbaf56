// An editable list of rows inside a form (a schedule's time windows, a level's rules): each
// control is named by its API path ("windows[1].start") so an API error lands next to it.
import { h, uid } from "./dom";
import type { FormPart } from "./forms";

export interface RowColumn {
  key: string;
  label: string;
  kind: "text" | "select" | "days";
  options?: Array<[string, string]>;
  placeholder?: string;
}

export type Row = Record<string, string | string[]>;

const kDays: Array<[string, string]> = [
  ["mon", "Mon"],
  ["tue", "Tue"],
  ["wed", "Wed"],
  ["thu", "Thu"],
  ["fri", "Fri"],
  ["sat", "Sat"],
  ["sun", "Sun"],
];

export class RowsPart implements FormPart {
  readonly element: HTMLFieldSetElement;
  private readonly list: HTMLElement;

  constructor(
    private readonly name: string,
    private readonly legend: string,
    private readonly columns: RowColumn[],
    private readonly blank: Row,
    initial: Row[] = [],
  ) {
    this.list = h("div", { class: "rows" });
    this.element = h(
      "fieldset",
      { class: "rows-part", "data-field": name },
      h("legend", {}, legend),
      h("p", { class: "field-error", "aria-live": "polite" }),
      this.list,
      h(
        "button",
        { type: "button", onclick: () => this.set([...this.rows(), { ...this.blank }]) },
        `Add ${legend.toLowerCase().replace(/s$/, "")}`,
      ),
    );
    this.set(initial);
  }

  rows(): Row[] {
    return Array.from(this.list.children).map((rowElement) => {
      const row: Row = {};
      for (const column of this.columns) {
        const cell = rowElement.querySelector<HTMLElement>(`[data-key="${column.key}"]`)!;
        if (column.kind === "days") {
          row[column.key] = Array.from(
            cell.querySelectorAll<HTMLInputElement>("input:checked"),
          ).map((i) => i.value);
        } else {
          row[column.key] = cell
            .querySelector<HTMLInputElement | HTMLSelectElement>("input, select")!
            .value.trim();
        }
      }
      return row;
    });
  }

  set(rows: Row[]): void {
    this.list.replaceChildren(...rows.map((row, index) => this.rowElement(row, index)));
  }

  draft(): unknown {
    return this.rows();
  }

  restore(draft: unknown): void {
    this.set(Array.isArray(draft) ? (draft as Row[]) : []);
  }

  private rowElement(row: Row, index: number): HTMLElement {
    const cells = this.columns.map((column) => {
      const path = `${this.name}[${index}].${column.key}`;
      const id = uid("row");
      const errorId = `${id}-error`;
      const error = h("p", { class: "field-error", id: errorId, "aria-live": "polite" });
      const label = `${column.label} (row ${index + 1})`;
      if (column.kind === "days") {
        const chosen = new Set(row[column.key] as string[] | undefined);
        return h(
          "fieldset",
          {
            class: "cell days",
            "data-field": path,
            "data-key": column.key,
            "aria-describedby": errorId,
          },
          h("legend", {}, label),
          kDays.map(([value, text]) => {
            const dayId = uid("day");
            return h(
              "span",
              { class: "day" },
              h("input", { type: "checkbox", id: dayId, value, checked: chosen.has(value) }),
              h("label", { for: dayId }, text),
            );
          }),
          error,
        );
      }
      const control =
        column.kind === "select"
          ? h(
              "select",
              { id, name: path, "aria-describedby": errorId },
              (column.options ?? []).map(([value, text]) =>
                h("option", { value, selected: row[column.key] === value }, text),
              ),
            )
          : h("input", {
              id,
              name: path,
              type: "text",
              value: String(row[column.key] ?? ""),
              placeholder: column.placeholder,
              "aria-describedby": errorId,
              inputmode: "numeric",
              size: 6,
            });
      return h(
        "div",
        { class: "cell field", "data-field": path, "data-key": column.key },
        h("label", { for: id }, label),
        control,
        error,
      );
    });
    return h(
      "div",
      { class: "row" },
      cells,
      h(
        "button",
        {
          type: "button",
          class: "remove",
          "aria-label": `Remove ${this.legend.toLowerCase()} row ${index + 1}`,
          onclick: () => this.set(this.rows().filter((_, i) => i !== index)),
        },
        "Remove",
      ),
    );
  }
}
