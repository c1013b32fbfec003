/**
 * Most popular items: every user gets the same scores, the number of distinct
 * users with a positive interaction per item. The recent variant counts only
 * events inside a time window that ends at the last training event (given in
 * timestamp units, or as a fraction of the training events by time).
 * `similarItems` has no notion of similarity here: it returns the most
 * popular other items.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { InteractionData } from "./interactions.js";
import type { ModelArray } from "./model-io.js";
import { BaseRecommender, type ResolvedQuery } from "./recommender.js";
import type { ScoredItems } from "./top-k.js";

export interface PopularityOptions {
  /** Count only events with timestamp > (last training timestamp - windowSize). */
  windowSize?: number;
  /** Count only the latest fraction of training events by time (0 < f <= 1). */
  windowFraction?: number;
}

export class MostPopular extends BaseRecommender<PopularityOptions> {
  readonly algorithm: string = "most-popular";
  private counts: Float32Array = new Float32Array(0);

  constructor(options: Partial<PopularityOptions> = {}) {
    super({}, options);
  }

  protected override validateOptions(): void {
    const { windowSize, windowFraction } = this.options;
    if (windowSize !== undefined && !(windowSize > 0)) throw new InvalidArgumentError(`windowSize must be > 0, got ${windowSize}`);
    if (windowFraction !== undefined && !(windowFraction > 0 && windowFraction <= 1)) {
      throw new InvalidArgumentError(`windowFraction must be in (0, 1], got ${windowFraction}`);
    }
  }

  protected fitModel(data: InteractionData): void {
    const from = windowStart(data, this.options);
    const weights = data.eventWeights();
    // Count distinct users per item among positive events in the window.
    const counts = new Float32Array(data.numItems);
    if (from === -Infinity) {
      counts.set(data.itemPopularity());
    } else {
      const lastUser = new Int32Array(data.numItems).fill(-1);
      const { indptr, events } = data.eventsByUserInTimeOrder();
      for (let u = 0; u < data.numUsers; u++) {
        for (let p = indptr[u]; p < indptr[u + 1]; p++) {
          const e = events[p];
          if (data.timestamps[e] <= from || !(weights[e] > 0)) continue;
          const i = data.items[e];
          if (lastUser[i] !== u) {
            lastUser[i] = u;
            counts[i]++;
          }
        }
      }
    }
    this.counts = counts;
  }

  protected score(_query: ResolvedQuery, out: Float32Array): void {
    out.set(this.counts);
  }

  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    return this.topOfRow(this.counts, k, item);
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { counts: this.counts } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.counts = arrays.counts as Float32Array;
  }
}

/** Most popular within a recent window (default: the latest 10% of training events). */
export class RecentPopular extends MostPopular {
  override readonly algorithm: string = "recent-popular";

  constructor(options: Partial<PopularityOptions> = {}) {
    super(options.windowSize === undefined && options.windowFraction === undefined ? { ...options, windowFraction: 0.1 } : options);
  }
}

function windowStart(data: InteractionData, options: PopularityOptions): number {
  if (options.windowSize !== undefined) return data.maxTimestamp() - options.windowSize;
  if (options.windowFraction !== undefined && options.windowFraction < 1 && data.length > 0) {
    const sorted = Float64Array.from(data.timestamps).sort();
    const keep = Math.max(1, Math.round(options.windowFraction * sorted.length));
    // Events strictly after this time are in the window.
    const cut = sorted.length - keep - 1;
    return cut >= 0 ? sorted[cut] : -Infinity;
  }
  return -Infinity;
}
