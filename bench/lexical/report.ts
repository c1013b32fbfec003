/**
 * Turns the per-engine reports into the Markdown tables (one per corpus,
 * with ratios to Trove) and the target checks.
 */
import type { EngineRunReport } from "./engine.js";

/** One engine's figures on one corpus, with quality measured by the orchestrator. */
export interface EngineResult extends Omit<EngineRunReport, "run"> {
  ndcg10?: number;
  /** Judged queries the nDCG is over (fewer than all when the engine ran out of query time). */
  ndcgQueries?: number;
  overlapWithTrove10?: number;
}

export interface CorpusResult {
  name: string;
  description: string;
  docCount: number;
  queryCount: number;
  results: EngineResult[];
}

export interface TargetCheck {
  corpus: string;
  target: string;
  trove: number | null;
  peer: number | null;
  /** How many times better Trove is (>1: Trove better). */
  factor: number | null;
  required: number;
  met: boolean | null;
  note?: string;
}

type Better = "higher" | "lower";

interface Column {
  title: string;
  value: (r: EngineResult) => number | null | undefined;
  digits: number | "auto";
  better?: Better;
  /** Which phase must have finished for the value to exist. */
  needs: "build" | "size" | "query" | "quality";
}

const COLUMNS: Column[] = [
  { title: "build s", value: (r) => r.build?.seconds, digits: "auto", better: "lower", needs: "build" },
  { title: "peak RSS MB", value: (r) => r.memory?.peakRssMB, digits: 0, better: "lower", needs: "build" },
  { title: "peak heap+ext MB", value: (r) => r.memory?.peakHeapMB, digits: 0, better: "lower", needs: "build" },
  { title: "serving heap+ext MB", value: servingHeap, digits: 0, better: "lower", needs: "build" },
  { title: "serving RSS MB", value: (r) => r.memory?.servingRssMB, digits: 0, better: "lower", needs: "build" },
  { title: "index MB", value: (r) => (r.size && "bytes" in r.size ? r.size.bytes / 1024 / 1024 : null), digits: 1, better: "lower", needs: "size" },
  { title: "open s", value: (r) => r.openSeconds, digits: 2, needs: "query" },
  { title: "p50 ms", value: (r) => r.query?.p50Ms, digits: "auto", better: "lower", needs: "query" },
  { title: "p99 ms", value: (r) => r.query?.p99Ms, digits: "auto", better: "lower", needs: "query" },
  { title: "QPS", value: (r) => r.query?.qps, digits: "auto", better: "higher", needs: "query" },
  { title: "nDCG@10", value: (r) => r.ndcg10, digits: 4, needs: "quality" },
  { title: "overlap@10 w/ Trove", value: (r) => r.overlapWithTrove10, digits: 2, needs: "quality" },
];

export function servingHeap(r: EngineResult): number | null {
  const m = r.memory;
  if (!m || m.servingHeapMB === null || m.servingHeapMB === undefined) return null;
  return m.servingHeapMB + (m.servingExternalMB ?? 0);
}

/** digits: fixed decimals, or "auto" for about three significant figures (timings and rates spanning 0.1 to 10,000). */
function fmt(v: number, digits: number | "auto"): string {
  if (!Number.isFinite(v)) return "n/a";
  if (digits === "auto") {
    const a = Math.abs(v);
    digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  }
  if (digits === 0) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(digits);
}

/** How many times better Trove is than the peer on a column (>1: Trove better). */
function factor(trove: number, peer: number, better: Better): number {
  return better === "higher" ? trove / peer : peer / trove;
}

function fmtFactor(f: number): string {
  if (!Number.isFinite(f)) return "";
  return f >= 10 ? `×${f.toFixed(0)}` : `×${f.toFixed(2)}`;
}

function reached(r: EngineResult, needs: Column["needs"]): boolean {
  const order = ["started", "built", "measured", "done"];
  const at = order.indexOf(r.stage);
  if (needs === "build") return at >= 1;
  if (needs === "size") return at >= 2;
  return at >= 3;
}

