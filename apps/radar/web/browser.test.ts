/**
 * Paper Radar in a real browser, used as a person would: headless Debian
 * Chromium (driven by playwright-core) against a server on a free port with
 * a slice of the bundled arXiv sample. One reader signs up, picks topics,
 * searches, opens a paper, saves papers, sees the feed change, and opens
 * trending and the digest preview; the assertions are on what the page shows.
 *
 * Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it).
 * Without it the test fails saying so, unless TROVE_SKIP_BROWSER=1.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Paper } from "../papers.js";
import { openBrowserSession, type BrowserSession, type SampleServer } from "../test-support/sample-server.js";

const SKIP = process.env.TROVE_SKIP_BROWSER === "1";
const skipReason = SKIP ? "TROVE_SKIP_BROWSER=1: browser tests skipped (they need Debian's chromium at /usr/bin/chromium)" : false;

/** A paper whose text is HTML: the UI must show it as text, never as markup. */
const HOSTILE: Paper = {
  id: "9999.99999",
  title: 'Retrieval <img src=x onerror="document.title=\'pwned\'"> & <b>bold</b> claims',
  abstract: "A retrieval study with <script>alert(1)</script> in its abstract & \"quotes\".",
  authors: ["Mallory <i>Hacker</i>"],
  categories: ["cs.IR"],
  primaryCategory: "cs.IR",
  date: "2024-01-02",
};

let radar: SampleServer;
let page: Page;
let pageErrors: string[] = [];
let session: BrowserSession;

async function heading(): Promise<string> {
  return (await page.getByRole("heading", { level: 1 }).innerText()).trim();
}

async function cardIds(): Promise<string[]> {
  await page.locator("article.card").first().waitFor();
  return page.locator("article.card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-paper-id") ?? ""));
}

async function noHorizontalScroll(): Promise<boolean> {
  return page.evaluate<boolean>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");
}

