/**
 * The benchmark corpora: BEIR SciFact (with its test queries and judgements)
 * and a scaled corpus grown deterministically from arXiv cs.CL/cs.IR papers.
 *
 * The orchestrator writes each corpus once as JSONL ({id,title,text} per
 * line) into the work directory; every engine's child process, Node or
 * Python, then streams the same file, so all engines index identical input.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { gunzipSync } from "node:zlib";
import type { BenchDoc, BenchQuery } from "./engine.js";

/** Relevance judgements: query id -> document id -> graded gain. */
export type Qrels = Map<string, Map<string, number>>;

export interface PreparedCorpus {
  name: string;
  docsPath: string;
  queriesPath: string;
  docCount: number;
  queryCount: number;
  /** Only for corpora with judgements. */
  qrels?: Qrels;
  description: string;
}

/** Bump when the generator changes so cached corpus files are rebuilt. */
const GENERATOR_VERSION = 1;

function readLines(path: string): string[] {
  const raw = path.endsWith(".gz") ? gunzipSync(readFileSync(path)).toString("utf8") : readFileSync(path, "utf8");
  return raw.split("\n").filter((line) => line.trim() !== "");
}

/** A seeded PRNG (mulberry32): uniform floats in [0, 1), the same sequence for the same seed. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)];
}

/** Writes documents as JSONL through a temp file renamed at the end, so a cached file is always complete. */
function writeJsonl(path: string, docs: Iterable<BenchDoc>): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  let n = 0;
  let chunk: string[] = [];
  let chunkChars = 0;
  for (const doc of docs) {
    const line = JSON.stringify({ id: doc.id, title: doc.title, text: doc.text });
    chunk.push(line);
    chunkChars += line.length + 1;
    n++;
    if (chunkChars > 8 << 20) {
      writeSync(fd, chunk.join("\n") + "\n");
      chunk = [];
      chunkChars = 0;
    }
  }
  if (chunk.length) writeSync(fd, chunk.join("\n") + "\n");
  closeSync(fd);
  renameSync(tmp, path);
  return n;
}

function writeQueries(path: string, queries: BenchQuery[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(queries));
}

// ---------------------------------------------------------------- SciFact

export interface Scifact {
  docs: BenchDoc[];
  queries: BenchQuery[];
  qrels: Qrels;
}

/** Loads BEIR SciFact: the corpus, and the test queries that have judgements (300), in qrels order. */
export function loadScifact(dir: string): Scifact {
  const docs = readLines(join(dir, "corpus.jsonl.gz")).map((line) => {
    const r = JSON.parse(line) as { _id: string; title?: string; text?: string };
    return { id: String(r._id), title: r.title ?? "", text: r.text ?? "" };
  });
  const qrels: Qrels = new Map();
  const [header, ...rows] = readLines(join(dir, "qrels", "test.tsv"));
  if (!header.startsWith("query-id")) throw new Error(`${dir}/qrels/test.tsv: expected a header line "query-id corpus-id score", got "${header}"`);
  for (const row of rows) {
    const [qid, docid, score] = row.split("\t");
    let judged = qrels.get(qid);
    if (!judged) qrels.set(qid, (judged = new Map()));
    judged.set(docid, Number(score));
  }
  const text = new Map<string, string>();
  for (const line of readLines(join(dir, "queries.jsonl"))) {
    const r = JSON.parse(line) as { _id: string; text: string };
    text.set(String(r._id), r.text);
  }
  const queries = [...qrels.keys()].map((id) => {
    const t = text.get(id);
    if (t === undefined) throw new Error(`${dir}/queries.jsonl: no query text for judged query ${id}`);
    return { id, text: t };
  });
  return { docs, queries, qrels };
}

export function prepareScifact(datasetDir: string, workDir: string): PreparedCorpus {
  const { docs, queries, qrels } = loadScifact(datasetDir);
  const base = join(workDir, "corpora", "scifact");
  const docsPath = join(base, "docs.jsonl");
  const queriesPath = join(base, "queries.json");
  writeJsonl(docsPath, docs);
  writeQueries(queriesPath, queries);
  return {
    name: "scifact",
    docsPath,
    queriesPath,
    docCount: docs.length,
    queryCount: queries.length,
    qrels,
    description: `BEIR SciFact: ${docs.length.toLocaleString("en-US")} abstracts (title + text), ${queries.length} test queries with judgements`,
  };
}

// ---------------------------------------------------------------- scaled arXiv corpus

interface Paper {
  id: string;
  title: string;
  abstract: string;
}