export function corpusTable(corpus: CorpusResult): string {
  const trove = corpus.results.find((r) => r.engine === "trove" && !r.error);
  const columns = COLUMNS.filter((c) => corpus.results.some((r) => {
    const v = c.value(r);
    return v !== undefined && v !== null;
  }));
  const lines = [`| engine | ${columns.map((c) => c.title).join(" | ")} |`, `|---|${columns.map(() => "---:").join("|")}|`];
  const failures: string[] = [];
  for (const r of corpus.results) {
    const cells = columns.map((c) => {
      const v = c.value(r);
      if (v === undefined || v === null) {
        if (r.error && !reached(r, c.needs)) return "failed";
        return "n/a";
      }
      let cell = fmt(v, c.digits);
      const t = trove ? c.value(trove) : null;
      if (c.better && r !== trove && t !== null && t !== undefined && r.engine !== "trove") cell += ` (${fmtFactor(factor(t, v, c.better))})`;
      return cell;
    });
    lines.push(`| ${r.engine} | ${cells.join(" | ")} |`);
    if (r.error) failures.push(`- **${r.engine} failed** after stage "${r.stage}" (${r.docs.toLocaleString("en-US")} docs indexed): ${r.error}`);
    if (r.size && "error" in r.size) failures.push(`- ${r.engine}: persistence failed: ${r.size.error}`);
    if (r.query && r.query.queries < r.query.ofQueries) {
      const quality = r.ndcgQueries !== undefined ? `; nDCG@10 over those ${r.ndcgQueries} judged queries` : "";
      failures.push(`- ${r.engine}: too slow for the pass time budget, so timed on the first ${r.query.queries} of ${r.query.ofQueries} queries${quality}`);
    }
  }
  const legend = trove
    ? "(×N) = how many times better Trove is on that column (faster, smaller); below 1 means Trove is worse."
    : "Trove has no result on this corpus, so no ratios.";
  return [`### ${corpus.name}`, "", corpus.description, "", ...lines, "", legend, ...(failures.length ? ["", ...failures] : [])].join("\n");
}

export function targetChecks(corpora: CorpusResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const c of corpora) {
    const get = (engine: string) => c.results.find((r) => r.engine === engine);
    const trove = get("trove");
    const add = (target: string, peerName: string, value: (r: EngineResult) => number | null | undefined, better: Better, required: number) => {
      const peer = get(peerName);
      if (!peer) return;
      const t = trove ? (value(trove) ?? null) : null;
      const p = value(peer) ?? null;
      const check: TargetCheck = { corpus: c.name, target, trove: t, peer: p, factor: null, required, met: null };
      if (t !== null && p !== null) {
        check.factor = factor(t, p, better);
        check.met = check.factor >= required;
      } else {
        const why = [trove?.error ? "trove failed" : !trove ? "trove not run" : "", peer.error ? `${peerName} failed` : ""].filter(Boolean);
        check.note = why.join("; ") || "figure missing";
      }
      checks.push(check);
    };
    add("query throughput ≥ 10× Orama", "orama", (r) => r.query?.qps, "higher", 10);
    add("query throughput ≥ 3× MiniSearch", "minisearch", (r) => r.query?.qps, "higher", 3);
    add("serving memory (heap+external) ≤ 1/5 of Orama", "orama", servingHeap, "lower", 5);
    add("peak RSS during build ≤ 1/5 of Orama", "orama", (r) => r.memory?.peakRssMB, "lower", 5);
    add("query throughput within 2× of Xapian", "xapian", (r) => r.query?.qps, "higher", 0.5);
    add("p50 latency within 2× of Xapian", "xapian", (r) => r.query?.p50Ms, "lower", 0.5);
    add("build time within 2× of Xapian", "xapian", (r) => r.build?.seconds, "lower", 0.5);
  }
  return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
  const lines = ["| corpus | target | Trove | peer | Trove better by | met |", "|---|---|---:|---:|---:|:---:|"];
  for (const t of checks) {
    const num = (v: number | null) => (v === null ? "n/a" : fmt(v, "auto"));
    const met = t.met === null ? `n/a (${t.note})` : t.met ? "yes" : "**no**";
    lines.push(`| ${t.corpus} | ${t.target} | ${num(t.trove)} | ${num(t.peer)} | ${t.factor === null ? "n/a" : `×${t.factor.toFixed(2)}`} (need ×${t.required}) | ${met} |`);
  }
  return lines.join("\n");
}

export function setupList(corpora: CorpusResult[]): string {
  const seen = new Map<string, string>();
  for (const c of corpora) for (const r of c.results) if (r.setup && !seen.has(r.engine)) seen.set(r.engine, `- **${r.engine}** (${r.version}): ${r.setup}`);
  return [...seen.values()].join("\n");
}
