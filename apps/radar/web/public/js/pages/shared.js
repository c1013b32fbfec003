// A collection someone shared: read-only, no account needed.
import { get } from "../api.js";
import { h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, paperMeta, paperHref } from "../papers.js";

export async function render(view, ctx) {
  let shared;
  try {
    shared = await get(`/api/shared/collections/${encodeURIComponent(ctx.params[0])}`);
  } catch (error) {
    replace(view, pageTitle("Shared collection"), errorNotice(error, "This collection"));
    return;
  }
  if (!ctx.isCurrent()) return;
  replace(
    view,
    pageTitle(shared.name),
    h("p", { className: "muted" }, "A collection shared from Paper Radar (read-only)."),
    shared.papers.length
      ? h("ol", { className: "cards" }, shared.papers.map(({ paper }) => h("li", {}, h("article", { className: "card", dataset: { paperId: paper.id } }, h("h2", { className: "card-title" }, h("a", { href: paperHref(paper.id) }, paper.title)), paperMeta(paper)))))
      : notice("info", "This collection is empty."),
  );
}
