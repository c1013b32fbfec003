/**
 * Screenshots of Paper Radar's main pages for the docs (docs/screenshots/*.png).
 * Run on demand, not in tests:
 *
 *   npm run build && node dist/scripts/radar-screenshots.js [--out docs/screenshots]
 *
 * Starts a server on a free port with the whole bundled arXiv sample in a
 * temporary data directory, makes a demo reader with topics, saves and likes
 * (and two other readers whose saves make trending), then photographs search,
 * a paper, the feed, topics, trending, the digest preview, onboarding and the corpus map in headless
 * Chromium (/usr/bin/chromium), plus search at phone width.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium, startSampleServer } from "../apps/radar/test-support/sample-server.js";

const PASSWORD = "correct horse battery";

function outDir(argv: string[]): string {
  const i = argv.indexOf("--out");
  return resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : "docs/screenshots");
}

interface Client {
  cookie: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

async function signUp(base: string, email: string): Promise<Client> {
  const res = await fetch(`${base}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== 201) throw new Error(`sign-up of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = /radar_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!cookie) throw new Error("no session cookie");
  return {
    cookie,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await fetch(`${base}${path}`, {
        method,
        // the page's origin, as a browser sends on writes (the server refuses cookie-authenticated writes without it)
        headers: { cookie: `radar_session=${cookie}`, origin: base, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      const text = await r.text();
      return (text ? JSON.parse(text) : null) as T;
    },
  };
}

interface Hit {
  paper: { id: string; title: string };
}

async function topIds(client: Client, q: string, n: number, extra = ""): Promise<string[]> {
  const page = await client.call<{ items: Hit[] }>("GET", `/api/search?q=${encodeURIComponent(q)}&limit=${n}${extra}`);
  return page.items.map((h) => h.paper.id);
}

async function shoot(page: Page, path: string, file: string, ready: string, timeout = 20_000): Promise<void> {
  await page.goto(path);
  await page.locator(ready).first().waitFor({ timeout });
  await page.evaluate("document.fonts.ready");
  await page.screenshot({ path: file });
  console.log(`wrote ${file}`);
}

async function main(): Promise<void> {
  const out = outDir(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  console.log("starting Paper Radar with the bundled sample (first index build takes a few seconds) ...");
  const radar = await startSampleServer({ every: 1 });
  const browser = await launchChromium();
  try {
    const base = radar.server.url;
    await signUp(base, "editor@example.org"); // the first account is the admin
    const demo = await signUp(base, "demo@example.org");
    await demo.call("PUT", "/api/topics", {
      topics: [
        { kind: "category", value: "cs.IR", level: "like" },
        { kind: "keyword", value: "retrieval augmented generation", level: "like" },
        { kind: "keyword", value: "recommendation", level: "neutral" },
        { kind: "category", value: "cs.CV", level: "dislike" },
      ],
    });
    const saves = [...(await topIds(demo, "dense retrieval", 3, "&category=cs.IR")), ...(await topIds(demo, '"retrieval augmented generation"', 2, "&sort=date"))];
    for (const id of saves) await demo.call("POST", "/api/feedback", { paperId: id, kind: "save" });
    await demo.call("POST", "/api/feedback", { paperId: saves[0], kind: "like" });

    // two more readers: their saves and likes make the trending page
    const recent = await topIds(demo, "retrieval OR recommendation OR language", 8, "&sort=date");
    for (const [n, email] of ["ada@example.org", "grace@example.org"].entries()) {
      const reader = await signUp(base, email);
      for (const id of recent.slice(n, n + 5)) await reader.call("POST", "/api/feedback", { paperId: id, kind: "save" });
      await reader.call("POST", "/api/feedback", { paperId: recent[2], kind: "like" });
    }

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
    await context.addCookies([{ name: "radar_session", value: demo.cookie, url: base }]);
    const page = await context.newPage();
    const at = (p: string) => `${base}${p}`;
    await shoot(page, at("/search?q=retrieval+augmented+generation&category=cs.IR"), `${out}/search.png`, "article.card mark");
    await page.setViewportSize({ width: 1200, height: 1500 });
    await shoot(page, at(`/paper/${encodeURIComponent(saves[0])}`), `${out}/paper.png`, ".related article.card");
    await page.setViewportSize({ width: 1200, height: 900 });
    await shoot(page, at("/feed"), `${out}/feed.png`, "article.card .why");
    await shoot(page, at("/topics"), `${out}/topics.png`, "fieldset.topic-row");
    await shoot(page, at("/trending"), `${out}/trending.png`, "article.card .counts");
    await page.setViewportSize({ width: 1200, height: 1100 });
    await page.goto(at("/digest"));
    await page.frameLocator("iframe.digest-frame").locator("body").waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${out}/digest.png` });
    console.log(`wrote ${out}/digest.png`);
    // the first visit computes the corpus map (embeddings, clusters, UMAP): up to a minute on a busy machine
    await shoot(page, at("/onboarding"), `${out}/onboarding.png`, "article.card[data-cluster]", 180_000);
    await shoot(page, at("/map"), `${out}/map.png`, "button.map-cluster");
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, at("/search?q=dense+retrieval"), `${out}/search-phone.png`, "article.card mark");
    await context.close();
  } finally {
    await browser.close();
    await radar.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
