import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { Store } from "../../../src/store/store.js";
import { ConflictError } from "../../../src/store/errors.js";
import { ACCOUNT_COLLECTIONS, AccountInputError, Accounts } from "./accounts.js";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.js";
import { passwordProblem } from "./password-policy.js";
import { apiKeyId, sha256Hex } from "./tokens.js";

const FAST = { N: 1024, r: 8, p: 1 };

let dir: string;
let store: Store;
let clock = Date.UTC(2025, 0, 1);
let accounts: Accounts;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "radar-accounts-"));
  store = await openStore(dir);
  accounts = await Accounts.open(store, { scrypt: FAST, now: () => clock, sessionTtlMs: 60_000, adminEmails: ["boss@example.org"] });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("scrypt hashes: salted, self-describing, verified in constant time", async () => {
  const a = await hashPassword("correct horse battery", FAST);
  const b = await hashPassword("correct horse battery", FAST);
  assert.notEqual(a, b, "a fresh salt each time");
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword("correct horse battery", a), true);
  assert.equal(await verifyPassword("correct horse batterY", a), false);
  assert.equal(await verifyPassword("x", "not a hash"), false);
  assert.equal(await verifyPassword("x", "scrypt$999999999$8$1$AAAA$AAAA"), false, "absurd parameters are refused, not run");
  // NFC and NFD spellings of the same password match
  const nfc = await hashPassword("caf\u00e9 au lait!!", FAST);
  assert.equal(await verifyPassword("cafe\u0301 au lait!!", nfc), true);
  assert.equal(needsRehash(a), true, "cheaper than the default parameters");
  assert.equal(needsRehash(a, FAST), false);
});

test("password rules", () => {
  assert.match(passwordProblem("short", "a@b.co") ?? "", /at least 10/);
  assert.match(passwordProblem("a@b.co.long", "A@B.CO.LONG") ?? "", /email/);
  assert.match(passwordProblem("aaaaaaaaaaaa", "a@b.co") ?? "", /repeated/);
  assert.equal(passwordProblem("correct horse battery", "a@b.co"), null);
  assert.match(passwordProblem("x".repeat(150) + "y".repeat(51), "a@b.co") ?? "", /at most 200/);
  // NIST SP 800-63B: breached and dictionary passwords, sequences, repetition, context words
  assert.match(passwordProblem("1234567890", "a@b.co") ?? "", /sequence/);
  assert.match(passwordProblem("7890123456", "a@b.co") ?? "", /sequence/, "digits wrapping around");
  assert.match(passwordProblem("ZYXWVUTSRQ", "a@b.co") ?? "", /sequence/, "backwards, any case");
  assert.match(passwordProblem("Qwerty12345", "a@b.co") ?? "", /common/);
  assert.match(passwordProblem("$unshine2024", "a@b.co") ?? "", /common/);
  assert.match(passwordProblem("2024-monkey-!!", "a@b.co") ?? "", /common/);
  assert.match(passwordProblem("trove!!!!!!1", "a@b.co") ?? "", /site's name/);
  assert.match(passwordProblem("margaret.h#2024", "margaret.h@example.org") ?? "", /email/);
  assert.match(passwordProblem("xyzxyzxyzxyz", "a@b.co") ?? "", /pattern repeated/);
  assert.equal(passwordProblem("lantern orbit pickle", "a@b.co"), null);
  assert.equal(passwordProblem("Maple-Gravel-Ninety-Two", "a@b.co"), null);
});

test("sign-up: first account and listed emails are admins; emails are unique, case-insensitively", async () => {
  // two sign-ups racing for an empty site: exactly one becomes the admin (whichever claims first)
  const raced = await Promise.all([accounts.signUp("First@Example.org", "correct horse battery"), accounts.signUp("second@example.org", "correct horse battery")]);
  assert.deepEqual(raced.map((r) => r.role).sort(), ["admin", "reader"]);
  const first = raced[0];
  assert.equal(first.email, "first@example.org");
  assert.equal((await accounts.signUp("boss@example.org", "correct horse battery")).role, "admin");
  await assert.rejects(accounts.signUp("FIRST@example.org", "another password 1"), ConflictError);
  await assert.rejects(accounts.signUp("no-at-sign", "another password 1"), (e: unknown) => e instanceof AccountInputError && e.field === "email");
  await assert.rejects(accounts.signUp("third@example.org", "short"), (e: unknown) => e instanceof AccountInputError && e.field === "password");
  const stored = await store.getRecord(ACCOUNT_COLLECTIONS.readers, first.id);
  assert.ok(typeof stored?.passwordHash === "string" && !String(stored.passwordHash).includes("correct horse"));
  assert.equal((await accounts.signIn("first@example.org", "correct horse battery"))?.id, first.id);
  assert.equal(await accounts.signIn("first@example.org", "wrong password!!"), null);
  assert.equal(await accounts.signIn("nobody@example.org", "correct horse battery"), null);
});

test("sessions: only the token's hash is stored; they expire", async () => {
  const reader = await accounts.signUp("session@example.org", "correct horse battery");
  const { token } = await accounts.createSession(reader.id);
  assert.equal(await store.getRecord(ACCOUNT_COLLECTIONS.sessions, token), undefined);
  assert.ok(await store.getRecord(ACCOUNT_COLLECTIONS.sessions, sha256Hex(token)));
  assert.equal((await accounts.resolveSession(token))?.id, reader.id);
  assert.equal(await accounts.resolveSession(token + "x"), null);
  clock += 61_000;
  assert.equal(await accounts.resolveSession(token), null, "expired");
  assert.equal(await store.getRecord(ACCOUNT_COLLECTIONS.sessions, sha256Hex(token)), undefined, "and removed");
  const other = await accounts.createSession(reader.id);
  clock += 61_000;
  assert.ok((await accounts.removeExpiredSessions()) >= 1);
  assert.equal(await accounts.resolveSession(other.token), null);
  const third = await accounts.createSession(reader.id);
  assert.equal(await accounts.endSession(third.token), true);
  assert.equal(await accounts.resolveSession(third.token), null);
});

test("API keys: stored hashed, listed without the secret, revoked by their owner only", async () => {
  const owner = await accounts.signUp("keys@example.org", "correct horse battery");
  const stranger = await accounts.signUp("stranger@example.org", "correct horse battery");
  const created = await accounts.createApiKey(owner.id, "  ci  ");
  assert.equal(created.name, "ci");
  assert.equal(apiKeyId(created.key), created.id);
  const record = await store.getRecord(ACCOUNT_COLLECTIONS.apiKeys, created.id);
  assert.ok(record && !JSON.stringify(record).includes(created.key.slice(21)));
  assert.equal((await accounts.resolveApiKey(created.key))?.id, owner.id);
  const listed = await accounts.listApiKeys(owner.id);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].lastUsedAt !== null, true, "the use was recorded");
  assert.equal("key" in listed[0], false);
  // a forged secret with a real key id
  assert.equal(await accounts.resolveApiKey(`trk_${created.id}_${"A".repeat(43)}`), null);
  assert.equal(await accounts.revokeApiKey(stranger.id, created.id), false);
  assert.equal(await accounts.revokeApiKey(owner.id, created.id), true);
  assert.equal(await accounts.resolveApiKey(created.key), null);
  await assert.rejects(accounts.createApiKey(owner.id, "   "), AccountInputError);
});
