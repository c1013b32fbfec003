/**
 * The base of the matrix-factorization recommenders (implicit ALS, BPR):
 * user and item factor tables of `options.factors` columns, and item
 * similarity as cosine between item factor rows (norms computed once per
 * set of factors).
 */
import type { ModelArray } from "./model-io.js";
import { BaseRecommender, cosineRow, rowNorms } from "./recommender.js";
import type { ScoredItems } from "./top-k.js";

export abstract class FactorRecommender<O extends { factors: number }> extends BaseRecommender<O> {
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array | undefined;

  /** Installs new factor tables (after a fit or a load), dropping what was derived from the old ones. */
  protected setFactors(userFactors: Float32Array, itemFactors: Float32Array): void {
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.itemNorms = undefined;
    this.factorsChanged();
  }

  /** Called by `setFactors`: drop caches derived from the factors. */
  protected factorsChanged(): void {}

  /** The factor tables as saved state. */
  protected factorArrays(): Record<string, ModelArray> {
    return { userFactors: this.userFactors, itemFactors: this.itemFactors };
  }

  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const d = this.options.factors;
    this.itemNorms ??= rowNorms(this.itemFactors, this.numItems, d);
    const scores = new Float32Array(this.numItems);
    cosineRow(this.itemFactors, this.itemNorms, d, item, scores);
    return this.topOfRow(scores, k, item);
  }
}
