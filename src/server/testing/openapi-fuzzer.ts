/**
 * A request fuzzer driven by a server's own OpenAPI document: for each case
 * it picks an operation and sends it with inputs bent out of shape (wrong
 * types, huge strings, deeply nested JSON, bodies that are not UTF-8, query
 * language garbage in search boxes, numbers out of range, unknown fields),
 * signed in or not, and counts the answers per status class. Any 5xx other
 * than a documented 503, a request that never gets an answer, or a server
 * that stops answering at all is a failure; everything else (4xx included)
 * is the server doing its job. Seeded, so a failure can be replayed.
 */
import { SeededRandom } from "../../core/random.js";

interface ParameterSpec {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  schema?: SchemaSpec;
}

interface SchemaSpec {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaSpec>;
  items?: SchemaSpec;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  anyOf?: SchemaSpec[];
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  parameters: ParameterSpec[];
  body?: SchemaSpec;
}

export interface FuzzAuth {
  /** Headers that sign a request in (a cookie with its Origin, or an API key). */
  headers: Record<string, string>;
}

export interface FuzzOptions {
  baseUrl: string;
  cases: number;
  seed?: number;
  /** Ways to sign in; each case uses one of them or none. */
  auths?: FuzzAuth[];
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Operations not to call (e.g. "POST /api/auth/signout", which would end the fuzzer's session). */
  skip?: readonly string[];
  /** Called every 500 cases. */
  onProgress?: (done: number) => void;
}

export interface FuzzFailure {
  request: string;
  status: number | "no answer";
  body: string;
}

export interface FuzzReport {
  cases: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  failures: FuzzFailure[];
  /** Slowest answer, ms. */
  slowestMs: number;
}

/** Query-language garbage for free-text parameters. */
const QUERY_GARBAGE = [
  "(((((((((",
  '"unterminated phrase',
  "title:",
  ":",
  "*",
  "a* ".repeat(400),
  "AND OR NOT",
  "title:(a OR (b AND (c OR (d",
  "~~~^^^",
  "date:[2020 TO",
  "\\",
  "a^99999999999",
  '"a b"~99999999',
  "-".repeat(2000),
  "x:y:z:w",
  "\u0000\u0001\u0002",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \ud800",
  "NOT NOT NOT a",
  "categories:*",
  "((a)) ".repeat(300),
];

const STRINGS = ["", " ", "0", "-1", "1e309", "NaN", "true", "null", "[]", "{}", "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE trove_records; --", "%00", "a".repeat(300), "é\u0301", "2024-02-30", "9999-99-99"];

export class OpenApiFuzzer {
  private readonly rng: SeededRandom;
  private readonly operations: Operation[];

