/**
 * The corpus map's 2D layout, PCA against UMAP, on the bundled arXiv sample:
 * how many of each paper's 10 nearest neighbours in the embedding (tf-idf +
 * SVD, as the map uses) are among its 10 nearest on the map, and how many of
 * its 10 nearest on the map share its primary category; with the time each
 * layout took (the machine's load shown: compare within a run only).
 *
 *   npm run build && node dist/bench/radar/map-layout.js [--papers N]
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createItemEmbedder } from "../../src/recommend/content/embedder-factory.js";
import { readRawPapers } from "../../apps/radar/ingest/import.js";
import { normalizePaper, type Paper } from "../../apps/radar/papers.js";
import { pcaPlane, umapPlane } from "../../apps/radar/corpus-map/map-layout.js";
import { PAPER_EMBEDDING_FIELDS, paperContent, paperEmbeddingDims } from "../../apps/radar/semantic-ids/research-areas.js";
import { bundledSampleFile } from "../../apps/radar/test-support/sample-server.js";
import { pairedBootstrap } from "../../src/eval/paired-bootstrap.js";

const K = 10;

function nearest(n: number, distance: (i: number, j: number) => number, i: number): number[] {
  const order: Array<[number, number]> = [];
  for (let j = 0; j < n; j++) if (j !== i) order.push([distance(i, j), j]);
  order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return order.slice(0, K).map(([, j]) => j);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--papers");
  const limit = i >= 0 ? Number(process.argv[i + 1]) : Infinity;
  const papers: Paper[] = [];
  const file = bundledSampleFile();
  for await (const { raw, line } of readRawPapers(file, "jsonl")) {
    if (papers.length >= limit) break;
    papers.push(normalizePaper(raw, { file, line }));
  }
  const n = papers.length;
  const items = papers.map((p) => paperContent({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories, date: p.date }));
  const embedder = createItemEmbedder("tfidf-svd", { embeddingDims: paperEmbeddingDims(n), embeddingFields: PAPER_EMBEDDING_FIELDS, sidSeed: 42 });
  await embedder.fit(items);
  const v = await embedder.embed(items);
  const d = embedder.dimensions;
  const embeddingDistance = (a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (v[a * d + j] - v[b * d + j]) ** 2;
    return s;
  };
  const truth = Array.from({ length: n }, (_, a) => new Set(nearest(n, embeddingDistance, a)));
  const rows: string[] = [];
  const perPaper: Array<{ kept: Float64Array; same: Float64Array }> = [];
  for (const [name, layout] of [
    ["PCA", () => pcaPlane(v, n, d)],
    ["UMAP (umap-js)", () => umapPlane(v, n, d, 42)],
  ] as const) {
    const start = performance.now();
    const [x, y] = layout();
    const seconds = (performance.now() - start) / 1000;
    const mapDistance = (a: number, b: number) => (x[a] - x[b]) ** 2 + (y[a] - y[b]) ** 2;
    const kept = new Float64Array(n);
    const same = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      for (const b of nearest(n, mapDistance, a)) {
        if (truth[a].has(b)) kept[a] += 1 / K;
        if (papers[b].categories[0] === papers[a].categories[0]) same[a] += 1 / K;
      }
    }
    perPaper.push({ kept, same });
    const mean = (values: Float64Array) => values.reduce((s, x) => s + x, 0) / n;
    rows.push(`| ${name} | ${mean(kept).toFixed(3)} | ${mean(same).toFixed(3)} | ${seconds.toFixed(1)} |`);
  }
  console.log(`${n} papers, ${d}-dimensional tf-idf + SVD embedding; load average ${loadavg()[0].toFixed(1)}\n`);
  console.log(`| layout | embedding's ${K} nearest kept on the map | map's ${K} nearest sharing the primary category | seconds |`);
  console.log("|---|---|---|---|");
  for (const row of rows) console.log(row);
  const [pca, umap] = perPaper;
  const interval = (a: Float64Array, b: Float64Array) => {
    const r = pairedBootstrap(a, b);
    return `${r.difference.toFixed(3)} [${r.low.toFixed(3)}, ${r.high.toFixed(3)}]`;
  };
  console.log(`\nUMAP − PCA per paper, mean and 95% paired-bootstrap interval: neighbours kept ${interval(umap.kept, pca.kept)}; same category ${interval(umap.same, pca.same)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
