/** Paper Radar accounts: readers, passwords, sessions and API keys (the HTTP authorization middleware is in apps/radar/http/authorization.ts). */
export { Accounts, AccountInputError, ACCOUNT_COLLECTIONS, normalizeEmail } from "./accounts.js";
export type { AccountsOptions, ApiKeyInfo, Reader, Role } from "./accounts.js";
export { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from "./passwords.js";
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordPolicy, passwordProblem } from "./password-policy.js";
export type { PasswordPolicy, PasswordPolicyOptions } from "./password-policy.js";
export type { ScryptParams } from "./passwords.js";
export { API_KEY_PREFIX, apiKeyId, newApiKey, sha256Hex } from "./tokens.js";