  constructor(
    private readonly document: { paths: Record<string, Record<string, { parameters?: ParameterSpec[]; requestBody?: { content?: Record<string, { schema?: SchemaSpec }> } }>>; components?: { schemas?: Record<string, SchemaSpec> } },
    private readonly options: FuzzOptions,
  ) {
    this.rng = new SeededRandom(options.seed ?? 1);
    const skip = new Set(options.skip ?? []);
    this.operations = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (skip.has(`${method.toUpperCase()} ${path}`)) continue;
        const body = op.requestBody?.content?.["application/json"]?.schema;
        this.operations.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: body ? this.resolve(body) : undefined });
      }
    }
  }

  private resolve(schema: SchemaSpec, depth = 0): SchemaSpec {
    if (schema.$ref && depth < 10) {
      const name = schema.$ref.split("/").pop()!;
      const target = this.document.components?.schemas?.[name];
      return target ? this.resolve(target, depth + 1) : {};
    }
    return schema;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)];
  }

  private chance(p: number): boolean {
    return this.rng.next() < p;
  }

  /** A plausible value for a schema (so that some cases get past validation into the handlers). */
  private plausible(schema: SchemaSpec | undefined, depth = 0): unknown {
    const s = schema ? this.resolve(schema) : {};
    if (s.enum?.length) return this.pick(s.enum);
    if (s.anyOf?.length) return this.plausible(this.pick(s.anyOf), depth);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case "integer":
        return this.rng.int(Math.max(1, Math.min(s.maximum ?? 100, 100)));
      case "number":
        return this.rng.next() * 10;
      case "boolean":
        return this.chance(0.5);
      case "array":
        return depth > 3 ? [] : Array.from({ length: this.rng.int(3) }, () => this.plausible(s.items, depth + 1));
      case "object": {
        const out: Record<string, unknown> = {};
        if (depth > 3) return out;
        for (const [name, prop] of Object.entries(s.properties ?? {})) if (this.chance(0.8)) out[name] = this.plausible(prop, depth + 1);
        return out;
      }
      default:
        return this.pick(["retrieval", "dense retrieval", "2503.12855", "cs.IR", "save", "like", "2024-05-01", "reader@example.org", "a long and unusual passphrase"]);
    }
  }

  /** A value that is wrong on purpose. */
  private hostile(freeText: boolean): unknown {
    const kind = this.rng.int(9);
    switch (kind) {
      case 0:
        return this.pick(STRINGS);
      case 1:
        return "x".repeat(this.pick([1000, 100_000, 600_000]));
      case 2:
        return this.pick([-1, 0, 1e308, -1e308, 2 ** 53 + 1, 3.5, Number.MAX_SAFE_INTEGER]);
      case 3:
        return this.pick([null, true, [], {}, [1, "a", null], { nested: { deep: [1] } }]);
      case 4:
        return deepArray(this.pick([50, 5000, 100_000]));
      case 5:
        return deepObject(this.pick([50, 5000]));
      default:
        return freeText || this.chance(0.5) ? this.pick(QUERY_GARBAGE) : this.pick(STRINGS);
    }
  }

  /** One case: the request to send. */
  private nextCase(): { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array; label: string } {
    const op = this.pick(this.operations);
    const headers: Record<string, string> = {};
    const auths = this.options.auths ?? [];
    if (auths.length && this.chance(0.7)) Object.assign(headers, this.pick(auths).headers);
    let path = op.path;
    const query = new URLSearchParams();
    for (const param of op.parameters) {
      const freeText = param.name === "q" || param.name === "query";
      const value = this.chance(0.35) ? this.hostile(freeText) : this.plausible(param.schema);
      const text = typeof value === "string" ? value : stringifyWithRaw(value);
      // a path segment is sometimes percent-encoded bytes that are not UTF-8 at all
      if (param.in === "path") path = path.replace(`{${param.name}}`, this.chance(0.05) ? "%FF%FE%C3%28" : encodeURIComponent(wellFormed(text.slice(0, 5000))));
      else if (param.in === "query" && this.chance(0.8)) query.append(param.name, text.slice(0, 50_000));
    }
    if (this.chance(0.1)) query.append(this.pick(["unknown", "limit", "offset", "__proto__"]), this.pick(STRINGS));
    const search = query.toString();
    const url = `${this.options.baseUrl}${path}${search ? `?${search}` : ""}`;
    let body: string | Uint8Array | undefined;
    if (op.method !== "GET" && op.method !== "HEAD" && (op.body || this.chance(0.05))) {
      headers["content-type"] = this.chance(0.93) ? "application/json" : this.pick(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]);
      const roll = this.rng.int(10);
      if (roll === 0) body = invalidUtf8(this.rng);
      else if (roll === 1) body = this.pick(["{", "[", '{"a":', "null", '"text"', "1e99999", '{"__proto__":{"admin":true}}', ""]);
      else if (roll === 2) body = stringifyWithRaw(this.hostile(false));
      else {
        const value = this.plausible(op.body) as Record<string, unknown>;
        if (value && typeof value === "object" && !Array.isArray(value)) {
          const keys = Object.keys(value);
          if (keys.length && this.chance(0.6)) value[this.pick(keys)] = this.hostile(true);
          if (this.chance(0.1)) value[this.pick(["extra", "role", "id", "constructor"])] = this.pick(STRINGS);
        }
        body = stringifyWithRaw(value);
      }
    }
    return { method: op.method, url, headers, body, label: `${op.method} ${path.slice(0, 200)}${search ? `?${search.slice(0, 200)}` : ""}` };
  }

  async run(): Promise<FuzzReport> {
    const report: FuzzReport = { cases: 0, byClass: {}, byStatus: {}, failures: [], slowestMs: 0 };
    for (let i = 0; i < this.options.cases; i++) {
      const c = this.nextCase();
      const started = performance.now();
      let status: number | "no answer";
      let text = "";
      try {
        const res = await fetch(c.url, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000) });
        status = res.status;
        text = await res.text();
      } catch (error) {
        status = "no answer";
        text = error instanceof Error ? error.message : String(error);
      }
      report.slowestMs = Math.max(report.slowestMs, performance.now() - started);
      report.cases++;
      const cls = typeof status === "number" ? `${Math.floor(status / 100)}xx` : "no answer";
      report.byClass[cls] = (report.byClass[cls] ?? 0) + 1;
      report.byStatus[String(status)] = (report.byStatus[String(status)] ?? 0) + 1;
      if (status === "no answer" || (status >= 500 && status !== 503)) report.failures.push({ request: c.label, status, body: text.slice(0, 500) });
      if ((i + 1) % 500 === 0) this.options.onProgress?.(i + 1);
    }
    return report;
  }
}

/** The text with lone surrogates replaced (encodeURIComponent refuses them; URLSearchParams does the same replacement). */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function deepArray(depth: number): unknown {
  // built as text: a nested value this deep would overflow JSON.stringify
  return { __raw: `${"[".repeat(depth)}${"]".repeat(depth)}` };
}

function deepObject(depth: number): unknown {
  return { __raw: `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` };
}

function invalidUtf8(rng: SeededRandom): Uint8Array {
  const bytes = [0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22]; // {"q":"
  for (let i = 0; i < 20; i++) bytes.push([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0xf0, 0x9f][rng.int(10)]);
  bytes.push(0x22, 0x7d);
  return Uint8Array.from(bytes);
}

/** JSON.stringify that writes `{ __raw: text }` as the raw text (for nesting too deep to build as values). */
export function stringifyWithRaw(value: unknown): string {
  const raws: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && "__raw" in (v as object)) {
      raws.push((v as { __raw: string }).__raw);
      return `\u0000RAW${raws.length - 1}\u0000`;
    }
    return v;
  });
  return json.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]);
}
