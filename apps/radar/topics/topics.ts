/**
 * Readers' topics: arXiv categories and free keyword topics, each with a
 * level (like, neutral, dislike). One record per reader in the `topics`
 * collection, replaced as a whole by `PUT /api/topics`:
 *
 *   { id: <reader id>, reader: <reader id>, topics: [{ kind, value, level }], updatedAt }
 *
 * The feed and digest code reads them from there (a filter or a boost per topic).
 */
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";

export const TOPICS_COLLECTION = "topics";
export const TOPIC_KINDS = ["category", "keyword"] as const;
export const TOPIC_LEVELS = ["like", "neutral", "dislike"] as const;
export const MAX_TOPICS = 200;

export interface Topic {
  kind: (typeof TOPIC_KINDS)[number];
  value: string;
  level: (typeof TOPIC_LEVELS)[number];
}

export const TOPICS_SCHEMA: CollectionSchema = {
  fields: { reader: { type: "keyword", required: true }, updatedAt: { type: "date", required: true } },
};

/** arXiv category codes: "cs.IR", "hep-th", "astro-ph.CO", "q-bio.NC". */
export const ARXIV_CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;

/** How two topics are told apart: keywords ignore case and spacing. */
export function topicKey(topic: Pick<Topic, "kind" | "value">): string {
  return topic.kind === "keyword" ? `keyword:${topic.value.toLowerCase().replace(/\s+/g, " ")}` : `category:${topic.value}`;
}

export class Topics {
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<Topics> {
    await ensureCollection(store, TOPICS_COLLECTION, TOPICS_SCHEMA);
    return new Topics(store);
  }

  async get(readerId: string): Promise<{ topics: Topic[]; updatedAt: string | null }> {
    const record = await this.store.getRecord(TOPICS_COLLECTION, readerId);
    if (!record) return { topics: [], updatedAt: null };
    return { topics: (record.topics as unknown as Topic[]) ?? [], updatedAt: String(record.updatedAt) };
  }

  /** Replaces the reader's topics (already validated: see the API schema). */
  async put(readerId: string, topics: Topic[]): Promise<{ topics: Topic[]; updatedAt: string }> {
    const clean = topics.map((t) => ({ kind: t.kind, value: t.value.trim().replace(/\s+/g, " "), level: t.level }));
    const updatedAt = new Date().toISOString();
    const record: StoredRecord = { id: readerId, reader: readerId, topics: clean, updatedAt };
    await this.store.putRecords(TOPICS_COLLECTION, [record]);
    return { topics: clean, updatedAt };
  }
}
