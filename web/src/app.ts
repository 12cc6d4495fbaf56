// The console's shell: the session, role-aware navigation, hash routing (#/doors, #/staff/12)
// and what happens when a session ends (drafts kept, back to the sign-in page, then back to the
// same page). DESIGN.md §7; the roles are docs/server.md §4's.
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from "./api";
import { h, notice, replace } from "./dom";
import { saveDrafts } from "./forms";
import type { Role, Session } from "./types";

export interface PageContext {
  session: Session;
  params: string[]; // the path segments after the route's own
  navigate(hash: string): void;
}

export interface Route {
  path: string; // first segment of the hash path: "doors" for #/doors and #/doors/3
  title: string;
  roles: Role[];
  nav: boolean;
  render(view: HTMLElement, context: PageContext): void | Promise<void>;
}

const kResumeKey = "sekisho.resume";
const kRoleNames: Record<Role, string> = {
  security_admin: "Security administrator",
  hr: "HR",
  auditor: "Auditor",
  staff: "Staff",
};

export class App {
  private session: Session | null = null;
  private organisationName = "";
  private ending = false;
  private routes: Route[] = [];
  private loginPage: ((view: HTMLElement, app: App, reason: string | null) => void) | null = null;
  private readonly root: HTMLElement;
  private cleanups: Array<() => void> = [];

  constructor(root: HTMLElement) {
    this.root = root;
    setUnauthenticatedHandler((error) => this.sessionEnded(error));
    window.addEventListener("hashchange", () => void this.render());
    // A failure no page caught (a button's request) is shown as a message, never left silent.
    window.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      const error: unknown = event.reason;
      if (error instanceof ApiError && error.sessionEnded) return;
      document
        .getElementById("main")
        ?.prepend(notice("error", error instanceof Error ? error.message : String(error)));
    });
  }

  setRoutes(
    routes: Route[],
    loginPage: (view: HTMLElement, app: App, reason: string | null) => void,
  ): void {
    this.routes = routes;
    this.loginPage = loginPage;
  }

  // Runs `cleanup` when the page is left (live connections, timers).
  onLeave(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  async start(): Promise<void> {
    try {
      const session = await api<Session>("GET", "/auth/me", undefined, { sessionRequired: false });
      await this.signedIn(session, false);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        this.showFatal(error instanceof Error ? error.message : String(error));
        return;
      }
      this.showLogin(null);
    }
  }

  currentSession(): Session | null {
    return this.session;
  }

  // After a successful sign-in (or a live session found at start).
  async signedIn(session: Session, fromLogin: boolean): Promise<void> {
    this.session = session;
    this.ending = false;
    setCsrfToken(session.csrf);
    try {
      const org = await api<{ name: string }>("GET", "/organisation");
      this.organisationName = org.name;
    } catch {
      this.organisationName = "";
    }
    const resume = sessionStorage.getItem(kResumeKey);
    sessionStorage.removeItem(kResumeKey);
    if (fromLogin && resume && this.routeFor(resume)) {
      if (location.hash !== resume) {
        location.hash = resume; // hashchange renders
        return;
      }
    }
    if (!this.routeFor(location.hash)) {
      const target = `#/${this.defaultRoute().path}`;
      if (location.hash !== target) {
        history.replaceState(null, "", target);
      }
    }
    await this.render();
  }

  async signOut(): Promise<void> {
    try {
      await api("POST", "/auth/logout", undefined, { sessionRequired: false });
    } catch {
      // Signed out either way: the cookie is gone or the session had ended.
    }
    this.session = null;
    setCsrfToken("");
    sessionStorage.removeItem(kResumeKey);
    this.showLogin("You have signed out.");
  }

  private sessionEnded(error: ApiError): void {
    if (this.ending || !this.session) return;
    this.ending = true;
    saveDrafts();
    sessionStorage.setItem(kResumeKey, location.hash);
    this.session = null;
    setCsrfToken("");
    this.showLogin(`${error.message} What you had typed is kept.`);
  }

  private leave(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private showLogin(reason: string | null): void {
    this.leave();
    const view = h("main", { id: "main", class: "login-main", tabindex: -1 });
    replace(this.root, view);
    document.title = "Sign in — Sekisho";
    this.loginPage?.(view, this, reason);
  }

  private showFatal(message: string): void {
    replace(
      this.root,
      h("main", { id: "main" }, h("h1", {}, "Sekisho console"), notice("error", message)),
    );
  }

  private visibleRoutes(): Route[] {
    const role = this.session?.role;
    return this.routes.filter((r) => role !== undefined && r.roles.includes(role));
  }

  private defaultRoute(): Route {
    return this.visibleRoutes().find((r) => r.nav)!;
  }

  private parse(hash: string): { route: Route | undefined; params: string[] } {
    const segments = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
    const route = this.visibleRoutes().find((r) => r.path === segments[0]);
    return { route, params: segments.slice(1) };
  }

  private routeFor(hash: string): Route | undefined {
    return this.parse(hash).route;
  }

  private async render(): Promise<void> {
    if (!this.session) return;
    this.leave();
    const session = this.session;
    let { route, params } = this.parse(location.hash);
    if (!route) {
      route = this.defaultRoute();
      params = [];
      history.replaceState(null, "", `#/${route.path}`);
    }
    const navList = h(
      "ul",
      { id: "nav-list" },
      this.visibleRoutes()
        .filter((r) => r.nav)
        .map((r) =>
          h(
            "li",
            {},
            h(
              "a",
              { href: `#/${r.path}`, "aria-current": r === route ? "page" : undefined },
              r.title,
            ),
          ),
        ),
    );
    const menuButton = h(
      "button",
      {
        type: "button",
        class: "menu-button",
        "aria-expanded": "false",
        "aria-controls": "nav-list",
      },
      "Menu",
    );
    menuButton.addEventListener("click", () => {
      const open = menuButton.getAttribute("aria-expanded") !== "true";
      menuButton.setAttribute("aria-expanded", String(open));
      navList.classList.toggle("open", open);
    });
    const view = h("main", { id: "main", tabindex: -1 });
    replace(
      this.root,
      h(
        "a",
        {
          class: "skip-link",
          href: "#main",
          onclick: (e: Event) => {
            e.preventDefault();
            view.focus();
          },
        },
        "Skip to content",
      ),
      h(
        "header",
        { class: "top" },
        h(
          "div",
          { class: "brand" },
          h("span", { class: "logo" }, "Sekisho"),
          this.organisationName ? h("span", { class: "org" }, this.organisationName) : null,
        ),
        h(
          "div",
          { class: "who" },
          h(
            "span",
            { class: "user", "data-role": session.role },
            `${session.login} · ${kRoleNames[session.role]}`,
          ),
          h(
            "button",
            { type: "button", class: "link-button", onclick: () => void this.signOut() },
            "Sign out",
          ),
        ),
      ),
      h("nav", { "aria-label": "Main" }, menuButton, navList),
      view,
    );
    document.title = `${route.title} — Sekisho`;
    const context: PageContext = {
      session,
      params,
      navigate: (hash) => {
        location.hash = hash;
      },
    };
    try {
      await route.render(view, context);
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      view.append(notice("error", error instanceof Error ? error.message : String(error)));
    }
    view.dataset["ready"] = "true"; // the page has its data (the browser tests wait for it)
    const heading = view.querySelector("h1");
    if (heading && document.activeElement === document.body) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }
}
