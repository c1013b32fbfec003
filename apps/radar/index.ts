/** Paper Radar's HTTP API: the server module, its services and its schemas. */
export { openPapersCollection, radarApi, startRadarServer } from "./radar-server.js";
export type { RadarApiOptions, StartRadarServerOptions } from "./radar-server.js";
export { PaperSearch } from "./search/paper-search.js";
export type { PaperFilters, PaperSearchOptions, SearchHitView } from "./search/paper-search.js";
export { DateOrder } from "./search/date-order.js";
export { escapeHtml, highlight, queryTermsFor, snippet } from "../../src/lexical/highlight.js";
export type { Highlighted, MarkedTerms } from "../../src/lexical/highlight.js";
export { Feedback, FEEDBACK_KINDS, INTERACTIONS_COLLECTION, INTERACTIONS_SCHEMA } from "./feedback/feedback.js";
export type { FeedbackKind, FeedbackQuery, FeedbackRecord } from "./feedback/feedback.js";
export { Topics, TOPICS_COLLECTION, TOPIC_KINDS, TOPIC_LEVELS, MAX_TOPICS } from "./topics/topics.js";
export type { Topic } from "./topics/topics.js";
export { Pins, PINS_COLLECTION } from "./pins/pins.js";
export type { Pin } from "./pins/pins.js";
export { FeedService, FEED_VISITS_COLLECTION } from "./feed/feed-service.js";
export type { FeedItem, FeedOptions, FeedReason, FeedResult, FeedServiceOptions } from "./feed/feed-service.js";
