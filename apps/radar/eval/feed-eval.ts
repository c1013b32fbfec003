/**
 * Offline evaluation of the feed (`trove radar eval`), after the protocol of
 * issue 4: authors stand in for readers.
 *
 * - Cut: a day C (default: the day at the 75th percentile of paper dates).
 *   Papers before C are the past; papers from C to the horizon (the corpus's
 *   end) are the candidates, all of them (a reader could have seen any).
 * - Readers: authors with at least `minSaves` papers before C and at least
 *   one among the candidates, sampled (seeded) down to `limitReaders`. A
 *   reader's papers before C are their saves; their candidate papers are the
 *   relevant items.
 * - Validation split: the same with C' (default: the 55th percentile) as the
 *   cut and C as the horizon, so candidates and targets all lie before the
 *   test cut. Weights are tuned there, never on the test split.
 * - Leakage: a target is authored by the reader, so any author feature would
 *   find it trivially. No scorer sees authors: tf-idf is title + abstract
 *   only (arxiv-sanity-lite adds author names to its tf-idf text; our
 *   tfidf-svm baseline does not), topics are the categories of the reader's
 *   earlier papers, and the collaborative signal uses only interactions
 *   before C (authorship of earlier papers by the other author-readers), so
 *   nothing about a candidate's authors reaches any scorer.
 * - Metrics: NDCG@10 and Recall@50 with binary relevance over the full
 *   candidate ranking (src/recommend/eval/rank-metrics.ts, on the shared
 *   trec_eval-exact functions), averaged over readers.
 */
import { InterruptedError, InvalidArgumentError } from "../../../src/core/errors.js";
import { pairedBootstrap, type PairedDifference } from "../../../src/eval/paired-bootstrap.js";
import { AccuracyAccumulator } from "../../../src/recommend/eval/rank-metrics.js";
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import { SeededRandom } from "../../../src/core/random.js";
import { detectFormat, readRawPapers } from "../ingest/import.js";
import { ARXIV_CATEGORY, normalizePaper, type Paper } from "../papers.js";
import { collaborativeScores, fitCoSaves } from "../feed/collaborative.js";
import { fitReaderSvm, svmScores } from "../feed/linear-svm.js";
import { DEFAULT_MMR_LAMBDA, PREVIOUS_FEED_WEIGHTS, rankCandidates, referenceStats, resolveWeights, type FeedWeights, type RankerOptions } from "../feed/ranker.js";
import { contentScores, topicsFromSaves } from "../feed/scorers.js";
import { TfidfModel, dayNumber, dayString } from "../feed/tfidf.js";
import { areaCodesFor, type AreaCodes } from "../feed/area-codes.js";
import { ResearchAreas } from "../semantic-ids/research-areas.js";

export interface FeedEvalOptions {
  /** JSONL or CSV papers file (.gz accepted), or the name of where `papers` came from. */
  corpus: string;
  /** The papers themselves (then `corpus` is not read). */
  papers?: Paper[];
  /** "test" (default) or "validation". */
  split?: "test" | "validation";
  /** Test cut day (default: 75th percentile of dates). */
  cut?: string;
  /** Validation cut day (default: 55th percentile of dates). */
  validationCut?: string;
  /** Readers evaluated at most (default 400), sampled with `seed`. */
  limitReaders?: number;
  seed?: number;
  /**
   * Which readers: "all" (default: every author with at least `minSaves`
   * earlier papers) or "small-history" (3 to 10 earlier papers: a reader who
   * has just started saving, where the per-reader model has least to go on).
   */
  protocol?: ReaderProtocol;
  /** Earlier papers a reader needs under the "all" protocol (default 2). */
  minSaves?: number;
  /** Weights of the `trove` pipeline (default: the feed's). */
  weights?: Partial<FeedWeights>;
  /** MMR λ of the `trove` pipeline (default: the feed's). */
  mmrLambda?: number;
  /**
   * Add the tuning grid (TUNING_GRID): the `trove` pipeline with one weight
   * or λ changed at a time, named `tune:<what>=<value>`. Meant for the
   * validation split.
   */
  tune?: boolean;
  /** More pipelines to rank with (library use: variants under study). */
  extraMethods?: ReadonlyArray<{ name: string; description: string; options: RankerOptions }>;
  /** Called after each reader. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between readers; true stops the run with InterruptedError. */
  interrupted?: () => boolean;
}

