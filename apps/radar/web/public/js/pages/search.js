// Search: Trove's query language over the papers, with filters (dates,
// category, author), relevance or date order, highlighted matches and pages.
// Relevance is hybrid (words and meaning: BM25 fused with the papers' vectors)
// unless "Words only" is ticked (mode=lexical); the page says which ranked it.
// With no query it lists the newest papers matching the filters.
import { get, url } from "../api.js";
import { field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, pager, paperCard, paperHref } from "../papers.js";
import { loadFeedback, session } from "../session.js";

const LIMIT = 20;
const FILTERS = ["q", "category", "author", "from", "to", "sort", "mode"];

export async function render(view, ctx) {
  const q = ctx.query.get("q") ?? "";
  const values = Object.fromEntries(FILTERS.map((name) => [name, ctx.query.get(name) ?? ""]));
  const offset = Number(ctx.query.get("offset") ?? 0) || 0;

  const form = searchForm(values, ctx);
  const results = h("section", { "aria-labelledby": "results-heading", className: "results" });
  const intro =
    !session.reader && !q
      ? h(
          "section",
          { className: "intro", "aria-label": "About Paper Radar" },
          h("p", {}, "Paper Radar keeps you up to date with new research papers: search them, save the ones you care about, and get a daily feed and digest of the new papers most like them, each with the reason it is there."),
          h("p", {}, h("a", { href: "/signup", className: "button-link" }, "Create a free account"), " or ", h("a", { href: "/signin" }, "sign in"), " to save papers and get your feed."),
        )
      : null;
  replace(view, pageTitle(q ? `Search: ${q}` : "Search papers"), intro, form, results);
  if (!q) replace(results, h("h2", { id: "results-heading", className: "visually-hidden" }, "Newest papers"));

  const params = { category: values.category, author: values.author, from: values.from, to: values.to, limit: LIMIT, offset };
  let page;
  try {
    // the reader's saved/liked/hidden states first, so the buttons show them (also right after a reload)
    [page] = await Promise.all([q ? get("/api/search", { ...params, q, sort: values.sort || "relevance", mode: values.mode === "lexical" ? "lexical" : undefined }) : get("/api/papers", params), loadFeedback()]);
  } catch (error) {
    results.append(errorNotice(error, "Search"));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (page.match && offset === 0) {
    // an arXiv id, arXiv URL or DOI of a paper Paper Radar holds: open it
    ctx.navigate(paperHref(page.match.paperId), { replaceState: true });
    return;
  }
  const hrefFor = (o) => url("/search", { ...values, offset: o || undefined });
  const heading = h("h2", { id: "results-heading" }, q ? `${page.total.toLocaleString("en")} papers match` : "Newest papers");
  if (page.items.length === 0) {
    replace(results, heading, page.notice ? notice("info", page.notice) : null, notice("info", q ? "No papers match. Try fewer words, or remove a filter." : "No papers match these filters."));
    return;
  }
  const list = h(
    "ol",
    { className: "cards", start: offset + 1 },
    page.items.map((item) => h("li", {}, q ? paperCard(item.paper, { highlights: item.highlights, headingLevel: 3 }) : paperCard(item, { headingLevel: 3 }))),
  );
  replace(results, heading, page.notice ? notice("info", page.notice) : null, q ? rankedBy(page) : null, list, pager(page, hrefFor));
}

/** One line saying how the page was ranked, and why words alone when hybrid was asked for. */
function rankedBy(page) {
  const text = page.mode === "hybrid" ? "Ranked by words and meaning (hybrid search)." : "Ranked by words alone.";
  return h("p", { className: "ranked-by", "data-mode": page.mode }, text, page.modeNotice ? ` ${page.modeNotice}` : "");
}

function searchForm(values, ctx) {
  const input = (name, attrs = {}) => h("input", { name, value: values[name], ...attrs });
  const sort = h(
    "select",
    { name: "sort" },
    h("option", { value: "relevance", selected: values.sort !== "date" }, "Relevance"),
    h("option", { value: "date", selected: values.sort === "date" }, "Newest first"),
  );
  const hasFilters = Boolean(values.category || values.author || values.from || values.to);
  // the toggle: hybrid (words and meaning) by default, words alone when ticked; it applies at once
  const lexical = h("input", { type: "checkbox", name: "mode", value: "lexical", checked: values.mode === "lexical" });
  const wordsOnly = h(
    "label",
    { className: "mode-toggle", title: "Hybrid search also finds papers that use other words for the same idea; tick to rank by the words you typed alone" },
    lexical,
    " Words only (no semantic matching)",
  );
  const form = h(
    "form",
    { role: "search", className: "search-form", action: "/search" },
    h(
      "div",
      { className: "search-row" },
      field("Search papers", input("q", { type: "search", placeholder: 'e.g. dense retrieval, "query expansion", title:bert', autocomplete: "off" })),
      h("button", { type: "submit" }, "Search"),
    ),
    wordsOnly,
    h(
      "details",
      { className: "filters", open: hasFilters },
      h("summary", {}, "Filters and order"),
      h(
        "div",
        { className: "filter-grid" },
        field("Category", input("category", { placeholder: "cs.IR", list: "category-list" })),
        field("Author", input("author", { placeholder: "exact name" })),
        field("From", input("from", { type: "date" })),
        field("To", input("to", { type: "date" })),
        field("Sort by", sort),
      ),
      h("datalist", { id: "category-list" }, ["cs.IR", "cs.CL", "cs.LG", "cs.AI", "cs.CV", "cs.DL", "cs.HC", "cs.SI", "stat.ML"].map((c) => h("option", { value: c }))),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const params = Object.fromEntries(FILTERS.map((name) => [name, String(data.get(name) ?? "").trim()]));
    if (params.sort === "relevance") params.sort = "";
    ctx.navigate(url("/search", params));
  });
  lexical.addEventListener("change", () => {
    if (String(new FormData(form).get("q") ?? "").trim()) form.requestSubmit();
  });
  return form;
}
