// Pieces shared by every page that lists papers: the paper card, the
// save/like/hide buttons, pagination, and the messages for a failed call.
import { ApiError } from "./api.js";
import { announce, formatDay, h, markedText, notice } from "./dom.js";
import { hasFeedback, session, toggleFeedback } from "./session.js";

/** The app's URL of a paper's page. */
export const paperHref = (id) => `/paper/${encodeURIComponent(id)}`;

const ACTIONS = [
  { kind: "save", label: "Save", done: "Saved" },
  { kind: "like", label: "Like", done: "Liked" },
  { kind: "hide", label: "Hide", done: "Hidden" },
];

/**
 * Save / Like / Hide toggle buttons (aria-pressed shows the state).
 * `onChange(kind, isSet)` runs after the API accepted a change.
 */
export function feedbackButtons(paper, onChange) {
  // signed out: no buttons (the page says once how to sign in, not under every paper)
  if (!session.reader) return null;
  const group = h("div", { className: "actions", role: "group", "aria-label": `Actions for ${paper.title}` });
  for (const action of ACTIONS) {
    const button = h("button", { type: "button", className: `toggle toggle-${action.kind}` });
    const show = () => {
      const on = hasFeedback(paper.id, action.kind);
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? action.done : action.label;
    };
    show();
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const on = await toggleFeedback(paper.id, action.kind);
        show();
        announce(`${on ? action.done : `Un${action.done.toLowerCase()}`}: ${paper.title}`);
        if (onChange) onChange(action.kind, on);
      } catch (error) {
        group.append(errorNotice(error));
      } finally {
        button.disabled = false;
      }
    });
    group.append(button);
  }
  return group;
}

/** Authors, date and categories of a paper, on one line. */
export function paperMeta(paper) {
  const authors = paper.authors ?? [];
  const shown = authors.length > 4 ? `${authors.slice(0, 3).join(", ")} and ${authors.length - 3} more` : authors.join(", ");
  return h(
    "p",
    { className: "meta" },
    shown ? h("span", { className: "authors" }, shown) : null,
    h("time", { datetime: paper.date }, formatDay(paper.date)),
    (paper.categories ?? []).map((c) => h("a", { className: "tag", href: `/search?category=${encodeURIComponent(c)}` }, c)),
  );
}

function shorten(text, max = 320) {
  if (!text || text.length <= max) return text ?? "";
  const cut = text.lastIndexOf(" ", max);
  return `${text.slice(0, cut > 0 ? cut : max)}…`;
}

/**
 * One paper in a list. Options: `highlights` ({ title, abstract } from search),
 * `extra` (nodes shown under the abstract, e.g. the feed's reasons),
 * `onChange` (after save/like/hide), `headingLevel` (default 2).
 */
export function paperCard(paper, options = {}) {
  const heading = `h${options.headingLevel ?? 2}`;
  const title = options.highlights?.title ? markedText(options.highlights.title) : paper.title;
  const abstract = options.highlights?.abstract ? markedText(options.highlights.abstract) : shorten(paper.abstract);
  return h(
    "article",
    { className: "card", dataset: { paperId: paper.id } },
    h(heading, { className: "card-title" }, h("a", { href: paperHref(paper.id) }, title)),
    paperMeta(paper),
    abstract ? h("p", { className: "abstract" }, abstract) : null,
    options.extra ?? null,
    feedbackButtons(paper, options.onChange),
  );
}

/** "Results 21–40 of 345" with Previous / Next links built by `hrefFor(offset)`. */
export function pager(page, hrefFor, noun = "results") {
  const { offset, limit, total, items } = page;
  if (total === 0) return null;
  const first = offset + 1;
  const last = offset + items.length;
  const prev = offset > 0 ? Math.max(0, offset - limit) : null;
  const next = page.next ?? (last < total ? last : null);
  return h(
    "nav",
    { className: "pager", "aria-label": "Pages" },
    prev !== null ? h("a", { href: hrefFor(prev), rel: "prev" }, "← Previous") : h("span", { "aria-hidden": "true" }),
    h("span", { className: "muted" }, `${noun[0].toUpperCase()}${noun.slice(1)} ${first}–${last} of ${total.toLocaleString("en")}`),
    next !== null && next !== undefined ? h("a", { href: hrefFor(next), rel: "next" }, "Next →") : h("span", { "aria-hidden": "true" }),
  );
}

/** "Sign in or create an account to see this page." */
export function signInNotice() {
  return notice("info", h("a", { href: "/signin" }, "Sign in"), " or ", h("a", { href: "/signup" }, "create an account"), " to see this page.");
}

/** The notice for a failed API call: sign-in prompt on 401, "not available" on a missing route, the API's message otherwise. */
export function errorNotice(error, what = "This") {
  if (error instanceof ApiError) {
    if (error.status === 401) return signInNotice();
    if (error.status === 404 && /^no route/i.test(error.message)) {
      return notice("unavailable", `${what} is not available on this server yet.`);
    }
    if (error.status === 403) return notice("error", `Not allowed: ${humanMessage(error)}`);
    if (error.status === 0) return notice("error", error.message);
    return notice("error", humanMessage(error));
  }
  return notice("error", `Something went wrong: ${error instanceof Error ? error.message : String(error)}`);
}

/** Words for the API's field paths ("query.q" is "the search text"). */
const FIELD_WORDS = {
  "query.q": "The search text",
  "query.limit": "The page size",
  "query.offset": "The page",
  "query.from": "The first day",
  "query.to": "The last day",
  "query.category": "The category",
  "body.email": "The email address",
  "body.password": "The password",
  "body.name": "The name",
  "body.text": "The text",
};

/** The API's message for people: "query.from: must be a day" becomes "The first day must be a day". */
export function humanMessage(error) {
  const message = String(error.message ?? "");
  const m = /^((?:query|body|path|header)\.[\w.[\]]+):\s*(.*)$/s.exec(message);
  if (!m) return message;
  const words = FIELD_WORDS[m[1]] ?? `The ${m[1].split(".").pop()}`;
  const rest = m[2];
  return /^(must|is|has|should|cannot|needs)\b/i.test(rest) ? `${words} ${rest}` : `${words}: ${rest}`;
}
