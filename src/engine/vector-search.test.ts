import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, InvalidRecordError } from "../core/errors.js";
import { clusteredVectors } from "../vector/synthetic-vectors.js";
import { SearchIndex } from "./search-index.js";

const DIM = 32;
const N = 3000; // above the flat threshold: segments get a graph
const corpus = clusteredVectors(N, { dimensions: DIM, clusters: 40, seed: 3 });
const queries = clusteredVectors(30, { dimensions: DIM, clusters: 40, seed: 3 }, 1);
const row = (m: Float32Array, i: number) => Array.from(m.subarray(i * DIM, (i + 1) * DIM));
const cosine = (a: number[], b: number[]) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};
const docs = Array.from({ length: N }, (_, i) => ({ id: `d${i}`, title: `doc ${i}`, group: i % 10 === 0 ? "ten" : "other", emb: row(corpus, i) }));

/** The ids of the k most cosine-similar documents among those `keep` allows. */
function exactTop(q: number[], k: number, keep: (i: number) => boolean = () => true): string[] {
  return docs
    .map((d, i) => ({ id: d.id, i, s: cosine(q, d.emb) }))
    .filter((x) => keep(x.i))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.id);
}

function recallAt10(index: SearchIndex, keep?: (i: number) => boolean, options: { filter?: string; efSearch?: number } = {}): number {
  let found = 0;
  for (let q = 0; q < 30; q++) {
    const truth = new Set(exactTop(row(queries, q), 10, keep));
    const hits = index.searchVector({ field: "emb", vector: row(queries, q), k: 10, ...options }).hits;
    for (const h of hits) if (truth.has(h.id)) found++;
  }
  return found / 300;
}

async function create(quantization: "none" | "int8" | "binary" = "none", writer = {}) {
  const dir = mkdtempSync(join(tmpdir(), "trove-vec-"));
  return SearchIndex.create(dir, {
    fields: { title: { type: "text" }, group: { type: "keyword" }, emb: { type: "vector", dimensions: DIM, metric: "cosine", index: { quantization } } },
    writer,
  });
}

test("vector fields live in segments: graph search finds the true neighbours, scores are cosine similarities", async () => {
  const index = await create();
  index.addDocuments(docs);
  await index.commit();
  assert.ok(recallAt10(index) >= 0.95, `recall ${recallAt10(index)}`);
  const q = row(queries, 0);
  const top = index.searchVector({ field: "emb", vector: q, k: 3 });
  assert.equal(top.totalHits, N);
  const best = docs.find((d) => d.id === top.hits[0].id)!;
  assert.ok(Math.abs(top.hits[0].score - cosine(q, best.emb)) < 1e-4);
  assert.ok(top.hits[0].score >= top.hits[1].score && top.hits[1].score >= top.hits[2].score);
  // a document's stored vector comes back as given; searching with it finds the document first
  const stored = index.vectorOf("d42", "emb")!;
  assert.deepEqual(Array.from(stored), Array.from(Float32Array.from(docs[42].emb)));
  assert.equal(index.searchVector({ field: "emb", vector: stored, k: 1 }).hits[0].id, "d42");
  await index.close();
});

test("filters and deletions are honoured inside the search, with recall kept at 10% selectivity", async () => {
  const index = await create();
  index.addDocuments(docs);
  await index.commit();
  const keepTen = (i: number) => i % 10 === 0;
  const recall = recallAt10(index, keepTen, { filter: "group:ten" });
  assert.ok(recall >= 0.95, `filtered recall ${recall}`);
  const hits = index.searchVector({ field: "emb", vector: row(queries, 1), k: 10, filter: "group:ten" }).hits;
  assert.equal(hits.length, 10);
  for (const h of hits) assert.equal(Number(h.id.slice(1)) % 10, 0);
  // delete the current best hit: it disappears and the rest moves up
  const before = index.searchVector({ field: "emb", vector: row(queries, 2), k: 5 }).hits.map((h) => h.id);
  index.deleteDocuments([before[0]]);
  await index.commit();
  const after = index.searchVector({ field: "emb", vector: row(queries, 2), k: 5 }).hits.map((h) => h.id);
  assert.ok(!after.includes(before[0]));
  assert.deepEqual(after.slice(0, 4), before.slice(1, 5));
  await index.close();
});

