// Onboarding by rating: about ten papers picked across the clusters of the
// corpus map; "Interesting" stores a like, "Not for me" stores "less like
// this" (the feed reads both), "Skip" just moves on. A cluster chip asks for
// more papers of that cluster; "Show other papers" offers new ones.
import { get, post } from "../api.js";
import { announce, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, paperMeta, paperHref, signInNotice } from "../papers.js";
import { session } from "../session.js";

const COUNT = 10;

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Rate papers to start your feed"), signInNotice());
    return;
  }
  const shown = new Set();
  let rated = 0;
  const counter = h("p", { className: "counts", "aria-live": "polite" });
  const chips = h("div", { className: "chips", role: "group", "aria-label": "Clusters of the corpus" });
  const list = h("ol", { className: "cards" });
  const heading = h("h2", { id: "picks-heading" }, "Papers from across the corpus");
  const moreButton = h("button", { type: "button", className: "secondary", onClick: () => load() }, "Show other papers");
  const done = h("a", { href: "/feed", className: "button-link" }, "See your feed");
  replace(
    view,
    pageTitle("Rate papers to start your feed"),
    h(
      "p",
      { className: "lead" },
      "Rate about ten papers. “Interesting” counts as a like and “Not for me” as “less like this”: your feed starts from them. The papers come from different parts of the ",
      h("a", { href: "/map" }, "map of the corpus"),
      "; pick a cluster below for more papers of it.",
    ),
    counter,
    h("h2", {}, "Clusters"),
    chips,
    h("section", { "aria-labelledby": "picks-heading" }, heading, list),
    h("div", { className: "save-row" }, moreButton, done),
  );
  showCount();

  function showCount() {
    counter.textContent = rated === 0 ? "No papers rated yet." : `You rated ${rated} ${rated === 1 ? "paper" : "papers"}.`;
  }

  async function load(cluster) {
    let offer;
    try {
      offer = await get("/api/onboarding", { count: COUNT, cluster, exclude: [...shown].slice(-200) });
    } catch (error) {
      replace(list, h("li", {}, errorNotice(error, "Onboarding")));
      return;
    }
    if (!ctx.isCurrent()) return;
    rated = Math.max(rated, offer.rated);
    showCount();
    replace(
      chips,
      offer.clusters.map((c) =>
        h("button", { type: "button", className: "chip", "aria-pressed": String(c.id === cluster), onClick: () => load(c.id) }, `${c.label || `Cluster ${c.id}`} (${c.size})`),
      ),
    );
    const labels = new Map(offer.clusters.map((c) => [c.id, c.label]));
    const named = cluster === undefined ? "Papers from across the corpus" : `More papers on ${labels.get(cluster) || `cluster ${cluster}`}`;
    heading.textContent = named;
    if (offer.picks.length === 0) {
      replace(list, h("li", {}, notice("info", "No more papers to rate here. Pick another cluster, or ", h("a", { href: "/feed" }, "see your feed"), ".")));
      return;
    }
    replace(list, offer.picks.map((pick) => h("li", {}, pickCard(pick, labels.get(pick.cluster)))));
    for (const pick of offer.picks) shown.add(pick.paper.id);
    announce(named);
  }

  function pickCard({ paper, cluster }, label) {
    const status = h("p", { className: "muted small", "aria-live": "polite" });
    const buttons = [
      ["up", "Interesting"],
      ["down", "Not for me"],
    ].map(([rating, text]) => h("button", { type: "button", className: `toggle rate-${rating}`, "aria-pressed": "false", onClick: () => rate(rating) }, text));
    const skip = h("button", { type: "button", className: "link-button", onClick: () => card.closest("li")?.remove() }, "Skip");
    const card = h(
      "article",
      { className: "card", dataset: { paperId: paper.id, cluster: String(cluster) } },
      h("h3", { className: "card-title" }, h("a", { href: paperHref(paper.id) }, paper.title)),
      paperMeta(paper),
      label ? h("p", { className: "eyebrow" }, `Cluster: ${label}`) : null,
      paper.abstract ? h("p", { className: "abstract" }, paper.abstract.length > 320 ? `${paper.abstract.slice(0, 320)}…` : paper.abstract) : null,
      h("div", { className: "actions", role: "group", "aria-label": `Rate ${paper.title}` }, buttons, skip),
      status,
    );
    async function rate(rating) {
      for (const b of buttons) b.disabled = true;
      try {
        await post("/api/onboarding/ratings", { ratings: [{ paperId: paper.id, rating }] });
        const first = buttons.every((b) => b.getAttribute("aria-pressed") === "false");
        buttons.forEach((b, i) => b.setAttribute("aria-pressed", String((i === 0) === (rating === "up"))));
        if (first) rated++;
        showCount();
        status.textContent = rating === "up" ? "Rated interesting" : "Rated not for me";
      } catch (error) {
        status.replaceChildren(errorNotice(error));
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    }
    return card;
  }

  await load();
}