export interface MethodResult {
  name: string;
  description: string;
  "ndcg@10": number;
  "recall@50": number;
  /**
   * Topical precision: the share of the top 10 of a week's feed that shares
   * an arXiv category with the reader's saves, averaged over the first
   * TOPICAL_WEEKS weeks from the cut (each ranked on its own, as the live feed
   * ranks one week) and over readers.
   */
  "topical@10": number;
  /**
   * On-topic precision, the figure that is not saturated on a corpus where
   * nearly every paper is cross-listed in one big category (cs.CL in ours,
   * so `topical@10` is close to 1 for any order): the share of the top 10
   * carrying one of the reader's distinctive categories, those of at least
   * half of the reader's saves that fewer than half of the week's candidates
   * carry (an IR reader's cs.IR, not the cs.CL every paper has). Averaged
   * over the weeks where the reader has such a category and over those
   * readers (`onTopicReaders` of them).
   */
  "on-topic@10": number;
  /**
   * Mean per-reader difference from the arxiv-sanity baseline (`tfidf-svm`)
   * with a 95% paired-bootstrap interval: an interval containing 0 means the
   * readers cannot tell the two apart. Absent on the baseline itself.
   */
  vsTfidfSvm?: MetricDifferences;
  /** The same against the feed's previous pipeline (`trove-previous`); on `trove` only. */
  vsPrevious?: MetricDifferences;
}

export const METRICS = ["ndcg@10", "recall@50", "topical@10", "on-topic@10"] as const;
export type Metric = (typeof METRICS)[number];
export type MetricDifferences = Record<Metric, PairedDifference>;

export type ReaderProtocol = "all" | "small-history";
export const READER_PROTOCOLS: readonly ReaderProtocol[] = ["all", "small-history"];
/** Earlier papers of a small-history reader: from 3 to 10. */
export const SMALL_HISTORY = { min: 3, max: 10 } as const;
/** Weeks from the cut over which topical precision is measured. */
export const TOPICAL_WEEKS = 4;

export interface FeedEvalResult {
  protocol: string;
  readerProtocol: ReaderProtocol;
  corpus: string;
  split: "test" | "validation";
  papers: number;
  cut: string;
  horizon: string;
  trainPapers: number;
  candidates: number;
  readers: number;
  eligibleReaders: number;
  meanSaves: number;
  meanTargets: number;
  /** Weeks (of at least 10 candidates) over which topical@10 was measured, with their candidates. */
  topicalWeeks: Array<{ since: string; until: string; candidates: number; commonCategories: string[] }>;
  /** Readers with a distinctive category in some week (those on-topic@10 averages over). */
  onTopicReaders: number;
  seed: number;
  weights: FeedWeights;
  mmrLambda: number;
  results: MethodResult[];
  timing: { loadSeconds: number; modelSeconds: number; coSaveSeconds: number; rankingSeconds: number; totalSeconds: number };
}

/** The arxiv-sanity baseline every method is compared with. */
export const BASELINE = "tfidf-svm";
/** The feed's pipeline before the small-history fix (docs/radar-feed.md), compared with `trove`. */
export const PREVIOUS = "trove-previous";

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export const PROTOCOL =
  "authors as readers: papers before the cut are their saves, their papers from the cut to the horizon are the relevant items; " +
  "candidates = every paper from the cut to the horizon; full ranking; no author features in any scorer (tf-idf of title+abstract, " +
  "topics from the reader's earlier categories, co-saves from authorship before the cut only); NDCG@10 and Recall@50, binary relevance, mean over readers; " +
  "topical@10 = share of the top 10 of each of the first weeks' feeds sharing an arXiv category with the reader's saves; " +
  "on-topic@10 = the same with only the reader's distinctive categories (of half their saves, held by under half of the week's candidates)";

interface Method {
  name: string;
  description: string;
  options: RankerOptions;
  random?: boolean;
}

/** One change at a time around the defaults (see `tune`). */
export const TUNING_GRID: ReadonlyArray<{ what: keyof FeedWeights | "mmrLambda"; values: number[] }> = [
  { what: "content", values: [0, 0.5, 2] },
  { what: "svm", values: [0, 0.5, 2] },
  { what: "collaborative", values: [0, 0.25, 1] },
  { what: "topic", values: [0, 0.25, 1] },
  { what: "recency", values: [0, 0.3] },
  { what: "area", values: [0.25, 0.5, 1] },
  { what: "mmrLambda", values: [0.5, 0.85, 1] },
];

