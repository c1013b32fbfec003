/**
 * Collections in a real browser (headless Debian Chromium, as browser.test.ts):
 * a reader imports a library of arXiv ids, makes a collection from a paper's
 * page, writes a note, opens the collection (notes, "more like this",
 * export links), shares it, and a signed-out visitor opens the shared link;
 * after the owner stops sharing, the link says so.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { openBrowserSession, type BrowserSession, type SampleServer } from "../test-support/sample-server.js";

const SKIP = process.env.TROVE_SKIP_BROWSER === "1";
const skipReason = SKIP ? "TROVE_SKIP_BROWSER=1: browser tests skipped (they need Debian's chromium at /usr/bin/chromium)" : false;

let session: BrowserSession;
let radar: SampleServer;
let browser: Browser;
let page: Page;

const heading = async (): Promise<string> => (await page.getByRole("heading", { level: 1 }).innerText()).trim();

describe("collections in the browser", { skip: skipReason }, () => {
  before(async () => {
    session = await openBrowserSession({ every: 16, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
    ({ radar, browser, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  const url = (path: string) => `${radar.server.url}${path}`;

  test("imports a library, files a paper in a new collection with a note, shares it, and the link works signed out until unshared", async () => {
    const [first, second, third] = radar.papers;
    await page.goto(url("/signup"));
    await page.getByLabel("Email").fill("collector@example.org");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Welcome to Paper Radar").waitFor();

    // import: two known ids and one unknown; both known ones are saved
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Collections" }).click();
    await page.getByRole("heading", { level: 1, name: "Collections" }).waitFor();
    await page.getByLabel("Library", { exact: true }).fill(`${first.id}\nhttps://arxiv.org/abs/${second.id}v1\n2699.00001`);
    await page.getByRole("button", { name: "Import" }).click();
    const outcome = page.locator(".notice-info", { hasText: /Found 2 papers; 2 newly saved/ });
    await outcome.waitFor();
    assert.match(await outcome.innerText(), /Not in Paper Radar: arXiv 2699\.00001 \(line 3\)/);

    // a paper's page: create a collection with the paper in it, and write a note
    await page.goto(url(`/paper/${encodeURIComponent(third.id)}`));
    await page.getByRole("heading", { name: "Collections and note" }).waitFor();
    await page.getByLabel("New collection name").fill("Reading group");
    await page.getByRole("button", { name: "Create and add" }).click();
    const box = page.getByRole("checkbox", { name: "Reading group" });
    await box.waitFor();
    assert.equal(await box.isChecked(), true);
    await page.getByLabel("Your note (only you see it)").fill("Discuss <section 2> on Friday");
    await page.getByRole("button", { name: "Save note" }).click();
    await page.locator(".organise").getByText("Note saved").waitFor();
    // after a reload the box stays ticked and the note is there
    await page.reload();
    await page.getByRole("checkbox", { name: "Reading group" }).waitFor();
    assert.equal(await page.getByRole("checkbox", { name: "Reading group" }).isChecked(), true);
    assert.equal(await page.getByLabel("Your note (only you see it)").inputValue(), "Discuss <section 2> on Friday");

    // the collection: its paper with the note, "more like this", export links, sharing
    await page.goto(url("/collections"));
    await page.getByRole("link", { name: "Reading group" }).click();
    await page.getByRole("heading", { level: 1, name: "Reading group" }).waitFor();
    const card = page.locator(`article.card[data-paper-id="${third.id}"]`);
    await card.waitFor();
    assert.match(await card.locator(".note").innerText(), /Your note: Discuss <section 2> on Friday/);
    await page.getByRole("heading", { name: "More like this collection" }).waitFor();
    await page.locator('[aria-labelledby="more-heading"] article.card, [aria-labelledby="more-heading"] .notice').first().waitFor();
    const moreIds = await page.locator('[aria-labelledby="more-heading"] article.card').evaluateAll((cards) => cards.map((c) => c.getAttribute("data-paper-id")));
    assert.ok(!moreIds.includes(third.id), "recommendations leave the collection's own papers out");
    assert.match((await page.getByRole("link", { name: "BibTeX" }).getAttribute("href")) ?? "", /\/export\?format=bibtex$/);
    const bib = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getByRole("link", { name: "BibTeX" }).getAttribute("href"))!);
    assert.match(bib, new RegExp(`eprint\\s+= \\{${third.id.replace(".", "\\.")}\\}`));
    assert.match(bib, /note\s+= \{Discuss <section 2> on Friday\}/);

    await page.getByRole("button", { name: "Share a read-only link" }).click();
    const shareUrl = await page.getByLabel("Share link").inputValue();
    assert.match(shareUrl, /\/shared\//);

    // a visitor without an account
    const visitor = await browser.newPage();
    await visitor.goto(shareUrl);
    await visitor.locator(`article.card[data-paper-id="${third.id}"]`).waitFor();
    await visitor.getByRole("heading", { level: 1, name: "Reading group" }).waitFor();
    assert.equal(await visitor.getByText("Discuss <section 2>").count(), 0, "notes stay private");

    await page.getByRole("button", { name: "Stop sharing" }).click();
    await page.getByRole("button", { name: "Share a read-only link" }).waitFor();
    await visitor.reload();
    await visitor.locator(".notice-error").waitFor();
    assert.match(await visitor.locator(".notice-error").innerText(), /owner stopped sharing/);
    await visitor.close();
    assert.deepEqual(session.pageErrors, []);
  });

  test("search shows saved papers as saved after a reload; a pasted arXiv URL opens the paper", async () => {
    const first = radar.papers[0]; // saved by the import above
    const words = first.title.split(/\s+/).slice(0, 6).join(" ").replace(/[^\p{L}\p{N} ]/gu, " ");
    await page.goto(url(`/search?q=${encodeURIComponent(words)}`));
    const card = page.locator(`article.card[data-paper-id="${first.id}"]`);
    await card.waitFor();
    assert.equal(await card.getByRole("button", { name: "Saved", exact: true }).getAttribute("aria-pressed"), "true");
    await page.reload();
    await card.getByRole("button", { name: "Saved", exact: true }).waitFor();

    await page.getByLabel("Search papers").fill(`https://arxiv.org/abs/${first.id}v2`);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/paper/${encodeURIComponent(first.id)}`);
    await page.getByRole("heading", { name: "Related papers" }).waitFor();
    assert.equal(await heading(), first.title);
  });

  test("chooses a daily digest of new papers; the choice is kept", async () => {
    await page.goto(url("/digest"));
    const cadence = page.getByLabel("Your digest of new papers");
    await cadence.waitFor();
    assert.equal(await cadence.inputValue(), "weekly");
    await cadence.selectOption("daily");
    await page.getByRole("region", { name: "Your digest schedule" }).getByText("You get a daily digest.").waitFor();
    await page.reload();
    await page.waitForFunction('document.querySelector(\'select[name="cadence"]\')?.value === "daily"');
  });

  test("signed out, the home page says what Paper Radar is and lists the newest papers without a sign-in line under each", async () => {
    const context = await browser.newContext();
    const visitor = await context.newPage();
    await visitor.goto(url("/"));
    await visitor.getByRole("region", { name: "About Paper Radar" }).waitFor();
    assert.match(await visitor.getByRole("region", { name: "About Paper Radar" }).innerText(), /new research papers/);
    await visitor.locator("article.card").first().waitFor();
    const cards = await visitor.locator("article.card").count();
    assert.ok(cards >= 10, `${cards} newest papers`);
    assert.equal(await visitor.locator("article.card", { hasText: /sign in/i }).count(), 0, "no sign-in line under each paper");
    // an error speaks of what went wrong, not of field paths
    await visitor.goto(url("/search?q=retrieval&from=2026-13-45"));
    await visitor.locator(".notice-error").waitFor();
    const message = await visitor.locator(".notice-error").innerText();
    assert.doesNotMatch(message, /query\.from/);
    await context.close();
  });
});
