/**
 * A learned ranker as a stage: the top `depth` candidates get their features
 * (features/feature-specs.ts) and are re-ordered by a LambdaMART model's
 * score; the rest follow in their order, scored below the last reranked
 * one so that a list sorted by score keeps this order.
 *
 * The model is a file (`"model": "ranker.json"`, from `trove ltr train`) or
 * is trained on first use (`"train": {...}`) from the judged queries of a
 * split ("train" by default) that the host provides (`trove eval search
 * --dataset` provides its dataset) or that `train.dataset` names, and cached
 * after (see ltr-training.ts for the cache key).
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../core/errors.js";
import { LtrModel } from "../../ltr/ltr-model.js";
import { DEFAULT_RANKER_TRAINING, type RankerTrainingSettings } from "../../ltr/train-ranker.js";
import type { Candidate } from "../candidate.js";
import { note, sortByScore } from "../candidate.js";
import { FeatureExtractor } from "../features/extract-features.js";
import { featureSpecSchema, type FeatureSpec } from "../features/feature-specs.js";
import { beirJudgments, type JudgmentSource } from "../judgments.js";
import { ensureLtrModel, type LtrTrainingRequest } from "../ltr-training.js";
import { parseWith } from "../pipeline-config.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, Stage, Upstream } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";

const numbers = z.array(z.number()).min(1).max(20);

export const ltrTrainSchema = z.strictObject({
  /** The split whose judgments train the model (default "train"; test, dev and validation are refused). */
  split: z.string().min(1).optional(),
  /** A BEIR directory to take the judged queries from (default: the host's, e.g. `trove eval search --dataset`). */
  dataset: z.string().min(1).optional(),
  /** Share of the training queries held out to choose settings and the number of trees (default 0.2). */
  validationFraction: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().optional(),
  /** Settings tried (every combination; defaults: learningRate [0.05, 0.1], maxLeaves [7, 15, 31]). */
  grid: z.strictObject({ learningRate: numbers.optional(), maxLeaves: numbers.optional(), minDataInLeaf: numbers.optional(), l2: numbers.optional(), featureFraction: numbers.optional() }).optional(),
  /** Most trees (default 500) and trees without validation improvement before stopping (default 60). */
  trees: z.number().int().min(1).max(10_000).optional(),
  patience: z.number().int().min(1).max(10_000).optional(),
  /** nDCG cutoff validation measures (default 10). */
  metricCutoff: z.number().int().min(1).max(1000).optional(),
  minDataInLeaf: z.number().int().min(1).optional(),
  l2: z.number().min(0).optional(),
  sigma: z.number().positive().optional(),
});
export type LtrTrainConfig = z.infer<typeof ltrTrainSchema>;

export const ltrStageSchema = z
  .strictObject({
    type: z.literal("ltr"),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional(),
    /** Candidates reranked (default 100); the model trains on the same number per query. */
    depth: z.number().int().min(1).max(10_000).optional(),
    /** The features, in model column order (with `model`: optional, taken from the model file). */
    features: z.array(featureSpecSchema).min(1).max(200).optional(),
    /** A model file (from `trove ltr train`). */
    model: z.string().min(1).optional(),
    /** Train on first use (cached after). */
    train: ltrTrainSchema.optional(),
  })
  .superRefine((c, issues) => {
    if ((c.model === undefined) === (c.train === undefined)) issues.addIssue({ code: "custom", message: 'give either "model" (a model file) or "train" (train on first use), not both or neither', path: [] });
    if (c.train && !c.features) issues.addIssue({ code: "custom", message: "training needs the features to learn from", path: ["features"] });
  });
export type LtrStageConfig = z.infer<typeof ltrStageSchema>;

export class LtrStage implements Stage {
  readonly name: string;
  readonly depth: number;
  private extractor: FeatureExtractor | null;
  private model: LtrModel | null = null;
  /** Where the model came from, for describe(). */
  private modelPath: string | undefined;

  constructor(
    private readonly config: LtrStageConfig,
    private readonly where: string,
  ) {
    this.name = config.name ?? "ltr";
    this.depth = config.depth ?? 100;
    this.extractor = config.features ? new FeatureExtractor(config.features, where) : null;
    this.modelPath = config.model;
    // a model file is read now: its features say which fields the pipeline needs indexed
    if (config.model) this.useModel(LtrModel.load(config.model), config.model);
  }

  describe(): Record<string, unknown> {
    return {
      type: "ltr",
      name: this.name,
      depth: this.depth,
      features: this.config.features ?? this.model?.info.features,
      ...(this.modelPath ? { model: this.modelPath } : {}),
      ...(this.config.train ? { train: this.trainingSettingsJson() } : {}),
    };
  }

  needs(): FieldNeeds {
    return this.extractor?.needs() ?? {};
  }

