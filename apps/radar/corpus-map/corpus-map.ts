/**
 * A map of the corpus: every paper placed in 2D and given a cluster, each
 * cluster labelled by its top terms. Computed once per corpus version
 * (corpus-maps.ts keeps it on disk) and shared by the map page and the
 * onboarding picks.
 *
 * - Vectors: the papers' tf-idf + truncated SVD embedding, configured as the
 *   research areas' (semantic-ids/research-areas.ts: title, abstract and
 *   categories, up to 32 dimensions), from src/recommend/content.
 * - Clusters: seeded k-means on those vectors (src/recommend/semantic-ids/kmeans.ts),
 *   k about √(n/2), between 2 and 12, so ten onboarding picks can come from
 *   ten different clusters of a real corpus.
 * - 2D: UMAP of the embeddings (map-layout.ts; PCA for a handful of papers),
 *   scaled to [-1, 1]. docs/DECISIONS.md says why.
 * - Labels: the cluster's most distinctive terms (share of its papers × log
 *   of the share over the corpus share), shown as the words the papers use
 *   (feed/term-words.ts), plus the category most of its papers carry.
 * - Representatives: each cluster's papers nearest its centroid first (what
 *   onboarding offers to rate).
 *
 * Bounded: at most `maxPoints` papers (the newest) are placed.
 */
import { UnavailableError } from "../../../src/core/errors.js";
import { createItemEmbedder } from "../../../src/recommend/content/embedder-factory.js";
import type { TfidfSvdEmbedder } from "../../../src/recommend/content/tfidf-svd-embedder.js";
import { kmeans } from "../../../src/recommend/semantic-ids/kmeans.js";
import { wordsOfTerms } from "../feed/term-words.js";
import { layoutPlane } from "./map-layout.js";
import { PAPER_EMBEDDING_FIELDS, mostCommonCategory, paperContent, paperEmbeddingDims, type AreaPaper } from "../semantic-ids/research-areas.js";

export type MapPaper = AreaPaper;

export interface MapCluster {
  id: number;
  /** The top words joined by " · ", e.g. "retrieval · dense · passage". */
  label: string;
  terms: string[];
  /** The category most of the cluster's papers carry (absent when none has one). */
  category?: string;
  size: number;
  /** Where the cluster is on the map: the place of its most central paper. */
  x: number;
  y: number;
  /** Up to REPRESENTATIVES of its papers, nearest the centroid first. */
  representatives: string[];
}

export interface CorpusMap {
  /** The corpus version the map was computed from (corpus-maps.ts). */
  version: string;
  builtAt: string;
  /** Papers in the corpus; `ids.length` of them are placed (the newest, at most maxPoints). */
  corpusSize: number;
  ids: string[];
  /** Coordinates in [-1, 1], rounded to 4 decimals. */
  x: number[];
  y: number[];
  cluster: number[];
  clusters: MapCluster[];
}

export interface CorpusMapOptions {
  /** Clusters (default: about √(n/2), 2..12). */
  clusters?: number;
  /** Papers placed at most (default 10,000, the newest). */
  maxPoints: number;
  seed: number;
}

export const CORPUS_MAP_DEFAULTS: CorpusMapOptions = { maxPoints: 10_000, seed: 42 };
export const MAX_CLUSTERS = 12;
const REPRESENTATIVES = 100;
const LABEL_TERMS = 3;

/** The `maxPoints` newest papers (all when there are no more). */
export function newestPapers(all: readonly MapPaper[], maxPoints: number): readonly MapPaper[] {
  return all.length <= maxPoints ? all : [...all].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id)).slice(0, maxPoints);
}

/** Clusters for a corpus of `n` papers. */
export function clusterCount(n: number): number {
  return Math.min(n, Math.max(2, Math.min(MAX_CLUSTERS, Math.round(Math.sqrt(n / 2)))));
}

