// The web console in headless Chromium against a running site (scripts/console-test.sh): sign-in
// and navigation per role (every control of every page named), HR adding staff, a card enrolled
// at the station and the leaver workflow, HR editing a department (an empty name refused at the
// field), field errors where the API names the field (holiday hours included), a level granted
// through the console opening the door, a live event and the doors' state on the dashboard
// (forced and held open, locked again by the next grant), a card reported lost and refused at the
// gate, in effect at each gate, then reinstated, proofs checked in the browser (a corrupted one
// refused; an erasure and the record it erased), an expired session that keeps the form, and
// keyboard-only use. The tests run in order: later ones use earlier ones' changes (the level
// granted in one opens the doors in the next ones).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  launchBrowser,
  navigation,
  openPage,
  presentCard,
  screenshot,
  sekisho,
  signIn,
  site,
  startSimulatedDoor,
  duplicateNames,
  enrolAtStation,
  unnamedControls,
} from "./harness.mjs";

let browser;
const pages = [];

async function page(options) {
  const p = await openPage(browser, options);
  pages.push(p);
  return p;
}

// No uncaught error and no CSP refusal on any page a test opened.
function assertClean(p) {
  assert.deepEqual(p.problems, [], `the page at ${p.url()} reported problems`);
}

// Every input, select, textarea and button on the page has an accessible name.
async function assertNamed(p) {
  assert.deepEqual(await unnamedControls(p), [], `controls without a label at ${p.url()}`);
}

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

