/**
 * A pipeline (a preset or a JSON file) evaluated on a BEIR dataset with the
 * same protocol as BM25 (runBeirBm25): every query of the split, `hits`
 * results, the query's own id removed from its hits, scores rounded as a run
 * file holds them, trec_eval's measures with -c. Vector fields the pipeline
 * reads are filled by their encoder: the retriever's, else `encoder`, else
 * Trove's own encoder trained on this corpus and its TRAIN judgments (never
 * the evaluated split) on first use and reused after. Stages that learn (a
 * learned ranker's `train` block) get the dataset's judgments, never the
 * evaluated split's, and train before the first query.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import { Progress } from "../core/progress.js";
import { InterruptSignal } from "../core/interrupt.js";
import type { StoredRecord } from "../core/schema.js";
import type { Encoder, EncoderSpec } from "../encoders/encoder.js";
import type { EncoderTrainingOverrides } from "../encoders/trained/train-encoder.js";
import { openEncoder } from "../encoders/open-encoder.js";
import { openBeirDataset, readBeirCorpus, readBeirQueries, readBeirSplitQrels, type BeirDataset } from "../eval/beir.js";
import type { Qrels } from "../eval/qrels.js";
import type { Bm25Params } from "../lexical/bm25.js";
import { beirJudgments } from "../pipeline/judgments.js";
import { checkTrainingSplit, reservedQueries } from "../eval/held-out-splits.js";
import { openSparseEncoder, parseSparseEncoderSpec, type SparseEncoder, type SparseEncoderSpec } from "../sparse/sparse-encoder.js";
import { evaluateRun } from "../eval/metrics.js";
import { roundRunScores, writeRun, type Run } from "../eval/run.js";
import { defaultRegistry } from "../pipeline/default-registry.js";
import { Pipeline } from "../pipeline/pipeline.js";
import type { PipelineContext } from "../pipeline/pipeline-context.js";
import type { PipelineRegistry } from "../pipeline/pipeline-registry.js";
import { indexTarget } from "../pipeline/pipeline-target.js";
import type { PipelineConfig } from "../pipeline/pipeline-config.js";
import { isPresetName, loadPipelineConfig } from "../pipeline/presets.js";
import { BEIR_MEASURES, type BeirBm25Options, type BeirBm25Result } from "./beir-bm25.js";
import { beirRecord, openBeirIndex, type BeirFieldMode, type BeirIndex } from "./beir-index.js";

/** The vector field BEIR presets search. */
export const BEIR_VECTOR_FIELD = "embedding";

export interface BeirPipelineOptions extends BeirBm25Options {
  /** A preset name (bm25, dense, hybrid-rrf, hybrid-convex) or a pipeline JSON file. */
  pipeline: string;
  /** The encoder for vector fields whose retriever names none (default: Trove's own, trained on the corpus). */
  encoder?: EncoderSpec;
  /** Kinds beyond the built-in ones (later stages register here). */
  registry?: PipelineRegistry;
  /** Where Trove's own encoder is cached, and its training settings (defaults: TROVE_CACHE_DIR or .trove/cache; the trained encoder's defaults). */
  trainedEncoder?: { cacheDir?: string; config?: EncoderTrainingOverrides };
  /** Where models that stages train on first use are cached (default: TROVE_CACHE_DIR or .trove/cache). */
  modelCacheDir?: string;
  /**
   * Evaluate only the split's reserved queries (src/eval/held-out-splits.ts):
   * learned rankers never fit on them and Trove's own encoder holds them out,
   * so pipelines and settings can be chosen on the TRAIN split without
   * looking at test judgments.
   */
  reserved?: boolean;
}

export interface BeirPipelineResult extends Omit<BeirBm25Result, "timings"> {
  /** As BM25's, plus the seconds stages spent getting ready (training a learned ranker on first use). */
  timings: BeirBm25Result["timings"] & { prepareSeconds: number };
  pipeline: Record<string, unknown>;
  /** Per vector field: the encoder that embedded it, and whether Trove trained it for this run. */
  encoders: Array<{ field: string; encoder: string; trainedNow: boolean; path?: string }>;
  /** Per-query measures (for paired comparisons). */
  perQuery: Record<string, Record<string, number>>;
}

export interface OpenedBeirPipeline {
  pipeline: Pipeline;
  ctx: PipelineContext;
  dataset: BeirDataset;
  split: string;
  mode: BeirFieldMode;
  analyzer: string;
  bm25: Bm25Params;
  hits: number;
  /** The split's judged queries, in file order. */
  queries: Array<[string, string]>;
  qrels: Qrels;
  index: BeirIndex;
  encoders: BeirPipelineResult["encoders"];
  /** Closes the encoders and the index. */
  close(): Promise<void>;
}

/**
 * The pipeline compiled for a BEIR dataset and the context it runs in: the
 * cached index with the fields the pipeline reads (vector fields embedded by
 * their encoders), the corpus as records, the dataset's judgments for stages
 * that learn (never the evaluated split), and where their models are cached.
 */