test("several segments, merges (in process and on the worker) and reopening keep the same results", async () => {
  const index = await create("none", { maxSegments: 0 });
  for (let start = 0; start < N; start += 1000) {
    index.addDocuments(docs.slice(start, start + 1000));
    await index.commit();
  }
  assert.equal(index.stats().segments, 3);
  const expected = (ix: SearchIndex) => [0, 1, 2].map((q) => ix.searchVector({ field: "emb", vector: row(queries, q), k: 10, exact: true }).hits.map((h) => h.id));
  const exact = expected(index);
  assert.deepEqual(exact[0], exactTop(row(queries, 0), 10));
  index.deleteDocuments(["d5", "d1500"]);
  await index.commit();
  await index.merge({ maxSegments: 2, inProcess: true });
  await index.merge({ maxSegments: 1 });
  assert.equal(index.stats().segments, 1);
  assert.equal(index.vectorOf("d5", "emb"), null);
  assert.deepEqual(index.vectorOf("d2999", "emb"), Float32Array.from(docs[2999].emb));
  const keep = (i: number) => i !== 5 && i !== 1500;
  assert.ok(recallAt10(index, keep) >= 0.95);
  const dir = index.dir;
  await index.close();
  const reopened = await SearchIndex.open(dir);
  assert.ok(recallAt10(reopened, keep) >= 0.95);
  assert.deepEqual(reopened.searchVector({ field: "emb", vector: row(queries, 0), k: 10, exact: true }).hits.map((h) => h.id), exactTop(row(queries, 0), 10, keep));
  await reopened.close();
});

test("int8 and binary fields rescore with float vectors read from disk", async () => {
  for (const quantization of ["int8", "binary"] as const) {
    const index = await create(quantization);
    index.addDocuments(docs);
    await index.commit();
    const recall = recallAt10(index, undefined, { efSearch: 200 });
    assert.ok(recall >= 0.9, `${quantization} recall ${recall}`);
    const q = row(queries, 3);
    const hit = index.searchVector({ field: "emb", vector: q, k: 1 }).hits[0];
    const doc = docs.find((d) => d.id === hit.id)!;
    assert.ok(Math.abs(hit.score - cosine(q, doc.emb)) < 1e-4, `${quantization}: rescored score is the float cosine`);
    await index.close();
  }
});

test("documents without a vector, wrong dimensions and bad queries", async () => {
  const index = await create();
  index.addDocuments([{ id: "a", title: "no vector here" }, { id: "b", title: "has one", emb: row(corpus, 0) }]);
  await index.commit();
  assert.deepEqual(index.searchVector({ field: "emb", vector: row(corpus, 0), k: 5 }).hits.map((h) => h.id), ["b"]);
  assert.equal(index.vectorOf("a", "emb"), null);
  assert.equal(index.search("vector").hits[0].id, "a");
  assert.throws(() => index.addDocuments([{ id: "c", emb: [1, 2, 3] }]), (e: unknown) => e instanceof InvalidRecordError && /32 finite numbers/.test(e.message) && e.field === "emb");
  assert.throws(() => index.addDocuments([{ id: "z", emb: new Array(DIM).fill(0) }]), /all zeros/);
  assert.throws(() => index.searchVector({ field: "title", vector: row(corpus, 0) }), (e: unknown) => e instanceof InvalidArgumentError && /vector fields: emb/.test(e.message));
  assert.throws(() => index.searchVector({ field: "emb", vector: [1, 2] }), /has 2 numbers; the field has 32 dimensions/);
  assert.throws(() => index.searchVector({ field: "emb", vector: [...row(corpus, 0).slice(1), Number.NaN] }), /not a finite number at position 31/);
  await index.close();
});
