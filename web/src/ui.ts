// Shared pieces of the pages: a confirmation dialog (native <dialog>: focus kept inside, Esc
// cancels), a pager over page tokens, and status badges.
import { ApiError } from "./api";
import { h, uid } from "./dom";

export interface ConfirmOptions {
  title: string;
  body: string;
  confirm: string;
  danger?: boolean;
  // Ask for a reason (required, recorded by the API).
  reasonLabel?: string;
  reasonDefault?: string;
}

// Resolves with the reason ("" when none was asked) when confirmed, null when cancelled.
export function confirmDialog(options: ConfirmOptions): Promise<string | null> {
  return new Promise((resolve) => {
    const titleId = uid("dlg-title");
    const reasonId = uid("dlg-reason");
    const errorId = `${reasonId}-error`;
    const reason = options.reasonLabel
      ? h("input", {
          id: reasonId,
          name: "reason",
          type: "text",
          required: true,
          "aria-describedby": errorId,
          value: options.reasonDefault,
        })
      : null;
    const error = h("p", { class: "field-error", id: errorId, "aria-live": "polite" });
    const dialog = h(
      "dialog",
      { "aria-labelledby": titleId, class: "confirm" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: titleId }, options.title),
        h("p", {}, options.body),
        reason
          ? h(
              "div",
              { class: "field" },
              h("label", { for: reasonId }, options.reasonLabel!),
              reason,
              error,
            )
          : null,
        h(
          "div",
          { class: "buttons" },
          h(
            "button",
            { type: "submit", value: "confirm", class: options.danger ? "danger" : "primary" },
            options.confirm,
          ),
          h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel"),
        ),
      ),
    );
    const form = dialog.querySelector("form")!;
    form.addEventListener("submit", (event) => {
      const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      if (submitter?.value === "confirm" && reason && reason.value.trim() === "") {
        event.preventDefault();
        error.textContent = "Please give a reason; it is recorded.";
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      dialog.returnValue = submitter?.value ?? "cancel";
    });
    dialog.addEventListener("close", () => {
      const confirmed = dialog.returnValue === "confirm";
      dialog.remove();
      resolve(confirmed ? (reason?.value.trim() ?? "") : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (reason ?? dialog.querySelector<HTMLButtonElement>("button[value=cancel]"))?.focus();
  });
}

export function badge(value: string): HTMLElement {
  return h("span", { class: `badge badge-${value.replace(/[^a-z0-9-]/gi, "-")}` }, value);
}

// Previous/next over an API's page tokens. `load(token)` fetches a page and returns its next token.
export class Pager {
  readonly element: HTMLElement;
  private tokens: string[] = [""];
  private position = 0;
  private readonly previous: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly label: HTMLElement;
  private nextToken = "";

  constructor(private readonly load: (token: string) => Promise<string>) {
    this.previous = h(
      "button",
      { type: "button", onclick: () => void this.go(this.position - 1) },
      "Previous page",
    );
    this.next = h(
      "button",
      { type: "button", onclick: () => void this.go(this.position + 1) },
      "Next page",
    );
    this.label = h("span", { class: "page-label", "aria-live": "polite" });
    this.element = h("div", { class: "pager" }, this.previous, this.label, this.next);
  }

  async reload(): Promise<void> {
    this.tokens = [""];
    await this.go(0);
  }

  async refresh(): Promise<void> {
    await this.go(this.position);
  }

  private async go(position: number): Promise<void> {
    if (position < 0) return;
    if (position >= this.tokens.length) {
      if (!this.nextToken) return;
      this.tokens.push(this.nextToken);
    }
    this.position = position;
    try {
      this.nextToken = await this.load(this.tokens[position]!);
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      this.label.textContent = error instanceof Error ? error.message : String(error);
      this.label.setAttribute("role", "alert");
      return;
    }
    this.label.removeAttribute("role");
    if (this.nextToken && this.tokens.length > position + 1)
      this.tokens[position + 1] = this.nextToken;
    this.previous.disabled = position === 0;
    this.next.disabled = !this.nextToken;
    this.label.textContent = `Page ${position + 1}`;
  }
}
