/**
 * The feed's tf-idf model kept in step with the papers collection and
 * persisted under `<dataDir>/models/feed-tfidf/` (src/recommend/model-io.ts:
 * every file written atomically, the header last, CRC-checked on load).
 *
 * The saved header records the papers collection's change-feed position
 * (`storeSeq`) and creation number (`createdSeq`). On open and before each
 * use (`refresh`):
 * - same position: the saved model is used as is (no analysis at start-up);
 * - only new papers since (puts of unknown ids, at most 20% of the model or 50):
 *   they are vectorized with the saved vocabulary and idf and appended;
 * - anything else (updated or deleted papers, many new ones, a recreated
 *   collection, an unreadable or older-format model): rebuilt from the store.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TroveError } from "../../../src/core/errors.js";
import type { Change, Store } from "../../../src/store/store.js";
import { readModel, writeModel } from "../../../src/recommend/model-io.js";
import { TfidfModel, type TfidfOptions, type TfidfPaper } from "./tfidf.js";

const ALGORITHM = "radar-feed-tfidf";
const ALGORITHM_VERSION = 1;
/** New papers appended without a rebuild: at most this share of the model, or MIN_EXTENSION papers. */
const MAX_EXTENSION = 0.2;
const MIN_EXTENSION = 50;

export type FeedModelAction = "loaded" | "extended" | "built" | "unchanged";

export interface FeedModelOptions {
  tfidf?: TfidfOptions;
  /** Called with what happened at each open/refresh (logging, tests). */
  onUpdate?: (action: FeedModelAction, papers: number) => void;
}

export function feedModelDir(dataDir: string): string {
  return join(dataDir, "models", "feed-tfidf");
}

function asTfidfPaper(id: string, record: Record<string, unknown>): TfidfPaper {
  return {
    id,
    title: typeof record.title === "string" ? record.title : "",
    abstract: typeof record.abstract === "string" ? record.abstract : "",
    categories: Array.isArray(record.categories) ? record.categories.map(String) : [],
    date: typeof record.date === "string" ? record.date : "1970-01-01",
  };
}

export class FeedModel {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private readonly collection: string,
    private readonly dir: string,
    private readonly options: FeedModelOptions,
    private current: TfidfModel,
    private storeSeq: number,
    private readonly createdSeq: number,
  ) {}

  get model(): TfidfModel {
    return this.current;
  }

  /** The change-feed position the model reflects. */
  get position(): number {
    return this.storeSeq;
  }

  /** Opens the saved model (bringing it up to date) or builds one. */
  static async open(store: Store, collection: string, dataDir: string, options: FeedModelOptions = {}): Promise<FeedModel> {
    const dir = feedModelDir(dataDir);
    const info = await store.getCollection(collection);
    const latest = await store.latestSeq(collection);
    const saved = loadSaved(dir, info.createdSeq);
    if (saved) {
      const fm = new FeedModel(store, collection, dir, options, saved.model, saved.storeSeq, info.createdSeq);
      if (saved.storeSeq === latest) options.onUpdate?.("loaded", saved.model.size);
      else await fm.catchUp();
      return fm;
    }
    const { model, seq } = await buildFromStore(store, collection, options.tfidf);
    const fm = new FeedModel(store, collection, dir, options, model, seq, info.createdSeq);
    fm.save();
    options.onUpdate?.("built", model.size);
    return fm;
  }

  /** Applies the collection's changes since the model's position (one refresh at a time). */
  refresh(): Promise<TfidfModel> {
    const run = this.queue.then(async () => {
      if ((await this.store.latestSeq(this.collection)) > this.storeSeq) await this.catchUp();
      return this.current;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    const changes: Change[] = [];
    let seq = this.storeSeq;
    const allowed = Math.max(MIN_EXTENSION, this.current.size * MAX_EXTENSION);
    const limit = Math.ceil(allowed) + 1;
    let extendable = true;
    for (;;) {
      const batch = await this.store.changesSince(this.collection, seq, 1000);
      if (batch.length === 0) break;
      for (const change of batch) {
        if (change.op !== "put" || !change.record || this.current.rowOf(change.id) >= 0) extendable = false;
        changes.push(change);
      }
      seq = batch[batch.length - 1].seq;
      if (!extendable || changes.length > limit) break;
    }
    if (extendable && changes.length <= allowed && changes.length > 0) {
      const fresh = new Map<string, TfidfPaper>();
      for (const c of changes) fresh.set(c.id, asTfidfPaper(c.id, c.record!));
      this.current = this.current.extend([...fresh.values()]);
      this.storeSeq = seq;
      this.save();
      this.options.onUpdate?.("extended", this.current.size);
      return;
    }
    if (changes.length === 0) {
      this.storeSeq = seq;
      return;
    }
    const { model, seq: built } = await buildFromStore(this.store, this.collection, this.options.tfidf);
    this.current = model;
    this.storeSeq = built;
    this.save();
    this.options.onUpdate?.("built", model.size);
  }

  private save(): void {
    const m = this.current;
    writeModel(this.dir, {
      algorithm: ALGORITHM,
      algorithmVersion: ALGORITHM_VERSION,
      options: { ...m.options },
      state: { storeSeq: this.storeSeq, createdSeq: this.createdSeq, terms: m.terms, categoryNames: m.categoryNames },
      userIds: [],
      itemIds: m.ids,
      arrays: { idf: m.idf, indptr: m.indptr, indices: m.indices, values: m.values, days: m.days, catPtr: m.catPtr, catIdx: m.catIdx },
    });
  }
}

/** The saved model when it is readable, of this version and of this collection's incarnation. */
function loadSaved(dir: string, createdSeq: number): { model: TfidfModel; storeSeq: number } | undefined {
  if (!existsSync(join(dir, "model.json"))) return undefined;
  try {
    const saved = readModel(dir);
    const state = saved.state as { storeSeq?: number; createdSeq?: number; terms?: string[]; categoryNames?: string[] };
    if (saved.algorithm !== ALGORITHM || saved.algorithmVersion !== ALGORITHM_VERSION || state.createdSeq !== createdSeq) return undefined;
    const a = saved.arrays;
    const model = new TfidfModel(
      [...saved.itemIds],
      state.terms ?? [],
      a.idf as Float32Array,
      a.indptr as Int32Array,
      a.indices as Int32Array,
      a.values as Float32Array,
      a.days as Int32Array,
      state.categoryNames ?? [],
      a.catPtr as Int32Array,
      a.catIdx as Int32Array,
      saved.options as unknown as TfidfModel["options"],
    );
    return { model, storeSeq: Number(state.storeSeq) };
  } catch (error) {
    // a damaged or foreign model is derived data: rebuild it
    if (error instanceof TroveError) return undefined;
    throw error;
  }
}

async function buildFromStore(store: Store, collection: string, options: TfidfOptions | undefined): Promise<{ model: TfidfModel; seq: number }> {
  const papers: TfidfPaper[] = [];
  let seq = await store.latestSeq(collection);
  for await (const { seq: s, id, record } of store.scanRecords(collection)) {
    papers.push(asTfidfPaper(id, record));
    if (s > seq) seq = s;
  }
  return { model: TfidfModel.build(papers, options), seq };
}
