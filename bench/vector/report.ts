/**
 * Markdown tables of the vector benchmark: build and memory, recall and speed
 * per efSearch, speed at recall@10 >= 0.95, and filtered search. Cost ratios
 * (build CPU time, memory) are peer / Trove float and speed ratios (QPS) are
 * Trove float / peer, so a ratio above 1 always favours Trove.
 */
import type { Sweep, VectorRunReport } from "./engine.js";

const fmt = (x: number | null | undefined, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
const ratio = (x: number | null | undefined, base: number | null | undefined) =>
  x === null || x === undefined || !base || Number.isNaN(x) ? "–" : `${(x / base).toFixed(2)}×`;

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(head: string[], rows: string[][]): string {
  return [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
}

export function buildTable(reports: VectorRunReport[]): string {
  const base = reports.find((r) => r.engine === "trove-float");
  const rows = reports.map((r) => [
    r.engine,
    r.version || "–",
    fmt(r.build?.seconds, 1),
    fmt(r.build?.cpuSeconds, 1),
    ratio(r.build?.cpuSeconds, base?.build?.cpuSeconds),
    fmt(r.build?.peakRssMB),
    r.size ? fmt(r.size.bytes / 2 ** 20) : "–",
    fmt(r.serving?.rssMB),
    ratio(r.serving?.rssMB, base?.serving?.rssMB),
    fmt(r.serving?.heapMB),
    fmt(r.serving?.engineMB),
    r.error ? `**${r.error}**` : r.warnings.join("; "),
  ]);
  return table(
    ["engine", "version", "build s", "build CPU s", "vs Trove", "peak RSS MB", "on disk MB", "serving RSS MB", "vs Trove", "heap+external MB", "engine's own MB", "notes"],
    rows,
  );
}

export function sweepTable(reports: VectorRunReport[], filtered: boolean): string {
  const rows: string[][] = [];
  for (const r of reports) {
    for (const s of r.sweeps.filter((x) => x.filtered === filtered)) {
      rows.push([
        r.engine,
        String(s.ef),
        fmt(s.recall, 4),
        fmt(s.qps),
        fmt(s.cpuQps),
        s.batchQps !== undefined ? fmt(s.batchQps) : "–",
        fmt(s.p50Ms, 3),
        fmt(s.p99Ms, 3),
        s.visited !== undefined ? fmt(s.visited) : "–",
        s.exactShare !== undefined ? fmt(s.exactShare * 100) + "%" : "–",
        s.queries < (r.sweeps[0]?.queries ?? s.queries) || s.queries === 0 ? `${s.queries} queries (time budget)` : "",
      ]);
    }
  }
  return table(["engine", "efSearch", "recall@10", "QPS", "CPU QPS", "batch QPS", "p50 ms", "p99 ms", "visited", "exact scans", "notes"], rows);
}

/** The cheapest sweep reaching `target` recall (lowest efSearch that does). */
function atRecall(sweeps: Sweep[], target: number): Sweep | null {
  const ok = sweeps.filter((s) => s.recall >= target).sort((a, b) => a.ef - b.ef);
  return ok[0] ?? null;
}

export function targetTable(reports: VectorRunReport[], target = 0.95): string {
  const base = atRecall(reports.find((r) => r.engine === "trove-float")?.sweeps.filter((s) => !s.filtered) ?? [], target);
  const rows = reports.map((r) => {
    const s = atRecall(r.sweeps.filter((x) => !x.filtered), target);
    const best = s ? Math.max(s.qps, s.batchQps ?? 0) : null;
    return [
      r.engine,
      s ? String(s.ef) : "not reached",
      s ? fmt(s.recall, 4) : "–",
      s ? fmt(s.qps) : "–",
      s?.batchQps !== undefined ? fmt(s.batchQps) : "–",
      s ? fmt(s.cpuQps) : "–",
      s ? fmt(s.p50Ms, 3) : "–",
      s ? fmt(s.p99Ms, 3) : "–",
      base && best ? `${(base.qps / best).toFixed(2)}×` : "–",
      base && s ? `${(base.cpuQps / s.cpuQps).toFixed(2)}×` : "–",
    ];
  });
  return table(
    ["engine", `lowest efSearch with recall@10 ≥ ${target}`, "recall@10", "QPS", "batch QPS", "CPU QPS", "p50 ms", "p99 ms", "Trove float QPS / peer's best QPS", "same, CPU QPS"],
    rows,
  );
}

export function filterNotes(reports: VectorRunReport[]): string {
  return reports
    .map((r) => {
      const s = r.sweeps.find((x) => x.filtered);
      return s?.filterHow ? `- ${r.engine}: ${s.filterHow}` : "";
    })
    .filter(Boolean)
    .join("\n");
}
