// The weekly digest preview: a week picker, the digest as the HTML the
// server renders (in a sandboxed frame), links to its Markdown and RSS, and
// a button that emails it when the server can send mail.
import { ApiError, get, post, put, url } from "../api.js";
import { announce, field, formatDay, h, notice, pageTitle, replace } from "../dom.js";
import { errorNotice, signInNotice } from "../papers.js";
import { session } from "../session.js";

/** Whether the server documents POST /api/digest/send, and whether it takes the week (as a query parameter). */
async function sendOperation() {
  try {
    const doc = await get("/openapi.json");
    const op = doc.paths?.["/api/digest/send"]?.post;
    if (!op) return null;
    return { takesWeek: (op.parameters ?? []).some((p) => p.name === "week" && p.in === "query") };
  } catch {
    return null;
  }
}

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Weekly digest"), signInNotice());
    return;
  }
  const requested = ctx.query.get("week") ?? "";
  const weekInput = h("input", { type: "week", name: "week", value: requested });
  const form = h("form", { className: "inline-form", action: "/digest" }, field("Week", weekInput), h("button", { type: "submit" }, "Show digest"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.navigate(url("/digest", { week: weekInput.value }));
  });
  const body = h("div", {}, h("p", { className: "muted" }, "Loading…"));
  replace(view, pageTitle("Weekly digest"), h("p", { className: "lead" }, "The ten papers of the week picked for you, with short summaries and the week's takeaway."), scheduleSection(), form, body);

  let digest;
  let send;
  try {
    [digest, send] = await Promise.all([get("/api/digest", { week: requested }), sendOperation()]);
  } catch (error) {
    replace(body, errorNotice(error, "The weekly digest"));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!weekInput.value && digest.week) weekInput.value = digest.week;
  const format = (f) => url("/api/digest", { week: digest.week, format: f });
  const sendStatus = h("div", { className: "form-status", "aria-live": "polite" });
  const sendButton = send
    ? h(
        "button",
        {
          type: "button",
          className: "secondary",
          onClick: async (event) => {
            const button = event.currentTarget;
            button.disabled = true;
            try {
              const result = await post(url("/api/digest/send", { week: send.takesWeek ? digest.week : "" }));
              const to = result && typeof result === "object" && typeof result.to === "string" ? ` to ${result.to}` : "";
              replace(sendStatus, notice("info", `Digest sent${to}.`));
              announce("Digest sent");
            } catch (error) {
              replace(sendStatus, error instanceof ApiError && error.status !== 401 ? notice("error", `Not sent: ${error.message}`) : errorNotice(error, "Sending"));
            } finally {
              button.disabled = false;
            }
          },
        },
        "Send it to me by email",
      )
    : null;
  replace(
    body,
    h("h2", {}, `Week ${digest.week}`, digest.from ? h("span", { className: "muted small" }, ` · ${formatDay(digest.from)} – ${formatDay(digest.to)}`) : null),
    (digest.notes ?? []).length ? h("ul", { className: "muted small notes" }, digest.notes.map((n) => h("li", {}, n))) : null,
    h(
      "p",
      { className: "digest-links" },
      `${(digest.items ?? []).length} papers`,
      digest.generatedBy === "llm" ? " · summaries written by a language model" : digest.generatedBy ? " · summaries: the abstracts' key sentences" : "",
      " · ",
      h("a", { href: format("html"), target: "_blank", rel: "noopener" }, "Open as a page"),
      " · ",
      h("a", { href: format("markdown") }, "Markdown"),
      " · ",
      h("a", { href: format("rss") }, "RSS"),
    ),
    sendButton ? h("div", { className: "save-row" }, sendButton, sendStatus) : h("p", { className: "muted" }, "Sending by email is not available on this server."),
    (digest.items ?? []).length
      ? h("iframe", { className: "digest-frame", src: format("html"), title: `Digest preview for week ${digest.week}`, sandbox: "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation", loading: "lazy" })
      : notice("info", "No papers for this week. Pick another week, or save papers and topics so the digest knows what you like."),
  );
}

/** The reader's own schedule: daily or weekly digests of the papers arrived since the last one. */
function scheduleSection() {
  const section = h("section", { className: "stack", "aria-label": "Your digest schedule" });
  const select = h("select", { name: "cadence" }, h("option", { value: "weekly" }, "Weekly"), h("option", { value: "daily" }, "Daily"));
  const status = h("span", { className: "muted", "aria-live": "polite" });
  const mail = h("input", { type: "checkbox", name: "mail", disabled: true });
  const mailLabel = h("label", { className: "checkbox" }, mail, " Mail it to me when it is due");
  const save = async (change) => {
    try {
      const settings = await put("/api/digest/settings", change);
      status.textContent = `You get a ${settings.cadence} digest${settings.mail ? ", by mail" : ""}.`;
      announce(status.textContent);
    } catch (error) {
      section.append(errorNotice(error));
    }
  };
  select.addEventListener("change", () => save({ cadence: select.value }));
  mail.addEventListener("change", () => save({ mail: mail.checked }));
  get("/api/digest/settings")
    .then((settings) => {
      select.value = settings.cadence;
      mail.checked = settings.mail;
      mail.disabled = !settings.mailAvailable;
      if (!settings.mailAvailable) mailLabel.title = "This server cannot send mail.";
      status.textContent = settings.lastIssuedAt ? `Last one: ${formatDay(settings.lastIssuedAt)}.` : "";
    })
    .catch(() => undefined);
  replace(
    section,
    h("div", { className: "inline-form" }, field("Your digest of new papers", select), mailLabel, status),
    h("p", { className: "muted" }, "It holds the papers that arrived since your last one, each paper once. ", h("a", { href: url("/api/digest/next", { format: "html" }), target: "_blank", rel: "noopener" }, "Preview the next one"), "."),
  );
  return section;
}
