/**
 * Validation of JSON settings with zod, with errors that name where the value
 * came from and the path of the bad value inside it ("pipeline.json:
 * retrievers[1].depth: ..."). Pipelines, encoder specs and stage settings use it.
 */
import type { z } from "zod";
import { InvalidArgumentError } from "./errors.js";

/**
 * Parses `value` with `schema`, turning the first problem into an error naming
 * the file (`where`) and the path of the bad value inside it, starting at `at`
 * (e.g. "retrievers[1]").
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string, at = ""): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.reduce<string>((p, key) => (typeof key === "number" ? `${p}[${key}]` : p ? `${p}.${String(key)}` : String(key)), at);
  throw new InvalidArgumentError(`${where}${path ? `: ${path}` : ""}: ${describeIssue(issue)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return issue.message.replace(/^Invalid input: /, "");
}
