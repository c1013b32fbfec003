/**
 * Newest-first paging over many windows of dates, checked against a sort of
 * the whole collection: ties on dates, undated papers, filters that match
 * clusters of old papers, and deep offsets.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection } from "../../../src/engine/collection.js";
import { openStore } from "../../../src/store/open-store.js";
import type { Store } from "../../../src/store/store.js";
import { PaperSearch } from "./paper-search.js";

interface P {
  id: string;
  title: string;
  categories: string[];
  date?: string;
}

const papers: P[] = [];
// deterministic pseudo-random generator
let seed = 12345;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
for (let i = 0; i < 700; i++) {
  const day = 1 + Math.floor(rand() * 60); // many papers share a day
  const d = new Date(Date.UTC(2023, 0, day)).toISOString().slice(0, 10);
  const old = i % 50 === 0; // a rare category, only on old papers
  papers.push({
    id: `p${String(i).padStart(4, "0")}`,
    title: `${i % 7 === 0 ? "retrieval" : "vision"} paper ${i}`,
    categories: [old ? "cs.OLD" : i % 3 === 0 ? "cs.IR" : "cs.CV"],
    date: i % 97 === 5 ? undefined : old ? "2001-01-01" : d,
  });
}

let dir: string;
let store: Store;
let collection: Collection;
let search: PaperSearch;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "radar-search-"));
  store = await openStore(dir);
  await store.createCollection("papers", {
    fields: { title: { type: "text", boost: 2 }, abstract: { type: "text" }, authors: { type: "keyword", multi: true }, categories: { type: "keyword", multi: true }, date: { type: "date" } },
  });
  await store.putRecords("papers", papers);
  collection = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
  search = new PaperSearch(collection);
});

after(async () => {
  await collection.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function expected(keep: (p: P) => boolean): string[] {
  return papers
    .filter(keep)
    .sort((a, b) => {
      if ((a.date === undefined) !== (b.date === undefined)) return a.date === undefined ? 1 : -1;
      if (a.date !== b.date) return a.date! < b.date! ? 1 : -1;
      return a.id < b.id ? -1 : 1;
    })
    .map((p) => p.id);
}

async function walk(q: string | null, filters: Parameters<PaperSearch["filterNode"]>[0], limit: number): Promise<{ ids: string[]; totals: Set<number> }> {
  const ids: string[] = [];
  const totals = new Set<number>();
  for (let offset = 0; ; offset += limit) {
    let got: string[];
    if (q === null) {
      const page = await search.list(filters, { limit, offset });
      totals.add(page.total);
      got = page.items.map((paper) => String(paper.id));
    } else {
      const page = await search.search(q, filters, "date", { limit, offset });
      totals.add(page.total);
      got = page.items.map((hit) => String(hit.paper.id));
    }
    ids.push(...got);
    if (got.length < limit) break;
  }
  return { ids, totals };
}

test("date order over many windows equals sorting everything", async () => {
  const cases: Array<[string | null, Parameters<PaperSearch["filterNode"]>[0], (p: P) => boolean]> = [
    [null, {}, () => true],
    [null, { categories: ["cs.IR"] }, (p) => p.categories.includes("cs.IR")],
    [null, { categories: ["cs.OLD"] }, (p) => p.categories.includes("cs.OLD")],
    [null, { from: "2023-01-20", to: "2023-02-10" }, (p) => p.date !== undefined && p.date >= "2023-01-20" && p.date <= "2023-02-10"],
    ["retrieval", {}, (p) => p.title.startsWith("retrieval")],
    ["retrieval", { categories: ["cs.IR", "cs.OLD"] }, (p) => p.title.startsWith("retrieval") && (p.categories.includes("cs.IR") || p.categories.includes("cs.OLD"))],
  ];
  for (const [q, filters, keep] of cases) {
    const want = expected(keep);
    for (const limit of [7, 100]) {
      const { ids, totals } = await walk(q, filters, limit);
      assert.deepEqual([...totals], [want.length], `${q} ${JSON.stringify(filters)} total`);
      assert.deepEqual(ids, want, `${q} ${JSON.stringify(filters)} limit ${limit}`);
    }
  }
});

test("a deep offset lands on the same items as walking there", async () => {
  const want = expected((p) => p.categories.includes("cs.CV"));
  const page = await search.list({ categories: ["cs.CV"] }, { limit: 10, offset: 300 });
  assert.deepEqual(
    page.items.map((p) => p.id),
    want.slice(300, 310),
  );
});
