/**
 * Paper Radar's accounts: readers, their sessions and their API keys, all kept
 * in the store (lower-case collections):
 *
 *   readers        id = random reader id; email, role ("reader" | "admin"), createdAt, passwordHash
 *   reader_emails  id = normalized email; reader (makes emails unique: inserted with mode "insert")
 *   sessions       id = SHA-256 of the session token; reader, createdAt, expiresAt
 *   api_keys       id = public key id; reader, name, hash (SHA-256 of the key), createdAt
 *   api_key_usage  id = key id; lastUsedAt (kept apart so that recording a use can never revive a revoked key)
 *
 *   account_claims id = "first-admin"; reader (inserted once: the first account, whichever node it signed up on)
 *   invites        id = SHA-256 of an invite code (invites.ts)
 *
 * Tokens and keys are never stored, only their hashes (tokens.ts); passwords
 * are salted scrypt hashes (passwords.ts) and must pass the password policy
 * (password-policy.ts). The first account created becomes the admin, as does
 * any account whose email is in `adminEmails`.
 *
 * Sign-up is open to anyone (`signup: "open"`, the default), needs an invite
 * from an admin (`"invite"`), or is closed (`"closed"`). On an invite-only or
 * closed server with no account yet, the first account may still sign up
 * (else nobody could ever invite anyone): any email when `adminEmails` is
 * empty, else only one of those emails.
 *
 * This class knows nothing about HTTP: it returns null for failed sign-ins
 * and unknown tokens, and throws TroveErrors (INVALID_ARGUMENT naming the
 * field, CONFLICT for a taken email) for bad input.
 */
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import { InvalidArgumentError, NotFoundError } from "../../../src/core/errors.js";
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import { ConflictError } from "../../../src/store/errors.js";
import type { Store } from "../../../src/store/store.js";
import { TroveError } from "../../../src/core/errors.js";
import { Invites, type InviteInfo } from "./invites.js";
import { passwordPolicy, passwordProblem, type PasswordPolicy, type PasswordPolicyOptions } from "./password-policy.js";
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword, type ScryptParams } from "./passwords.js";
import { apiKeyId, newApiKey, newId, newSecret, sameDigest, sha256Hex } from "./tokens.js";

export type Role = "reader" | "admin";

export interface Reader {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The key's first characters, to recognise it (`trk_0123abcd…`). */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AccountsOptions {
  /** How long a session lasts (default 30 days). */
  sessionTtlMs?: number;
  /** scrypt cost (default N=2^15, r=8, p=1); tests lower it. */
  scrypt?: ScryptParams;
  /** Emails that become admins when they sign up (besides the first account). */
  adminEmails?: readonly string[];
  /** API keys a reader may hold at once (default 25). */
  maxKeysPerReader?: number;
  /** Who may create an account: anyone ("open", default), holders of an invite ("invite"), nobody ("closed"). */
  signup?: SignupMode;
  /** Minimum length and extra blocklist of the password policy. */
  password?: PasswordPolicyOptions;
  /** How long an invite stays valid (default 14 days). */
  inviteTtlMs?: number;
  /** Clock, for tests (epoch ms). */
  now?: () => number;
}

export type SignupMode = "open" | "invite" | "closed";

/** Sign-up is closed on this server (the HTTP layer answers 403). */
export class SignUpClosedError extends TroveError {
  constructor() {
    super("INVALID_ARGUMENT", "sign-up is closed on this server; ask an admin for an account");
    this.name = "SignUpClosedError";
  }
}

/** Bad input to an account operation; `field` names it (`email`, `password`, `name`). */
export class AccountInputError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "AccountInputError";
  }
}

export const ACCOUNT_COLLECTIONS = {
  readers: "readers",
  emails: "reader_emails",
  sessions: "sessions",
  apiKeys: "api_keys",
  apiKeyUsage: "api_key_usage",
  claims: "account_claims",
} as const;

const SCHEMAS: Record<string, CollectionSchema> = {
  [ACCOUNT_COLLECTIONS.readers]: {
    fields: { email: { type: "keyword", required: true }, role: { type: "keyword", required: true }, createdAt: { type: "date", required: true } },
  },
  [ACCOUNT_COLLECTIONS.emails]: { fields: { reader: { type: "keyword", required: true } } },
  [ACCOUNT_COLLECTIONS.sessions]: {
    fields: { reader: { type: "keyword", required: true }, createdAt: { type: "date", required: true }, expiresAt: { type: "date", required: true } },
  },
  [ACCOUNT_COLLECTIONS.apiKeys]: {
    fields: {
      reader: { type: "keyword", required: true },
      name: { type: "keyword", required: true },
      hash: { type: "keyword", required: true },
      createdAt: { type: "date", required: true },
    },
  },
  [ACCOUNT_COLLECTIONS.apiKeyUsage]: { fields: { lastUsedAt: { type: "date", required: true } } },
  [ACCOUNT_COLLECTIONS.claims]: { fields: { reader: { type: "keyword", required: true } } },
};

