/**
 * Onboarding and the corpus map in a real browser (headless Debian Chromium,
 * as browser.test.ts) over every 16th paper of the bundled sample: a new
 * reader opens "Rate papers" from the feed, gets ten papers from ten
 * different clusters, rates three and skips one, asks for more of one
 * cluster, and the feed then lists papers; on the map the two liked papers
 * are marked, a cluster button lists its papers, and clicking on a liked
 * paper's dot lists that paper first.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openBrowserSession, type BrowserSession, type SampleServer } from "../test-support/sample-server.js";

const SKIP = process.env.TROVE_SKIP_BROWSER === "1";
const skipReason = SKIP ? "TROVE_SKIP_BROWSER=1: browser tests skipped (they need Debian's chromium at /usr/bin/chromium)" : false;

let session: BrowserSession;
let radar: SampleServer;
let page: Page;

const clustersOfCards = (): Promise<string[]> => page.locator("article.card[data-cluster]").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-cluster") ?? ""));

describe("onboarding and the corpus map in the browser", { skip: skipReason }, () => {
  before(async () => {
    session = await openBrowserSession({ every: 16, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
    ({ radar, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  const url = (path: string) => `${radar.server.url}${path}`;

  test("a new reader rates ten papers from ten clusters, asks for more of one cluster, and the feed starts", async () => {
    await page.goto(url("/signup"));
    await page.getByLabel("Email").fill("newcomer@example.org");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Welcome to Paper Radar").waitFor();

    await page.goto(url("/feed"));
    await page.getByRole("link", { name: "Rate papers" }).click();
    await page.getByRole("heading", { level: 1, name: "Rate papers to start your feed" }).waitFor();
    await page.locator("article.card[data-cluster]").nth(9).waitFor();
    const clusters = await clustersOfCards();
    assert.equal(clusters.length, 10);
    assert.equal(new Set(clusters).size, 10, `ten different clusters: ${clusters.join(", ")}`);

    const cards = page.locator("article.card[data-cluster]");
    const ids = await cards.evaluateAll((all) => all.map((c) => c.getAttribute("data-paper-id") ?? ""));
    await cards.nth(0).getByRole("button", { name: "Interesting" }).click();
    await cards.nth(0).getByText("Rated interesting").waitFor();
    await cards.nth(1).getByRole("button", { name: "Interesting" }).click();
    await cards.nth(1).getByText("Rated interesting").waitFor();
    await cards.nth(2).getByRole("button", { name: "Not for me" }).click();
    await cards.nth(2).getByText("Rated not for me").waitFor();
    assert.equal(await cards.nth(2).getByRole("button", { name: "Not for me" }).getAttribute("aria-pressed"), "true");
    await page.getByText("You rated 3 papers.").waitFor();
    await cards.nth(3).getByRole("button", { name: "Skip" }).click();
    assert.equal(await page.locator(`article.card[data-paper-id="${ids[3]}"]`).count(), 0, "a skipped paper leaves the list");

    // more papers of one cluster: every card is of that cluster, none shown before
    const chip = page.getByRole("group", { name: "Clusters of the corpus" }).getByRole("button").first();
    await chip.click();
    await page.getByRole("heading", { name: /^More papers on / }).waitFor();
    const pressed = await page.locator('button.chip[aria-pressed="true"]').count();
    assert.equal(pressed, 1);
    const more = await clustersOfCards();
    assert.ok(more.length > 0 && new Set(more).size === 1, `one cluster: ${more.join(", ")}`);
    const moreIds = await cards.evaluateAll((all) => all.map((c) => c.getAttribute("data-paper-id") ?? ""));
    assert.ok(moreIds.every((id) => !ids.includes(id)), "papers already shown are not offered again");

    // the ratings are the feed's likes and "less like this"
    const kinds = await page.evaluate(async () => {
      const response = await fetch("/api/feedback?limit=20");
      const body = (await response.json()) as { items: Array<{ item: string; kind: string }> };
      return body.items.map((r) => `${r.kind}:${r.item}`).sort();
    });
    assert.deepEqual(kinds, [`less:${ids[2]}`, `like:${ids[0]}`, `like:${ids[1]}`].sort());
    await page.getByRole("link", { name: "See your feed" }).click();
    await page.getByRole("heading", { level: 1, name: "Your feed" }).waitFor();
    await page.locator("article.card").first().waitFor();
    assert.deepEqual(session.pageErrors, []);
  });

  test("the map marks the reader's likes, lists a cluster's papers, and a click on a dot lists that paper", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
    await page.getByRole("heading", { level: 1, name: "Map of the corpus" }).waitFor();
    await page.getByText("2 of your saved or liked papers are outlined in black.").waitFor();
    const canvas = page.locator("canvas.corpus-map");
    await canvas.waitFor();

    const first = page.locator("button.map-cluster").first();
    const label = (await first.innerText()).replace(/ \(\d+\)$/, "");
    await first.click();
    await page.getByRole("heading", { level: 2, name: `Cluster: ${label}` }).waitFor();
    await page.locator(".map-results article.card").first().waitFor();

    // click where a liked paper's dot is drawn (the page's layout: 16 px padding, up is +y)
    const map = await page.evaluate(async () => (await (await fetch("/api/map")).json()) as { points: { ids: string[]; x: number[]; y: number[] }; saved: number[] });
    const box = await canvas.boundingBox();
    assert.ok(box);
    const i = map.saved[0];
    const pad = 16;
    const target = {
      id: map.points.ids[i],
      x: box.x + pad + ((map.points.x[i] + 1) / 2) * (box.width - 2 * pad),
      y: box.y + pad + ((1 - map.points.y[i]) / 2) * (box.height - 2 * pad),
    };
    await page.mouse.click(target.x, target.y);
    await page.getByRole("heading", { level: 2, name: "Papers here" }).waitFor();
    const firstCard = page.locator(".map-results article.card").first();
    await firstCard.waitFor();
    // the nearest paper to the click's centre first (others may share the pixel)
    const listed = await page.locator(".map-results article.card").evaluateAll((all) => all.map((c) => c.getAttribute("data-paper-id")));
    assert.ok(listed.includes(target.id), `${target.id} among ${listed.join(", ")}`);
    assert.deepEqual(session.pageErrors, []);
  });
});
