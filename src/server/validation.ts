/**
 * Request validation. Routes declare zod schemas for their path, query and
 * body; the same schemas produce the OpenAPI document (openapi.ts). When a
 * request does not fit, `validationHook` answers 400 naming the first bad
 * field as `<where>.<path>`:
 *
 *   query.limit: must be an integer between 1 and 100
 *   body.topics[2].level: must be one of "like", "neutral", "dislike"
 *   query.categroy: unknown parameter
 *
 * The helpers below build the schemas that recur (bounded integers from query
 * strings, repeated query parameters) with such messages.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HttpError } from "./problem.js";

/** Where a validated value came from, as the first part of the field name. */
const TARGET_NAMES: Readonly<Record<string, string>> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

type Issue = z.core.$ZodIssue;

/** `topics[2].level` from a zod path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function joinField(target: string, path: string): string {
  return path === "" ? target : `${target}.${path}`;
}

/** The field name and the message for one zod issue of a request part. */
export function describeIssue(target: string, issue: Issue): { field: string; message: string } {
  const where = TARGET_NAMES[target] ?? target;
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const field = joinField(where, path === "" ? key : `${path}.${key}`);
    return { field, message: where === "query" ? "unknown parameter" : "unknown field" };
  }
  const field = joinField(where, path);
  let message = issue.message;
  if (issue.code === "invalid_type" && /received undefined$/.test(message)) message = "is required";
  else if (issue.code === "invalid_type") message = `expected ${issue.expected}`;
  else if (issue.code === "invalid_value" && /^Invalid option/.test(message)) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if ((issue.code === "too_big" || issue.code === "too_small") && /^Too (big|small)/.test(message)) {
    message = sizeMessage(issue.code === "too_big" ? "at most" : "at least", issue.origin, Number(issue.code === "too_big" ? issue.maximum : issue.minimum));
  }
  return { field, message };
}

function sizeMessage(bound: "at most" | "at least", origin: string, n: number): string {
  if (origin === "string") return n === 1 && bound === "at least" ? "must not be empty" : `must be ${bound} ${n} characters long`;
  if (origin === "array" || origin === "set") return `must have ${bound} ${n} items`;
  return `must be ${bound} ${n}`;
}

/** Builds the 400 error for a failed validation of `target` (json, query, param, ...). */
export function validationError(target: string, error: z.ZodError): HttpError {
  const issue = error.issues[0];
  if (!issue) return new HttpError(400, "INVALID_ARGUMENT", `${TARGET_NAMES[target] ?? target}: invalid`);
  const { field, message } = describeIssue(target, issue);
  return new HttpError(400, "INVALID_ARGUMENT", `${field}: ${message}`, field);
}

/** The `defaultHook` of every router: turns a failed validation into a 400 problem response. */
export function validationHook(result: { target: string; success: boolean; error?: z.ZodError }, _c: Context): void {
  if (!result.success && result.error) throw validationError(result.target, result.error);
}

/**
 * An integer from a query string, `min`..`max`, with a message naming the range.
 * With `fallback`, a missing parameter takes that value.
 */
export function queryInt(options: { min: number; max: number; fallback: number; description?: string }) {
  const msg = `must be an integer between ${options.min} and ${options.max}`;
  const schema = z.coerce
    .number({ error: msg })
    .int({ error: msg })
    .min(options.min, { error: msg })
    .max(options.max, { error: msg })
    .default(options.fallback);
  return options.description ? schema.openapi({ description: options.description }) : schema;
}

/**
 * A query parameter that may repeat (`?category=cs.IR&category=cs.CL`); one
 * occurrence gives a one-element list. At most `max` values.
 */
export function queryList(item: z.ZodString, options: { max: number; description?: string }) {
  const schema = z.preprocess(
    (v) => (typeof v === "string" ? [v] : v),
    z.array(item).max(options.max, { error: `at most ${options.max} values` }),
  );
  const described = options.description ? schema.openapi({ description: options.description }) : schema;
  return described.optional();
}

/** A calendar date `YYYY-MM-DD` (a real day). */
export function isoDay(description?: string) {
  const schema = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isRealDay(s), { error: "must be a date written YYYY-MM-DD" });
  return description ? schema.openapi({ description, format: "date" }) : schema.openapi({ format: "date" });
}

function isRealDay(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}
