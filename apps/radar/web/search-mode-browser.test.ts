/**
 * The search page's mode toggle in a real browser (headless Debian Chromium,
 * as browser.test.ts): a server embeds a slice of the bundled sample with
 * Trove's own encoder (tiny training settings) in the background; once it is
 * ready, a search is ranked by words and meaning, ticking "Words only" ranks
 * by words alone (mode=lexical in the address), and unticking goes back.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openBrowserSession, type BrowserSession } from "../test-support/sample-server.js";

const SKIP = process.env.TROVE_SKIP_BROWSER === "1";
const skipReason = SKIP ? "TROVE_SKIP_BROWSER=1: browser tests skipped (they need Debian's chromium at /usr/bin/chromium)" : false;
const SMALL = { training: { epochs: 1, batchSize: 64, patience: 0, validationDocuments: 0 } };

let session: BrowserSession;
let page: Page;

describe("search mode toggle in the browser", { skip: skipReason }, () => {
  before(async () => {
    session = await openBrowserSession({ every: 20, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } }, semantic: { training: SMALL, progress: false } } });
    page = session.page;
    // the papers are embedded in the background: wait until searches are hybrid
    const end = Date.now() + 30_000;
    for (;;) {
      const body = (await (await fetch(`${session.radar.server.url}/api/search?q=retrieval&limit=1`)).json()) as { mode: string };
      if (body.mode === "hybrid") break;
      if (Date.now() > end) throw new Error("semantic search did not become ready within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    await session?.close();
  });

  test("a search is hybrid by default; 'Words only' switches to lexical and back", async () => {
    await page.goto(`${session.radar.server.url}/search?q=${encodeURIComponent("retrieval models")}`);
    const rankedBy = page.locator(".ranked-by");
    await rankedBy.waitFor();
    assert.match(await rankedBy.innerText(), /Ranked by words and meaning/);
    const toggle = page.getByRole("checkbox", { name: /Words only/ });
    assert.equal(await toggle.isChecked(), false);
    const hybridTotal = await page.locator("#results-heading").innerText();

    await toggle.check();
    await page.locator('.ranked-by[data-mode="lexical"]').waitFor();
    assert.match(page.url(), /mode=lexical/);
    assert.match(await page.locator(".ranked-by").innerText(), /Ranked by words alone/);
    assert.equal(await page.getByRole("checkbox", { name: /Words only/ }).isChecked(), true, "the toggle shows the mode after the page is drawn again");
    const lexicalTotal = await page.locator("#results-heading").innerText();
    const count = (text: string) => Number(text.replace(/[^0-9]/g, ""));
    assert.ok(count(lexicalTotal) <= count(hybridTotal), `words alone match no more papers (${lexicalTotal} vs ${hybridTotal})`);

    await page.getByRole("checkbox", { name: /Words only/ }).uncheck();
    await page.locator('.ranked-by[data-mode="hybrid"]').waitFor();
    assert.doesNotMatch(page.url(), /mode=lexical/);
    assert.deepEqual(session.pageErrors, []);
  });
});