export async function openBeirPipeline(options: BeirPipelineOptions, purpose: "evaluate" | "learn" = "evaluate"): Promise<OpenedBeirPipeline> {
  const dataset = openBeirDataset(options.dataset);
  const split = options.split ?? "test";
  const mode = options.fields ?? "flat";
  const analyzer = options.analyzer ?? "english";
  const bm25 = options.bm25 ?? { k1: 0.9, b: 0.4 };
  const hits = options.hits ?? 1000;
  const cacheDir = options.cacheDir ?? join(".trove", "cache", "beir");
  const registry = options.registry ?? defaultRegistry;
  const splitQrels = await readBeirSplitQrels(dataset.dir, split);
  const reserved = options.reserved ? reservedQueries(splitQrels.keys()) : null;
  if (reserved) checkTrainingSplit(split, `${dataset.dir} (--reserved chooses on a training split's reserved queries)`);
  const qrels: Qrels = reserved ? new Map([...splitQrels].filter(([id]) => reserved.has(id))) : splitQrels;
  const allQueries = await readBeirQueries(dataset.queriesPath);
  const queries = [...allQueries].filter(([id]) => qrels.has(id));
  if (queries.length === 0) throw new InvalidArgumentError(`no query of ${dataset.queriesPath} has judgments in split "${split}"`);

  // the pipeline, resolved against the fields a BEIR index has
  const { config, where } = loadPipelineConfig(options.pipeline, null, {
    depth: hits,
    syntax: "plain",
    vectorField: BEIR_VECTOR_FIELD,
    k: hits,
  });
  const pipeline = Pipeline.compile(config, registry, where);

  // encoders for the vector fields it reads
  const encoders = new Map<string, { encoder: Encoder; spec: EncoderSpec; trainedNow: boolean }>();
  const report: BeirPipelineResult["encoders"] = [];
  const needs = pipeline.needs();
  const fields = new Map(needs.vectors.map((v) => [v.field, v.encoder]));
  if (purpose === "evaluate" && split === "train" && !reserved && !options.encoder && [...fields.values()].some((spec) => !spec)) {
    throw new InvalidArgumentError(`evaluating split "train" with Trove's own encoder, which learns from the train judgments, would measure memorization; pass --encoder, --reserved, or evaluate another --split`);
  }
  const sparse: Array<{ field: string; encoder: SparseEncoder }> = [];
  try {
    for (const [field, named] of fields) {
      let spec = named ?? options.encoder;
      let trainedNow = false;
      if (!spec) {
        const { ensureTrainedEncoder } = await import("../encoders/trained/ensure-trained-encoder.js");
        const trained = await ensureTrainedEncoder({ type: "beir", dir: dataset.dir, split: "train" }, { cacheDir: options.trainedEncoder?.cacheDir, config: options.trainedEncoder?.config });
        spec = { type: "trove", path: trained.path };
        trainedNow = trained.trained;
        if (reserved && split === "train") checkEncoderHeldOut(trained.path, reserved);
      }
      const encoder = await openEncoder(spec);
      encoders.set(field, { encoder, spec, trainedNow });
      report.push({ field, encoder: encoder.id, trainedNow, path: "path" in spec ? spec.path : undefined });
    }
    // sparse vector fields the pipeline searches, filled by their retriever's document encoder
    for (const [field, spec] of sparseFieldsOf(pipeline.config)) {
      const encoder = await openSparseEncoder(spec);
      sparse.push({ field, encoder });
      report.push({ field, encoder: encoder.id, trainedNow: false, path: spec.path });
    }
  } catch (error) {
    for (const e of encoders.values()) await e.encoder.close();
    for (const e of sparse) await e.encoder.close();
    throw error;
  }

  // a flat index also holds title and text when the pipeline reads them by name
  const sourceFields = mode === "flat" && needs.text.some((f) => f === "title" || f === "text");
  const opened = await openBeirIndex(dataset, {
    mode,
    analyzer,
    bm25,
    cacheDir,
    rebuild: options.rebuild,
    vectors: [...encoders].map(([field, e]) => ({ field, encoder: e.encoder })),
    sourceFields,
    sparse,
  });
  const { index } = opened;
  let corpus: Map<string, StoredRecord> | null = null;
  const ctx: PipelineContext = {
    target: indexTarget(index, async (ids) => {
      corpus ??= await loadCorpus(dataset.corpusPath, mode);
      return ids.map((id) => corpus!.get(id));
    }),
    encoder: async (field, spec) => {
      const e = encoders.get(field);
      if (!e) throw new InvalidArgumentError(`no encoder for vector field "${field}" (fields with vectors: ${[...encoders.keys()].join(", ") || "none"})`);
      if (spec && JSON.stringify(spec) !== JSON.stringify(e.spec)) throw new InvalidArgumentError(`vector field "${field}" was embedded with ${e.encoder.id}; a retriever cannot query it with another encoder`);
      return e.encoder;
    },
    // stages that learn read the dataset's judgments, never those of the split evaluated here
    // (on --reserved, the split's reserved queries are what the judgments leave out)
    judgments: beirJudgments(dataset.dir, purpose === "evaluate" && !reserved ? split : undefined),
    // the index folder's name is a digest of the corpus file, the field mode, the analyzer and each vector field's encoder
    fingerprint: JSON.stringify([basename(opened.path), bm25]),
    cacheDir: options.modelCacheDir,
  };
  return {
    pipeline,
    ctx,
    dataset,
    split,
    mode,
    analyzer,
    bm25,
    hits,
    queries,
    qrels,
    index: opened,
    encoders: report,
    async close() {
      for (const e of encoders.values()) await e.encoder.close();
      for (const e of sparse) await e.encoder.close();
      await index.close();
    },
  };
}

