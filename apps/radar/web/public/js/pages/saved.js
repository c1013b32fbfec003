// The reader's saved, liked and hidden papers (one tab each).
import { get, paperPath, url } from "../api.js";
import { h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, pager, paperCard, signInNotice } from "../papers.js";
import { loadFeedback, session } from "../session.js";

const LIMIT = 20;
const TABS = [
  ["save", "Saved"],
  ["like", "Liked"],
  ["hide", "Hidden"],
];

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Saved papers"), signInNotice());
    return;
  }
  const kind = TABS.some(([k]) => k === ctx.query.get("kind")) ? ctx.query.get("kind") : "save";
  const offset = Number(ctx.query.get("offset") ?? 0) || 0;
  const label = TABS.find(([k]) => k === kind)[1];
  const tabs = h(
    "nav",
    { className: "tabs", "aria-label": "Lists" },
    h("ul", {}, TABS.map(([k, text]) => h("li", {}, h("a", { href: url("/saved", { kind: k === "save" ? "" : k }), "aria-current": k === kind ? "page" : false }, text)))),
  );
  const body = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  replace(view, pageTitle(`${label} papers`), tabs, body);
  let page;
  let papers;
  try {
    [page] = await Promise.all([get("/api/feedback", { kind, limit: LIMIT, offset }), loadFeedback()]);
    papers = await Promise.all(page.items.map((record) => get(paperPath(record.item)).catch(() => ({ id: record.item, title: `Paper ${record.item} (no longer available)`, date: "" }))));
  } catch (error) {
    replace(body, errorNotice(error));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (papers.length === 0) {
    replace(body, notice("info", `No ${label.toLowerCase()} papers yet. `, h("a", { href: "/search" }, "Search"), " and use the buttons under each paper."));
    return;
  }
  replace(
    body,
    h("ol", { className: "cards", start: offset + 1 }, papers.map((paper) => h("li", {}, paperCard(paper)))),
    pager(page, (o) => url("/saved", { kind: kind === "save" ? "" : kind, offset: o || undefined }), "papers"),
  );
}
