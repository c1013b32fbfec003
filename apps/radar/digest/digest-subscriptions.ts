/**
 * Each reader's digest schedule: daily or weekly (the reader's choice,
 * weekly by default), whether the server mails it (off by default: the
 * reader opts in), when the last digest was issued, and every paper a
 * digest has shown them, so that a paper is in at most one digest (an
 * editor's pick, which is not tied to arrival, included).
 *
 * Stored in `digest_subscriptions`, one record per reader; `shown` keeps the
 * newest MAX_SHOWN ids (at ten papers a digest, years of daily digests).
 */
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";

export const DIGEST_SUBSCRIPTIONS = "digest_subscriptions";
export const DIGEST_CADENCES = ["daily", "weekly"] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];
export const CADENCE_MS: Record<DigestCadence, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };
const MAX_SHOWN = 20_000;

const SCHEMA: CollectionSchema = {
  fields: {
    cadence: { type: "keyword", required: true },
    lastIssuedAt: { type: "date" },
  },
};

export interface DigestSubscription {
  cadence: DigestCadence;
  /** The server mails each digest when it is due (the scheduled digest-mail job). */
  mail: boolean;
  /** When the last digest was issued (ISO); absent before the first. */
  lastIssuedAt?: string;
  /** Papers shown in earlier digests, newest first. */
  shown: string[];
}

export class DigestSubscriptions {
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<DigestSubscriptions> {
    await ensureCollection(store, DIGEST_SUBSCRIPTIONS, SCHEMA);
    return new DigestSubscriptions(store);
  }

  async get(readerId: string): Promise<DigestSubscription> {
    const r = await this.store.getRecord(DIGEST_SUBSCRIPTIONS, readerId);
    if (!r) return { cadence: "weekly", mail: false, shown: [] };
    return fromRecord(r);
  }

  /** Readers who asked for their digest by mail, with their subscriptions. */
  async *mailed(): AsyncIterable<{ readerId: string; subscription: DigestSubscription }> {
    for await (const { record } of this.store.scanRecords(DIGEST_SUBSCRIPTIONS)) {
      if (record.mail === true) yield { readerId: String(record.id), subscription: fromRecord(record) };
    }
  }

  private async put(readerId: string, sub: DigestSubscription): Promise<void> {
    // `mail` is kept undeclared (stores created before it keep their schema)
    await this.store.putRecords(DIGEST_SUBSCRIPTIONS, [{ id: readerId, ...sub } as unknown as StoredRecord]);
  }

  /** Changes the cadence and/or the mail choice; what is not given stays. */
  async update(readerId: string, change: { cadence?: DigestCadence; mail?: boolean }): Promise<DigestSubscription> {
    const sub = await this.get(readerId);
    if (change.cadence !== undefined) sub.cadence = change.cadence;
    if (change.mail !== undefined) sub.mail = change.mail;
    await this.put(readerId, sub);
    return sub;
  }

  /** Records a digest issued at `at` showing `paperIds`. */
  async issued(readerId: string, at: string, paperIds: readonly string[]): Promise<void> {
    const sub = await this.get(readerId);
    await this.put(readerId, { ...sub, lastIssuedAt: at, shown: [...paperIds, ...sub.shown].slice(0, MAX_SHOWN) });
  }
}

function fromRecord(r: StoredRecord): DigestSubscription {
  return {
    cadence: r.cadence === "daily" ? "daily" : "weekly",
    mail: r.mail === true,
    ...(typeof r.lastIssuedAt === "string" ? { lastIssuedAt: r.lastIssuedAt } : {}),
    shown: Array.isArray(r.shown) ? (r.shown as string[]) : [],
  };
}
