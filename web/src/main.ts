// Entry point of the console bundle: the routes by role (docs/server.md §4) and the start.
import { App, type Route } from "./app";
import { renderAudit } from "./pages/audit";
import { dashboardPage } from "./pages/dashboard";
import { renderErasures } from "./pages/erasures";
import { renderEvents } from "./pages/events";
import { renderGates } from "./pages/gates";
import { renderLogin } from "./pages/login";
import { renderMe } from "./pages/me";
import { kSiteKinds, siteKindPage } from "./pages/site_objects";
import { renderStaff } from "./pages/staff";

const root = document.getElementById("app");
if (root) {
  const app = new App(root);
  const routes: Route[] = [
    {
      path: "dashboard",
      title: "Dashboard",
      roles: ["security_admin", "auditor"],
      nav: true,
      render: dashboardPage(app),
    },
    {
      path: "events",
      title: "Events",
      roles: ["security_admin", "auditor"],
      nav: true,
      render: renderEvents,
    },
    {
      path: "staff",
      title: "Staff",
      roles: ["hr", "security_admin"],
      nav: true,
      render: renderStaff,
    },
    {
      path: "sites",
      title: "Sites",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.sites),
    },
    {
      path: "zones",
      title: "Zones",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.zones),
    },
    {
      path: "doors",
      title: "Doors",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.doors),
    },
    {
      path: "schedules",
      title: "Schedules",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.schedules),
    },
    {
      path: "levels",
      title: "Access levels",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.levels),
    },
    {
      path: "assignments",
      title: "Level assignments",
      roles: ["security_admin"],
      nav: true,
      render: siteKindPage(kSiteKinds.assignments),
    },
    { path: "gates", title: "Gates", roles: ["security_admin"], nav: true, render: renderGates },
    { path: "audit", title: "Audit", roles: ["auditor"], nav: true, render: renderAudit },
    {
      path: "erasures",
      title: "Erasures",
      roles: ["security_admin", "hr", "auditor"],
      nav: true,
      render: renderErasures,
    },
    { path: "me", title: "My cards", roles: ["staff"], nav: true, render: renderMe },
  ];
  app.setRoutes(routes, renderLogin);
  void app.start();
}
