/** Paper Radar's HTTP API: the server module, its services and its schemas. */
export { openPapersCollection, radarApi, startRadarServer } from "./radar-api.js";
export type { RadarApiOptions, StartRadarServerOptions } from "./radar-api.js";
export { PaperSearch } from "./paper-search.js";
export type { PaperFilters, PaperSearchOptions, SearchHitView } from "./paper-search.js";
export { DateOrder } from "./date-order.js";
export { escapeHtml, highlight, queryTermsFor, snippet } from "./highlight.js";
export type { Highlighted, MarkedTerms } from "./highlight.js";
export { Feedback, FEEDBACK_KINDS, INTERACTIONS_COLLECTION, INTERACTIONS_SCHEMA } from "./feedback.js";
export type { FeedbackKind, FeedbackQuery, FeedbackRecord } from "./feedback.js";
export { Topics, TOPICS_COLLECTION, TOPIC_KINDS, TOPIC_LEVELS, MAX_TOPICS } from "./topics.js";
export type { Topic } from "./topics.js";
export { Pins, PINS_COLLECTION } from "./pins.js";
export type { Pin } from "./pins.js";
export { FeedService, FEED_VISITS_COLLECTION } from "../feed/feed-service.js";
export type { FeedItem, FeedOptions, FeedReason, FeedResult, FeedServiceOptions } from "../feed/feed-service.js";
