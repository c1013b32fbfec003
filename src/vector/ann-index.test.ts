import { test } from "node:test";
import assert from "node:assert/strict";
import { SeededRandom } from "../core/random.js";
import { InvalidArgumentError, CorruptIndexError } from "../core/errors.js";
import { buildAnnIndex, buildAnnIndexSync } from "./ann-index-builder.js";
import { AnnIndexReader } from "./ann-index-reader.js";
import { ExactSearcher, exactSearch } from "./exact-search.js";
import { floatVectorsFromArray } from "./float-vector-source.js";
import { normalizeInPlace } from "./metric.js";
import { sectionsFromMap } from "./sections.js";
import { ClusteredVectors } from "./synthetic-vectors.js";
import type { AnnParams, AnnSections, SectionSource, VectorMetric } from "./types.js";

const D = 48;
const N = 3000;
const Q = 60;
const gen = new ClusteredVectors({ dimensions: D, clusters: 30, seed: 5 });
const data = gen.rows(0, N, 0);
const queries = gen.rows(0, Q, 1);
const source = floatVectorsFromArray(data, D);
const query = (q: number) => queries.subarray(q * D, (q + 1) * D);

function truthOf(metric: VectorMetric, k = 10, accept: Uint8Array | null = null, vectors = source): Int32Array[] {
  const exact = new ExactSearcher(vectors, metric);
  const out = Array.from({ length: Q }, (_, q) => exact.search(query(q), k, accept).ords);
  exact.close();
  return out;
}

function recall(reader: AnnIndexReader, truth: Int32Array[], options: Parameters<AnnIndexReader["search"]>[2] = {}): number {
  let hits = 0;
  let total = 0;
  for (let q = 0; q < Q; q++) {
    const got = new Set(reader.search(query(q), 10, options).ords);
    for (const o of truth[q]) if (got.has(o)) hits++;
    total += truth[q].length;
  }
  return hits / total;
}

/** Graphs from 1,000 vectors on, so that a few thousand test vectors get one. */
const GRAPH_FROM = 1000;

function open(params: AnnParams, vectors = data, count = N): AnnIndexReader {
  const built = buildAnnIndexSync(vectors, count, { flatThreshold: GRAPH_FROM, ...params });
  return AnnIndexReader.open(built.meta, sectionsFromMap(built.sections), floatVectorsFromArray(vectors.subarray(0, count * D), D));
}

const truths = new Map<VectorMetric, Int32Array[]>();
const truth = (metric: VectorMetric) => {
  if (!truths.has(metric)) truths.set(metric, truthOf(metric));
  return truths.get(metric)!;
};

for (const metric of ["cosine", "dot", "l2"] as const) {
  test(`graph search keeps recall@10 >= 0.95 against exact search (${metric})`, () => {
    const reader = open({ metric, dimensions: D, efConstruction: 64 });
    assert.equal(reader.meta.graph, "hnsw");
    const r = recall(reader, truth(metric), { efSearch: 64 });
    assert.ok(r >= 0.95, `recall ${r}`);
    // scores follow the metric's convention
    const res = reader.search(query(0), 5);
    const v = data.subarray(res.ords[0] * D, (res.ords[0] + 1) * D);
    const qv = Float32Array.from(query(0));
    const x = Float32Array.from(v);
    if (metric === "cosine") {
      normalizeInPlace(qv);
      normalizeInPlace(x);
    }
    let dot = 0;
    let l2 = 0;
    for (let i = 0; i < D; i++) {
      dot += qv[i] * x[i];
      l2 += (qv[i] - x[i]) ** 2;
    }
    const expected = metric === "l2" ? 1 / (1 + l2) : dot;
    assert.ok(Math.abs(res.scores[0] - expected) < 1e-4, `score ${res.scores[0]} vs ${expected}`);
    for (let i = 1; i < res.scores.length; i++) assert.ok(res.scores[i] <= res.scores[i - 1], "best first");
  });
}

