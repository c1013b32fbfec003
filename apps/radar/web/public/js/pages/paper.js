// A paper's page: abstract, authors, categories, links to arXiv, the
// save/like/hide buttons and related papers. Opening it records a view.
import { get, paperPath } from "../api.js";
import { formatDay, h, notice, pageTitle, replace } from "../dom.js";
import { httpHref } from "../links.js";
import { errorNotice, feedbackButtons, paperCard } from "../papers.js";
import { loadFeedback, recordView, session } from "../session.js";
import { organiseSection } from "../organise.js";

function arxivLinks(paper) {
  const links = paper.links ?? {};
  const isArxiv = /^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/.test(paper.id);
  const abs = httpHref(links.abs) ?? (isArxiv ? `https://arxiv.org/abs/${paper.id}` : undefined);
  const pdf = httpHref(links.pdf) ?? (isArxiv ? `https://arxiv.org/pdf/${paper.id}` : undefined);
  const doi = httpHref(links.doi) ?? (paper.doi ? httpHref(`https://doi.org/${encodeURI(paper.doi)}`) : undefined);
  const items = [
    abs && h("li", {}, h("a", { href: abs, rel: "noopener noreferrer" }, "arXiv abstract page")),
    pdf && h("li", {}, h("a", { href: pdf, rel: "noopener noreferrer" }, "PDF")),
    doi && h("li", {}, h("a", { href: doi, rel: "noopener noreferrer" }, "DOI")),
  ].filter(Boolean);
  return items.length ? h("ul", { className: "links" }, items) : null;
}

export async function render(view, ctx) {
  const id = ctx.params[0];
  let paper;
  try {
    [paper] = await Promise.all([get(paperPath(id)), loadFeedback()]);
  } catch (error) {
    replace(view, pageTitle("Paper"), errorNotice(error, "This paper"));
    return;
  }
  if (!ctx.isCurrent()) return;
  void recordView(paper.id);
  const related = h("section", { "aria-labelledby": "related-heading", className: "related" }, h("h2", { id: "related-heading" }, "Related papers"), h("p", { className: "muted" }, "Loading…"));
  const authors = paper.authors ?? [];
  replace(
    view,
    h(
      "article",
      { className: "paper" },
      h("p", { className: "eyebrow" }, `arXiv ${paper.id} · ${formatDay(paper.date)}${paper.updated && paper.updated !== paper.date ? ` (updated ${formatDay(paper.updated)})` : ""}`),
      pageTitle(paper.title),
      authors.length
        ? h("p", { className: "authors" }, authors.map((a, i) => [i > 0 ? ", " : "", h("a", { href: `/search?author=${encodeURIComponent(a)}` }, a)]))
        : null,
      h("p", { className: "tags" }, (paper.categories ?? []).map((c) => h("a", { className: "tag", href: `/search?category=${encodeURIComponent(c)}` }, c))),
      arxivLinks(paper),
      feedbackButtons(paper),
      session.reader ? organiseSection(paper) : null,
      h("h2", {}, "Abstract"),
      paper.abstract ? h("p", { className: "abstract full" }, paper.abstract) : notice("info", "No abstract."),
      paper.comment ? h("p", { className: "muted" }, `Comment: ${paper.comment}`) : null,
      paper.journalRef ? h("p", { className: "muted" }, `Journal reference: ${paper.journalRef}`) : null,
    ),
    related,
  );
  try {
    const page = await get(`${paperPath(paper.id)}/related`, { limit: 5 });
    if (!ctx.isCurrent()) return;
    replace(
      related,
      h("h2", { id: "related-heading" }, "Related papers"),
      page.items.length
        ? h("ul", { className: "cards" }, page.items.map((item) => h("li", {}, paperCard(item.paper ?? item, { headingLevel: 3 }))))
        : notice("info", "No related papers found."),
    );
  } catch (error) {
    related.append(errorNotice(error, "Related papers"));
  }
  if (!session.reader) related.append(h("p", { className: "muted" }, h("a", { href: "/signup" }, "Create an account"), " to get a feed of papers like the ones you save."));
}
