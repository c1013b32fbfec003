/**
 * A trained learning-to-rank model as a file: JSON with a format name and
 * version, the feature names (and, opaque here, the feature specifications
 * of the pipeline stage that computes them, so a model is never applied to
 * other features), the trees, the settings and report of its training, and
 * each feature's importance. Written atomically; reading checks every part
 * and names the file and the field at fault.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../core/atomic-file.js";
import { InvalidFileError } from "../core/errors.js";
import type { RegressionTree } from "./regression-tree.js";
import { predictTree } from "./regression-tree.js";

export const LTR_MODEL_FORMAT = "trove-ltr-model";
export const LTR_MODEL_VERSION = 1;

export interface FeatureImportance {
  name: string;
  /** Share of the total split gain (sums to 1). */
  gain: number;
  /** Splits on the feature over all trees. */
  splits: number;
}

export interface LtrModelInfo {
  featureNames: string[];
  /** The feature specifications the model was trained on (the ltr stage's `features`). */
  features?: unknown[];
  /** Training settings and what came of them (free-form, for reports). */
  training?: Record<string, unknown>;
}

export class LtrModel {
  constructor(
    readonly info: LtrModelInfo,
    readonly trees: readonly RegressionTree[],
  ) {}

  get featureNames(): string[] {
    return this.info.featureNames;
  }

  /** Scores of `rows` rows of row-major features (featureNames.length per row). */
  predict(features: Float32Array, rows: number): Float64Array {
    const f = this.featureNames.length;
    if (features.length !== rows * f) throw new RangeError(`expected ${rows * f} feature values, got ${features.length}`);
    const out = new Float64Array(rows);
    for (const tree of this.trees) for (let r = 0; r < rows; r++) out[r] += predictTree(tree, features, r, f);
    return out;
  }

  /** Each feature's share of the split gain and its number of splits, most important first. */
  importance(): FeatureImportance[] {
    const gain = new Float64Array(this.featureNames.length);
    const splits = new Int32Array(this.featureNames.length);
    for (const t of this.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        if (t.feature[i] < 0) continue;
        gain[t.feature[i]] += t.gain[i];
        splits[t.feature[i]]++;
      }
    }
    const total = gain.reduce((a, b) => a + b, 0);
    return this.featureNames.map((name, f) => ({ name, gain: total > 0 ? gain[f] / total : 0, splits: splits[f] })).sort((a, b) => b.gain - a.gain || a.name.localeCompare(b.name));
  }

  toJSON(): Record<string, unknown> {
    return {
      format: LTR_MODEL_FORMAT,
      version: LTR_MODEL_VERSION,
      featureNames: this.featureNames,
      features: this.info.features,
      training: this.info.training,
      importance: this.importance(),
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        left: Array.from(t.left),
        right: Array.from(t.right),
        value: Array.from(t.value),
        gain: Array.from(t.gain),
      })),
    };
  }

  save(path: string): void {
    writeFileAtomic(path, `${JSON.stringify(this.toJSON())}\n`);
  }

  static load(path: string): LtrModel {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new InvalidFileError(path, `is not a readable JSON model: ${(error as Error).message}`);
    }
    return LtrModel.fromJSON(json, path);
  }

  static fromJSON(json: unknown, where: string): LtrModel {
    const fail = (field: string, message: string): never => {
      throw new InvalidFileError(where, `${field}: ${message}`);
    };
    if (typeof json !== "object" || json === null) fail("model", "expected a JSON object");
    const o = json as Record<string, unknown>;
    if (o.format !== LTR_MODEL_FORMAT) fail("format", `expected "${LTR_MODEL_FORMAT}", got ${JSON.stringify(o.format)}`);
    if (o.version !== LTR_MODEL_VERSION) fail("version", `this Trove reads version ${LTR_MODEL_VERSION}, the file is version ${JSON.stringify(o.version)}`);
    const names = o.featureNames;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string")) fail("featureNames", "expected a non-empty list of names");
    const featureNames = names as string[];
    if (!Array.isArray(o.trees)) fail("trees", "expected a list");
    const trees = (o.trees as unknown[]).map((t, i) => readTree(t, featureNames.length, (message) => fail(`trees[${i}]`, message)));
    if (o.features !== undefined && !Array.isArray(o.features)) fail("features", "expected a list");
    return new LtrModel({ featureNames, features: o.features as unknown[] | undefined, training: o.training as Record<string, unknown> | undefined }, trees);
  }
}

function readTree(json: unknown, featureCount: number, fail: (message: string) => never): RegressionTree {
  if (typeof json !== "object" || json === null) fail("expected an object");
  const t = json as Record<string, unknown>;
  const numbers = (key: string): number[] => {
    const v = t[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) fail(`${key}: expected a list of numbers`);
    return v as number[];
  };
  const feature = numbers("feature");
  const n = feature.length;
  if (n === 0) fail("a tree needs at least one node");
  const parts = { threshold: numbers("threshold"), left: numbers("left"), right: numbers("right"), value: numbers("value"), gain: t.gain === undefined ? new Array<number>(n).fill(0) : numbers("gain") };
  for (const [key, list] of Object.entries(parts)) if (list.length !== n) fail(`${key}: ${list.length} entries for ${n} nodes`);
  for (let i = 0; i < n; i++) {
    if (feature[i] < 0) continue;
    if (!Number.isInteger(feature[i]) || feature[i] >= featureCount) fail(`node ${i} splits on feature ${feature[i]}, which the model does not have`);
    // children come after their parent, so every walk ends at a leaf
    for (const child of [parts.left[i], parts.right[i]]) if (!Number.isInteger(child) || child <= i || child >= n) fail(`node ${i} has a child ${child} outside the tree`);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(parts.threshold),
    left: Int32Array.from(parts.left),
    right: Int32Array.from(parts.right),
    value: Float64Array.from(parts.value),
    gain: Float64Array.from(parts.gain),
  };
}
