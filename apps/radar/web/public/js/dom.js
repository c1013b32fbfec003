// Building the page safely: every string from the API becomes a text node
// (never innerHTML). The API's highlights are escaped HTML with <mark> around
// matched words; markedText() turns them back into text and <mark> elements.

/**
 * Creates an element. `attrs`: attributes (false/null/undefined are left out),
 * `on<Event>` functions become listeners, `dataset`/`className` as usual.
 * Children: nodes, strings (as text), arrays, and falsy values (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "className") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "value" || name === "checked" || name === "selected") el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === "") continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", apos: "'" };

function unescapeEntities(text) {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|apos|#\d+|#x[0-9a-f]+);/gi, (all, name) => {
    const known = ENTITIES[name.toLowerCase()];
    if (known) return known;
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/** Nodes for an API highlight ("escaped text with <mark>words</mark>"): text nodes and <mark> elements only. */
export function markedText(html) {
  const nodes = [];
  const parts = String(html).split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) {
      const text = unescapeEntities(part);
      nodes.push(marked ? h("mark", {}, text) : document.createTextNode(text));
    }
  }
  return nodes;
}

/** Announces a short message to screen readers (and tests) through the live region. */
export function announce(message) {
  const status = document.getElementById("status");
  if (status) status.textContent = message;
}

/** A notice box: kind "info", "error" or "unavailable". */
export function notice(kind, ...children) {
  return h("div", { className: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** "2025-03-18" as "18 Mar 2025" (the date is a day: no time zone shifts). */
export function formatDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(day ?? ""));
  if (!m) return String(day ?? "");
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
}

/** A labelled form field: <label> + control, tied by id. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h("span", { className: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { className: "field" }, h("label", { for: id }, label), control, hintEl);
}

/** Sets the document title and the page heading, and moves focus to the main region for keyboard and screen-reader users. */
export function pageTitle(text) {
  document.title = text ? `${text} · Paper Radar` : "Paper Radar";
  return h("h1", {}, text);
}
