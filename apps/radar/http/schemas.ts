/**
 * The zod schemas of Paper Radar's API: they validate requests and, through
 * @hono/zod-openapi, are the OpenAPI document's schemas (named components
 * where `.openapi("Name")` is given).
 */
import { z } from "@hono/zod-openapi";
import type { StoredRecord } from "../../../src/core/schema.js";
import { pageSchema } from "../../../src/server/pagination.js";
import { isoDay, queryList } from "../../../src/server/validation.js";
import { MAX_PASSWORD_LENGTH } from "../accounts/password-policy.js";
import { withoutEmbedding } from "../papers.js";
import { FEEDBACK_KINDS } from "../feedback/feedback.js";
import { ARXIV_CATEGORY, MAX_TOPICS, TOPIC_KINDS, TOPIC_LEVELS, topicKey } from "../topics/topics.js";

export const paperIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(512)
    .openapi({ param: { name: "id", in: "path" }, description: "paper id, e.g. 2503.12855 (URL-encode a '/' in old-style ids)", example: "2503.12855" }),
});

// ---------------------------------------------------------------------------
// accounts

export const readerSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(["reader", "admin"]),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Reader");

export const meSchema = readerSchema.extend({ authMethod: z.enum(["session", "apiKey"]) }).openapi("Me");

export const signUpBody = z
  .strictObject({
    email: z.string().max(254).openapi({ example: "reader@example.org" }),
    password: z.string().max(MAX_PASSWORD_LENGTH * 4).openapi({
      description: "10 to 200 characters (the server may ask for more); not a common password, a sequence, a repeated pattern, or the email",
    }),
    invite: z.string().max(200).optional().openapi({ description: "an invite code, on servers where sign-up is invite-only" }),
  })
  .openapi("SignUp");

export const signInBody = z.strictObject({
  email: z.string().min(1, { error: "is required" }).max(254),
  password: z.string().min(1, { error: "is required" }).max(MAX_PASSWORD_LENGTH * 4),
});

export const sessionSchema = z.object({ reader: readerSchema, expiresAt: z.string().openapi({ format: "date-time" }) }).openapi("Session");

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ description: "public key id (use it to revoke the key)" }),
    name: z.string(),
    prefix: z.string().openapi({ description: "the key's first characters, to recognise it" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    lastUsedAt: z.string().nullable().openapi({ description: "last use, to the hour; null if never used" }),
  })
  .openapi("ApiKey");

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().openapi({ description: "the key itself: shown this once only; send it as 'Authorization: Bearer <key>'" }) })
  .openapi("CreatedApiKey");

export const createKeyBody = z.strictObject({ name: z.string().trim().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }) });

export const keyIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

// ---------------------------------------------------------------------------
// papers and search

export const paperSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    abstract: z.string().optional(),
    authors: z.array(z.string()).optional(),
    categories: z.array(z.string()).optional(),
    primaryCategory: z.string().optional(),
    date: z.string().openapi({ format: "date" }),
    updated: z.string().optional(),
    comment: z.string().optional(),
    doi: z.string().optional(),
    journalRef: z.string().optional(),
    links: z.object({ abs: z.string().optional(), pdf: z.string().optional(), doi: z.string().optional() }).optional(),
  })
  .catchall(z.unknown())
  .openapi("Paper");

const categoryValue = z.string().min(1).max(64);
const authorValue = z.string().min(1).max(300);

export const paperFilterQuery = {
  category: queryList(categoryValue, { max: 20, description: "only papers in any of these categories (repeat the parameter for several)" }),
  author: queryList(authorValue, { max: 20, description: "only papers by any of these authors (exact name as stored; repeat for several)" }),
  from: isoDay("first day, YYYY-MM-DD (inclusive)").optional(),
  to: isoDay("last day, YYYY-MM-DD (inclusive)").optional(),
};

export const searchHitSchema = z
  .object({
    paper: paperSchema,
    score: z.number().openapi({ description: "BM25 score (lexical mode), or the fused score (hybrid mode: 0.75 × min-max BM25 + 0.25 × min-max vector similarity)" }),
    highlights: z.object({
      title: z.string().openapi({ description: "HTML: the title, escaped, with matched words in <mark>" }),
      abstract: z.string().openapi({ description: "HTML: a passage of the abstract around the matches, escaped, with matched words in <mark>" }),
    }),
  })
  .openapi("SearchHit");

export const searchPageSchema = pageSchema(searchHitSchema, "SearchPage")
  .extend({
    readAs: z.enum(["query", "words"]).openapi({ description: "query: read in the query language; words: the text was not valid query syntax and its plain words were searched" }),
    notice: z.string().optional().openapi({ description: "for people: how the text was searched when not as written (a name that is not a field, syntax that did not parse, an id not in the collection)" }),
    match: z
      .object({ paperId: z.string(), by: z.enum(["arxiv-id", "doi"]) })
      .optional()
      .openapi({ description: "the text named one stored paper (arXiv id, arXiv URL or DOI): items holds just that paper" }),
    mode: z.enum(["hybrid", "lexical"]).openapi({ description: "how the page was ranked: hybrid (BM25 fused with the papers' vectors) or lexical (BM25, or newest first)" }),
    modeNotice: z.string().optional().openapi({ description: "for people: why a hybrid search was ranked by words alone (vectors still being made, sort by date, no known word)" }),
  })
  .openapi("SearchPage");

