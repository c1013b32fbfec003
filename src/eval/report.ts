/**
 * Rendering evaluation results: an aligned terminal table, a JSON form, and
 * trec_eval's own output format (for diffing against a real trec_eval).
 *
 * Display names: ndcg_cut_10 -> ndcg@10, recall_100 -> recall@100,
 * P_10 -> p@10, map -> map, recip_rank -> mrr.
 */
import type { EvaluationResult } from "./metrics.js";
import { compareUtf8 } from "./metrics.js";
import { formatFixed } from "./format.js";

/** The short display name of a trec_eval measure key ("ndcg_cut_10" -> "ndcg@10"). */
export function displayName(key: string): string {
  if (key === "recip_rank") return "mrr";
  if (key === "map") return "map";
  const m = /^(ndcg_cut|recall|P)_(\d+)$/.exec(key);
  if (!m) return key;
  const base = m[1] === "ndcg_cut" ? "ndcg" : m[1] === "P" ? "p" : "recall";
  return `${base}@${m[2]}`;
}

/** One row of a comparison table: a run's name and its evaluation. */
export interface ReportRow {
  name: string;
  result: EvaluationResult;
}

/**
 * An aligned text table: one row per run, one column per measure (means,
 * four decimals rounded as trec_eval prints them), then the number of queries.
 * Measures are those of the first row unless given.
 */
export function formatMetricsTable(rows: readonly ReportRow[], measures?: readonly string[]): string {
  if (rows.length === 0) return "";
  const keys = measures ?? rows[0].result.measures;
  const header = ["run", ...keys.map(displayName), "queries"];
  const body = rows.map((row) => [
    row.name,
    ...keys.map((k) => {
      const v = row.result.mean[k];
      return v === undefined ? "-" : formatFixed(v, 4);
    }),
    String(row.result.queryCount),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(render)].join("\n");
}

/** JSON form of one evaluation; keys are display names. */
export interface EvaluationJson {
  queryCount: number;
  metrics: Record<string, number>;
  /** Display name -> trec_eval name, so numbers can be traced back. */
  trecEvalNames: Record<string, string>;
  perQuery?: Record<string, Record<string, number>>;
}

export function toJsonReport(result: EvaluationResult, options: { perQuery?: boolean } = {}): EvaluationJson {
  const rename = (values: Record<string, number>) => Object.fromEntries(result.measures.map((k) => [displayName(k), values[k]]));
  const json: EvaluationJson = {
    queryCount: result.queryCount,
    metrics: rename(result.mean),
    trecEvalNames: Object.fromEntries(result.measures.map((k) => [displayName(k), k])),
  };
  if (options.perQuery) {
    json.perQuery = {};
    for (const [qid, values] of result.perQuery) json.perQuery[qid] = rename(values);
  }
  return json;
}

/**
 * trec_eval's output lines, `printf("%-22s\t%s\t%6.4f\n", name, qid, value)`:
 * per query first when `perQuery` is set (like `trec_eval -q`), then the
 * "all" summary. Note trec_eval -q prints measure by measure within each
 * query and the summary after all queries, which is the order used here.
 */
export function formatTrecEvalOutput(result: EvaluationResult, options: { perQuery?: boolean } = {}): string {
  const line = (key: string, qid: string, value: number) => `${key.padEnd(22)}\t${qid}\t${formatFixed(value, 4).padStart(6)}\n`;
  let out = "";
  if (options.perQuery) {
    const qids = [...result.perQuery.keys()].sort(compareUtf8);
    for (const qid of qids) {
      const values = result.perQuery.get(qid) as Record<string, number>;
      for (const key of result.measures) out += line(key, qid, values[key]);
    }
  }
  for (const key of result.measures) out += line(key, "all", result.mean[key]);
  return out;
}
