/**
 * Checks that a value survives a JSON round trip unchanged, so that the store
 * returns exactly what it was given. JSON.stringify silently changes some
 * values: NaN and Infinity become null, undefined inside an array becomes
 * null, a Date becomes a string, a Map becomes {}, and a bigint or a cycle
 * throws. The store refuses such values with a message naming where they are.
 * Undefined object properties are treated as absent, as JSON does.
 */

const MAX_DEPTH = 100;

/** Returns a description of the first value under `value` that JSON would change, or undefined if there is none. */
export function nonJsonProblem(value: unknown, path: string, depth = 0, inArray = false): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path}: ${value} is not a JSON number`;
    case "undefined":
      return inArray || depth === 0 ? `${path}: undefined is not a JSON value` : undefined;
    case "object":
      break;
    default:
      return `${path}: a ${typeof value} is not a JSON value`;
  }
  if (value === null) return undefined;
  if (depth >= MAX_DEPTH) return `${path}: nested more than ${MAX_DEPTH} levels deep (or contains a cycle)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = nonJsonProblem(value[i], `${path}[${i}]`, depth + 1, true);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return `${path}: ${kindOf(value)} is not a plain JSON object`;
  for (const key of Object.keys(value)) {
    const problem = nonJsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, false);
    if (problem) return problem;
  }
  return undefined;
}

/** True for objects created by a literal, JSON.parse or Object.create(null). */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** "a Date", "a Map", ... for messages. */
export function kindOf(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name ? `a ${name}` : "an object with a custom prototype";
}
