// The reader's personalized feed: new papers with the reasons each is there
// ("why this paper"). Saving, liking or hiding a paper reloads the feed, so
// the reader sees it adapt.
import { get, url } from "../api.js";
import { formatDay, h, notice, pageTitle, replace, announce } from "../dom.js";
import { errorNotice, pager, paperCard, paperHref, signInNotice } from "../papers.js";
import { loadFeedback, session } from "../session.js";

const LIMIT = 20;

function reasonItem(reason) {
  const text = reason.text ?? reason.kind;
  if (reason.paperId) return h("li", { className: `reason reason-${reason.kind}` }, h("a", { href: paperHref(reason.paperId) }, text));
  if (reason.topic) return h("li", { className: `reason reason-${reason.kind}` }, h("a", { href: "/topics" }, text));
  return h("li", { className: `reason reason-${reason.kind}` }, text);
}

function reasons(item) {
  const list = item.reasons ?? [];
  if (list.length === 0) return null;
  return h("div", { className: "why" }, h("p", { className: "why-title" }, "Why this paper"), h("ul", {}, list.map(reasonItem)));
}

function windowText(window) {
  if (!window) return "";
  const since = window.since ? formatDay(window.since) : "";
  const until = window.until ? formatDay(window.until) : "";
  const span = since && until ? `Papers from ${since} to ${until}` : since ? `Papers since ${since}` : "";
  return window.anchoredTo ? `${span} (the newest papers in the corpus, up to ${formatDay(window.anchoredTo)})` : span;
}

export async function render(view, ctx) {
  if (!session.reader) {
    replace(view, pageTitle("Your feed"), signInNotice(), signedOutIntro());
    return;
  }
  const offset = Number(ctx.query.get("offset") ?? 0) || 0;
  const params = { since: ctx.query.get("since") ?? "", until: ctx.query.get("until") ?? "" };
  const body = h("div", { className: "feed-body" });
  const refresh = h("button", { type: "button", className: "secondary", onClick: () => load(true) }, "Refresh feed");
  replace(
    view,
    h("div", { className: "title-row" }, pageTitle("Your feed"), refresh),
    h("p", { className: "lead" }, "New papers picked for you from what you save and like and the ", h("a", { href: "/topics" }, "topics"), " you follow. ", h("a", { href: "/onboarding" }, "Rate papers"), " to tune it."),
    body,
  );

  async function load(updated) {
    let page;
    try {
      [page] = await Promise.all([get("/api/feed", { ...params, limit: LIMIT, offset }), loadFeedback()]);
    } catch (error) {
      replace(body, errorNotice(error, "The personalized feed"));
      return;
    }
    if (!ctx.isCurrent()) return;
    if (page.items.length === 0) {
      replace(
        body,
        notice("info", "Nothing in your feed yet. ", h("a", { href: "/onboarding" }, "Rate ten papers"), ", ", h("a", { href: "/topics" }, "pick topics"), " or ", h("a", { href: "/search" }, "search"), " and save a few papers."),
      );
      return;
    }
    const onChange = () => {
      void load(true);
    };
    replace(
      body,
      h("p", { className: "muted window" }, windowText(page.window)),
      h("ol", { className: "cards", start: offset + 1 }, page.items.map((item) => h("li", {}, paperCard(item.paper, { extra: reasons(item), onChange })))),
      pager(page, (o) => url("/feed", { ...params, offset: o || undefined }), "papers"),
    );
    if (updated) announce("Feed updated");
  }
  await load(false);
}

function signedOutIntro() {
  return h(
    "p",
    {},
    "Your feed collects new papers like the ones you save, and on the topics you pick. Meanwhile, ",
    h("a", { href: "/search" }, "search"),
    " or see what is ",
    h("a", { href: "/trending" }, "trending"),
    ".",
  );
}
