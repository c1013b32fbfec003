/**
 * A reader's collections of papers: named, a paper in as many as the reader
 * likes, private by default. Each collection can be shared through a
 * read-only link and read in a feed reader through its own RSS address; both
 * carry a secret of their own (not the reader's API key or session), which
 * the owner can replace to cut off everyone who has the old one.
 *
 * Stored in the `reader_collections` store collection, one record per reader
 * (`id` = reader id) holding all of that reader's collections, so listing
 * them is one read. A link's token is `<reader id>.<collection id>.<secret>`:
 * it finds its record directly and the secret is compared in constant time.
 *
 * A change is a read-modify-write of the reader's record under an optimistic
 * version check (the store's compare-and-set, `putRecordIf`): when another
 * write (another node sharing a PostgreSQL store, another process on the
 * SQLite file) got in between, the change is redone on the fresh record, so
 * concurrent changes of one reader all survive. Writes of one reader are
 * also queued in this process, which only spares retries.
 */
import { timingSafeEqual } from "node:crypto";
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import { UnavailableError } from "../../../src/core/errors.js";
import { badRequest, conflict, notFound } from "../../../src/server/problem.js";
import { newId, newSecret } from "../accounts/tokens.js";

export const READER_COLLECTIONS = "reader_collections";

export const READER_COLLECTIONS_SCHEMA: CollectionSchema = {
  fields: {
    ownerId: { type: "keyword", required: true },
    updatedAt: { type: "date", required: true },
  },
};

/** Attempts of one change before giving up (each retry follows a write that got in between). */
const MAX_ATTEMPTS = 50;

/** Most collections per reader and papers per collection. */
export const MAX_COLLECTIONS = 200;
export const MAX_COLLECTION_PAPERS = 5_000;
export const MAX_COLLECTION_NAME = 120;

export interface CollectionPaper {
  paperId: string;
  addedAt: string;
}

export interface PaperCollection {
  id: string;
  ownerId: string;
  name: string;
  createdAt: string;
  /** Newest first. */
  papers: CollectionPaper[];
  /** Token of the read-only link; absent while the collection is private. */
  shareToken?: string;
  /** Token of the collection's RSS address. */
  feedToken: string;
}

interface OwnerRecord {
  id: string;
  ownerId: string;
  updatedAt: string;
  collections: PaperCollection[];
}