  /** The training settings with their defaults (part of the cached model's key). */
  private trainingSettingsJson(): Record<string, unknown> {
    const t = this.config.train ?? {};
    return { split: t.split ?? "train", dataset: t.dataset, ...this.rankerSettings() };
  }

  private rankerSettings(): RankerTrainingSettings {
    const t = this.config.train ?? {};
    const d = DEFAULT_RANKER_TRAINING;
    const params = { ...d.params };
    for (const key of ["trees", "patience", "metricCutoff", "minDataInLeaf", "l2", "sigma"] as const) if (t[key] !== undefined) params[key] = t[key];
    return { validationFraction: t.validationFraction ?? d.validationFraction, seed: t.seed ?? d.seed, grid: { ...d.grid, ...t.grid }, params };
  }

  async prepare(ctx: PipelineContext, upstream: Upstream): Promise<void> {
    if (this.config.model) return;
    const source = this.judgmentSource(ctx);
    const request = this.trainingRequest();
    const judged = await source.load(request.split);
    const { model, path } = await ensureLtrModel(request, judged, source.name, upstream, this.features(), ctx);
    this.useModel(model, path);
  }

  /** Where the judged queries to train on come from: the train block's dataset, else the host's. */
  judgmentSource(ctx: PipelineContext): JudgmentSource {
    const dataset = this.config.train?.dataset;
    const source = dataset ? beirJudgments(dataset, ctx.judgments?.evaluated) : ctx.judgments;
    if (!source) {
      throw new InvalidArgumentError(`${this.where}: the train block needs judged queries: run the pipeline through \`trove eval search --dataset\`, name a BEIR "dataset" in it, or train a model file with \`trove ltr train\``);
    }
    return source;
  }

  /** What training this stage means: the split, the candidates per query, the settings and the features. */
  trainingRequest(split?: string): LtrTrainingRequest {
    if (!this.config.features) throw new InvalidArgumentError(`${this.where}: training needs "features"`);
    return { split: split ?? this.config.train?.split ?? "train", depth: this.depth, settings: this.rankerSettings(), featureSpecs: this.config.features as unknown[] };
  }

  /** Whether the stage lists its features (else they come from its model file). */
  get listsFeatures(): boolean {
    return this.config.features !== undefined;
  }

  /** The feature extractor (the stage's features, or the model's once one is loaded). */
  features(): FeatureExtractor {
    if (!this.extractor) throw new InvalidArgumentError(`${this.where}: the stage's features come from its model, which is not loaded yet`);
    return this.extractor;
  }

  private useModel(model: LtrModel, path: string): void {
    let specs: FeatureSpec[];
    if (this.config.features) {
      specs = this.config.features;
      if (model.info.features !== undefined && JSON.stringify(model.info.features) !== JSON.stringify(specs)) {
        throw new InvalidArgumentError(`${this.where}: the model ${path} was trained on other features than the stage lists; drop "features" to use the model's, or retrain`);
      }
    } else {
      if (!model.info.features) throw new InvalidArgumentError(`${this.where}: the model ${path} does not say which features it reads; list them in "features"`);
      specs = (model.info.features as unknown[]).map((f, i) => parseWith(featureSpecSchema, f, path, `features[${i}]`));
    }
    const extractor = new FeatureExtractor(specs, this.where);
    if (JSON.stringify(extractor.names) !== JSON.stringify(model.featureNames)) {
      throw new InvalidArgumentError(`${this.where}: the model ${path} reads features ${model.featureNames.join(", ")}, the stage computes ${extractor.names.join(", ")}`);
    }
    this.extractor = extractor;
    this.model = model;
    this.modelPath = path;
  }

  async run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    if (!this.model || !this.extractor) throw new InvalidArgumentError(`${this.where}: the ltr stage ran before it was prepared`);
    const head = candidates.slice(0, this.depth);
    const tail = candidates.slice(this.depth);
    if (head.length === 0) return candidates;
    const features = await this.extractor.extract(head, request, ctx);
    const scores = this.model.predict(features, head.length);
    const f = this.extractor.names.length;
    head.forEach((c, r) => {
      for (let j = 0; j < f; j++) c.features[this.extractor!.names[j]] = features[r * f + j];
      c.features[this.name] = scores[r];
      c.score = scores[r];
    });
    const before = new Map(head.map((c, i) => [c.id, i]));
    sortByScore(head);
    head.forEach((c, rank) => note(c, this.name, `learned score ${c.score.toPrecision(4)}, rank ${before.get(c.id)! + 1} -> ${rank + 1}`));
    const floor = head[head.length - 1].score;
    tail.forEach((c, i) => {
      c.score = floor - (i + 1);
      note(c, this.name, "below the reranked candidates");
    });
    return [...head, ...tail];
  }
}