function tuningMethods(weights: FeedWeights, mmrLambda: number): Method[] {
  const out: Method[] = [];
  for (const { what, values } of TUNING_GRID) {
    for (const value of values) {
      const options: RankerOptions = what === "mmrLambda" ? { weights, mmrLambda: value } : { weights: { ...weights, [what]: value }, mmrLambda };
      out.push({ name: `tune:${what}=${value}`, description: `trove with ${what} = ${value}`, options });
    }
  }
  return out;
}

function methods(weights: FeedWeights, mmrLambda: number): Method[] {
  const only = (w: Partial<FeedWeights>): Partial<FeedWeights> => ({ content: 0, svm: 0, collaborative: 0, topic: 0, recency: 0, area: 0, ...w });
  return [
    { name: "random", description: "random order (sanity floor)", options: {}, random: true },
    { name: "recency", description: "newest first", options: { weights: only({ recency: 1 }), mmrLambda: 1 } },
    { name: BASELINE, description: "per-reader linear SVM over tf-idf (arxiv-sanity-lite: C=0.01, balanced), no authors in the text", options: { weights: only({ svm: 1 }), mmrLambda: 1 } },
    { name: "content", description: "Trove's content scorer: cosine to saved papers (0.5 max + 0.5 mean)", options: { weights: only({ content: 1 }), mmrLambda: 1 } },
    { name: "area", description: "research areas only: the semantic-ID prefix shared with a saved paper (new papers placed by the fitted code books)", options: { weights: only({ area: 1, recency: 0.01 }), mmrLambda: 1 } },
    { name: "trove", description: `full pipeline: content + svm + co-saves + topics + recency${weights.area ? " + research areas" : ""}, MMR`, options: { weights, mmrLambda } },
    { name: PREVIOUS, description: "the full pipeline as it was before the small-history study (topic weight 0.5)", options: { weights: PREVIOUS_FEED_WEIGHTS, mmrLambda: DEFAULT_MMR_LAMBDA } },
    { name: "trove-no-mmr", description: "full pipeline without MMR", options: { weights, mmrLambda: 1 } },
    { name: "trove-no-svm", description: "full pipeline without the SVM", options: { weights: { ...weights, svm: 0 }, mmrLambda } },
    { name: "trove-no-cosaves", description: "full pipeline without co-saves", options: { weights: { ...weights, collaborative: 0 }, mmrLambda } },
    { name: "trove-no-topics", description: "full pipeline without topics", options: { weights: { ...weights, topic: 0 }, mmrLambda } },
    { name: "trove-no-area", description: "full pipeline without research areas", options: { weights: { ...weights, area: 0 }, mmrLambda } },
  ];
}

async function loadCorpus(file: string): Promise<Paper[]> {
  const format = detectFormat(file) ?? "jsonl";
  const papers: Paper[] = [];
  const seen = new Set<string>();
  for await (const { raw, line } of readRawPapers(file, format)) {
    const paper = normalizePaper(raw, { file, line });
    if (seen.has(paper.id)) continue;
    seen.add(paper.id);
    papers.push(paper);
  }
  return papers;
}

function quantileDay(sortedDays: Int32Array, q: number): number {
  return sortedDays[Math.min(sortedDays.length - 1, Math.floor(q * sortedDays.length))];
}

