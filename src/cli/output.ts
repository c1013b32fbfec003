/** Shared CLI helpers: option parsing with clear errors, and printing. */
import { InvalidArgumentError } from "../core/errors.js";

export function parseNumberOption(name: string, value: string | undefined, options: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (options.integer && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`--${name} must be ${options.integer ? "an integer" : "a number"}, got "${value}"`);
  }
  if (options.min !== undefined && n < options.min) throw new InvalidArgumentError(`--${name} must be at least ${options.min}, got ${n}`);
  if (options.max !== undefined && n > options.max) throw new InvalidArgumentError(`--${name} must be at most ${options.max}, got ${n}`);
  return n;
}

/** Parses "title=2,text=1" or "title,text" into field boosts. */
export function parseFieldBoosts(value: string | undefined): Record<string, number> | undefined {
  if (!value) return undefined;
  const out: Record<string, number> = {};
  for (const part of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, boost] = part.split(/[=^]/);
    const b = boost === undefined ? 1 : Number(boost);
    if (!Number.isFinite(b) || b < 0) throw new InvalidArgumentError(`--fields: boost of "${name}" must be a non-negative number, got "${boost}"`);
    out[name] = b;
  }
  return out;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as an aligned text table. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: Array<string | number>) =>
    r.map((c, i) => (typeof rows[0]?.[i] === "number" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(4);
}