test("filters are honoured during the graph search: only eligible ordinals, recall kept at 10% selectivity", () => {
  const reader = open({ metric: "cosine", dimensions: D, efConstruction: 64 });
  const rng = new SeededRandom(9);
  const accept = new Uint8Array(N);
  let eligible = 0;
  for (let i = 0; i < N; i++) eligible += accept[i] = rng.next() < 0.1 ? 1 : 0;
  const filteredTruth = truthOf("cosine", 10, accept);
  const filteredRecall = (expectExact: boolean) => {
    let hits = 0;
    for (let q = 0; q < Q; q++) {
      const res = reader.search(query(q), 10, { accept, acceptCount: eligible, efSearch: 64 });
      assert.equal(res.exact, expectExact);
      for (const o of res.ords) assert.equal(accept[o], 1, `ordinal ${o} is not eligible`);
      const got = new Set(res.ords);
      for (const o of filteredTruth[q]) if (got.has(o)) hits++;
    }
    return hits / (Q * 10);
  };
  // at 3,000 vectors a 10% filter is cheaper to scan; forced through the graph, recall holds
  assert.equal(filteredRecall(true), 1);
  reader.filterVisitRatio = Infinity;
  const graphRecall = filteredRecall(false);
  assert.ok(graphRecall >= 0.95, `filtered graph recall ${graphRecall}`);
  reader.filterVisitRatio = 0.8;
  // deletions of 10% are served by the graph
  const live = new Uint8Array(N).map((_, i) => (i % 10 === 0 ? 0 : 1));
  const res = reader.search(query(0), 10, { accept: live });
  assert.equal(res.exact, false);
  for (const o of res.ords) assert.notEqual(o % 10, 0);
  // a filter that leaves a handful of ordinals is scanned exactly
  const few = new Uint8Array(N);
  few[7] = few[70] = few[700] = 1;
  const small = reader.search(query(0), 10, { accept: few });
  assert.equal(small.exact, true);
  assert.deepEqual([...small.ords].sort((a, b) => a - b), [7, 70, 700]);
});

test("a flat index (below the threshold) returns exactly what exact search does", () => {
  const count = 500;
  const reader = open({ metric: "l2", dimensions: D }, data, count);
  assert.equal(buildAnnIndexSync(data, N, { metric: "l2", dimensions: D }).meta.graph, "flat", "default threshold 4096");
  assert.equal(reader.meta.graph, "flat");
  const sub = floatVectorsFromArray(data.subarray(0, count * D), D);
  for (let q = 0; q < 10; q++) {
    const res = reader.search(query(q), 10);
    const ex = exactSearch(sub, "l2", query(q), 10);
    assert.deepEqual([...res.ords], [...ex.ords]);
    assert.equal(res.exact, true);
  }
});

test("int8 and binary quantization with float rescoring stay close to float recall", () => {
  const float = recall(open({ metric: "cosine", dimensions: D, efConstruction: 64 }), truth("cosine"), { efSearch: 64 });
  const int8 = open({ metric: "cosine", dimensions: D, efConstruction: 64, quantization: "int8" });
  const int8Recall = recall(int8, truth("cosine"), { efSearch: 64 });
  assert.ok(int8Recall >= float - 0.01, `int8 ${int8Recall} vs float ${float}`);
  const binary = open({ metric: "cosine", dimensions: D, efConstruction: 64, quantization: "binary" });
  const binaryRecall = recall(binary, truth("cosine"), { efSearch: 64 });
  assert.ok(binaryRecall >= float - 0.05, `binary ${binaryRecall} vs float ${float}`);
  // without rescoring, int8 still ranks well; its scores are those of the dequantised vectors
  assert.ok(recall(int8, truth("cosine"), { efSearch: 64, rescore: 0 }) >= 0.85);
  // binary without rescoring: scores are unbiased estimates of the cosine (RaBitQ-style
  // corrections) whose error shrinks as 1/sqrt(d): 0.085 on average at 48 dimensions, 0.03 at 384
  const exact = new ExactSearcher(source, "cosine");
  let error = 0;
  let bias = 0;
  for (let q = 0; q < 10; q++) {
    const est = binary.search(query(q), N, { rescore: 0, exact: true });
    const all = exact.search(query(q), N);
    const trueScore = new Map(Array.from(all.ords, (o, i) => [o, all.scores[i]]));
    for (let i = 0; i < est.ords.length; i++) {
      error += Math.abs(est.scores[i] - trueScore.get(est.ords[i])!);
      bias += est.scores[i] - trueScore.get(est.ords[i])!;
    }
  }
  assert.ok(error / (10 * N) < 0.1, `mean binary estimate error ${error / (10 * N)}`);
  assert.ok(Math.abs(bias / (10 * N)) < 0.01, `mean binary estimate bias ${bias / (10 * N)}`);
  const l2 = open({ metric: "l2", dimensions: D, quantization: "int8" });
  assert.ok(recall(l2, truth("l2"), { efSearch: 64 }) >= 0.95);
  // serving memory: int8 codes (1 byte/dim) instead of floats (4 bytes/dim)
  assert.ok(int8.memoryBytes < open({ metric: "cosine", dimensions: D }).memoryBytes);
});