describe("Paper Radar in the browser", { skip: skipReason }, () => {
  before(async () => {
    session = await openBrowserSession({ every: 8, extraPapers: [HOSTILE], radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
    ({ radar, page, pageErrors } = session);
  });

  after(async () => {
    await session?.close();
  });

  const url = (path: string) => `${radar.server.url}${path}`;

  test("a visitor lands on search; unknown pages say so with 404", async () => {
    await page.goto(url("/"));
    assert.equal(await heading(), "Search papers");
    await page.getByRole("heading", { name: "Newest papers" }).waitFor();
    assert.ok((await cardIds()).length > 0, "the newest papers are listed");
    assert.ok(await page.getByRole("link", { name: "Sign up" }).isVisible());
    const res = await page.goto(url("/no-such-page"));
    assert.equal(res?.status(), 404);
    assert.equal(await heading(), "Page not found");
  });

  test("signs up and lands on the topics page", async () => {
    await page.goto(url("/"));
    await page.getByRole("link", { name: "Sign up" }).click();
    assert.equal(await heading(), "Create an account");
    await page.getByLabel("Email").fill("reader@example.org");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator(".notice-error").waitFor();
    assert.match(await page.locator(".notice-error").innerText(), /password/i, "the API's message names the problem");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Welcome to Paper Radar").waitFor();
    assert.equal(await heading(), "Topics");
    assert.ok(await page.getByRole("button", { name: "Sign out" }).isVisible());
  });

  test("picks topics: a category and a keyword, saved and shown again after a reload", async () => {
    await page.getByRole("button", { name: "+ cs.IR" }).click();
    await page.getByLabel("Add a keyword").fill("retrieval");
    await page.getByLabel("Add a keyword").press("Enter");
    // the keyword's level, set with its radio buttons
    await page.getByRole("group", { name: /retrieval/ }).getByLabel("Neutral").check();
    await page.getByRole("button", { name: "Save topics" }).click();
    await page.locator(".notice", { hasText: "Topics saved (2)" }).waitFor();
    await page.reload();
    await page.getByRole("group", { name: /cs\.IR/ }).waitFor();
    assert.equal(await page.getByRole("group", { name: /cs\.IR/ }).getByLabel("Like", { exact: true }).isChecked(), true);
    assert.equal(await page.getByRole("group", { name: /retrieval/ }).getByLabel("Neutral").isChecked(), true);
    assert.equal(await page.getByRole("button", { name: "+ cs.IR" }).isDisabled(), true, "a picked suggestion cannot be added twice");
  });

  let feedBefore: string[] = [];
  test("the feed lists papers with the reasons they are there", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feed" }).click();
    assert.equal(await heading(), "Your feed");
    feedBefore = await cardIds();
    assert.ok(feedBefore.length > 0);
    const why = page.locator("article.card").first().locator(".why");
    assert.match(await why.innerText(), /why this paper/i);
    assert.ok((await why.locator("li").count()) > 0, "at least one reason");
  });

  const saved: Array<{ id: string; title: string }> = [];
  test("searches with highlighted matches, filters and date order", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByLabel("Search papers").fill("retrieval");
    await page.getByLabel("Search papers").press("Enter");
    await page.getByRole("heading", { name: /papers match/ }).waitFor();
    assert.equal(await heading(), "Search: retrieval");
    const marks = await page.locator("article.card mark").allInnerTexts();
    assert.ok(marks.length > 0 && marks.every((m) => /^retriev/i.test(m)), `matched words are marked: ${marks.slice(0, 5).join(", ")}`);

    // the hostile paper shows its HTML as text and runs nothing
    const hostile = page.locator(`article.card[data-paper-id="${HOSTILE.id}"]`);
    await page.getByLabel("Search papers").fill("bold claims");
    await page.getByLabel("Search papers").press("Enter");
    await hostile.waitFor();
    assert.match(await hostile.locator(".card-title").innerText(), /<img src=x onerror=.*> & <b>bold<\/b> claims/);
    assert.equal(await hostile.locator("img, b, script").count(), 0);
    assert.notEqual(await page.title(), "pwned");

    await page.getByLabel("Search papers").fill("retrieval");
    await page.getByText("Filters and order").click();
    await page.getByLabel("Category").fill("cs.IR");
    await page.getByLabel("Sort by").selectOption("date");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/category=cs\.IR/);
    await page.getByRole("heading", { name: /papers match/ }).waitFor();
    const dates = await page.locator("article.card time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
    assert.ok(dates.length > 1);
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
    const tags = await page.locator("article.card").evaluateAll((cards) => cards.map((c) => Array.from(c.querySelectorAll(".tag"), (t: { textContent: string | null }) => t.textContent ?? "")));
    assert.ok(tags.every((t) => t.includes("cs.IR")), "every hit is in cs.IR");

    // pagination
    await page.getByRole("link", { name: "Next →" }).click();
    await page.waitForURL(/offset=20/);
    assert.match(await page.locator(".pager").innerText(), /21–/);
  });

  test("opens a paper: abstract, authors, arXiv links, related papers; saves it", async () => {
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes("offset="));
    const first = page.locator("article.card").nth(1);
    const title = (await first.locator(".card-title").innerText()).trim();
    const id = (await first.getAttribute("data-paper-id")) ?? "";
    await first.locator(".card-title a").click();
    await page.getByRole("heading", { name: "Related papers" }).waitFor();
    assert.equal(await heading(), title);
    const paper = radar.papers.find((p) => p.id === id);
    assert.ok(paper);
    assert.equal(await page.locator(".paper .abstract").innerText(), paper.abstract);
    assert.ok(await page.getByRole("link", { name: paper.authors[0], exact: true }).isVisible());
    assert.equal(await page.getByRole("link", { name: "arXiv abstract page" }).getAttribute("href"), `https://arxiv.org/abs/${id}`);
    assert.equal(await page.getByRole("link", { name: "PDF" }).getAttribute("href"), `https://arxiv.org/pdf/${id}`);
    await page.locator(".related article.card").first().waitFor();
    assert.ok(!(await cardIds()).includes(id), "related papers leave the paper itself out");

    const save = page.locator(".paper").getByRole("button", { name: "Save", exact: true });
    await save.click();
    await page.locator(".paper").getByRole("button", { name: "Saved", exact: true }).waitFor();
    assert.equal(await page.locator(".paper").getByRole("button", { name: "Saved", exact: true }).getAttribute("aria-pressed"), "true");
    saved.push({ id, title });
  });

  test("saves and likes from a result list, and finds them on the saved page", async () => {
    await page.goBack();
    const card = page.locator("article.card").nth(2);
    await card.waitFor();
    const id = (await card.getAttribute("data-paper-id")) ?? "";
    const title = (await card.locator(".card-title").innerText()).trim();
    await card.getByRole("button", { name: "Save" }).click();
    await card.getByRole("button", { name: "Saved" }).waitFor();
    await card.getByRole("button", { name: "Like" }).click();
    await card.getByRole("button", { name: "Liked" }).waitFor();
    saved.push({ id, title });

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Saved" }).click();
    await page.locator("article.card").first().waitFor();
    const titles = await page.locator("article.card .card-title").allInnerTexts();
    assert.deepEqual(new Set(titles.map((t) => t.trim())), new Set(saved.map((s) => s.title)));
    await page.getByRole("link", { name: "Liked" }).click();
    await page.getByRole("heading", { name: "Liked papers" }).waitFor();
    assert.deepEqual(await cardIds(), [id]);
  });

  test("the feed changes after saving, and its reasons name the reader's saves", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feed" }).click();
    await page.getByRole("heading", { name: "Your feed" }).waitFor();
    const feedAfter = await cardIds();
    assert.notDeepEqual(feedAfter, feedBefore, "saving papers changed the feed");
    const reasonLinks = await page.locator(".why a[href^='/paper/']").evaluateAll((links) => links.map((a) => decodeURIComponent(a.getAttribute("href") ?? "").slice("/paper/".length)));
    const reasonTexts = await page.locator(".why li").allInnerTexts();
    assert.ok(
      reasonLinks.some((id) => saved.some((s) => s.id === id)) || reasonTexts.some((t) => /you save/i.test(t)),
      `a reason names the reader's saves (${reasonTexts.join(" | ")})`,
    );

    // hiding a feed item takes it out of the feed
    const first = page.locator("article.card").first();
    const hiddenId = (await first.getAttribute("data-paper-id")) ?? "";
    await first.getByRole("button", { name: "Hide" }).click();
    await page.locator(`article.card[data-paper-id="${hiddenId}"]`).waitFor({ state: "detached" });
  });

  test("trending shows the papers readers saved, with their counts", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Trending" }).click();
    assert.equal(await heading(), "Trending papers");
    const ids = await cardIds();
    for (const s of saved) assert.ok(ids.includes(s.id), `${s.id} is trending`);
    const liked = page.locator(`article.card[data-paper-id="${saved[1].id}"]`);
    assert.match(await liked.locator(".counts").innerText(), /1 save[\s\S]*1 like/);
  });

  test("a missing API route shows 'not available' instead of breaking the page", async () => {
    await page.route("**/api/trending*", (route) =>
      route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify({ error: { code: "NOT_FOUND", message: "no route for GET /api/trending" } }) }),
    );
    await page.reload();
    await page.locator(".notice-unavailable").waitFor();
    assert.match(await page.locator(".notice-unavailable").innerText(), /not available/);
    await page.unroute("**/api/trending*");
  });

  test("previews the weekly digest, with links to its Markdown and RSS", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Digest" }).click();
    assert.equal(await heading(), "Weekly digest");
    const week = page.getByRole("heading", { level: 2, name: /^Week \d{4}-W\d{2}/ });
    await week.waitFor();
    const weekId = /(\d{4}-W\d{2})/.exec(await week.innerText())?.[1] ?? "";
    assert.equal(await page.getByLabel("Week").inputValue(), weekId);
    assert.equal(await page.getByRole("link", { name: "Markdown" }).getAttribute("href"), `/api/digest?week=${weekId}&format=markdown`);
    assert.equal(await page.getByRole("link", { name: "RSS" }).getAttribute("href"), `/api/digest?week=${weekId}&format=rss`);
    const frame = page.frameLocator("iframe.digest-frame");
    await frame.locator("body").waitFor();
    assert.match(await frame.locator("body").innerText(), new RegExp(weekId));
    // no SMTP on this server: the send button says why it did not send
    await page.getByRole("button", { name: "Send it to me by email" }).click();
    await page.locator(".notice-error").waitFor();
    assert.match(await page.locator(".notice-error").innerText(), /not sent/i);
  });

  test("works at phone width without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/search?q=retrieval", `/paper/${encodeURIComponent(saved[0].id)}`, "/feed", "/topics"]) {
      await page.goto(url(path));
      await page.locator("main :is(article, fieldset)").first().waitFor();
      assert.ok(await noHorizontalScroll(), `${path} fits 390 px`);
    }
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  test("the first account is the admin: pins a paper for everyone's digest, then unpins it", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    assert.equal(await heading(), "Admin: pinned papers");
    await page.getByText("No pinned papers.").waitFor();
    await page.getByLabel("Paper id").fill(saved[0].id);
    await page.getByLabel("Note (optional)").fill("Worth everyone's time");
    await page.getByRole("button", { name: "Pin paper" }).click();
    const pinned = page.locator(".cards .card", { hasText: saved[0].title });
    await pinned.waitFor();
    assert.match(await pinned.innerText(), /Worth everyone's time/);
    await page.getByLabel("Paper id").fill("0000.00000");
    await page.getByRole("button", { name: "Pin paper" }).click();
    await page.locator(".notice-error").waitFor();
    await page.getByRole("button", { name: `Unpin ${saved[0].title}` }).click();
    await page.getByText("No pinned papers.").waitFor();
  });

  test("the account page creates and revokes an API key; signing out ends the session", async () => {
    await page.goto(url("/account"));
    await page.getByLabel("Key name").fill("e2e script");
    await page.getByRole("button", { name: "Create API key" }).click();
    const key = await page.getByLabel("Your new API key").inputValue();
    assert.match(key, /^trk_/);
    const me = await fetch(url("/api/me"), { headers: { authorization: `Bearer ${key}` } });
    assert.equal(me.status, 200, "the key shown works");
    await page.getByRole("button", { name: "Revoke key e2e script" }).click();
    await page.getByText("No API keys.").waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).waitFor();
    await page.goto(url("/feed"));
    await page.locator(".notice", { hasText: "Sign in" }).waitFor();
    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
  });
});
