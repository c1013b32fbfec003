/** Paper Radar accounts: readers, passwords, sessions and API keys (the HTTP authorization middleware is in apps/radar/http/authorization.ts). */
export { Accounts, AccountInputError, ACCOUNT_COLLECTIONS, normalizeEmail } from "./accounts.js";
export type { AccountsOptions, ApiKeyInfo, Reader, Role } from "./accounts.js";
export { DEFAULT_SCRYPT, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword, needsRehash, passwordProblem, verifyPassword } from "./passwords.js";
export type { ScryptParams } from "./passwords.js";
export { API_KEY_PREFIX, apiKeyId, newApiKey, sha256Hex } from "./tokens.js";
