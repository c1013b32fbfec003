// Paper Radar's client: a small router over the History API. Each page is a
// module whose render(view, context) fills a fresh <div>; links within the
// app are followed without reloading, everything else is a normal link.
import { post } from "./api.js";
import { h, notice, pageTitle, replace } from "./dom.js";
import { errorNotice } from "./papers.js";
import { loadSession, session } from "./session.js";
import * as account from "./pages/account.js";
import * as admin from "./pages/admin.js";
import * as auth from "./pages/auth.js";
import * as collections from "./pages/collections.js";
import * as digest from "./pages/digest.js";
import * as feed from "./pages/feed.js";
import * as map from "./pages/map.js";
import * as onboarding from "./pages/onboarding.js";
import * as paper from "./pages/paper.js";
import * as saved from "./pages/saved.js";
import * as search from "./pages/search.js";
import * as shared from "./pages/shared.js";
import * as topics from "./pages/topics.js";
import * as trending from "./pages/trending.js";

const ROUTES = [
  { path: /^\/(index\.html)?$/, page: { render: (view, ctx) => (session.reader ? feed.render(view, ctx) : search.render(view, ctx)) } },
  { path: /^\/search$/, page: search },
  { path: /^\/paper\/(.+)$/, page: paper },
  { path: /^\/feed$/, page: feed },
  { path: /^\/trending$/, page: trending },
  { path: /^\/onboarding$/, page: onboarding },
  { path: /^\/map$/, page: map },
  { path: /^\/topics$/, page: topics },
  { path: /^\/saved$/, page: saved },
  { path: /^\/collections(?:\/([^/]+))?$/, page: collections },
  { path: /^\/shared\/(.+)$/, page: shared },
  { path: /^\/digest$/, page: digest },
  { path: /^\/signin$/, page: { render: (view, ctx) => auth.render(view, ctx, "signin") } },
  { path: /^\/signup$/, page: { render: (view, ctx) => auth.render(view, ctx, "signup") } },
  { path: /^\/account$/, page: account },
  { path: /^\/admin$/, page: admin },
];

const NAV = [
  ["/search", "Search"],
  ["/feed", "Feed", "reader"],
  ["/trending", "Trending"],
  ["/map", "Map", "reader"],
  ["/topics", "Topics", "reader"],
  ["/saved", "Saved", "reader"],
  ["/collections", "Collections", "reader"],
  ["/digest", "Digest", "reader"],
  ["/admin", "Admin", "admin"],
  ["/account", "Account", "reader"],
];

function renderNav() {
  const nav = document.getElementById("nav");
  const here = location.pathname;
  const items = NAV.filter(([, , who]) => !who || (session.reader && (who === "reader" || session.reader.role === "admin"))).map(([href, label]) =>
    h("li", {}, h("a", { href, "aria-current": here === href ? "page" : false }, label)),
  );
  if (session.reader) {
    items.push(h("li", {}, h("button", { type: "button", className: "link-button", onClick: signOut }, "Sign out")));
  } else {
    items.push(h("li", {}, h("a", { href: "/signin", "aria-current": here === "/signin" ? "page" : false }, "Sign in")));
    items.push(h("li", {}, h("a", { href: "/signup", className: "button-link", "aria-current": here === "/signup" ? "page" : false }, "Sign up")));
  }
  replace(nav, h("ul", {}, items));
}

async function signOut() {
  try {
    await post("/api/auth/signout");
  } finally {
    await loadSession().catch(() => undefined);
    navigate("/");
  }
}

let renderCount = 0;

/** Renders the page of the current URL. */
async function route({ focus = false } = {}) {
  const main = document.getElementById("main");
  const view = h("div", { className: "view" }, h("p", { className: "muted" }, "Loading…"));
  replace(main, view);
  const count = ++renderCount;
  renderNav();
  const match = ROUTES.map((r) => ({ r, m: r.path.exec(location.pathname) })).find((x) => x.m);
  const context = {
    params: match ? match.m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p))) : [],
    query: new URLSearchParams(location.search),
    navigate,
    refreshSession: async () => {
      await loadSession();
      renderNav();
    },
    isCurrent: () => count === renderCount,
  };
  try {
    if (!match) {
      replace(view, pageTitle("Page not found"), notice("info", "There is no page here. ", h("a", { href: "/" }, "Go to the start page"), "."));
    } else {
      await match.r.page.render(view, context);
    }
  } catch (error) {
    if (count === renderCount) replace(view, pageTitle("Something went wrong"), errorNotice(error));
  }
  if (focus && count === renderCount) main.focus({ preventScroll: true });
}

/** Goes to an app URL without reloading the page. */
export function navigate(href, { replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  window.scrollTo(0, 0);
  return route({ focus: true });
}

function isAppLink(a) {
  if (!a || a.target || a.hasAttribute("download")) return false;
  const target = new URL(a.href, location.href);
  return target.origin === location.origin && !target.pathname.startsWith("/api") && !target.pathname.startsWith("/assets/") && target.pathname !== "/openapi.json";
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!isAppLink(a)) return;
  event.preventDefault();
  const target = new URL(a.href, location.href);
  navigate(target.pathname + target.search);
});

window.addEventListener("popstate", () => route({ focus: true }));

loadSession()
  .catch(() => undefined)
  .then(() => route());