function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export function loadPapers(path: string): Paper[] {
  return readLines(path).map((line) => {
    const r = JSON.parse(line) as { id: string; title: string; abstract: string };
    return { id: String(r.id), title: squash(r.title), abstract: squash(r.abstract) };
  });
}

function sentences(text: string): string[] {
  const parts = text.split(/(?<=[.!?])\s+(?=[A-Z0-9([$])/);
  return parts.length ? parts : [text];
}

/** Share of a replica's sentences replaced by a random sentence from another paper. */
const SENTENCE_SWAP = 0.4;
/** Chance that a replica's title gets one word replaced by a word from another title. */
const TITLE_SWAP = 0.7;

/**
 * Yields `n` documents: first every paper as published, then rounds of
 * perturbed replicas (`<id>#<round>`) until `n` is reached. A replica keeps
 * its paper's sentence count (so document lengths stay realistic), replaces
 * about 40% of its sentences with random sentences of other papers and
 * shuffles them, and usually swaps one title word for a word of another
 * title. Term statistics therefore follow the real vocabulary while posting
 * lists grow with n. The sequence depends only on the papers, `n` and `seed`,
 * and a shorter corpus is a prefix of a longer one.
 */
export function* scaledDocs(papers: readonly Paper[], n: number, seed: number): Generator<BenchDoc> {
  const rng = createRng(seed);
  const perPaper = papers.map((p) => sentences(p.abstract));
  const pool = perPaper.flat();
  const titleWords = papers.map((p) => p.title.split(" "));
  for (let i = 0; i < n; i++) {
    const base = i % papers.length;
    const round = Math.floor(i / papers.length);
    const paper = papers[base];
    if (round === 0) {
      yield { id: paper.id, title: paper.title, text: paper.abstract };
      continue;
    }
    const parts = perPaper[base].map((s) => (rng() < SENTENCE_SWAP ? pick(pool, rng) : s));
    for (let j = parts.length - 1; j > 0; j--) {
      const r = Math.floor(rng() * (j + 1));
      [parts[j], parts[r]] = [parts[r], parts[j]];
    }
    const words = titleWords[base].slice();
    if (words.length > 1 && rng() < TITLE_SWAP) words[Math.floor(rng() * words.length)] = pick(pick(titleWords, rng), rng);
    yield { id: `${paper.id}#${round}`, title: words.join(" "), text: parts.join(" ") };
  }
}

/** `count` distinct papers' titles, drawn with a seeded partial shuffle; query id = paper id. */
export function titleQueries(papers: readonly Paper[], count: number, seed: number): BenchQuery[] {
  const rng = createRng(seed ^ 0x5bd1e995);
  const order = papers.map((_, i) => i);
  const m = Math.min(count, order.length);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, m).map((i) => ({ id: papers[i].id, text: papers[i].title }));
}

export function prepareScaled(papersPath: string, workDir: string, n: number, queryCount: number, seed: number): PreparedCorpus {
  const base = join(workDir, "corpora", `arxiv-${n}-s${seed}-v${GENERATOR_VERSION}`);
  const docsPath = join(base, "docs.jsonl");
  const queriesPath = join(base, `queries-${queryCount}.json`);
  const papers = loadPapers(papersPath);
  if (!existsSync(docsPath)) writeJsonl(docsPath, scaledDocs(papers, n, seed));
  writeQueries(queriesPath, titleQueries(papers, queryCount, seed));
  return {
    name: `arxiv-${formatCount(n)}`,
    docsPath,
    queriesPath,
    docCount: n,
    queryCount: Math.min(queryCount, papers.length),
    description:
      `${n.toLocaleString("en-US")} documents grown from ${papers.length.toLocaleString("en-US")} arXiv cs.CL/cs.IR papers ` +
      `(title + abstract; replicas with ${SENTENCE_SWAP * 100}% of sentences swapped between papers and shuffled, seed ${seed}); ` +
      `${Math.min(queryCount, papers.length)} queries = titles of sampled papers`,
  };
}

export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

// ---------------------------------------------------------------- reading in the child

/** Streams a JSONL corpus in batches; `onRead` receives the time spent reading and parsing each batch. */
export async function* readBatches(path: string, batchSize: number, onRead: (ms: number) => void): AsyncGenerator<BenchDoc[]> {
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  while (true) {
    const started = performance.now();
    const batch: BenchDoc[] = [];
    let done = false;
    while (batch.length < batchSize) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      if (next.value) batch.push(JSON.parse(next.value) as BenchDoc);
    }
    onRead(performance.now() - started);
    if (batch.length) yield batch;
    if (done) return;
  }
}

export function readQueries(path: string): BenchQuery[] {
  return JSON.parse(readFileSync(path, "utf8")) as BenchQuery[];
}
