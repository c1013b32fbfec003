/** Paper Radar accounts: readers, passwords, sessions, API keys and the authorization helpers. */
export { Accounts, AccountInputError, ACCOUNT_COLLECTIONS, normalizeEmail } from "./accounts.js";
export type { AccountsOptions, ApiKeyInfo, Reader, Role } from "./accounts.js";
export { DEFAULT_SCRYPT, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword, needsRehash, passwordProblem, verifyPassword } from "./passwords.js";
export type { ScryptParams } from "./passwords.js";
export { API_KEY_PREFIX, apiKeyId, newApiKey, sha256Hex } from "./tokens.js";
export {
  SESSION_COOKIE,
  assertOwner,
  authenticate,
  clearSessionCookie,
  currentReader,
  requireAdmin,
  requireReader,
  requireSession,
  setSessionCookie,
} from "./authorization.js";
export type { AuthVariables, CookieOptions, RadarEnv } from "./authorization.js";