export async function runFeedEval(options: FeedEvalOptions): Promise<FeedEvalResult> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const split = options.split ?? "test";
  const all = options.papers ?? (await loadCorpus(options.corpus));
  const loadSeconds = (performance.now() - started) / 1000;
  const days = Int32Array.from(all, (p) => dayNumber(p.date)).sort();
  if (days.length === 0) throw new InvalidArgumentError(`${options.corpus}: no papers`);
  const testCut = options.cut !== undefined ? dayNumber(options.cut) : quantileDay(days, 0.75);
  const validationCut = options.validationCut !== undefined ? dayNumber(options.validationCut) : quantileDay(days, 0.55);
  const cut = split === "test" ? testCut : validationCut;
  const horizon = split === "test" ? days[days.length - 1] : testCut - 1;

  // the corpus as it stood at the horizon: training papers and candidates
  const modelStarted = performance.now();
  const visible = all.filter((p) => dayNumber(p.date) <= horizon);
  const model = TfidfModel.build(visible);
  const modelSeconds = (performance.now() - modelStarted) / 1000;
  const before: number[] = [];
  const after: number[] = [];
  for (let r = 0; r < model.size; r++) (model.days[r] < cut ? before : after).push(r);
  const candidates = Int32Array.from(after);
  const allRows = Int32Array.from({ length: model.size }, (_, r) => r);

  // readers: authors with earlier papers and later ones
  const byAuthor = new Map<string, { saves: number[]; targets: number[] }>();
  visible.forEach((paper, r) => {
    for (const author of paper.authors) {
      let entry = byAuthor.get(author);
      if (!entry) byAuthor.set(author, (entry = { saves: [], targets: [] }));
      (model.days[r] < cut ? entry.saves : entry.targets).push(r);
    }
  });
  const readerProtocol = options.protocol ?? "all";
  if (!READER_PROTOCOLS.includes(readerProtocol)) throw new InvalidArgumentError(`protocol must be ${READER_PROTOCOLS.join(" or ")}, got "${readerProtocol}"`);
  const minSaves = readerProtocol === "small-history" ? SMALL_HISTORY.min : (options.minSaves ?? 2);
  const maxSaves = readerProtocol === "small-history" ? SMALL_HISTORY.max : Infinity;
  const eligible = [...byAuthor.entries()]
    .filter(([, e]) => e.saves.length >= minSaves && e.saves.length <= maxSaves && e.targets.length >= 1)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const rng = new SeededRandom(seed);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
  }
  const readers = eligible.slice(0, options.limitReaders ?? 400);

  // co-saves: every author's earlier papers (authorship before the cut only)
  const coStarted = performance.now();
  const events: Array<{ reader: string; paperId: string }> = [];
  for (const [author, e] of byAuthor) if (e.saves.length >= 2) for (const r of e.saves) events.push({ reader: author, paperId: model.ids[r] });
  const knn: ItemKnn | undefined = await fitCoSaves(events);
  const coSaveSeconds = (performance.now() - coStarted) / 1000;

  const weights = resolveWeights(options.weights);
  const mmrLambda = options.mmrLambda ?? DEFAULT_MMR_LAMBDA;
  const list = [...methods(weights, mmrLambda), ...(options.extraMethods ?? []), ...(options.tune ? tuningMethods(weights, mmrLambda) : [])];
  const accumulators = list.map(() => new AccuracyAccumulator([10, 50], { keepPerUser: ["ndcg@10", "recall@50"] }));
  const needsReference = list.some((method) => method.options.standardize === "corpus");
  // research areas as the server has them: fitted on the papers before the cut, the later ones (the candidates)
  // placed by the fitted code books as they arrive, without a refit
  let areas: AreaCodes | undefined;
  if (list.some((method) => (method.options.weights?.area ?? 0) !== 0)) {
    // a model row is its paper in `visible`, which has every field the areas read
    const fitted = await ResearchAreas.fit(before.map((r) => visible[r]));
    await fitted.add(after.map((r) => visible[r]));
    areas = areaCodesFor(model, fitted);
  }
  const topical = list.map(() => [] as number[]);
  const onTopic = list.map(() => [] as number[]);
  /** The weeks topical precision is measured on, with the categories at least half of their candidates carry. */
  const weeks: Array<{ since: number; rows: Int32Array; common: Set<string> }> = [];
  for (let w = 0; w < TOPICAL_WEEKS; w++) {
    const since = cut + 7 * w;
    const rows = after.filter((r) => model.days[r] >= since && model.days[r] < since + 7);
    if (rows.length < 10) continue;
    const counts = new Map<string, number>();
    for (const r of rows) for (const c of model.categoriesOf(r)) counts.set(c, (counts.get(c) ?? 0) + 1);
    const common = new Set([...counts].filter(([, n]) => n * 2 >= rows.length).map(([c]) => c));
    weeks.push({ since, rows: Int32Array.from(rows), common });
  }
  let onTopicReaders = 0;
  const rankingStarted = performance.now();
  const untilDay = horizon;
  let savesSum = 0;
  let targetsSum = 0;
  const randomScores = new SeededRandom(seed + 1);
  // the weekly rankings draw from their own stream, so the full rankings' random order is what it always was
  const weekRandom = new SeededRandom(seed + 2);
  for (let i = 0; i < readers.length; i++) {
    if (options.interrupted?.()) throw new InterruptedError("evaluation interrupted; nothing was written");
    const [, { saves, targets }] = readers[i];
    const saved = [...saves].sort((a, b) => model.days[b] - model.days[a] || b - a);
    const targetSet = new Set(targets);
    savesSum += saved.length;
    targetsSum += targets.length;
    // liked topics: categories of at least half of their earlier papers
    const topics = topicsFromSaves(model, saved);
    const svm = fitReaderSvm(model, allRows, saved, model.vocabularySize);
    const reference = needsReference ? referenceStats(model, saved, { svm, coSaves: knn }) : undefined;
    const signals = (rows: Int32Array) => ({
      svm: svmScores(svm, model, rows),
      content: contentScores(model, rows, saved),
      collaborative: knn ? collaborativeScores(knn, model, rows, saved) : undefined,
    });
    const order = async (method: Method, rows: Int32Array, precomputed: ReturnType<typeof signals>, until: number, diversify: number, random: SeededRandom): Promise<number[]> => {
      if (method.random) {
        const keys = Float64Array.from(rows, () => random.next());
        return Array.from(rows, (_, k) => k).sort((a, b) => keys[a] - keys[b]).map((k) => rows[k]);
      }
      return (await rankCandidates({ model, candidates: rows, saved, topics, coSaves: knn, precomputed, svmModel: svm, reference, areas, untilDay: until, diversify }, method.options)).map((x) => x.row);
    };
    const full = signals(candidates);
    const weekSignals = weeks.map((week) => signals(week.rows));
    const savedCategories = new Set<string>();
    for (const r of saved) for (const c of model.categoriesOf(r)) if (ARXIV_CATEGORY.test(c)) savedCategories.add(c);
    const distinctive = weeks.map((week) => new Set(topics.map((t) => t.value).filter((c) => !week.common.has(c))));
    if (distinctive.some((d) => d.size > 0)) onTopicReaders++;
    for (const [m, method] of list.entries()) {
      const ranks: number[] = [];
      (await order(method, candidates, full, untilDay, 50, randomScores)).forEach((row, position) => {
        if (targetSet.has(row)) ranks.push(position + 1);
      });
      accumulators[m].add(ranks, targets.length);
      let share = 0;
      let onTopicShare = 0;
      let onTopicWeeks = 0;
      for (const [w, week] of weeks.entries()) {
        const top = (await order(method, week.rows, weekSignals[w], week.since + 6, 10, weekRandom)).slice(0, 10);
        share += top.filter((row) => model.categoriesOf(row).some((c) => savedCategories.has(c))).length / top.length;
        if (distinctive[w].size === 0) continue;
        onTopicShare += top.filter((row) => model.categoriesOf(row).some((c) => distinctive[w].has(c))).length / top.length;
        onTopicWeeks++;
      }
      topical[m].push(weeks.length ? share / weeks.length : 0);
      // NaN: the reader has no distinctive category (left out of on-topic@10, for every method alike)
      onTopic[m].push(onTopicWeeks ? onTopicShare / onTopicWeeks : Number.NaN);
    }
    options.onProgress?.(i + 1, readers.length);
  }
  const rankingSeconds = (performance.now() - rankingStarted) / 1000;
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    protocol: PROTOCOL,
    readerProtocol,
    corpus: options.corpus,
    split,
    papers: model.size,
    cut: dayString(cut),
    horizon: dayString(horizon),
    trainPapers: before.length,
    candidates: candidates.length,
    readers: readers.length,
    eligibleReaders: eligible.length,
    meanSaves: readers.length ? round(savesSum / readers.length) : 0,
    meanTargets: readers.length ? round(targetsSum / readers.length) : 0,
    topicalWeeks: weeks.map((w) => ({ since: dayString(w.since), until: dayString(w.since + 6), candidates: w.rows.length, commonCategories: [...w.common].sort() })),
    onTopicReaders,
    seed,
    weights,
    mmrLambda,
    results: list.map((method, m) => {
      const means = accumulators[m].means();
      const result: MethodResult = {
        name: method.name,
        description: method.description,
        "ndcg@10": round(means["ndcg@10"] ?? 0),
        "recall@50": round(means["recall@50"] ?? 0),
        "topical@10": round(mean(topical[m])),
        "on-topic@10": round(mean(onTopic[m].filter((x) => !Number.isNaN(x)))),
      };
      const perReader = (k: number, metric: Metric): readonly number[] =>
        metric === "topical@10" ? topical[k] : metric === "on-topic@10" ? onTopic[k].filter((x) => !Number.isNaN(x)) : accumulators[k].values(metric);
      const compare = (other: number): MetricDifferences => {
        const d = (metric: Metric): PairedDifference => {
          const x = pairedBootstrap(perReader(m, metric), perReader(other, metric), { seed });
          return { difference: round(x.difference), low: round(x.low), high: round(x.high), pairs: x.pairs };
        };
        return Object.fromEntries(METRICS.map((metric) => [metric, d(metric)])) as MetricDifferences;
      };
      const baseline = list.findIndex((x) => x.name === BASELINE);
      if (baseline >= 0 && baseline !== m) result.vsTfidfSvm = compare(baseline);
      const previous = list.findIndex((x) => x.name === PREVIOUS);
      if (method.name === "trove" && previous >= 0) result.vsPrevious = compare(previous);
      return result;
    }),
    timing: {
      loadSeconds: round(loadSeconds),
      modelSeconds: round(modelSeconds),
      coSaveSeconds: round(coSaveSeconds),
      rankingSeconds: round(rankingSeconds),
      totalSeconds: round((performance.now() - started) / 1000),
    },
  };
}

