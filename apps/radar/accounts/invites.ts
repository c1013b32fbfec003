/**
 * Invitations, for servers whose sign-up is invite-only: an admin creates an
 * invite (optionally for one email address), the server shows its code once
 * (as a link to the sign-up page), and the code admits one sign-up before it
 * expires. Only the code's SHA-256 is stored, as for session tokens. Using an
 * invite deletes it in the store, and a delete reports whether it removed
 * anything, so two sign-ups racing with one code (on one node or two) admit
 * exactly one.
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import type { Store } from "../../../src/store/store.js";
import { newId, newSecret, sha256Hex } from "./tokens.js";

export const INVITES_COLLECTION = "invites";

export interface InviteInfo {
  id: string;
  /** Only this email may use it, when set. */
  email: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** Why an invite code cannot be used, or undefined when it can. */
export type InviteProblem = "unknown" | "expired" | "other-email";

function toInfo(record: StoredRecord): InviteInfo {
  return {
    id: String(record.inviteId),
    email: typeof record.email === "string" ? record.email : null,
    createdBy: String(record.createdBy),
    createdAt: String(record.createdAt),
    expiresAt: String(record.expiresAt),
  };
}

export class Invites {
  private constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  static async open(store: Store, now: () => number = Date.now): Promise<Invites> {
    await ensureCollection(store, INVITES_COLLECTION, {
      fields: { inviteId: { type: "keyword", required: true }, createdBy: { type: "keyword", required: true }, expiresAt: { type: "date", required: true } },
    });
    return new Invites(store, now);
  }

  /** A new invite; the code is in the result only. */
  async create(createdBy: string, options: { email?: string; ttlMs: number }): Promise<InviteInfo & { code: string }> {
    const code = newSecret();
    const now = this.now();
    const record = {
      id: sha256Hex(code),
      inviteId: newId(8),
      ...(options.email ? { email: options.email } : {}),
      createdBy,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + options.ttlMs).toISOString(),
    };
    await this.store.putRecords(INVITES_COLLECTION, [record], { mode: "insert" });
    return { ...toInfo(record), code };
  }

  /** Invites not used yet, newest first (never their codes). */
  async list(): Promise<InviteInfo[]> {
    const out: InviteInfo[] = [];
    for await (const { record } of this.store.scanRecords(INVITES_COLLECTION)) out.push(toInfo(record));
    return out.reverse();
  }

  async revoke(inviteId: string): Promise<boolean> {
    for await (const { id, record } of this.store.scanRecords(INVITES_COLLECTION)) {
      if (record.inviteId === inviteId) return (await this.store.deleteRecords(INVITES_COLLECTION, [id])) > 0;
    }
    return false;
  }

  /** Checks a code for `email` without using it. */
  async check(code: string, email: string): Promise<InviteProblem | undefined> {
    if (typeof code !== "string" || code.length < 20 || code.length > 100) return "unknown";
    const record = await this.store.getRecord(INVITES_COLLECTION, sha256Hex(code));
    if (!record) return "unknown";
    if (Date.parse(String(record.expiresAt)) <= this.now()) return "expired";
    if (typeof record.email === "string" && record.email !== email) return "other-email";
    return undefined;
  }

  /** Uses a code up; false when it was already used (or revoked) meanwhile. */
  async use(code: string): Promise<boolean> {
    return (await this.store.deleteRecords(INVITES_COLLECTION, [sha256Hex(code)])) > 0;
  }
}