function secretToken(ownerId: string, collectionId: string): string {
  return `${ownerId}.${collectionId}.${newSecret()}`;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cleanName(name: string): string {
  const trimmed = name.replace(/\s+/g, " ").trim();
  if (!trimmed) throw badRequest("body.name", "give the collection a name");
  if (trimmed.length > MAX_COLLECTION_NAME) throw badRequest("body.name", `a collection's name has at most ${MAX_COLLECTION_NAME} characters`);
  return trimmed;
}

export class ReaderCollections {
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<ReaderCollections> {
    await ensureCollection(store, READER_COLLECTIONS, READER_COLLECTIONS_SCHEMA);
    return new ReaderCollections(store);
  }

  private async read(ownerId: string): Promise<OwnerRecord> {
    return (await this.readVersioned(ownerId)).owner;
  }

  /** The reader's record and its version (0: none stored yet). */
  private async readVersioned(ownerId: string): Promise<{ owner: OwnerRecord; seq: number }> {
    const found = await this.store.getVersionedRecord(READER_COLLECTIONS, ownerId);
    if (!found) return { owner: { id: ownerId, ownerId, updatedAt: new Date(0).toISOString(), collections: [] }, seq: 0 };
    return { owner: found.record as unknown as OwnerRecord, seq: found.seq };
  }

  /**
   * Runs `change` on the reader's record and stores it if nobody wrote the
   * record since it was read; else runs `change` again on the fresh record.
   */
  private update<T>(ownerId: string, change: (owner: OwnerRecord) => T): Promise<T> {
    const previous = this.queues.get(ownerId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const { owner, seq } = await this.readVersioned(ownerId);
          const result = change(owner);
          owner.updatedAt = new Date().toISOString();
          if ((await this.store.putRecordIf(READER_COLLECTIONS, owner as unknown as StoredRecord, seq)) !== undefined) return result;
          // another node or process wrote this reader's collections in between: pause a moment, redo on the fresh record
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
        throw new UnavailableError(`the collections of reader ${ownerId} changed ${MAX_ATTEMPTS} times while this change was being saved; try again`);
      });
    this.queues.set(ownerId, next);
    void next.finally(() => {
      if (this.queues.get(ownerId) === next) this.queues.delete(ownerId);
    }).catch(() => undefined);
    return next;
  }

  private static find(owner: OwnerRecord, id: string): PaperCollection {
    const found = owner.collections.find((c) => c.id === id);
    if (!found) throw notFound(`no collection with id "${id}"`, "path.id");
    return found;
  }

  /** The reader's collections, newest first. */
  async list(ownerId: string): Promise<PaperCollection[]> {
    return (await this.read(ownerId)).collections;
  }

  /** One of the reader's collections; 404 when it is not theirs. */
  async get(ownerId: string, id: string): Promise<PaperCollection> {
    return ReaderCollections.find(await this.read(ownerId), id);
  }

  async create(ownerId: string, name: string): Promise<PaperCollection> {
    const clean = cleanName(name);
    return this.update(ownerId, (owner) => {
      if (owner.collections.length >= MAX_COLLECTIONS) throw conflict(`you have ${MAX_COLLECTIONS} collections, the most there can be: delete one first`);
      if (owner.collections.some((c) => c.name.toLowerCase() === clean.toLowerCase())) throw conflict(`you already have a collection named “${clean}”`);
      const id = newId(6);
      const collection: PaperCollection = { id, ownerId, name: clean, createdAt: new Date().toISOString(), papers: [], feedToken: secretToken(ownerId, id) };
      owner.collections.unshift(collection);
      return collection;
    });
  }

  async rename(ownerId: string, id: string, name: string): Promise<PaperCollection> {
    const clean = cleanName(name);
    return this.update(ownerId, (owner) => {
      const collection = ReaderCollections.find(owner, id);
      if (owner.collections.some((c) => c.id !== id && c.name.toLowerCase() === clean.toLowerCase())) throw conflict(`you already have a collection named “${clean}”`);
      collection.name = clean;
      return collection;
    });
  }

  async remove(ownerId: string, id: string): Promise<void> {
    await this.update(ownerId, (owner) => {
      ReaderCollections.find(owner, id);
      owner.collections = owner.collections.filter((c) => c.id !== id);
    });
  }

  /** Adds papers (already there: left where they are); returns the collection. */
  async addPapers(ownerId: string, id: string, paperIds: readonly string[]): Promise<PaperCollection> {
    return this.update(ownerId, (owner) => {
      const collection = ReaderCollections.find(owner, id);
      const present = new Set(collection.papers.map((p) => p.paperId));
      const now = new Date().toISOString();
      const added = [...new Set(paperIds)].filter((p) => !present.has(p)).map((paperId) => ({ paperId, addedAt: now }));
      if (collection.papers.length + added.length > MAX_COLLECTION_PAPERS) throw conflict(`a collection holds at most ${MAX_COLLECTION_PAPERS} papers`);
      collection.papers = [...added, ...collection.papers];
      return collection;
    });
  }

  async removePaper(ownerId: string, id: string, paperId: string): Promise<PaperCollection> {
    return this.update(ownerId, (owner) => {
      const collection = ReaderCollections.find(owner, id);
      if (!collection.papers.some((p) => p.paperId === paperId)) throw notFound(`paper "${paperId}" is not in this collection`, "path.paperId");
      collection.papers = collection.papers.filter((p) => p.paperId !== paperId);
      return collection;
    });
  }

  /** Shares (a new link each time: the old one stops working) or makes private again. */
  async setShared(ownerId: string, id: string, shared: boolean): Promise<PaperCollection> {
    return this.update(ownerId, (owner) => {
      const collection = ReaderCollections.find(owner, id);
      if (shared) collection.shareToken = secretToken(ownerId, id);
      else delete collection.shareToken;
      return collection;
    });
  }

  /** A new RSS address; the old one stops working. */
  async renewFeedToken(ownerId: string, id: string): Promise<PaperCollection> {
    return this.update(ownerId, (owner) => {
      const collection = ReaderCollections.find(owner, id);
      collection.feedToken = secretToken(ownerId, id);
      return collection;
    });
  }

  /** The ids of the reader's collections holding `paperId`. */
  async holding(ownerId: string, paperId: string): Promise<string[]> {
    return (await this.read(ownerId)).collections.filter((c) => c.papers.some((p) => p.paperId === paperId)).map((c) => c.id);
  }

  /** The collection a share or feed token opens, or undefined (404 for the caller: no hint whether it exists). */
  async byToken(token: string, kind: "share" | "feed"): Promise<PaperCollection | undefined> {
    const [ownerId, id, secret] = token.split(".");
    if (!ownerId || !id || !secret || ownerId.length > 64) return undefined;
    const collection = (await this.read(ownerId)).collections.find((c) => c.id === id);
    const expected = kind === "share" ? collection?.shareToken : collection?.feedToken;
    return collection && expected && sameToken(expected, token) ? collection : undefined;
  }
}