describe("the console", { concurrency: false }, () => {
  test("each role signs in and sees its own navigation (screenshots of its pages); a wrong password is refused", async () => {
    const roles = {
      admin: {
        nav: [
          "Dashboard",
          "Events",
          "Staff",
          "Sites",
          "Zones",
          "Doors",
          "Schedules",
          "Access levels",
          "Level assignments",
          "Gates",
          "Erasures",
        ],
        home: "dashboard",
        elsewhere: "audit",
        shots: [
          "dashboard",
          "events",
          "staff",
          "sites",
          "zones",
          "doors",
          "schedules",
          "levels",
          "assignments",
          "gates",
          "erasures",
        ],
      },
      hrclerk: {
        nav: ["Staff", "Erasures"],
        home: "staff",
        elsewhere: "gates",
        shots: ["staff", "erasures"],
      },
      auditor: {
        nav: ["Dashboard", "Events", "Audit", "Erasures"],
        home: "dashboard",
        elsewhere: "gates",
        shots: ["audit", "erasures"],
      },
      aoi: { nav: ["My cards"], home: "me", elsewhere: "staff", shots: ["me"] },
    };
    const p = await page();
    await p.goto("/");
    await p.getByLabel("Login name").fill("admin");
    await p.getByLabel("Password").fill("not the password");
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("alert").filter({ hasText: "wrong login name or password" }).waitFor();
    await assertNamed(p);
    await screenshot(p, "login");
    await p.context().close();
    for (const [login, role] of Object.entries(roles)) {
      const q = await page();
      await q.goto("/");
      await signIn(q, login);
      assert.deepEqual(await navigation(q), role.nav, `navigation of ${login}`);
      assert.match(q.url(), new RegExp(`#/${role.home}$`), `${login} starts at their home page`);
      // Another role's page is not reachable by typing its address either: back home.
      await q.goto(`/#/${role.elsewhere}`);
      await q.waitForURL(new RegExp(`#/${role.home}$`));
      for (const route of role.shots) {
        await q.goto(`/#/${route}`);
        // The new page's render has begun once its link is current; then wait for its data.
        await q.locator(`nav a[href="#/${route}"][aria-current=page]`).waitFor();
        await q.locator("main[data-ready=true]").waitFor();
        await assertNamed(q);
        await screenshot(q, `${login}-${route}`);
      }
      assertClean(q);
      await q.context().close();
    }
  });

  test("HR adds a staff member, sees the card enrolled at the station, then the leaver workflow", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "hrclerk");
    await p.getByLabel("Staff number").fill("E-2001");
    await p.getByLabel("Display name").fill("Ren Sato");
    await p.getByLabel("Department").fill("Finance");
    await p.getByRole("button", { name: "Add staff member" }).click();
    await p.getByRole("status").filter({ hasText: "Added Ren Sato (E-2001)" }).waitFor();
    await p.getByRole("cell", { name: "Ren Sato", exact: true }).waitFor();
    // The form is empty again, ready for the next one.
    assert.equal(await p.getByLabel("Staff number").inputValue(), "");
    // Her record opens, active.
    await p.getByRole("link", { name: "Ren Sato" }).click();
    await p.getByRole("heading", { name: "Ren Sato (E-2001)" }).waitFor();
    assert.equal(await p.getByTestId("staff-status").innerText(), "active");
    // No card yet: the page says so, and how it is enrolled.
    const enrolment = p.getByTestId("staff-enrolment");
    await enrolment.locator("[data-state='not enrolled']").waitFor();
    assert.match(await enrolment.innerText(), /sekisho enrol --staff E-2001/);
    // Her card is enrolled at the enrolment station; her page shows it.
    assert.match(await enrolAtStation("E-2001", 12), /enrolled: +staff E-2001/);
    await p.reload();
    await enrolment.locator("[data-state=enrolled]").waitFor();
    await p
      .getByRole("row")
      .filter({ has: p.locator(".badge-active") })
      .waitFor();
    await screenshot(p, "hrclerk-staff-enrolled");
    // She leaves again at once: the leaver workflow asks, then marks her as left and retires
    // her card.
    await p.getByRole("button", { name: "Start leaver workflow" }).click();
    await p.getByRole("dialog").getByRole("button", { name: "Mark as left" }).click();
    await p.getByRole("status").filter({ hasText: "Ren Sato is marked as left" }).waitFor();
    assert.equal(await p.getByTestId("staff-status").innerText(), "left");
    await p
      .getByRole("row")
      .filter({ has: p.locator(".badge-retired") })
      .filter({ hasText: "staff left" })
      .waitFor();
    await enrolment.locator("[data-state='not enrolled']").waitFor();
    assert.match(await enrolment.innerText(), /has left/);
    assert.equal(await p.getByRole("button", { name: "Start leaver workflow" }).isDisabled(), true);
    assertClean(p);
    await p.context().close();
  });

  test("HR edits a department at phone width by keyboard, sees it after reload; an empty name is refused at the field", async () => {
    const p = await page({ width: 375, height: 812 });
    await p.goto("/");
    await signIn(p, "hrclerk");
    await p.getByLabel("Staff number").fill("E-2101");
    await p.getByLabel("Display name").fill("Mio Kato");
    await p.getByLabel("Department").fill("Sales");
    await p.getByRole("button", { name: "Add staff member" }).click();
    await p.getByRole("status").filter({ hasText: "Added Mio Kato (E-2101)" }).waitFor();
    await p.getByRole("link", { name: "Mio Kato" }).click();
    await p.getByRole("heading", { name: "Mio Kato (E-2101)" }).waitFor();
    const form = p.locator("form[data-form^=staff-details-]");
    assert.equal(await form.getByLabel("Display name").inputValue(), "Mio Kato");
    assert.equal(await form.getByLabel("Department").inputValue(), "Sales");
    await assertNamed(p);
    // Keyboard only from the name field: Tab to the department, replace it, Enter saves.
    await form.getByLabel("Display name").focus();
    await p.keyboard.press("Tab");
    assert.equal(
      await p.evaluate(() => document.activeElement?.getAttribute("name")),
      "department",
    );
    await p.keyboard.press("Control+A");
    await p.keyboard.type("Customer care");
    await p.keyboard.press("Enter");
    await form.getByRole("status").filter({ hasText: "Name and department saved." }).waitFor();
    assert.equal(await p.getByTestId("staff-department").innerText(), "Customer care");
    const box = await form.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, "the edit form fits 375 px");
    await screenshot(p, "hrclerk-staff-edit-375");
    // After a reload the record shows the new department; the staff number is unchanged.
    await p.reload();
    await p.getByRole("heading", { name: "Mio Kato (E-2101)" }).waitFor();
    await p.getByTestId("staff-department").filter({ hasText: "Customer care" }).waitFor();
    assert.equal(await form.getByLabel("Department").inputValue(), "Customer care");

    // An empty name: the API's message sits at the name field, which gets the focus.
    await form.getByLabel("Display name").fill("");
    await form.getByRole("button", { name: "Save name and department" }).click();
    await form
      .locator("[data-field=display_name] .field-error")
      .filter({ hasText: "display name is empty" })
      .waitFor();
    assert.equal(await form.getByLabel("Display name").getAttribute("aria-invalid"), "true");
    assert.equal(await form.locator("[data-field=department] .field-error").innerText(), "");
    assert.equal(
      await p.evaluate(() => document.activeElement?.getAttribute("name")),
      "display_name",
    );
    await screenshot(p, "hrclerk-staff-edit-error-375");
    await p.reload();
    await p.getByRole("heading", { name: "Mio Kato (E-2101)" }).waitFor();
    assertClean(p);
    await p.context().close();
  });

  test("security admin: an invalid door shows the API's message at the field, then grants a level", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "admin");
    await p.goto("/#/doors");
    const form = p.locator("form[data-form=doors-create]");
    await form.getByLabel("Name").fill("Lane 1"); // the site's first door already has this name
    await form.getByRole("button", { name: "Create door" }).click();
    const nameField = form.locator("[data-field=name]");
    await nameField
      .locator(".field-error")
      .filter({ hasText: "name 'Lane 1' is taken by door" })
      .waitFor();
    assert.equal(await form.getByLabel("Name").getAttribute("aria-invalid"), "true");
    assert.equal(await form.locator("[data-field=to_zone] .field-error").innerText(), "");
    await screenshot(p, "admin-door-error");
    await form.getByLabel("Name").fill("Goods entrance");
    await form.getByRole("button", { name: "Create door" }).click();
    await p.getByRole("cell", { name: "Goods entrance", exact: true }).waitFor();

    // A time window's end past midnight is refused, and the message sits at that row's field.
    await p.goto("/#/schedules");
    const schedule = p.locator("form[data-form=schedules-create]");
    await schedule.getByLabel("Name").fill("Late shift");
    await schedule.getByLabel("End (row 1)").fill("25:00");
    await schedule.getByRole("button", { name: "Create schedule" }).click();
    await schedule
      .locator('[data-field="windows[0].end"] .field-error')
      .filter({ hasText: "expected HH:MM, got 25:00" })
      .waitFor();
    // With holiday hours: their fields are named apart from the weekday ones, a wrong one is
    // refused at its own field, and the list shows the hours kept on holidays.
    await schedule.getByLabel("End (row 1)").fill("22:00");
    await schedule.getByRole("button", { name: "Add holiday window" }).click();
    assert.deepEqual(await duplicateNames(p), [], "every field of the form has its own name");
    await schedule.getByLabel("Holiday end (row 1)").fill("12:60");
    await schedule.getByRole("button", { name: "Create schedule" }).click();
    await schedule
      .locator('[data-field="holiday_windows[0].end"] .field-error')
      .filter({ hasText: "12:60" })
      .waitFor();
    assert.equal(
      await schedule.locator('[data-field="windows[0].end"] .field-error').innerText(),
      "",
    );
    await schedule.getByLabel("Holiday end (row 1)").fill("13:00");
    await schedule.getByRole("button", { name: "Create schedule" }).click();
    await p
      .getByRole("row")
      .filter({ hasText: "Late shift" })
      .filter({ hasText: "09:00–13:00" })
      .waitFor();

    // The level Aoi Tanaka needs at Lane 1 (the next test presents her card there).
    await p.goto("/#/assignments");
    const grant = p.locator("form[data-form=assignments-create]");
    await grant.getByLabel("Staff member").selectOption({ label: "Aoi Tanaka (E-1001)" });
    await grant.getByLabel("Access level").selectOption({ label: "Staff" });
    await grant.getByRole("button", { name: "Create level assignment" }).click();
    await p
      .getByRole("row")
      .filter({ hasText: "Aoi Tanaka (E-1001)" })
      .filter({ hasText: "Staff" })
      .waitFor();

    // A gate is created: its one-time token is shown once; then it is revoked.
    await p.goto("/#/gates");
    await p.getByLabel("Name").fill("Spare lane");
    await p.getByRole("button", { name: "Create gate" }).click();
    const token = await p.getByLabel("One-time token").inputValue();
    assert.match(token, /^[0-9a-f]{64}$/);
    await p.getByRole("button", { name: "I have stored it — hide" }).click();
    assert.equal(await p.getByLabel("One-time token").count(), 0);
    const spare = p.getByRole("row").filter({ hasText: "Spare lane" });
    await spare.locator(".badge-pending").waitFor();
    await spare.getByRole("button", { name: "Revoke gate Spare lane" }).click();
    await p.getByRole("dialog").getByRole("button", { name: "Revoke gate" }).click();
    await spare.locator(".badge-revoked").waitFor();
    assertClean(p);
    await p.context().close();
  });

  test("a gate event arrives live on the dashboard", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "admin");
    await p.goto("/#/dashboard");
    await p.locator(".live-state[data-state=live]").waitFor({ timeout: 15_000 });
    await p.locator("main[data-loaded=true]").waitFor({ timeout: 15_000 });
    const grantedBefore = Number(await p.getByTestId("count-granted").innerText());
    const eventsBefore = await p.locator(".live-list li").count();
    // The level granted in the previous test reached the gate with the next policy.
    await sleep(1500);
    const decision = await presentCard();
    assert.match(decision, /: granted$/, "the gate grants the card once the level is assigned");
    const item = p.locator(".live-list li.event-granted").filter({ hasText: "Lane 1" });
    await item.first().waitFor({ timeout: 15_000 });
    assert.equal(await p.locator(".live-list li").count(), Math.min(eventsBefore + 1, 50));
    assert.equal(Number(await p.getByTestId("count-granted").innerText()), grantedBefore + 1);
    // Each door's state: Lane 1 is locked (its gate connected), its last event the grant; the
    // door made without a gate says so.
    const lane = p.getByTestId("door-status").getByRole("row").filter({ hasText: "Lane 1" });
    await lane.locator("[data-state=locked]").waitFor();
    await lane.filter({ hasText: "granted (granted)" }).waitFor();
    await p
      .getByTestId("door-status")
      .getByRole("row")
      .filter({ hasText: "Goods entrance" })
      .locator("[data-state=no-gate]")
      .waitFor();
    await p.getByRole("heading", { name: "Gate sync lag" }).waitFor();
    await screenshot(p, "admin-dashboard-live");
    assertClean(p);
    await p.context().close();
  });

  // Waits until the dashboard shows `state` for the door in `row`; the door table and the gates as
  // the API has them when it does not.
  async function waitForDoorState(p, row, state) {
    try {
      await row.locator(`[data-state=${state}]`).waitFor({ timeout: 15_000 });
    } catch (error) {
      const shown = await p.getByTestId("door-status").innerText();
      const gates = await (await p.request.get("/api/v1/gates")).text();
      throw new Error(`the door is not ${state}: ${shown}\ngates: ${gates}\n${error.message}`);
    }
  }

  test("a forced door and a door held open show on the dashboard live; the next granted access locks each again", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "admin");
    // Side door: into Offices (Aoi Tanaka's level opens it), its gate at the station's reader,
    // its simulated door moved by the test; held open for more than 2 s is an alarm.
    const side = await startSimulatedDoor(p.request, {
      doorName: "Side door",
      zoneName: "Offices",
      heldOpenLimit: 2,
    });
    try {
      // The dashboard, the administrator's home page, loads the doors when it opens: afresh.
      await p.goto("/#/dashboard");
      await p.reload();
      await p.locator(".live-state[data-state=live]").waitFor({ timeout: 15_000 });
      await p.locator("main[data-loaded=true]").waitFor({ timeout: 15_000 });
      const row = p.getByTestId("door-status").getByRole("row").filter({ hasText: "Side door" });
      await waitForDoorState(p, row, "locked");

      // Opened while locked (and let fall shut at once): forced, live, with the alarm's time.
      const openedAt = new Date();
      await side.open();
      await side.close();
      await waitForDoorState(p, row, "forced");
      const forced = await row.innerText();
      assert.match(forced, /forced/);
      const time = /door-forced at (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(forced);
      assert.ok(time, `the alarm's time is shown: ${forced}`);
      const shown = new Date(time[1].replace(" ", "T")); // the browser's zone, as shown
      assert.ok(
        Math.abs(shown.getTime() - openedAt.getTime()) < 5_000,
        `the alarm's time ${time[1]} is when the door was opened (${openedAt.toISOString()})`,
      );
      assert.equal(await row.locator(".badge").innerText(), "forced");
      await screenshot(p, "admin-dashboard-door-forced");
      // The next granted access: locked again.
      assert.match(await side.present(), /: granted$/);
      await waitForDoorState(p, row, "locked");
      await row.filter({ hasText: "granted (granted)" }).waitFor();

      // Opened at once by the holder of the next grant (no alarm while it is unlocked), then left
      // open past the 2 s limit: held.
      assert.match(await side.present(side.open), /: granted$/);
      await waitForDoorState(p, row, "held");
      assert.match(await row.innerText(), /held open/);
      assert.match(await row.innerText(), /door-held-open at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
      await screenshot(p, "admin-dashboard-door-held");
      await side.close();
      assert.match(await side.present(), /: granted$/);
      await waitForDoorState(p, row, "locked");
      assertClean(p);
    } finally {
      await side.stop();
    }
    await p.context().close();
  });

  test("staff reports a card lost at 375 px in two clicks; the next attempt is denied", async () => {
    const p = await page({ width: 375, height: 812 });
    await p.goto("/");
    await signIn(p, "aoi");
    await p.getByRole("heading", { name: "My cards and access log" }).waitFor();
    assert.ok(
      await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      "the staff page fits 375 px without horizontal scrolling",
    );
    await screenshot(p, "staff-me-375");
    await p.getByRole("button", { name: "Report lost" }).click(); // 1
    await p.getByRole("dialog").getByRole("button", { name: "Yes, block my card" }).click(); // 2
    await p.getByRole("status").filter({ hasText: "is blocked" }).waitFor();
    await p.locator(".card-item .badge-suspended").waitFor();
    assert.equal(await p.getByRole("button", { name: "Report lost" }).count(), 0);
    await sleep(1500); // the suspension reaches the gate as a signed delta
    const decision = await presentCard();
    assert.match(decision, /: revoked$/, "the gate refuses the card reported lost");
    assertClean(p);
    await p.context().close();
  });

  test("staff verify an entry of their access log in the browser", async () => {
    const p = await page({ width: 375, height: 812 });
    await p.goto("/");
    await signIn(p, "aoi");
    const verify = p.getByRole("button", { name: /^Verify the entry/ });
    await verify.first().waitFor({ timeout: 15_000 });
    await verify.first().click();
    await p.locator(".proof-ok").filter({ hasText: "Verified" }).waitFor({ timeout: 15_000 });
    await p.getByText("Details").first().click();
    for (const check of ["Signature", "Leaf hash", "Inclusion"]) {
      await p.locator(".checks li.ok").filter({ hasText: check }).first().waitFor();
    }
    await screenshot(p, "staff-me-verified");
    assertClean(p);
    await p.context().close();
  });

  test("security admin reinstates the card that was found, with a recorded reason", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "admin");
    await p.goto("/#/staff");
    await p.getByRole("link", { name: "Aoi Tanaka" }).click();
    const row = p.getByRole("row").filter({ has: p.locator(".badge-suspended") });
    await row.waitFor();
    assert.match(await row.innerText(), /reported lost by the holder/);
    await p.getByTestId("staff-enrolment").locator("[data-state=suspended]").waitFor();
    // The block is in effect at the gate that refused the card.
    await p
      .getByTestId("gate-effect")
      .getByRole("row")
      .filter({ hasText: "Entrance lane 1" })
      .locator(".badge-in-effect")
      .waitFor();
    await screenshot(p, "admin-staff-lost-card");
    await row.getByRole("button", { name: "Reinstate" }).click();
    const dialog = p.getByRole("dialog");
    assert.equal(await dialog.getByLabel("Reason (recorded)").inputValue(), "card found");
    await dialog.getByRole("button", { name: "Reinstate" }).click();
    await p
      .getByRole("status")
      .filter({ hasText: /Credential \d+ is now active/ })
      .waitFor();
    await p
      .getByRole("row")
      .filter({ has: p.locator(".badge-active") })
      .filter({ hasText: "card found" })
      .waitFor();
    await p.getByTestId("staff-enrolment").locator("[data-state=enrolled]").waitFor();
    assertClean(p);
    await p.context().close();
  });

  test("an auditor's inclusion and consistency proofs verify in the browser; a corrupted one does not", async () => {
    sekisho("audit", "checkpoint", "--data", site.data);
    const p = await page();
    await p.goto("/");
    await signIn(p, "auditor");
    await p.goto("/#/audit");
    const size = Number(await p.getByTestId("checkpoint-size").innerText());
    assert.ok(size > 0);
    const inclusion = p.locator("form[data-form=audit-inclusion]");
    await inclusion.getByLabel("Record index").fill(String(size - 1));
    await inclusion.getByRole("button", { name: "Check inclusion" }).click();
    await p
      .getByTestId("inclusion-verdict")
      .filter({ hasText: `✓ Record ${size - 1} is in the signed log` })
      .waitFor();

    // The same check with one proof hash changed on the way is refused.
    await p.route("**/api/v1/audit/proofs/inclusion**", async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      const first = body.path[0];
      body.path[0] = (first[0] === "0" ? "1" : "0") + first.slice(1);
      await route.fulfill({ response, json: body });
    });
    await inclusion.getByLabel("Record index").fill("0");
    await inclusion.getByRole("button", { name: "Check inclusion" }).click();
    await p
      .getByTestId("inclusion-verdict")
      .filter({ hasText: "✗ Record 0 does not verify" })
      .waitFor();
    await p.unroute("**/api/v1/audit/proofs/inclusion**");

    // The log grows and is signed again; the browser still holds the earlier checkpoint.
    sekisho(
      "audit",
      "append",
      "--data",
      site.data,
      "--kind",
      "admin",
      "--text",
      "console test: a later record",
    );
    sekisho("audit", "checkpoint", "--data", site.data);
    await p.reload();
    await p
      .getByTestId("checkpoint-size")
      .filter({ hasText: String(size + 1) })
      .waitFor();
    const consistency = p.locator("form[data-form=audit-consistency]");
    const earlier = consistency
      .locator("option")
      .filter({ hasText: new RegExp(`^${size} records`) });
    await consistency
      .getByLabel("Earlier checkpoint seen by this browser")
      .selectOption(await earlier.getAttribute("value"));
    await consistency.getByRole("button", { name: "Check consistency" }).click();
    await p
      .getByTestId("consistency-verdict")
      .filter({ hasText: `extends the earlier one of ${size}` })
      .waitFor();
    await screenshot(p, "auditor-audit-verified");

    // That later record is erased (right to deletion): the log's own erasure record names it and
    // leads to it, and the erased record's leaf still verifies in the signed tree.
    sekisho("audit", "erase", "--data", site.data, "--record", String(size));
    sekisho("audit", "checkpoint", "--data", site.data);
    await p.reload();
    await p
      .getByTestId("checkpoint-size")
      .filter({ hasText: String(size + 2) })
      .waitFor();
    await inclusion.getByLabel("Record index").fill(String(size + 1));
    await inclusion.getByRole("button", { name: "Check inclusion" }).click();
    await p
      .getByTestId("inclusion-verdict")
      .filter({ hasText: `✓ Record ${size + 1} is in the signed log` })
      .waitFor();
    await p
      .getByTestId("erasure-of")
      .filter({ hasText: `the erasure of record ${size}:` })
      .waitFor();
    await p.getByRole("link", { name: `look up record ${size}` }).click();
    await p.waitForURL(new RegExp(`#/audit/record/${size}$`));
    await inclusion.getByRole("button", { name: "Check inclusion" }).click();
    await p
      .getByTestId("inclusion-verdict")
      .filter({ hasText: `✓ Record ${size} is in the signed log` })
      .waitFor();
    await p.getByText(`Record ${size} was erased (right to deletion)`).waitFor();
    assert.equal(await p.getByTestId("record-content").count(), 0);
    await screenshot(p, "auditor-audit-erasure");
    assertClean(p);
    await p.context().close();
  });

  test("a security admin asks for a door event's erasure; an auditor approves it and the record's content is gone", async () => {
    const admin = await page();
    await admin.goto("/");
    await signIn(admin, "admin");
    await admin.goto("/#/events");
    const link = admin.locator('a[href^="#/erasures/"]').first();
    await link.waitFor();
    const record = (await link.getAttribute("href")).split("/").pop();
    await link.click();
    await admin.waitForURL(new RegExp(`#/erasures/${record}$`));
    const ask = admin.locator("form[data-form=erasure-request]");
    assert.equal(await ask.getByLabel("Audit record number").inputValue(), record);
    // Without a reason, the form says so at the field.
    await ask.getByRole("button", { name: "Ask for erasure" }).click();
    await ask
      .locator("[data-field=reason]")
      .getByText("choose why the record is to be erased")
      .waitFor();
    await ask.getByLabel("Reason").selectOption("data-subject-request");
    await ask.getByRole("button", { name: "Ask for erasure" }).click();
    await admin.getByText(`for record ${record} is waiting for an auditor`).waitFor();
    // The author sees it pending and cannot decide it.
    await admin.getByRole("cell", { name: "pending" }).first().waitFor();
    assert.equal(await admin.getByRole("button", { name: "Approve" }).count(), 0);
    await assertNamed(admin);
    await screenshot(admin, "admin-erasure-requested");
    assertClean(admin);
    await admin.context().close();

    const auditor = await page();
    await auditor.goto("/");
    await signIn(auditor, "auditor");
    await auditor.goto("/#/erasures");
    const row = auditor.getByRole("row").filter({ hasText: "The person it is about asked for it" });
    await row.getByRole("button", { name: "Approve" }).click();
    await auditor.getByRole("button", { name: "Approve and erase" }).click();
    await auditor.getByText(`Record ${record} was erased; the log's erasure record is`).waitFor();
    await screenshot(auditor, "auditor-erasure-approved");
    // The audit view: the record still verifies, its content is gone.
    sekisho("audit", "checkpoint", "--data", site.data);
    await auditor.goto(`/#/audit/record/${record}`);
    await auditor
      .getByTestId("inclusion-verdict")
      .filter({ hasText: `✓ Record ${record} is in the signed log` })
      .waitFor();
    await auditor.getByText(`Record ${record} was erased (right to deletion)`).waitFor();
    // And the door event is no longer listed.
    await auditor.goto("/#/events");
    await auditor.locator("main[data-ready=true]").waitFor();
    await auditor.locator('a[href^="#/audit/record/"]').first().waitFor();
    assert.equal(await auditor.locator(`a[href="#/audit/record/${record}"]`).count(), 0);
    assertClean(auditor);
    await auditor.context().close();
  });

  test("an expired session returns to sign-in and then to the page, the form kept", async () => {
    const p = await page();
    await p.goto("/");
    await signIn(p, "hrclerk");
    await p.getByLabel("Staff number").fill("E-3001");
    await p.getByLabel("Display name").fill("Yui Mori");
    // The session ends on the server (as after 30 idle minutes).
    const me = await (await p.request.get("/api/v1/auth/me")).json();
    const logout = await p.request.post("/api/v1/auth/logout", {
      headers: { "X-CSRF-Token": me.csrf },
    });
    assert.equal(logout.status(), 204);
    await p.getByRole("button", { name: "Add staff member" }).click();
    await p.getByText("What you had typed is kept.").waitFor();
    assert.equal(await p.getByRole("navigation", { name: "Main" }).count(), 0);
    await signIn(p, "hrclerk");
    await p.getByText("Restored what you had typed").waitFor();
    assert.equal(await p.getByLabel("Staff number").inputValue(), "E-3001");
    assert.equal(await p.getByLabel("Display name").inputValue(), "Yui Mori");
    assert.match(p.url(), /#\/staff$/);
    await p.getByRole("button", { name: "Add staff member" }).click();
    await p.getByRole("status").filter({ hasText: "Added Yui Mori (E-3001)" }).waitFor();
    assertClean(p);
    await p.context().close();
  });

  test("keyboard only: sign in, reach a page through the navigation, add a staff member", async () => {
    const p = await page();
    await p.goto("/");
    const focused = () =>
      p.evaluate(() => {
        const el = document.activeElement;
        return el?.labels?.[0]?.textContent?.trim() || el?.textContent?.trim() || "";
      });
    // Tab until `label` has the focus (at most 40 presses).
    const tabTo = async (label) => {
      for (let i = 0; i < 40; i++) {
        if ((await focused()).startsWith(label)) return;
        await p.keyboard.press("Tab");
      }
      assert.fail(`Tab never reached ${label}`);
    };
    await tabTo("Login name");
    await p.keyboard.type("hrclerk");
    await p.keyboard.press("Tab");
    assert.match(await focused(), /^Password/);
    await p.keyboard.type(site.password);
    await p.keyboard.press("Enter");
    await p.getByRole("navigation", { name: "Main" }).waitFor();
    await tabTo("Staff");
    await p.keyboard.press("Enter");
    await p.locator("main[data-ready=true]").waitFor();
    await tabTo("Staff number");
    await p.keyboard.type("E-4001");
    await p.keyboard.press("Tab");
    await p.keyboard.type("Kei Ito");
    await p.keyboard.press("Enter");
    await p.getByRole("status").filter({ hasText: "Added Kei Ito (E-4001)" }).waitFor();
    assertClean(p);
    await p.context().close();
  });
});
