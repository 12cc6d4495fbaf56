// Sign-in (POST /api/v1/auth/login): the only page without a session.
import { api } from "../api";
import type { App } from "../app";
import { h, notice } from "../dom";
import { Form, text } from "../forms";
import type { Session } from "../types";

export function renderLogin(view: HTMLElement, app: App, reason: string | null): void {
  const form = new Form({
    key: "login",
    fields: [
      { name: "login", label: "Login name", required: true, autocomplete: "username" },
      {
        name: "password",
        label: "Password",
        kind: "password",
        required: true,
        autocomplete: "current-password",
      },
    ],
    submit: "Sign in",
    onSubmit: async (values) => {
      const session = await api<Session>(
        "POST",
        "/auth/login",
        { login: text(values, "login"), password: String(values["password"] ?? "") },
        { sessionRequired: false },
      );
      await app.signedIn(session, true);
    },
  });
  view.append(
    h(
      "div",
      { class: "login-box" },
      h("h1", {}, "Sekisho"),
      h("p", { class: "subtitle" }, "Sign in to the access-control console"),
      reason ? notice("info", reason) : null,
      form.element,
    ),
  );
  form.element.querySelector<HTMLInputElement>("input[name=login]")?.focus();
}
