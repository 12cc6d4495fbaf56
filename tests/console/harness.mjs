// What the console's browser tests share: headless Debian Chromium driven by playwright-core
// (never a browser of its own), the site scripts/console-test.sh started (URL, data directory,
// gate output, simulated card), sign-in, presenting the card at the gate, enrolling another one
// at an enrolment station (the second vpcd reader), a further door whose gate uses that reader and
// whose simulated door contact the test moves, a check that a page logged no error and broke no
// Content-Security-Policy rule, and one that every control is named.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// playwright-core is a dependency of web/ (one package.json, one lock file).
const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

function env(name) {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the console tests through scripts/console-test.sh`);
  return value;
}

export const site = {
  url: env("SEKISHO_URL"),
  binary: env("SEKISHO_BINARY"),
  data: env("SEKISHO_DATA"),
  card: env("SEKISHO_CARD"),
  gateOut: env("SEKISHO_GATE_OUT"),
  screenshots: env("SEKISHO_SCREENSHOTS"),
  password: env("SEKISHO_PASSWORD"),
  pki: env("SEKISHO_PKI"),
  pin: env("SEKISHO_PIN"),
};

export const kChromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// Playwright's launch() gives every run a fresh temporary profile (user-data-dir).
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: kChromiumArgs,
    chromiumSandbox: false,
  });
}

// A page in a fresh context (its own cookies and storage) that records what went wrong.
export async function openPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({
    baseURL: site.url,
    ignoreHTTPSErrors: true, // the server's own test CA
    viewport: { width, height },
  });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    // A refused request (401 before signing in, a 404) is logged by Chromium itself; the console's
    // own failures are uncaught errors or CSP refusals.
    if (/Content Security Policy|Refused to/i.test(text)) page.problems.push(`CSP: ${text}`);
    else if (message.type() === "error" && !/Failed to load resource/.test(text)) {
      page.problems.push(`console error: ${text}`);
    }
  });
  return page;
}

// Signs in through the sign-in page and waits for the navigation.
export async function signIn(page, login, password = site.password) {
  if (!page.url().startsWith(site.url)) await page.goto("/");
  await page.getByLabel("Login name").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

// The names of the main navigation's links.
export async function navigation(page) {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
}

export async function screenshot(page, name) {
  await page.screenshot({
    path: join(site.screenshots, `${name}.png`),
    fullPage: true,
  });
}

// Runs the sekisho binary synchronously (`input` on its standard input); throws with its output
// when it fails.
export function sekisho(...args) {
  return sekishoWithInput(undefined, ...args);
}

function sekishoWithInput(input, ...args) {
  const result = spawnSync(site.binary, ["-q", ...args], {
    encoding: "utf8",
    input,
    env: { ...process.env, USER: "console-test" },
  });
  if (result.status !== 0)
    throw new Error(
      `sekisho ${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

const decisions = () =>
  readFileSync(site.gateOut, "utf8")
    .split("\n")
    .filter((l) => l.includes("door "));

async function cardPresent(reader = "") {
  const result = spawnSync(site.binary, ["-q", "card", "readers"], {
    encoding: "utf8",
  });
  return result.stdout.split("\n").some((l) => l.startsWith(reader) && /card present/.test(l));
}

// The enrolment station: the reader the gate does not use.
const kStationReader = "Virtual PCD 00 01";
const kStationPort = "35964";

// Enrols a new simulated card (made from the site's test PKI with `seed`, the site's PIN) for
// staff member `staffNumber` as an enrolment station does: the card enters the second vpcd
// reader, `sekisho enrol` runs on the site's data directory, the card leaves. Returns its output.
export async function enrolAtStation(staffNumber, seed) {
  const card = join(dirname(site.data), `station-card-${seed}.json`);
  sekisho(
    "card",
    "new",
    "--out",
    card,
    "--pki",
    site.pki,
    "--seed",
    String(seed),
    "--auth-pin",
    site.pin,
    "--force",
  );
  const simulator = spawn(
    site.binary,
    ["-q", "card", "simulate", "--card", card, "--port", kStationPort],
    {
      stdio: "ignore",
    },
  );
  try {
    for (let i = 0; i < 100 && !(await cardPresent(kStationReader)); i++) await sleep(100);
    return sekishoWithInput(
      `${site.pin}\n`,
      "enrol",
      "--data",
      site.data,
      "--staff",
      staffNumber,
      "--reader",
      kStationReader,
      "--pin-fd",
      "0",
    );
  } finally {
    simulator.kill("SIGTERM");
    await new Promise((resolve) =>
      simulator.exitCode !== null ? resolve() : simulator.once("exit", resolve),
    );
    for (let i = 0; i < 50 && (await cardPresent(kStationReader)); i++) await sleep(100);
  }
}

// The simulated card enters the vpcd reader, the gate decides, the card leaves. Returns the
// gate's decision line ("door 1: granted").
export async function presentCard() {
  const before = decisions().length;
  const simulator = spawn(site.binary, ["-q", "card", "simulate", "--card", site.card], {
    stdio: "ignore",
  });
  try {
    for (let i = 0; i < 300 && decisions().length <= before; i++) await sleep(100);
  } finally {
    simulator.kill("SIGTERM");
    await new Promise((resolve) =>
      simulator.exitCode !== null ? resolve() : simulator.once("exit", resolve),
    );
    for (let i = 0; i < 50 && (await cardPresent()); i++) await sleep(100);
  }
  const after = decisions();
  if (after.length <= before)
    throw new Error(`the gate decided nothing: ${readFileSync(site.gateOut, "utf8")}`);
  return after[after.length - 1];
}

// A further door driven by its own gate at the enrolment station's reader, whose simulated door
// the test moves through the gate's simulator control (`gate run --simulated-door-fd`, docs/cli.md):
// the door `doorName` into the zone `zoneName`, created through the API with the signed-in
// security administrator's `request` (a Playwright APIRequestContext), its gate registered and
// running with a held-open limit of `heldOpenLimit` seconds. Returns the door's id and
//   open(), close(): the door's contact moves;
//   present(afterDecision): the site's card at this door; runs `afterDecision` as soon as the gate
//     has decided (while the door is unlocked after a grant), returns the decision line
//     ("door 7: granted");
//   stop(): the gate stops (it stays registered; its door shows "gate offline").
// No enrolment may run at the station while it runs.
export async function startSimulatedDoor(request, { doorName, zoneName, heldOpenLimit }) {
  const me = await (await request.get("/api/v1/auth/me")).json();
  const headers = { "X-CSRF-Token": me.csrf };
  const post = async (path, data) => {
    const response = await request.post(path, { headers, data });
    if (response.status() !== 201)
      throw new Error(`POST ${path}: ${response.status()} ${await response.text()}`);
    return response.json();
  };
  const zones = await (await request.get("/api/v1/zones")).json();
  const zone = zones.items.find((z) => z.name === zoneName);
  if (!zone) throw new Error(`no zone ${zoneName}`);
  const gate = await post("/api/v1/gates", { name: `${doorName} gate` });
  const door = await post("/api/v1/doors", {
    name: doorName,
    site: zone.site,
    to_zone: zone.id,
    required: "card+pin",
    gate: gate.gate,
  });
  const dir = join(dirname(site.data), `gate-${gate.gate}`);
  sekishoWithInput(
    `${gate.token}\n`,
    "gate",
    "register",
    "--server",
    `127.0.0.1:${new URL(site.url).port}`,
    "--ca",
    join(site.data, "tls", "ca.pem"),
    "--token-fd",
    "0",
    "--dir",
    dir,
  );
  const out = join(dir, "..", `gate-${gate.gate}.out`);
  const log = join(dir, "..", `gate-${gate.gate}.log`);
  const pins = join(dir, "..", `gate-${gate.gate}.pins`);
  writeFileSync(pins, `${site.pin}\n`.repeat(20));
  const outFd = openSync(out, "w");
  const pinFd = openSync(pins, "r");
  const child = spawn(
    site.binary,
    [
      "--log-file",
      log,
      "gate",
      "run",
      "--dir",
      dir,
      "--reader",
      kStationReader,
      "--pin-fd",
      "3",
      "--simulated-door-fd",
      "4",
      "--held-open-limit",
      String(heldOpenLimit),
    ],
    {
      stdio: ["ignore", outFd, outFd, pinFd, "pipe"],
      env: { ...process.env, USER: "console-test" },
    },
  );
  closeSync(outFd);
  closeSync(pinFd);
  const control = child.stdio[4];
  const logText = () => (existsSync(log) ? readFileSync(log, "utf8") : "");
  const decisionsHere = () =>
    readFileSync(out, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("door "));
  for (let i = 0; i < 300 && !/installed/.test(logText()); i++) {
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  if (!/installed/.test(logText()))
    throw new Error(`the door's gate did not start: ${readFileSync(out, "utf8")}${logText()}`);
  const command = (line) =>
    new Promise((resolve, reject) =>
      control.write(`${line}\n`, (error) => (error ? reject(error) : resolve())),
    );
  return {
    door: door.id,
    gate: gate.gate,
    open: () => command("open"),
    close: () => command("close"),
    async present(afterDecision = async () => {}) {
      const before = decisionsHere().length;
      const simulator = spawn(
        site.binary,
        ["-q", "card", "simulate", "--card", site.card, "--port", kStationPort],
        { stdio: "ignore" },
      );
      try {
        for (let i = 0; i < 300 && decisionsHere().length <= before; i++) await sleep(100);
        if (decisionsHere().length > before) await afterDecision();
      } finally {
        simulator.kill("SIGTERM");
        await new Promise((resolve) =>
          simulator.exitCode !== null ? resolve() : simulator.once("exit", resolve),
        );
        for (let i = 0; i < 50 && (await cardPresent(kStationReader)); i++) await sleep(100);
      }
      const after = decisionsHere();
      if (after.length <= before)
        throw new Error(`the door's gate decided nothing: ${readFileSync(out, "utf8")}`);
      return after[after.length - 1];
    },
    async stop() {
      control.end();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) =>
          child.exitCode !== null ? resolve() : child.once("exit", resolve),
        );
      }
    },
  };
}