/** Creates `name` with `schema` unless it exists. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;
const DAY_MS = 86_400_000;
/** lastUsedAt is written at most this often per key (it costs a store write). */
const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

/** Trims and lower-cases an email; throws AccountInputError when it is not an address. */
export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length === 0) throw new AccountInputError("email", "is required");
  if (e.length > MAX_EMAIL_LENGTH) throw new AccountInputError("email", `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL.test(e)) throw new AccountInputError("email", "must be an email address like reader@example.org");
  return e;
}

function toReader(record: StoredRecord): Reader {
  return { id: String(record.id), email: String(record.email), role: record.role === "admin" ? "admin" : "reader", createdAt: String(record.createdAt) };
}

function toKeyInfo(record: StoredRecord, usage?: StoredRecord): ApiKeyInfo {
  return {
    id: String(record.id),
    name: String(record.name),
    prefix: `trk_${String(record.id).slice(0, 8)}…`,
    createdAt: String(record.createdAt),
    lastUsedAt: typeof usage?.lastUsedAt === "string" ? usage.lastUsedAt : null,
  };
}

export class Accounts {
  private readonly sessionTtlMs: number;
  private readonly scryptParams: ScryptParams;
  private readonly adminEmails: ReadonlySet<string>;
  private readonly maxKeys: number;
  private readonly now: () => number;
  readonly signupMode: SignupMode;
  private readonly policy: PasswordPolicy;
  private readonly inviteTtlMs: number;
  /** Sign-ups run one at a time, so "the first account" and email claims cannot race. */
  private signupQueue: Promise<unknown> = Promise.resolve();
  /** A hash to verify against when the email is unknown, so a failed sign-in takes as long either way. */
  private dummyHash: Promise<string> | null = null;

  private constructor(
    readonly store: Store,
    readonly invites: Invites,
    options: AccountsOptions,
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? 30 * DAY_MS;
    this.scryptParams = options.scrypt ?? DEFAULT_SCRYPT;
    this.adminEmails = new Set((options.adminEmails ?? []).map((e) => e.trim().toLowerCase()));
    this.maxKeys = options.maxKeysPerReader ?? 25;
    this.now = options.now ?? Date.now;
    this.signupMode = options.signup ?? "open";
    if (!["open", "invite", "closed"].includes(this.signupMode)) throw new InvalidArgumentError(`signup must be open, invite or closed, got ${JSON.stringify(options.signup)}`);
    this.policy = passwordPolicy(options.password);
    this.inviteTtlMs = options.inviteTtlMs ?? 14 * DAY_MS;
  }

  /** Opens (creating if needed) the account collections of `store` and removes expired sessions. */
  static async open(store: Store, options: AccountsOptions = {}): Promise<Accounts> {
    for (const [name, schema] of Object.entries(SCHEMAS)) await ensureCollection(store, name, schema);
    const accounts = new Accounts(store, await Invites.open(store, options.now), options);
    await accounts.removeExpiredSessions();
    return accounts;
  }

  get sessionTtl(): number {
    return this.sessionTtlMs;
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  // ---------------------------------------------------------------------------
  // readers

  /**
   * Creates a reader. Throws AccountInputError for a malformed email, a weak
   * password or a missing or unusable invite (field "invite"),
   * SignUpClosedError when sign-up is closed, ConflictError when the email is
   * taken.
   */
  async signUp(rawEmail: string, password: string, options: { invite?: string } = {}): Promise<Reader> {
    const email = normalizeEmail(rawEmail);
    const problem = passwordProblem(password, email, this.policy);
    if (problem) throw new AccountInputError("password", problem);
    const invite = await this.admission(email, options.invite);
    // the expensive hash runs outside the queue, so a burst of sign-ups does not wait on each other's scrypt
    const passwordHash = await hashPassword(password, this.scryptParams);
    const run = this.signupQueue.then(() => this.createReader(email, passwordHash, invite));
    this.signupQueue = run.catch(() => undefined);
    return run;
  }

  /** Checks that `email` may sign up now; returns the invite code to use up, if one is needed. */
  private async admission(email: string, invite: string | undefined): Promise<string | undefined> {
    if (this.signupMode === "open") return undefined;
    const noAccounts = (await this.store.countRecords(ACCOUNT_COLLECTIONS.readers)) === 0;
    if (noAccounts && (this.adminEmails.size === 0 || this.adminEmails.has(email))) return undefined;
    if (this.signupMode === "closed") throw new SignUpClosedError();
    if (invite === undefined || invite === "") throw new AccountInputError("invite", "sign-up on this server needs an invite; ask an admin for one");
    const problem = await this.invites.check(invite, email);
    if (problem === "unknown") throw new AccountInputError("invite", "is not a valid invite (mistyped, already used or revoked)");
    if (problem === "expired") throw new AccountInputError("invite", "has expired; ask an admin for a new one");
    if (problem === "other-email") throw new AccountInputError("invite", "was made for another email address");
    return invite;
  }

  private async createReader(email: string, passwordHash: string, invite: string | undefined): Promise<Reader> {
    const id = newId(8);
    const first = (await this.store.countRecords(ACCOUNT_COLLECTIONS.readers)) === 0 && (await this.claimFirstAdmin(id));
    const reader: Reader = { id, email, role: first || this.adminEmails.has(email) ? "admin" : "reader", createdAt: this.iso() };
    try {
      await this.store.putRecords(ACCOUNT_COLLECTIONS.emails, [{ id: email, reader: reader.id }], { mode: "insert" });
    } catch (error) {
      if (error instanceof ConflictError) throw new ConflictError("an account with this email already exists");
      throw error;
    }
    try {
      if (invite !== undefined && !(await this.invites.use(invite))) {
        throw new AccountInputError("invite", "was used by someone else a moment ago; ask an admin for another");
      }
      await this.store.putRecords(ACCOUNT_COLLECTIONS.readers, [{ ...reader, passwordHash }], { mode: "insert" });
    } catch (error) {
      await this.store.deleteRecords(ACCOUNT_COLLECTIONS.emails, [email]);
      throw error;
    }
    return reader;
  }

  /**
   * True for exactly one caller ever: the first account's claim is an insert
   * that a second node's racing sign-up cannot repeat.
   */
  private async claimFirstAdmin(readerId: string): Promise<boolean> {
    try {
      await this.store.putRecords(ACCOUNT_COLLECTIONS.claims, [{ id: "first-admin", reader: readerId }], { mode: "insert" });
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** Creates an invite (admins): the code is in the result only. */
  createInvite(createdBy: string, options: { email?: string } = {}): Promise<InviteInfo & { code: string }> {
    const email = options.email !== undefined && options.email !== "" ? normalizeEmail(options.email) : undefined;
    return this.invites.create(createdBy, { email, ttlMs: this.inviteTtlMs });
  }

  async getReader(id: string): Promise<Reader | undefined> {
    const record = await this.store.getRecord(ACCOUNT_COLLECTIONS.readers, id);
    return record ? toReader(record) : undefined;
  }

  async findReaderByEmail(email: string): Promise<Reader | undefined> {
    let normalized: string;
    try {
      normalized = normalizeEmail(email);
    } catch {
      return undefined;
    }
    const claim = await this.store.getRecord(ACCOUNT_COLLECTIONS.emails, normalized);
    return claim ? this.getReader(String(claim.reader)) : undefined;
  }

  /** Changes a reader's role (for an admin command); NotFoundError if there is no such reader. */
  async setRole(readerId: string, role: Role): Promise<Reader> {
    const record = await this.store.getRecord(ACCOUNT_COLLECTIONS.readers, readerId);
    if (!record) throw new NotFoundError(`no reader with id "${readerId}"`);
    await this.store.putRecords(ACCOUNT_COLLECTIONS.readers, [{ ...record, role }]);
    return toReader({ ...record, role });
  }

  /** The reader whose email and password match, or null. Takes about as long when the email is unknown. */
  async signIn(email: string, password: string): Promise<Reader | null> {
    const reader = await this.findReaderByEmail(email);
    const record = reader ? await this.store.getRecord(ACCOUNT_COLLECTIONS.readers, reader.id) : undefined;
    if (!record || typeof record.passwordHash !== "string") {
      this.dummyHash ??= hashPassword("not a password of anyone", this.scryptParams);
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, record.passwordHash))) return null;
    if (needsRehash(record.passwordHash, this.scryptParams)) {
      await this.store.putRecords(ACCOUNT_COLLECTIONS.readers, [{ ...record, passwordHash: await hashPassword(password, this.scryptParams) }]);
    }
    return toReader(record);
  }

  // ---------------------------------------------------------------------------
  // sessions

  /** Starts a session; returns the token for the cookie (only its hash is stored). */
  async createSession(readerId: string): Promise<{ token: string; expiresAt: string }> {
    const token = newSecret();
    const now = this.now();
    const expiresAt = this.iso(now + this.sessionTtlMs);
    await this.store.putRecords(ACCOUNT_COLLECTIONS.sessions, [{ id: sha256Hex(token), reader: readerId, createdAt: this.iso(now), expiresAt }], {
      mode: "insert",
    });
    return { token, expiresAt };
  }

  /** The reader of a live session, or null (unknown, expired: then removed, or reader gone). */
  async resolveSession(token: string): Promise<Reader | null> {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return null;
    const id = sha256Hex(token);
    const session = await this.store.getRecord(ACCOUNT_COLLECTIONS.sessions, id);
    if (!session) return null;
    if (Date.parse(String(session.expiresAt)) <= this.now()) {
      await this.store.deleteRecords(ACCOUNT_COLLECTIONS.sessions, [id]);
      return null;
    }
    return (await this.getReader(String(session.reader))) ?? null;
  }

  /** Ends a session; returns whether it existed. */
  async endSession(token: string): Promise<boolean> {
    if (typeof token !== "string" || token.length === 0 || token.length > 100) return false;
    return (await this.store.deleteRecords(ACCOUNT_COLLECTIONS.sessions, [sha256Hex(token)])) > 0;
  }

  /** Removes expired sessions; returns how many. */
  async removeExpiredSessions(): Promise<number> {
    const expired: string[] = [];
    const now = this.now();
    for await (const { id, record } of this.store.scanRecords(ACCOUNT_COLLECTIONS.sessions)) {
      if (Date.parse(String(record.expiresAt)) <= now) expired.push(id);
    }
    return expired.length ? this.store.deleteRecords(ACCOUNT_COLLECTIONS.sessions, expired) : 0;
  }

  // ---------------------------------------------------------------------------
  // API keys

  /** Creates an API key for `readerId`. The key itself is in the result only: it cannot be shown again. */
  async createApiKey(readerId: string, name: string): Promise<ApiKeyInfo & { key: string }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw new AccountInputError("name", "must be 1 to 100 characters");
    const existing = await this.listApiKeys(readerId);
    if (existing.length >= this.maxKeys) {
      throw new ConflictError(`a reader may hold at most ${this.maxKeys} API keys; revoke one first`);
    }
    const { keyId, key } = newApiKey();
    const record = { id: keyId, reader: readerId, name: trimmed, hash: sha256Hex(key), createdAt: this.iso() };
    await this.store.putRecords(ACCOUNT_COLLECTIONS.apiKeys, [record], { mode: "insert" });
    return { ...toKeyInfo(record), key };
  }

  /** The reader's API keys, oldest first (never the keys themselves). */
  async listApiKeys(readerId: string): Promise<ApiKeyInfo[]> {
    const records: StoredRecord[] = [];
    for await (const { record } of this.store.scanRecords(ACCOUNT_COLLECTIONS.apiKeys)) {
      if (record.reader === readerId) records.push(record);
    }
    const usage = await this.store.getRecords(
      ACCOUNT_COLLECTIONS.apiKeyUsage,
      records.map((r) => String(r.id)),
    );
    const out = records.map((r, i) => toKeyInfo(r, usage[i]));
    return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** Revokes one of the reader's keys; false when there is no such key of theirs. */
  async revokeApiKey(readerId: string, keyId: string): Promise<boolean> {
    const record = await this.store.getRecord(ACCOUNT_COLLECTIONS.apiKeys, keyId);
    if (!record || record.reader !== readerId) return false;
    const deleted = (await this.store.deleteRecords(ACCOUNT_COLLECTIONS.apiKeys, [keyId])) > 0;
    await this.store.deleteRecords(ACCOUNT_COLLECTIONS.apiKeyUsage, [keyId]);
    return deleted;
  }

  /** The reader an API key belongs to, or null. */
  async resolveApiKey(key: string): Promise<Reader | null> {
    const keyId = typeof key === "string" ? apiKeyId(key) : null;
    if (!keyId) return null;
    const record = await this.store.getRecord(ACCOUNT_COLLECTIONS.apiKeys, keyId);
    if (!record || typeof record.hash !== "string" || !sameDigest(sha256Hex(key), record.hash)) return null;
    const reader = await this.getReader(String(record.reader));
    if (!reader) return null;
    const now = this.now();
    const usage = await this.store.getRecord(ACCOUNT_COLLECTIONS.apiKeyUsage, keyId);
    const last = typeof usage?.lastUsedAt === "string" ? Date.parse(usage.lastUsedAt) : 0;
    if (now - last >= LAST_USED_RESOLUTION_MS) {
      await this.store.putRecords(ACCOUNT_COLLECTIONS.apiKeyUsage, [{ id: keyId, lastUsedAt: this.iso(now) }]);
    }
    return reader;
  }
}