/** The result as a readable table. */
export function formatFeedEval(result: FeedEvalResult): string {
  const weeks = result.topicalWeeks.map((w) => `${w.since} (${w.candidates})`).join(", ");
  const lines = [
    `feed evaluation (${result.split} split, ${result.readerProtocol} readers) on ${result.corpus}`,
    `  ${result.papers} papers; cut ${result.cut}, horizon ${result.horizon}: ${result.trainPapers} earlier papers, ${result.candidates} candidates`,
    `  ${result.readers} readers (of ${result.eligibleReaders} eligible authors), ${result.meanSaves} saves and ${result.meanTargets} relevant papers each on average; seed ${result.seed}`,
    `  topical figures over the weeks from ${weeks || "(none with 10 candidates)"}; on-topic@10 over the ${result.onTopicReaders} readers with a distinctive category`,
    "",
    `  ${"method".padEnd(18)} ${METRICS.map((m) => m.padStart(m.length + 1)).join("")}   differences from tfidf-svm [95% CI], same order`,
  ];
  const delta = (d: PairedDifference | undefined): string =>
    d ? `${d.difference >= 0 ? "+" : ""}${d.difference.toFixed(4)} [${d.low.toFixed(4)}, ${d.high.toFixed(4)}]${d.low > 0 ? " *" : d.high < 0 ? " -" : ""}` : "";
  const deltas = (v: MetricDifferences | undefined): string => (v ? METRICS.map((m) => delta(v[m]).padEnd(29)).join(" ") : "");
  for (const r of result.results) {
    lines.push(`  ${r.name.padEnd(18)} ${METRICS.map((m) => r[m].toFixed(4).padStart(m.length + 1)).join("")}   ${deltas(r.vsTfidfSvm)}`);
  }
  const trove = result.results.find((r) => r.name === "trove");
  if (trove?.vsPrevious) lines.push("", `  trove vs ${PREVIOUS}${" ".repeat(Math.max(0, 4 + METRICS.join(" ").length - PREVIOUS.length - 8))}   ${deltas(trove.vsPrevious)}`);
  lines.push("", "  * the whole 95% interval is above 0 (better); - below 0 (worse); otherwise the readers cannot tell them apart");
  lines.push("", "  methods:", ...result.results.map((r) => `    ${r.name}: ${r.description}`));
  lines.push("", `  ${result.timing.totalSeconds.toFixed(1)} s (load ${result.timing.loadSeconds.toFixed(1)}, tf-idf ${result.timing.modelSeconds.toFixed(1)}, co-saves ${result.timing.coSaveSeconds.toFixed(1)}, ranking ${result.timing.rankingSeconds.toFixed(1)})`);
  return lines.join("\n") + "\n";
}
