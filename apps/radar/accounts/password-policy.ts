/**
 * Which passwords Paper Radar accepts, after NIST SP 800-63B (section
 * 5.1.1.2, "memorized secret verifiers"): a length range and no composition
 * rules (no "one digit and one symbol"), but a refusal of passwords an
 * attacker tries first:
 * - the common passwords and words in common-passwords.txt (a small list
 *   committed with the app; RADAR_PASSWORD_BLOCKLIST adds an operator's own,
 *   such as a breach corpus), also with only digits or symbols added before
 *   or after them (`Password2024!`, `123iloveyou`) and through the usual
 *   letter-for-digit swaps (`p@ssw0rd`);
 * - repetitive or sequential characters: one character repeated, a short
 *   pattern repeated (`abcabcabca`), alphabet, digit and keyboard runs
 *   (`1234567890`, `qwertyuiop`, `zyxwvutsrq`);
 * - context-specific words: the email address or its local part, and the
 *   service's own names (paper, radar, trove).
 * Each refusal says why, so the reader can choose better.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError } from "../../../src/core/errors.js";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** Lower-cased common passwords and words. */
  blocklist: ReadonlySet<string>;
  /** Words of this service that a password must not be built on. */
  contextWords: readonly string[];
}

export interface PasswordPolicyOptions {
  /** Shortest password accepted (default 10; NIST asks for at least 8). */
  minLength?: number;
  /** A file of more passwords to refuse, one per line (RADAR_PASSWORD_BLOCKLIST). */
  extraBlocklistFile?: string;
}

const LIST_FILE = "common-passwords.txt";

/** The committed list, found beside this module in the source tree (dist/ has only the compiled code). */
function listFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, LIST_FILE), join(here, "..", "..", "..", "..", "apps", "radar", "accounts", LIST_FILE)];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`Paper Radar: ${LIST_FILE} not found in ${candidates.join(" or ")}`);
  return found;
}

function readList(file: string, into: Set<string>): void {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the password blocklist ${file}: ${(error as Error).message}`);
  }
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim().toLowerCase();
    if (entry && !entry.startsWith("#")) into.add(entry.normalize("NFC"));
  }
}

let committed: Set<string> | undefined;

export function passwordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const minLength = options.minLength ?? MIN_PASSWORD_LENGTH;
  if (!Number.isInteger(minLength) || minLength < 8 || minLength > 64) throw new InvalidArgumentError(`the minimum password length must be 8 to 64, got ${minLength}`);
  if (!committed) {
    committed = new Set<string>();
    readList(listFile(), committed);
  }
  let blocklist: Set<string> = committed;
  if (options.extraBlocklistFile) {
    blocklist = new Set(committed);
    readList(options.extraBlocklistFile, blocklist);
  }
  return { minLength, maxLength: MAX_PASSWORD_LENGTH, blocklist, contextWords: ["paper", "papers", "radar", "paperradar", "trove"] };
}

/** Runs an attacker walks: the alphabet and digits (wrapping around: 7890123456), keyboard rows and columns. */
const RUNS = ["abcdefghijklmnopqrstuvwxyz".repeat(2), "0123456789".repeat(3), "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp"];
const RUN_TEXT = [...RUNS, ...RUNS.map((r) => [...r].reverse().join(""))];

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i" };

function deleet(text: string): string {
  return [...text].map((ch) => LEET[ch] ?? ch).join("");
}

/** The word inside digits and symbols: "2024password!" -> "password". */
function core(text: string): string {
  return text.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
}

function isSequence(text: string): boolean {
  const compact = text.replace(/[\s_.-]+/g, "");
  return compact.length >= 4 && RUN_TEXT.some((run) => run.includes(compact));
}

/** Undefined when the password is acceptable; else the problem, for `body.password: ...`. */
export function passwordProblem(password: string, email: string, policy: PasswordPolicy = passwordPolicy()): string | null {
  const normalized = password.normalize("NFC");
  const length = [...normalized].length;
  if (length < policy.minLength) return `must be at least ${policy.minLength} characters long`;
  if (length > policy.maxLength) return `must be at most ${policy.maxLength} characters long`;
  const lower = normalized.toLowerCase();
  const address = email.trim().toLowerCase();
  if (lower.trim() === address) return "must not be the email address";
  if (new Set(normalized).size === 1) return "must not be one character repeated";
  if (/^(.{2,5})\1+(.{0,4})$/su.test(lower) && lower.length - (/^(.{2,5})\1+(.{0,4})$/su.exec(lower)![2].length) >= lower.length * 0.7) {
    return "must not be a short pattern repeated";
  }
  if (isSequence(lower)) return "must not be a keyboard, alphabet or digit sequence";
  const blocked = (word: string) => word.length > 0 && (policy.blocklist.has(word) || policy.blocklist.has(word.replace(/\s+/g, "")));
  if (blocked(lower) || blocked(deleet(lower))) return "is one of the most common passwords; choose another (a few unrelated words make a good one)";
  const local = address.split("@")[0] ?? "";
  const context = [...policy.contextWords, ...(local.length >= 4 ? [local] : [])];
  const stripEnd = (text: string) => text.replace(/[\d\W_]+$/u, "");
  const stripStart = (text: string) => text.replace(/^[\d\W_]+/u, "");
  // the word under added digits and symbols, also read through letter-for-digit swaps ($unshine2024 -> sunshine)
  const cores = new Set([core(lower), core(deleet(lower)), core(deleet(stripEnd(lower))), core(deleet(stripStart(lower))), core(deleet(stripStart(stripEnd(lower))))]);
  cores.delete("");
  const squeezed = (word: string) => word.replace(/\s+/g, "");
  for (const word of cores) {
    if (context.includes(word) || context.includes(squeezed(word))) return "must not be built on the email address or this site's name";
  }
  for (const word of cores) {
    if (blocked(word)) return "is a common password with only digits or symbols added; choose another (a few unrelated words make a good one)";
  }
  return null;
}