test("int8 distances equal the dot product of the dequantised vectors", () => {
  const built = buildAnnIndexSync(data, 100, { metric: "dot", dimensions: D, quantization: "int8" });
  const { lower, alpha } = built.meta.int8!;
  const codes = built.sections.get("int8.codes") as Uint8Array;
  const reader = AnnIndexReader.open(built.meta, sectionsFromMap(built.sections), floatVectorsFromArray(data.subarray(0, 100 * D), D));
  const q = query(3);
  const deq = (v: number) => lower + alpha * (v + 128);
  const qCodes = Float32Array.from(q, (x) => Math.min(255, Math.max(0, Math.round((x - lower) / alpha))) - 128);
  const res = reader.search(q, 100, { rescore: 0, exact: true });
  for (let i = 0; i < 5; i++) {
    const o = res.ords[i];
    let dot = 0;
    for (let j = 0; j < D; j++) dot += deq(qCodes[j]) * deq((codes[o * D + j] << 24) >> 24);
    assert.ok(Math.abs(res.scores[i] - dot) < 1e-4 * Math.max(1, Math.abs(dot)), `${res.scores[i]} vs ${dot}`);
  }
});

test("a merge seeded with an earlier graph drops deleted nodes and matches a fresh build's recall", async () => {
  const first = 2500;
  const old = buildAnnIndexSync(data, first, { metric: "cosine", dimensions: D, efConstruction: 64, flatThreshold: GRAPH_FROM });
  const oldReader = AnnIndexReader.open(old.meta, sectionsFromMap(old.sections), floatVectorsFromArray(data.subarray(0, first * D), D));
  // delete every 7th old vector; the survivors come first, then the remaining new vectors
  const ordMap = new Int32Array(first).fill(-1);
  const merged: number[] = [];
  for (let o = 0; o < first; o++) if (o % 7 !== 3) ordMap[o] = merged.push(o) - 1;
  for (let i = first; i < N; i++) merged.push(i);
  const mergedData = new Float32Array(merged.length * D);
  merged.forEach((src, i) => mergedData.set(data.subarray(src * D, (src + 1) * D), i * D));
  const params: AnnParams = { metric: "cosine", dimensions: D, efConstruction: 64, flatThreshold: GRAPH_FROM };
  let progress = 0;
  const seeded = await buildAnnIndex(mergedData, merged.length, params, { seed: { reader: oldReader, ordMap }, onProgress: (done) => (progress = done) });
  assert.equal(progress, merged.length);
  assert.equal(seeded.meta.build.seededNodes, first - Math.ceil((first - 3) / 7));
  assert.equal(seeded.meta.build.insertedNodes, N - first);
  assert.ok(seeded.meta.build.repairedLists > 0);
  const fresh = buildAnnIndexSync(mergedData, merged.length, params);
  const mergedSource = floatVectorsFromArray(mergedData, D);
  const mergedTruth = truthOf("cosine", 10, null, mergedSource);
  const seededRecall = recall(AnnIndexReader.open(seeded.meta, sectionsFromMap(seeded.sections), mergedSource), mergedTruth, { efSearch: 64 });
  const freshRecall = recall(AnnIndexReader.open(fresh.meta, sectionsFromMap(fresh.sections), mergedSource), mergedTruth, { efSearch: 64 });
  assert.ok(seededRecall >= freshRecall - 0.01, `seeded ${seededRecall} vs fresh ${freshRecall}`);
  // no dropped node survives: every link points inside the merged index
  const level0 = seeded.sections.get("hnsw.level0") as Int32Array;
  const m0 = seeded.meta.m0;
  for (let n = 0; n < merged.length; n++) {
    const len = level0[n * (m0 + 1)];
    for (let j = 1; j <= len; j++) assert.ok(level0[n * (m0 + 1) + j] < merged.length && level0[n * (m0 + 1) + j] >= 0);
  }
});

