// Staff and credentials (HR writes, security administrators read; both manage credentials):
// the list by status and page, adding a staff member, editing their name and department, status
// and validity, enrolment, the leaver workflow and each credential's suspend / reinstate / revoke
// (DESIGN.md §5 "Lost card", P4), with whether the change is in effect at each gate (security
// administrators).
import { api, query } from "../api";
import type { PageContext } from "../app";
import { formatTime, h, notice, replace, table } from "../dom";
import { Form, localToRfc3339, rfc3339ToLocal, text } from "../forms";
import type { Credential, Page, Staff } from "../types";
import { Pager, badge, confirmDialog } from "../ui";
import { enrolmentFacts, gateEffect } from "./staff_enrolment";

export async function renderStaff(view: HTMLElement, context: PageContext): Promise<void> {
  if (context.params[0]) {
    await renderStaffMember(view, context, Number(context.params[0]));
    return;
  }
  const isHr = context.session.role === "hr";
  const listArea = h("div", { class: "list-area" });
  const statusFilter = h(
    "select",
    { id: "staff-status-filter", name: "status" },
    [
      ["", "Any status"],
      ["active", "Active"],
      ["suspended", "Suspended"],
      ["left", "Left"],
    ].map(([v, l]) => h("option", { value: v }, l!)),
  );
  const pager = new Pager(async (token) => {
    const page = await api<Page<Staff>>(
      "GET",
      `/staff${query({ status: statusFilter.value, limit: 25, page_token: token })}`,
    );
    replace(
      listArea,
      table(
        "Staff members",
        ["Number", "Name", "Department", "Status", "Valid until"],
        page.items.map((s) => [
          s.staff_number,
          h("a", { href: `#/staff/${s.id}` }, s.display_name),
          s.department || "—",
          badge(s.status),
          s.valid_until ? formatTime(s.valid_until) : "open",
        ]),
        "No staff members match.",
      ),
    );
    return page.next_page_token ?? "";
  });
  statusFilter.addEventListener("change", () => void pager.reload());

  view.append(
    h("h1", {}, "Staff and credentials"),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "staff-status-filter" }, "Status"),
      statusFilter,
    ),
    listArea,
    pager.element,
  );
  if (isHr) {
    const form = new Form({
      key: "staff-add",
      title: "Add a staff member",
      fields: [
        {
          name: "staff_number",
          label: "Staff number",
          required: true,
          help: "The organisation's own number, never the Individual Number",
        },
        { name: "display_name", label: "Display name", required: true },
        { name: "department", label: "Department" },
        { name: "valid_from", label: "Valid from", kind: "datetime-local", help: "Empty: now" },
        {
          name: "valid_until",
          label: "Valid until",
          kind: "datetime-local",
          help: "Empty: open end",
        },
      ],
      submit: "Add staff member",
      resetOnSuccess: true,
      onSubmit: async (values, f) => {
        const body: Record<string, string> = {
          staff_number: text(values, "staff_number"),
          display_name: text(values, "display_name"),
        };
        if (text(values, "department")) body["department"] = text(values, "department");
        const from = localToRfc3339(text(values, "valid_from"));
        const until = localToRfc3339(text(values, "valid_until"));
        if (from) body["valid_from"] = from;
        if (until) body["valid_until"] = until;
        const added = await api<Staff>("POST", "/staff", body);
        f.showSuccess(
          `Added ${added.display_name} (${added.staff_number}). Their card can now be enrolled.`,
        );
        await pager.reload();
      },
    });
    view.append(h("section", { class: "panel" }, form.element));
  }
  await pager.reload();
}

