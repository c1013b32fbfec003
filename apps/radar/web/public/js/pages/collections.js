// The reader's collections: the list (create one, import a library), and one
// collection (its papers with notes, share link, RSS address, export,
// "more like this collection").
import { api, del, get, post, url } from "../api.js";
import { announce, field, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, paperCard, signInNotice } from "../papers.js";
import { loadFeedback, session } from "../session.js";

const collectionPath = (id) => `/api/collections/${encodeURIComponent(id)}`;

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Collections"), signInNotice());
    return;
  }
  if (ctx.params[0]) return renderOne(view, ctx, ctx.params[0]);
  return renderList(view, ctx);
}

function importForm(collections, onDone) {
  const text = h("textarea", { rows: 5, name: "library", placeholder: "@article{...} entries, or arXiv ids, arXiv URLs and DOIs, one or more a line" });
  const target = h("select", { name: "collection" }, h("option", { value: "" }, "(only save them)"), collections.map((c) => h("option", { value: c.id }, c.name)));
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { className: "stack", "aria-label": "Import your library" },
    h("h2", {}, "Import your library"),
    h("p", { className: "muted" }, "Paste BibTeX or a list of arXiv ids, URLs or DOIs. The papers Paper Radar holds are saved, so your feed starts from them."),
    field("Library", text),
    field("Also add them to", target),
    h("button", { type: "submit" }, "Import"),
    result,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      replace(result, notice("error", "Paste some BibTeX or a few arXiv ids first."));
      return;
    }
    try {
      const r = await post("/api/library/import", { text: text.value, ...(target.value ? { collectionId: target.value } : {}) });
      const lines = [`Found ${r.found} paper${r.found === 1 ? "" : "s"}; ${r.saved} newly saved${target.value ? `, ${r.addedToCollection} added to the collection` : ""}.`];
      if (r.missing.length) lines.push(`Not in Paper Radar: ${r.missing.map((m) => `${m.reference} (${m.source})`).join(", ")}.`);
      if (r.skipped.length) lines.push(`Skipped: ${r.skipped.map((s) => s.source).join(", ")} (no arXiv id or DOI).`);
      replace(result, notice("info", lines.join(" ")));
      announce(lines[0]);
      onDone?.();
    } catch (error) {
      replace(result, errorNotice(error));
    }
  });
  return form;
}

async function renderList(view, ctx) {
  const body = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  replace(view, pageTitle("Collections"), body);
  let list;
  try {
    list = (await get("/api/collections")).items;
  } catch (error) {
    replace(body, errorNotice(error));
    return;
  }
  if (!ctx.isCurrent()) return;
  const name = h("input", { type: "text", name: "name", maxlength: 120, required: true, autocomplete: "off" });
  const createError = h("div");
  const create = h("form", { className: "inline-form", "aria-label": "New collection" }, field("New collection", name), h("button", { type: "submit" }, "Create"), createError);
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await post("/api/collections", { name: name.value });
      announce(`Created ${made.name}`);
      ctx.navigate(`/collections/${encodeURIComponent(made.id)}`);
    } catch (error) {
      replace(createError, errorNotice(error));
    }
  });
  replace(
    body,
    create,
    list.length
      ? h(
          "ul",
          { className: "collection-list" },
          list.map((c) =>
            h("li", {}, h("a", { href: `/collections/${encodeURIComponent(c.id)}` }, c.name), h("span", { className: "muted" }, ` · ${c.paperIds.length} paper${c.paperIds.length === 1 ? "" : "s"}${c.shared ? " · shared" : " · private"}`)),
          ),
        )
      : notice("info", "No collections yet. Create one above, then add papers to it from a paper's page."),
    h("p", {}, "Your saved papers as ", h("a", { href: url("/api/saved/export", { format: "bibtex" }), download: "" }, "BibTeX"), " or ", h("a", { href: url("/api/saved/export", { format: "csv" }), download: "" }, "CSV"), "."),
    importForm(list),
  );
}

async function renderOne(view, ctx, id) {
  const body = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  replace(view, pageTitle("Collection"), body);
  let collection;
  try {
    [collection] = await Promise.all([get(collectionPath(id)), loadFeedback()]);
  } catch (error) {
    replace(body, errorNotice(error, "This collection"));
    return;
  }
  if (!ctx.isCurrent()) return;
  replace(view, pageTitle(collection.name), body);
  const sharing = h("section", { "aria-label": "Sharing" });
  const showSharing = () => {
    const toggle = h("button", { type: "button" }, collection.shared ? "Stop sharing" : "Share a read-only link");
    toggle.addEventListener("click", async () => {
      try {
        collection = { ...collection, ...(await api("PATCH", collectionPath(id), { shared: !collection.shared })) };
        announce(collection.shared ? "Shared" : "Private again");
        showSharing();
      } catch (error) {
        sharing.append(errorNotice(error));
      }
    });
    replace(
      sharing,
      h("p", {}, collection.shared ? "Anyone with this link can see the collection (not your notes): " : "Private: only you can see it. ", toggle),
      collection.shared ? h("p", {}, h("input", { type: "text", readonly: true, value: collection.shareUrl, "aria-label": "Share link", className: "share-url" })) : null,
      h("p", { className: "muted" }, "RSS of papers like these, for your feed reader (keep the address to yourself): ", h("input", { type: "text", readonly: true, value: collection.feedUrl, "aria-label": "RSS address", className: "share-url" })),
      h("p", {}, "Export: ", h("a", { href: url(`${collectionPath(id)}/export`, { format: "bibtex" }), download: "" }, "BibTeX"), " · ", h("a", { href: url(`${collectionPath(id)}/export`, { format: "csv" }), download: "" }, "CSV")),
    );
  };
  showSharing();
  const remove = h("button", { type: "button", className: "link-button" }, "Delete this collection");
  remove.addEventListener("click", async () => {
    if (!window.confirm(`Delete the collection “${collection.name}”? The papers stay saved.`)) return;
    await del(collectionPath(id));
    ctx.navigate("/collections");
  });
  const papers = collection.papers.length
    ? h(
        "ol",
        { className: "cards" },
        collection.papers.map((entry) =>
          h("li", {}, paperCard(entry.paper, { extra: entry.note ? h("p", { className: "note" }, h("strong", {}, "Your note: "), entry.note) : null })),
        ),
      )
    : notice("info", "No papers yet: open a paper and tick this collection under “Collections”.");
  const more = h("section", { "aria-labelledby": "more-heading" }, h("h2", { id: "more-heading" }, "More like this collection"), h("p", { className: "muted" }, "Loading…"));
  replace(body, sharing, h("h2", {}, `Papers (${collection.papers.length})`), papers, more, h("p", {}, remove));
  if (collection.papers.length === 0) {
    replace(more, h("h2", { id: "more-heading" }, "More like this collection"), notice("info", "Add papers to get recommendations like them."));
    return;
  }
  try {
    const recs = await get(`${collectionPath(id)}/recommendations`, { limit: 5 });
    if (!ctx.isCurrent()) return;
    replace(more, h("h2", { id: "more-heading" }, "More like this collection"), recs.items.length ? h("ul", { className: "cards" }, recs.items.map((p) => h("li", {}, paperCard(p, { headingLevel: 3 })))) : notice("info", "No similar papers found."));
  } catch (error) {
    more.append(errorNotice(error));
  }
}