export const semanticStatusSchema = z
  .object({
    state: z.enum(["off", "training", "embedding", "ready", "failed"]),
    ready: z.boolean().openapi({ description: "whether searches are hybrid now" }),
    embedded: z.number().int().openapi({ description: "papers embedded since the server started" }),
    encoder: z.string().optional().openapi({ description: "the encoder's id, once known" }),
    message: z.string().openapi({ description: "for people: progress, or the error" }),
  })
  .openapi("SemanticStatus");

// ---------------------------------------------------------------------------
// feedback

export const feedbackKind = z.enum(FEEDBACK_KINDS);

export const feedbackSchema = z
  .object({
    id: z.string(),
    user: z.string().openapi({ description: "the reader's id" }),
    item: z.string().openapi({ description: "the paper's id" }),
    kind: feedbackKind,
    value: z.number(),
    timestamp: z.number().openapi({ description: "epoch seconds" }),
    at: z.string().openapi({ format: "date-time" }),
    note: z.string().optional(),
  })
  .openapi("Feedback");

export const feedbackBody = z
  .strictObject({
    paperId: z.string().min(1, { error: "must not be empty" }).max(512),
    kind: feedbackKind.openapi({ description: "save, like, hide and less (less like this) are states (posting twice changes nothing); each view is an event" }),
    note: z.string().max(1000, { error: "must be at most 1000 characters" }).optional(),
  })
  .openapi("FeedbackInput");

export const paperStateSchema = z
  .object({
    save: z.string().optional().openapi({ description: "id of your save record (delete it to unsave)" }),
    like: z.string().optional(),
    hide: z.string().optional(),
    less: z.string().optional().openapi({ description: "id of your less-like-this record" }),
    seen: z.string().optional().openapi({ format: "date-time", description: "when you last opened the paper" }),
  })
  .openapi("PaperState");

export const historyEntrySchema = z
  .object({
    paper: paperSchema,
    lastSeen: z.string().openapi({ format: "date-time" }),
    views: z.number().int().openapi({ description: "how often you opened it" }),
  })
  .openapi("HistoryEntry");

export const feedbackIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

// ---------------------------------------------------------------------------
// topics

export const topicSchema = z
  .strictObject({
    kind: z.enum(TOPIC_KINDS),
    value: z.string().trim().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
    level: z.enum(TOPIC_LEVELS),
  })
  .superRefine((topic, ctx) => {
    if (topic.kind === "category" && !ARXIV_CATEGORY.test(topic.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "must be an arXiv category code such as cs.IR or hep-th" });
    }
  })
  .openapi("Topic");

export const topicsBody = z
  .strictObject({ topics: z.array(topicSchema).max(MAX_TOPICS, { error: `at most ${MAX_TOPICS} topics` }) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.topics.forEach((topic, i) => {
      const key = topicKey(topic);
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["topics", i, "value"], message: "duplicate topic" });
      seen.add(key);
    });
  })
  .openapi("TopicsInput");

export const topicsSchema = z
  .object({ topics: z.array(topicSchema), updatedAt: z.string().nullable().openapi({ description: "null until the reader first saves topics" }) })
  .openapi("Topics");

// ---------------------------------------------------------------------------
// pins

export const pinSchema = z
  .object({
    paperId: z.string(),
    pinnedBy: z.string().openapi({ description: "the admin's reader id" }),
    pinnedAt: z.string().openapi({ format: "date-time" }),
    note: z.string().optional(),
    until: z.string().optional().openapi({ format: "date", description: "last day of the pin (inclusive)" }),
  })
  .openapi("Pin");

export const pinBody = z
  .strictObject({
    paperId: z.string().min(1, { error: "must not be empty" }).max(512),
    note: z.string().max(500, { error: "must be at most 500 characters" }).optional(),
    until: isoDay("last day of the pin, YYYY-MM-DD (inclusive)").optional(),
  })
  .openapi("PinInput");

export const pinIdParam = z.object({ paperId: z.string().min(1).max(512).openapi({ param: { name: "paperId", in: "path" } }) });

/** A stored paper record as the response type (the store validated it against the papers schema). */
export type PaperJson = z.infer<typeof paperSchema>;
/** A stored paper as the API shows it (without its vector). */
export function asPaper(record: StoredRecord): PaperJson {
  return withoutEmbedding(record) as unknown as PaperJson;
}

export const inviteBody = z
  .strictObject({ email: z.string().max(254).optional().openapi({ description: "only this email may use the invite" }) })
  .openapi("InviteInput");

export const inviteSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Invite");

export const createdInviteSchema = inviteSchema
  .extend({
    code: z.string().openapi({ description: "the invite code, shown once" }),
    link: z.string().openapi({ description: "the sign-up page with the code filled in" }),
  })
  .openapi("CreatedInvite");

export const inviteIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });
