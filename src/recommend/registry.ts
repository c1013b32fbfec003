/**
 * Algorithms by name: `createRecommender("ease", { lambda: 500 })` builds an
 * unfitted model, `loadRecommender(dir)` restores a saved one (the header
 * names the algorithm), so a saved model serves without retraining.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { ImplicitAls, type AlsOptions } from "./als.js";
import { Bpr, type BprOptions } from "./bpr.js";
import { ContentKnn, type ContentKnnOptions } from "./content/content-knn.js";
import { Ease, type EaseOptions } from "./ease.js";
import { GenerativeRecommender, type GenerativeOptions } from "./generative/generative-recommender.js";
import { Item2Vec, type Item2VecOptions } from "./item2vec.js";
import { ItemKnn, type ItemKnnOptions } from "./item-knn.js";
import { readModel } from "./model-io.js";
import { MostPopular, RecentPopular, type PopularityOptions } from "./popularity.js";
import type { BaseRecommender } from "./recommender.js";
import { SasRecRecommender, type SasRecOptions } from "./sequence/sasrec-recommender.js";
import { SasRecSidRecommender, type SasRecSidOptions } from "./sequence/sasrec-sid-recommender.js";

export interface RecommenderOptionsByName {
  "most-popular": PopularityOptions;
  "recent-popular": PopularityOptions;
  "item-knn": ItemKnnOptions;
  ease: EaseOptions;
  als: AlsOptions;
  bpr: BprOptions;
  item2vec: Item2VecOptions;
  sasrec: SasRecOptions;
  generative: GenerativeOptions;
  "content-knn": ContentKnnOptions;
  "sasrec-sid": SasRecSidOptions;
}

export type RecommenderName = keyof RecommenderOptionsByName;

const FACTORIES: { [N in RecommenderName]: (options: Partial<RecommenderOptionsByName[N]>) => BaseRecommender<object> } = {
  "most-popular": (o) => new MostPopular(o),
  "recent-popular": (o) => new RecentPopular(o),
  "item-knn": (o) => new ItemKnn(o),
  ease: (o) => new Ease(o),
  als: (o) => new ImplicitAls(o),
  bpr: (o) => new Bpr(o),
  item2vec: (o) => new Item2Vec(o),
  sasrec: (o) => new SasRecRecommender(o),
  generative: (o) => new GenerativeRecommender(o),
  "content-knn": (o) => new ContentKnn(o),
  "sasrec-sid": (o) => new SasRecSidRecommender(o),
};

const ALIASES: Record<string, RecommenderName> = {
  pop: "most-popular", popularity: "most-popular", itemknn: "item-knn", knn: "item-knn", tiger: "generative",
};

export const RECOMMENDER_NAMES = Object.keys(FACTORIES) as RecommenderName[];

/** Canonical name for a name or alias; throws for unknown names. */
export function resolveRecommenderName(name: string): RecommenderName {
  const canonical = (name in FACTORIES ? name : ALIASES[name.toLowerCase()]) as RecommenderName | undefined;
  if (!canonical) throw new InvalidArgumentError(`unknown recommender "${name}" (known: ${RECOMMENDER_NAMES.join(", ")})`);
  return canonical;
}

/** A new, unfitted recommender. */
export function createRecommender<N extends RecommenderName>(name: N, options?: Partial<RecommenderOptionsByName[N]>): BaseRecommender<RecommenderOptionsByName[N]>;
export function createRecommender(name: string, options?: Record<string, unknown>): BaseRecommender<object>;
export function createRecommender(name: string, options: Record<string, unknown> = {}): BaseRecommender<object> {
  const canonical = resolveRecommenderName(name);
  return (FACTORIES[canonical] as (o: Record<string, unknown>) => BaseRecommender<object>)(options);
}

/** Restores a model saved with `save(dir)`. */
export function loadRecommender(dir: string, options: { verifyChecksums?: boolean } = {}): BaseRecommender<object> {
  const contents = readModel(dir, options);
  const model = createRecommender(contents.algorithm);
  model.restore(contents);
  return model;
}