// Every visible input, select, textarea and button of the page (dialogs included) with its
// accessible name: aria-label, else aria-labelledby's text, else its <label>s, else (a button) its
// text; a placeholder does not count. Each as {form, control, name}.
function controlNames(page) {
  return page.evaluate(() => {
    const nameOf = (el) => {
      const label = el.getAttribute("aria-label")?.trim();
      if (label) return label;
      const by = el.getAttribute("aria-labelledby");
      const byText = (by ?? "")
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
        .join(" ")
        .trim();
      if (byText) return byText;
      const labels = Array.from(el.labels ?? [])
        .map((l) => l.textContent.trim())
        .filter(Boolean);
      if (labels.length) return labels.join(" ");
      return el.tagName === "BUTTON" ? el.textContent.trim() : "";
    };
    return Array.from(document.querySelectorAll("input, select, textarea, button"))
      .filter((el) => el.type !== "hidden" && el.getClientRects().length > 0)
      .map((el) => ({
        form: el.closest("form")?.dataset.form ?? (el.closest("form") ? "form" : ""),
        control: `${el.tagName.toLowerCase()}${el.type === "checkbox" ? "[checkbox]" : ""}[name=${el.name || "?"}]`,
        name: nameOf(el),
      }));
  });
}

// The controls without an accessible name, described; empty when every one is named.
export async function unnamedControls(page) {
  return (await controlNames(page))
    .filter((c) => c.name === "")
    .map((c) => `${c.control} in ${c.form || "the page"}`);
}

// Names that more than one field of the same form carries (a screen reader user, or getByLabel,
// cannot tell them apart; buttons and day checkboxes aside). "form: name" each, empty when none.
export async function duplicateNames(page) {
  const counts = new Map();
  for (const c of await controlNames(page)) {
    if (!c.form || c.control.startsWith("button") || c.control.includes("[checkbox]")) continue;
    const key = `${c.form}: ${c.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
}