/** The map of `all` (`corpusSize`: the corpus's size when `all` is already a selection of it). */
export async function computeCorpusMap(all: readonly MapPaper[], version: string, options: Partial<CorpusMapOptions> = {}, corpusSize = all.length): Promise<CorpusMap> {
  const o = { ...CORPUS_MAP_DEFAULTS, ...options };
  if (all.length < 2) throw new UnavailableError(`the corpus map needs at least 2 papers and the corpus has ${all.length}: import papers first`);
  const papers = newestPapers(all, o.maxPoints);
  const n = papers.length;
  const items = papers.map(paperContent);
  const embedder = createItemEmbedder("tfidf-svd", { embeddingDims: paperEmbeddingDims(n), embeddingFields: PAPER_EMBEDDING_FIELDS, sidSeed: o.seed }) as TfidfSvdEmbedder;
  await embedder.fit(items);
  const vectors = await embedder.embed(items);
  const d = embedder.dimensions;
  const k = Math.min(n, o.clusters ?? clusterCount(n));
  const { centroids, assignments } = kmeans(vectors, n, d, k, { seed: o.seed });
  const [x, y] = layoutPlane(vectors, n, d, o.seed);

  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[assignments[i]].push(i);
  const termsOf = papers.map((_, i) => [...embedder.termsOf(items[i]).keys()]);
  const df = new Map<string, number>();
  for (const terms of termsOf) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);

  const clusters: MapCluster[] = [];
  members.forEach((rows, c) => {
    if (rows.length === 0) return; // k-means re-seeds empty clusters; a duplicate point can still leave one empty
    const distance = (i: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (vectors[i * d + j] - centroids[c * d + j]) ** 2;
      return s;
    };
    const nearest = rows.map((i) => ({ i, dist: distance(i) })).sort((a, b) => a.dist - b.dist || a.i - b.i);
    const terms = topTerms(rows, termsOf, df, n);
    const words = labelWords(terms, rows.map((i) => `${papers[i].title}\n${papers[i].abstract}`));
    const cluster: MapCluster = {
      id: c,
      label: words.join(" · "),
      terms: words,
      size: rows.length,
      x: round(x[nearest[0].i]),
      y: round(y[nearest[0].i]),
      representatives: nearest.slice(0, REPRESENTATIVES).map(({ i }) => papers[i].id),
    };
    const category = mostCommonCategory(rows.map((i) => papers[i].categories));
    if (category) cluster.category = category;
    clusters.push(cluster);
  });
  return {
    version,
    builtAt: new Date().toISOString(),
    corpusSize,
    ids: papers.map((p) => p.id),
    x: Array.from(x, round),
    y: Array.from(y, round),
    cluster: Array.from(assignments),
    clusters,
  };
}

/**
 * The cluster's most distinctive terms: share of its papers holding the term
 * times the log of how much more often than in the corpus (a term of every
 * paper, such as "method", scores nothing); words only (category tokens
 * name the category instead).
 */
function topTerms(rows: readonly number[], termsOf: readonly string[][], df: ReadonlyMap<string, number>, n: number): string[] {
  const inCluster = new Map<string, number>();
  for (const i of rows) for (const t of termsOf[i]) if (!t.includes(":")) inCluster.set(t, (inCluster.get(t) ?? 0) + 1);
  const minCount = rows.length >= 4 ? 2 : 1;
  return [...inCluster.entries()]
    .filter(([, count]) => count >= minCount)
    .map(([t, count]) => {
      const share = count / rows.length;
      return { t, score: share * Math.log(share / (df.get(t)! / n)) };
    })
    .sort((a, b) => b.score - a.score || a.t.localeCompare(b.t))
    .slice(0, LABEL_TERMS * 3)
    .map(({ t }) => t);
}

/** The first LABEL_TERMS terms shown as the words the cluster's texts use (a stem no text shows is left out). */
function labelWords(terms: readonly string[], texts: readonly string[]): string[] {
  const words = new Map<string, string>();
  for (const text of texts) {
    if (words.size === terms.length) break;
    for (const [term, word] of wordsOfTerms(text, terms.filter((t) => !words.has(t)))) words.set(term, word);
  }
  const out: string[] = [];
  for (const t of terms) {
    const word = words.get(t);
    if (word && !out.includes(word)) out.push(word);
    if (out.length === LABEL_TERMS) break;
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
