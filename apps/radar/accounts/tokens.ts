/**
 * Secrets handed to clients: session tokens and API keys. Both are 256 random
 * bits; the store keeps only their SHA-256, so a copy of the database does not
 * let anyone sign in. (A fast hash is right here: unlike passwords, the
 * secrets are random, so there is nothing to guess.)
 *
 * API keys look like `trk_<key id: 16 hex>_<secret: 43 base64url>`: the key id
 * is public (it names the key in listings and in `DELETE /api/keys/{id}`) and
 * finds the record directly; the hash of the whole key is then compared in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new random token (43 base64url characters). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A new random id of `bytes` bytes, in hex. */
export function newId(bytes = 8): string {
  return randomBytes(bytes).toString("hex");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export const API_KEY_PREFIX = "trk_";
const API_KEY = /^trk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A new API key and its id. */
export function newApiKey(): { keyId: string; key: string } {
  const keyId = newId(8);
  return { keyId, key: `${API_KEY_PREFIX}${keyId}_${newSecret()}` };
}

/** The key id of a well-formed API key, or null. */
export function apiKeyId(key: string): string | null {
  const m = API_KEY.exec(key);
  return m ? m[1] : null;
}
