/** Paper Radar's trending papers: the decayed score and the reader over the interactions collection (the route is in apps/radar/http). */
export { Trending, DEFAULT_TRENDING_DAYS, MAX_TRENDING_DAYS } from "./trending.js";
export type { TrendingItem, TrendingOptions, TrendingQuery } from "./trending.js";
export { scoreTrending, decay, DEFAULT_HALF_LIFE_DAYS, DEFAULT_TRENDING_WEIGHTS } from "./trending-score.js";
export type { TrendingScore, TrendingSignal, TrendingWeights } from "./trending-score.js";