async function renderStaffMember(
  view: HTMLElement,
  context: PageContext,
  id: number,
): Promise<void> {
  const isHr = context.session.role === "hr";
  const details = h("div", {});
  const credentialsArea = h("div", {});
  const enrolment = h("dd", { "data-testid": "staff-enrolment" }, "…");
  const effectArea = h("div", {});
  const messages = h("div", { "aria-live": "polite" });
  view.append(
    h("p", {}, h("a", { href: "#/staff" }, "← All staff")),
    h("h1", {}, "Staff member"),
    messages,
    details,
    h("h2", {}, "Credentials"),
    credentialsArea,
    effectArea,
  );

  const showStaff = (s: Staff) => {
    view.querySelector("h1")!.textContent = `${s.display_name} (${s.staff_number})`;
    replace(
      details,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Status"),
        h("dd", { "data-testid": "staff-status" }, badge(s.status)),
        h("dt", {}, "Enrolment"),
        enrolment,
        h("dt", {}, "Department"),
        h("dd", { "data-testid": "staff-department" }, s.department || "—"),
        h("dt", {}, "Valid from"),
        h("dd", {}, formatTime(s.valid_from)),
        h("dt", {}, "Valid until"),
        h("dd", {}, s.valid_until ? formatTime(s.valid_until) : "open"),
      ),
    );
  };

  const loadCredentials = async () => {
    const list = await api<{ items: Credential[] }>("GET", `/staff/${id}/credentials`);
    replace(enrolment, enrolmentFacts(staff, list.items));
    if (!isHr && list.items.length > 0) replace(effectArea, gateEffect(view));
    replace(
      credentialsArea,
      table(
        "Credentials in enrolment order",
        ["Id", "Kind", "Status", "Reason", "Expires", "Actions"],
        list.items.map((c) => [
          String(c.id),
          c.kind,
          badge(c.status),
          c.replaced_by !== null
            ? `${c.status_reason || "replaced"} (re-bound to credential ${c.replaced_by})`
            : c.status_reason || "—",
          formatTime(c.not_after),
          credentialActions(c),
        ]),
        "No credential enrolled yet.",
      ),
    );
  };

  const transition = async (c: Credential, verb: "suspend" | "reinstate" | "revoke") => {
    const texts = {
      suspend: {
        title: "Suspend this credential?",
        body: "Every gate refuses the card within seconds. It can be reinstated if the card is found.",
        confirm: "Suspend",
        def: "reported lost",
      },
      reinstate: {
        title: "Reinstate this credential?",
        body: "The card opens doors again at every gate within seconds.",
        confirm: "Reinstate",
        def: "card found",
      },
      revoke: {
        title: "Revoke this credential for good?",
        body: "A revoked credential cannot be reinstated; the holder must enrol again.",
        confirm: "Revoke for good",
        def: "",
      },
    }[verb];
    const reason = await confirmDialog({
      title: texts.title,
      body: texts.body,
      confirm: texts.confirm,
      danger: verb !== "reinstate",
      reasonLabel: "Reason (recorded)",
      reasonDefault: texts.def,
    });
    if (reason === null) return;
    try {
      const after = await api<Credential>("POST", `/credentials/${c.id}/${verb}`, { reason });
      replace(messages, notice("success", `Credential ${after.id} is now ${after.status}.`));
    } catch (error) {
      replace(messages, notice("error", error instanceof Error ? error.message : String(error)));
    }
    await loadCredentials();
  };

  const credentialActions = (c: Credential) =>
    h(
      "div",
      { class: "row-actions" },
      c.status === "active"
        ? h("button", { type: "button", onclick: () => void transition(c, "suspend") }, "Suspend")
        : null,
      c.status === "suspended"
        ? h(
            "button",
            { type: "button", onclick: () => void transition(c, "reinstate") },
            "Reinstate",
          )
        : null,
      c.status === "active" || c.status === "suspended"
        ? h(
            "button",
            { type: "button", class: "danger", onclick: () => void transition(c, "revoke") },
            "Revoke",
          )
        : null,
    );

  let staff = await api<Staff>("GET", `/staff/${id}`);
  showStaff(staff);
  await loadCredentials();
  if (!isHr) return;

  // The staff number is the key HR finds people by: the API does not change it.
  const detailsForm = new Form({
    key: `staff-details-${id}`,
    title: "Name and department",
    fields: [
      {
        name: "display_name",
        label: "Display name",
        required: true,
        value: staff.display_name,
        autocomplete: "off",
      },
      {
        name: "department",
        label: "Department",
        value: staff.department,
        autocomplete: "off",
        help: "Empty: none",
      },
    ],
    submit: "Save name and department",
    onSubmit: async (values, f) => {
      staff = await api<Staff>("PATCH", `/staff/${id}`, {
        display_name: text(values, "display_name"),
        department: text(values, "department"),
      });
      showStaff(staff);
      f.setValues({ display_name: staff.display_name, department: staff.department });
      f.showSuccess("Name and department saved.");
    },
  });
  const statusForm = new Form({
    key: `staff-status-${id}`,
    title: "Status",
    fields: [
      {
        name: "status",
        label: "Status",
        kind: "select",
        value: staff.status,
        options: [
          ["active", "Active"],
          ["suspended", "Suspended (e.g. leave of absence)"],
        ],
      },
    ],
    submit: "Set status",
    onSubmit: async (values, f) => {
      staff = await api<Staff>("PUT", `/staff/${id}/status`, { status: text(values, "status") });
      showStaff(staff);
      f.showSuccess(`Status set to ${staff.status}.`);
    },
  });
  const validityForm = new Form({
    key: `staff-validity-${id}`,
    title: "Validity",
    fields: [
      {
        name: "valid_from",
        label: "Valid from",
        kind: "datetime-local",
        required: true,
        value: rfc3339ToLocal(staff.valid_from),
      },
      {
        name: "valid_until",
        label: "Valid until",
        kind: "datetime-local",
        value: rfc3339ToLocal(staff.valid_until),
        help: "Empty: open end",
      },
    ],
    submit: "Save validity",
    onSubmit: async (values, f) => {
      staff = await api<Staff>("PUT", `/staff/${id}/validity`, {
        valid_from: localToRfc3339(text(values, "valid_from")) ?? "",
        valid_until: localToRfc3339(text(values, "valid_until")),
      });
      showStaff(staff);
      f.showSuccess("Validity saved.");
    },
  });
  const leaver = h(
    "section",
    { class: "panel leaver" },
    h("h3", {}, "Leaver"),
    h(
      "p",
      {},
      "When someone leaves, set their status to left: every credential is retired and every gate refuses them within seconds. This cannot be undone.",
    ),
    h(
      "button",
      {
        type: "button",
        class: "danger",
        disabled: staff.status === "left",
        onclick: async (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          const ok = await confirmDialog({
            title: `Mark ${staff.display_name} as left?`,
            body: "Every credential is retired at once and cannot be reinstated.",
            confirm: "Mark as left",
            danger: true,
          });
          if (ok === null) return;
          try {
            staff = await api<Staff>("PUT", `/staff/${id}/status`, { status: "left" });
            button.disabled = true;
            showStaff(staff);
            replace(
              messages,
              notice(
                "success",
                `${staff.display_name} is marked as left; their credentials are retired.`,
              ),
            );
            await loadCredentials();
          } catch (error) {
            replace(
              messages,
              notice("error", error instanceof Error ? error.message : String(error)),
            );
          }
        },
      },
      "Start leaver workflow",
    ),
  );
  view.append(
    h(
      "div",
      { class: "panels" },
      h("section", { class: "panel" }, detailsForm.element),
      h("section", { class: "panel" }, statusForm.element),
      h("section", { class: "panel" }, validityForm.element),
      leaver,
    ),
  );
}
