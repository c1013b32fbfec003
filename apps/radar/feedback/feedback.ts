/**
 * Readers' feedback on papers, stored as interactions in the shape the
 * recommendation code reads (src/recommend: user, item, kind, value,
 * timestamp in epoch seconds), one record each in the `interactions`
 * collection:
 *
 *   { id, user: <reader id>, item: <paper id>, kind: "save" | "like" | "hide" | "less" | "view",
 *     value: 1, timestamp: <epoch seconds>, at: <ISO time>, note?: <reader's note> }
 *
 * save, like, hide and less ("less like this") are states: one record per
 * (reader, kind, paper), so posting one twice changes nothing, and deleting
 * it undoes it. Views are events: each is its own record (sequence models
 * want repeats); a paper the reader opened is "seen".
 *
 * The collection has a small lexical index (keyword fields user, item, kind)
 * so that a reader's feedback is found without scanning everyone's; the
 * index keeps documents in write order, which gives "newest first" for free
 * (equal scores rank by document order).
 */
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import { Collection } from "../../../src/engine/collection.js";
import type { QueryNode } from "../../../src/lexical/query-ast.js";
import type { PageRequest } from "../../../src/server/pagination.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import { MATCH_ALL, allOf, anyOf } from "../search/query-nodes.js";

export const INTERACTIONS_COLLECTION = "interactions";
export const FEEDBACK_KINDS = ["save", "like", "hide", "less", "view"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const STATE_KINDS = ["save", "like", "hide", "less"] as const;
export type StateKind = (typeof STATE_KINDS)[number];
const STATES: ReadonlySet<string> = new Set(STATE_KINDS);

/** A reader's state on one paper: the ids of their save/like/hide/less records, and when they last opened it. */
export interface PaperState {
  save?: string;
  like?: string;
  hide?: string;
  less?: string;
  /** The last time the reader opened the paper (ISO). */
  seen?: string;
}

/** One paper of a reading history. */
export interface HistoryEntry {
  item: string;
  /** The last time the reader opened it (ISO). */
  lastSeen: string;
  /** How often they opened it. */
  views: number;
}

/** Views looked at for a reading history (the newest ones). */
const HISTORY_VIEWS = 20_000;

export const INTERACTIONS_SCHEMA: CollectionSchema = {
  fields: {
    user: { type: "keyword", required: true },
    item: { type: "keyword", required: true },
    kind: { type: "keyword", required: true },
    value: { type: "number" },
    timestamp: { type: "number", required: true },
    at: { type: "date", required: true },
    note: { type: "text" },
  },
};

export interface FeedbackRecord {
  id: string;
  user: string;
  item: string;
  kind: FeedbackKind;
  value: number;
  timestamp: number;
  at: string;
  note?: string;
}

export interface FeedbackQuery {
  kind?: FeedbackKind;
  paperId?: string;
}

function toFeedback(record: StoredRecord): FeedbackRecord {
  const out: FeedbackRecord = {
    id: String(record.id),
    user: String(record.user),
    item: String(record.item),
    kind: String(record.kind) as FeedbackKind,
    value: typeof record.value === "number" ? record.value : 1,
    timestamp: Number(record.timestamp),
    at: String(record.at),
  };
  if (typeof record.note === "string") out.note = record.note;
  return out;
}


export class Feedback {
  /** Writes run one at a time (the index applies each write in order). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly collection: Collection,
    private readonly now: () => number,
  ) {}

  /** Opens (creating if needed) the interactions collection with its index under `<indexRoot>/interactions`. */
  static async open(store: Store, indexRoot: string, options: { now?: () => number } = {}): Promise<Feedback> {
    await ensureCollection(store, INTERACTIONS_COLLECTION, INTERACTIONS_SCHEMA);
    const collection = await Collection.open(store, INTERACTIONS_COLLECTION, indexRoot, { quiet: true });
    return new Feedback(collection, options.now ?? Date.now);
  }

  static indexRoot(dataDir: string): string {
    return join(dataDir, "indexes");
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Records feedback. For save/like/hide an existing record is returned as is
   * (`created: false`) unless a new note is given, which replaces the old one.
   */
  add(user: string, item: string, kind: FeedbackKind, note?: string): Promise<{ feedback: FeedbackRecord; created: boolean }> {
    return this.serialized(async () => {
      const store = this.collection.store;
      const state = STATES.has(kind);
      const id = state
        ? `fb_${createHash("sha256").update(`${user}\n${kind}\n${item}`).digest("hex").slice(0, 32)}`
        : `fb_${randomBytes(16).toString("hex")}`;
      const existing = state ? await store.getRecord(this.collection.name, id) : undefined;
      if (existing && (note === undefined || existing.note === note)) return { feedback: toFeedback(existing), created: false };
      const ms = this.now();
      const record: StoredRecord = existing
        ? { ...existing }
        : { id, user, item, kind, value: 1, timestamp: ms / 1000, at: new Date(ms).toISOString() };
      if (note !== undefined) record.note = note;
      await this.collection.put([record]);
      return { feedback: toFeedback(record), created: !existing };
    });
  }

  async get(id: string): Promise<FeedbackRecord | undefined> {
    const record = await this.collection.store.getRecord(this.collection.name, id);
    return record ? toFeedback(record) : undefined;
  }

  remove(id: string): Promise<boolean> {
    return this.serialized(async () => (await this.collection.delete([id])) > 0);
  }

  /** The reader's feedback matching `query`, newest first. */
  async list(user: string, query: FeedbackQuery, page: PageRequest): Promise<{ items: FeedbackRecord[]; total: number }> {
    const must: QueryNode[] = [{ kind: "term", field: "user", text: user }];
    if (query.kind) must.push({ kind: "term", field: "kind", text: query.kind });
    if (query.paperId) must.push({ kind: "term", field: "item", text: query.paperId });
    const filter = allOf(must)!;
    const total = (await this.collection.search(MATCH_ALL, { k: 0, filter, exactTotalHits: true })).totalHits;
    // documents are in write order and all score the same, so the engine returns them oldest first:
    // the newest-first page [offset, offset + limit) is the oldest-first range [total - offset - limit, total - offset)
    const end = total - page.offset;
    if (end <= 0) return { items: [], total };
    const start = Math.max(0, end - page.limit);
    const { hits } = await this.collection.search(MATCH_ALL, { k: end - start, offset: start, filter, exactTotalHits: true });
    const records = hits.map((h) => h.record).reverse();
    return { items: records.filter((r): r is StoredRecord => r !== undefined).map(toFeedback), total };
  }

  /** The reader's state on each of `paperIds` (at most a few hundred: a page of papers). */
  async states(user: string, paperIds: readonly string[]): Promise<Map<string, PaperState>> {
    const out = new Map<string, PaperState>();
    const ids = [...new Set(paperIds)];
    if (ids.length === 0) return out;
    const filter = allOf([{ kind: "term", field: "user", text: user }, anyOf("item", ids)])!;
    const { hits } = await this.collection.search(MATCH_ALL, { k: 100_000, filter });
    for (const hit of hits) {
      if (!hit.record) continue;
      const record = toFeedback(hit.record);
      const state = out.get(record.item) ?? {};
      if (record.kind === "view") {
        if (!state.seen || record.at > state.seen) state.seen = record.at;
      } else state[record.kind] = record.id;
      out.set(record.item, state);
    }
    return out;
  }

  /** The papers the reader opened, the most recently opened first, each once. */
  async history(user: string, page: PageRequest): Promise<{ items: HistoryEntry[]; total: number }> {
    const { items: views } = await this.list(user, { kind: "view" }, { offset: 0, limit: HISTORY_VIEWS });
    const byPaper = new Map<string, HistoryEntry>();
    for (const view of views) {
      const entry = byPaper.get(view.item);
      if (entry) entry.views++;
      else byPaper.set(view.item, { item: view.item, lastSeen: view.at, views: 1 });
    }
    const all = [...byPaper.values()];
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  /** Closes the index (waits for a background merge). */
  close(): Promise<void> {
    return this.queue.then(() => this.collection.close());
  }
}
