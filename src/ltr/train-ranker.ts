/**
 * Training a LambdaMART ranker the honest way: the queries given (a
 * collection's TRAIN judgments) are split, seeded, into a part to fit and a
 * validation part; every setting of a small grid is fitted with early
 * stopping on validation nDCG@k; the best setting is then refitted on all
 * the queries with the number of trees validation chose. No other judgments
 * are looked at.
 */
import { SeededRandom } from "../core/random.js";
import { DEFAULT_LAMBDAMART, trainLambdaMart, type LambdaMartParams } from "./lambdamart.js";
import { LtrModel, type LtrModelInfo } from "./ltr-model.js";
import { checkDataset, selectQueries, type RankingDataset } from "./ranking-dataset.js";

export type GridKey = "learningRate" | "maxLeaves" | "minDataInLeaf" | "l2" | "featureFraction";

export interface RankerTrainingSettings {
  /** Share of the queries held out for validation (default 0.2). */
  validationFraction: number;
  /** Seeds the split and the trees (default 1). */
  seed: number;
  /** Values tried for each setting (every combination). */
  grid: Partial<Record<GridKey, number[]>>;
  /** The other LambdaMART settings. */
  params: Partial<LambdaMartParams>;
}

export const DEFAULT_RANKER_TRAINING: RankerTrainingSettings = {
  validationFraction: 0.2,
  seed: 1,
  grid: { learningRate: [0.05, 0.1], maxLeaves: [7, 15, 31] },
  params: { trees: 500, patience: 60 },
};

export interface RankerTrainingReport {
  queries: { fit: number; validation: number };
  rows: number;
  grid: Array<{ params: Partial<LambdaMartParams>; trees: number; validationNdcg: number }>;
  chosen: { params: LambdaMartParams; trees: number; validationNdcg: number };
  /** nDCG@k of the refitted model on all training queries (optimistic: it saw them). */
  trainNdcg: number;
  seconds: number;
}

export function trainRanker(
  data: RankingDataset,
  settings: RankerTrainingSettings = DEFAULT_RANKER_TRAINING,
  options: { info?: Omit<LtrModelInfo, "featureNames">; onProgress?: (message: string) => void; signal?: AbortSignal } = {},
): { model: LtrModel; report: RankerTrainingReport } {
  checkDataset(data);
  const started = performance.now();
  const queries = data.queryIds.length;
  const order = new SeededRandom(settings.seed).shuffle(Int32Array.from({ length: queries }, (_, i) => i));
  const held = Math.max(1, Math.round(queries * settings.validationFraction));
  const validation = selectQueries(data, order.subarray(0, held).slice().sort());
  const fit = selectQueries(data, order.subarray(held).slice().sort());
  const base: LambdaMartParams = { ...DEFAULT_LAMBDAMART, ...settings.params, seed: settings.seed };
  const grid: RankerTrainingReport["grid"] = [];
  let chosen: RankerTrainingReport["chosen"] | null = null;
  for (const point of combinations(settings.grid)) {
    const params = { ...base, ...point };
    const result = trainLambdaMart(fit, params, { validation, signal: options.signal });
    const validationNdcg = result.history[result.bestIteration - 1]?.validation ?? 0;
    grid.push({ params: point, trees: result.bestIteration, validationNdcg });
    options.onProgress?.(`${describe(point)}: validation nDCG@${params.metricCutoff} ${validationNdcg.toFixed(4)} with ${result.bestIteration} trees`);
    if (!chosen || validationNdcg > chosen.validationNdcg) chosen = { params, trees: result.bestIteration, validationNdcg };
  }
  const final = trainLambdaMart(data, { ...chosen!.params, trees: chosen!.trees }, { signal: options.signal });
  const model = new LtrModel({ featureNames: [...data.featureNames], ...options.info }, final.trees);
  const report: RankerTrainingReport = {
    queries: { fit: fit.queryIds.length, validation: validation.queryIds.length },
    rows: data.labels.length,
    grid,
    chosen: chosen!,
    trainNdcg: final.trainNdcg,
    seconds: (performance.now() - started) / 1000,
  };
  return { model: new LtrModel({ ...model.info, training: { ...model.info.training, report } }, final.trees), report };
}

function combinations(grid: Partial<Record<GridKey, number[]>>): Array<Partial<LambdaMartParams>> {
  let out: Array<Partial<LambdaMartParams>> = [{}];
  for (const [key, values] of Object.entries(grid) as Array<[GridKey, number[]]>) {
    if (!values || values.length === 0) continue;
    out = out.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return out;
}

function describe(point: Partial<LambdaMartParams>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "defaults";
}
