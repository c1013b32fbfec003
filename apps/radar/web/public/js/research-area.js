// A paper's "research area" trail: its semantic ID (codes learned from the
// papers' text, broad to narrow) and, at each depth, the papers that share
// that prefix (GET /api/papers/{id}/research-area).
import { get, paperPath } from "./api.js";
import { h, replace } from "./dom.js";
import { errorNotice, paperHref } from "./papers.js";

/** The section, filled once the trail arrives. */
export function researchAreaSection(paperId) {
  const heading = () => h("h2", { id: "area-heading" }, "Research area");
  const section = h("section", { "aria-labelledby": "area-heading", className: "research-area" }, heading(), h("p", { className: "muted" }, "Loading…"));
  void (async () => {
    try {
      const area = await get(`${paperPath(paperId)}/research-area`);
      replace(
        section,
        heading(),
        h("p", { className: "muted" }, `Semantic ID ${area.semanticId}: papers sharing its first codes, from the broadest area to the narrowest.`),
        h("ol", { className: "area-trail" }, area.trail.map((step) =>
          h("li", {},
            h("strong", {}, `Area ${step.prefix}`),
            ` · ${step.size} paper${step.size === 1 ? "" : "s"}${step.category ? ` · mostly ${step.category}` : ""}`,
            step.papers.length
              ? h("ul", {}, step.papers.map((p) => h("li", {}, h("a", { href: paperHref(p.id) }, p.title))))
              : null,
          ))),
      );
    } catch (error) {
      section.append(errorNotice(error, "The research area"));
    }
  })();
  return section;
}