test("builds are deterministic for a seed", () => {
  const params: AnnParams = { metric: "dot", dimensions: D, efConstruction: 32, quantization: "int8", seed: 7, flatThreshold: GRAPH_FROM };
  const a = buildAnnIndexSync(data, N, params);
  const b = buildAnnIndexSync(data, N, params);
  assert.deepEqual({ ...a.meta, build: null }, { ...b.meta, build: null });
  for (const [name, section] of a.sections) assert.deepEqual(b.sections.get(name), section, name);
  const c = buildAnnIndexSync(data, N, { ...params, seed: 8 });
  assert.notDeepEqual(c.sections.get("hnsw.levels"), a.sections.get("hnsw.levels"));
});

/** Serialises sections into one buffer and serves them back through a SectionSource, as a segment file would. */
function throughBytes(sections: AnnSections): SectionSource {
  const index = new Map<string, [number, number]>();
  let size = 0;
  for (const [name, s] of sections) {
    index.set(name, [size, s.byteLength]);
    size += (s.byteLength + 7) & ~7;
  }
  const file = new Uint8Array(size);
  for (const [name, s] of sections) file.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), index.get(name)![0]);
  return {
    has: (name) => index.has(name),
    byteLength: (name) => index.get(name)![1],
    readInto: (name, target) => {
      const [at, len] = index.get(name)!;
      target.set(file.subarray(at, at + len));
    },
  };
}

test("meta and sections round-trip through JSON and a SectionSource", () => {
  for (const quantization of ["none", "int8", "binary"] as const) {
    const built = buildAnnIndexSync(data, N, { metric: "cosine", dimensions: D, efConstruction: 32, quantization, flatThreshold: GRAPH_FROM });
    const meta = JSON.parse(JSON.stringify(built.meta));
    const direct = AnnIndexReader.open(built.meta, sectionsFromMap(built.sections), source);
    const reopened = AnnIndexReader.open(meta, throughBytes(built.sections), source);
    for (let q = 0; q < 5; q++) {
      const a = direct.search(query(q), 10);
      const b = reopened.search(query(q), 10);
      assert.deepEqual([...b.ords], [...a.ords], quantization);
      assert.deepEqual([...b.scores], [...a.scores], quantization);
    }
  }
  const built = buildAnnIndexSync(data, N, { metric: "cosine", dimensions: D, efConstruction: 16, flatThreshold: GRAPH_FROM });
  const missing = new Map(built.sections);
  missing.delete("hnsw.level0");
  assert.throws(() => AnnIndexReader.open(built.meta, sectionsFromMap(missing), source), CorruptIndexError);
  assert.throws(() => AnnIndexReader.open(built.meta, sectionsFromMap(built.sections), floatVectorsFromArray(data.subarray(0, 10 * D), D)), CorruptIndexError);
});

test("bad parameters and queries give clear errors", async () => {
  const bad: Array<[Partial<AnnParams>, RegExp]> = [
    [{ metric: "manhattan" as VectorMetric }, /metric must be one of cosine, dot, l2/],
    [{ dimensions: 0 }, /dimensions must be an integer/],
    [{ m: 1 }, /parameter m must be an integer in \[2, 128\]/],
    [{ efConstruction: 2.5 }, /efConstruction/],
    [{ quantization: "int4" as "int8" }, /quantization must be one of none, int8, binary/],
  ];
  for (const [override, message] of bad) {
    assert.throws(() => buildAnnIndexSync(data, 10, { metric: "cosine", dimensions: D, ...override } as AnnParams), (e: Error) => e instanceof InvalidArgumentError && message.test(e.message));
  }
  assert.throws(() => buildAnnIndexSync(data, N + 1, { metric: "cosine", dimensions: D }), /3001 x 48/);
  const nan = data.slice(0, 10 * D);
  nan[3 * D + 5] = NaN;
  assert.throws(() => buildAnnIndexSync(nan, 10, { metric: "cosine", dimensions: D }), /vector 3 has a non-finite value \(NaN\) at dimension 5/);
  const reader = open({ metric: "cosine", dimensions: D }, data, 100);
  assert.throws(() => reader.search(new Float32Array(D + 1), 10), /Float32Array of 48 values, got 49/);
  assert.throws(() => reader.search(query(0), 0), /k must be an integer/);
  assert.throws(() => reader.search(query(0), 10, { accept: new Uint8Array(5) }), /at least 100 bytes/);
  reader.close();
  assert.throws(() => reader.search(query(0), 10), /closed/);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(buildAnnIndex(data, N, { metric: "cosine", dimensions: D }, { signal: controller.signal }), /interrupted/);
});