export async function runBeirPipeline(options: BeirPipelineOptions): Promise<BeirPipelineResult> {
  const opened = await openBeirPipeline(options);
  const { pipeline, ctx, dataset, split, mode, analyzer, bm25, hits, queries, qrels } = opened;
  const { index } = opened.index;
  const run: Run = new Map();
  const removeQuery = options.removeQuery ?? true;
  const interrupt = new InterruptSignal();
  let prepareSeconds = 0;
  let searchSeconds = 0;
  try {
    // stages that train on first use (a learned ranker) do it here, outside the per-query timing
    const prepareStarted = performance.now();
    await pipeline.prepare(ctx);
    prepareSeconds = (performance.now() - prepareStarted) / 1000;
    const progress = new Progress("searching", queries.length);
    const searchStarted = performance.now();
    for (let i = 0; i < queries.length; i++) {
      const [qid, text] = queries[i];
      const result = await pipeline.run({ query: text, k: hits, exclude: removeQuery ? [qid] : undefined, signal: interrupt.signal }, ctx);
      run.set(qid, result.hits.map((h) => ({ docId: h.id, score: h.score })));
      progress.update(i + 1);
      interrupt.check("evaluation");
    }
    searchSeconds = (performance.now() - searchStarted) / 1000;
    progress.done();
  } catch (error) {
    await opened.close();
    throw error;
  } finally {
    interrupt.dispose();
  }
  const rounded = roundRunScores(run);
  if (options.runPath) writeRun(options.runPath, rounded, `trove-${pipeline.name}`);
  const evalStarted = performance.now();
  const evaluation = evaluateRun(rounded, qrels, { measures: options.measures ?? BEIR_MEASURES, complete: true });
  const evalSeconds = (performance.now() - evalStarted) / 1000;
  const documents = index.documentCount;
  await opened.close();
  return {
    dataset: dataset.dir,
    split,
    fields: mode,
    bm25,
    analyzer,
    queries: queries.length,
    documents,
    indexReused: opened.index.reused,
    indexPath: opened.index.path,
    evaluation,
    timings: { indexSeconds: opened.index.seconds, prepareSeconds, searchSeconds, queriesPerSecond: queries.length / searchSeconds, evalSeconds },
    pipeline: { preset: isPresetName(options.pipeline) ? options.pipeline : undefined, file: isPresetName(options.pipeline) ? undefined : options.pipeline, ...pipeline.describe() },
    encoders: opened.encoders,
    perQuery: Object.fromEntries(evaluation.perQuery),
  };
}

/** Refuses a trained encoder that learned from any of the reserved queries (it was trained with other validation settings). */
function checkEncoderHeldOut(modelPath: string, reserved: ReadonlySet<string>): void {
  const config = JSON.parse(readFileSync(join(modelPath, "config.json"), "utf8")) as { training?: { report?: { validationQueryIds?: string[] } } };
  const held = new Set(config.training?.report?.validationQueryIds ?? []);
  const seen = [...reserved].filter((id) => !held.has(id));
  if (seen.length > 0) {
    throw new InvalidArgumentError(`the encoder ${modelPath} learned from ${seen.length} of the ${reserved.size} reserved train queries (e.g. ${seen[0]}); --reserved needs it trained with the default validation settings`);
  }
}

/** Sparse vector fields a pipeline's sparse retrievers search, with the encoder that fills each from the corpus. */
export function sparseFieldsOf(config: PipelineConfig): Map<string, SparseEncoderSpec> {
  const out = new Map<string, SparseEncoderSpec>();
  config.retrievers.forEach((r, i) => {
    if (r.type !== "sparse" || typeof r.field !== "string") return;
    const spec = r.documentEncoder ?? r.encoder;
    if (spec === undefined) {
      throw new InvalidArgumentError(`retrievers[${i}]: a BEIR evaluation fills sparse field "${r.field}" from the corpus, so the retriever needs an "encoder" or "documentEncoder"`);
    }
    if (!out.has(r.field)) out.set(r.field, parseSparseEncoderSpec(spec, `retrievers[${i}].${r.documentEncoder ? "documentEncoder" : "encoder"}`));
  });
  return out;
}

/** The corpus as records shaped like the index's documents (flat: `contents` too), for stages that read text. */
async function loadCorpus(path: string, mode: BeirFieldMode): Promise<Map<string, StoredRecord>> {
  const out = new Map<string, StoredRecord>();
  for await (const doc of readBeirCorpus(path)) out.set(doc.id, beirRecord(doc, mode) as StoredRecord);
  return out;
}
