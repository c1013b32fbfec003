/**
 * `npm run bench:ablation -- --dataset ../shared/datasets/scifact`: every
 * stage's contribution on a BEIR dataset's test split, each pipeline against
 * BM25 with a paired-bootstrap 95% interval of the nDCG@10 difference
 * (src/eval/paired-bootstrap.ts, 2000 resamples, seed 1).
 *
 * Pipelines: the presets (bm25, dense, hybrid-rrf, hybrid-convex) and the
 * files of pipelines/scifact plus pipelines/scifact-best.json, or the ones
 * given with --pipelines a,b,c. Whatever they need (Trove's encoder, learned
 * rankers) is trained from the corpus and the TRAIN judgments on first use
 * and cached, exactly as `trove eval search --pipeline` does; the test
 * judgments only score. `--reserved` measures the train split's reserved
 * queries instead (src/eval/held-out-splits.ts): what pipelines are chosen
 * on, since nothing learned from them. Prints the table and the load average before and
 * after; `--against <pipeline>` compares with another baseline; --json prints the figures as JSON, --out writes them too.
 */
import { existsSync, readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/core/atomic-file.js";
import { InvalidArgumentError } from "../../src/core/errors.js";
import { pairedBootstrap } from "../../src/eval/paired-bootstrap.js";
import { formatTable } from "../../src/cli/output.js";
import { runBeirPipeline, type BeirPipelineResult } from "../../src/experiments/beir-pipeline.js";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function defaultPipelines(): string[] {
  const dir = join("pipelines", "scifact");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f)) : [];
  const best = join("pipelines", "scifact-best.json");
  return ["bm25", "dense", "hybrid-rrf", "hybrid-convex", ...files, ...(existsSync(best) ? [best] : [])];
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const dataset = option("dataset") ?? join("..", "shared", "datasets", "scifact");
  // --reserved: the train split's reserved queries (nothing learned from them), for choosing; else the test split
  const reserved = process.argv.includes("--reserved");
  const split = option("split") ?? (reserved ? "train" : "test");
  if (split === "train" && !reserved) throw new InvalidArgumentError("pipelines learn from train: measure --split test, or --reserved (the train queries nothing learns from)");
  const pipelines = option("pipelines")?.split(",") ?? defaultPipelines();
  // the baseline every row is compared with (default BM25)
  const against = option("against") ?? "bm25";
  if (!pipelines.includes(against)) pipelines.unshift(against);
  const loadBefore = load();
  const results = new Map<string, BeirPipelineResult>();
  for (const pipeline of pipelines) {
    process.stderr.write(`ablation: ${pipeline}\n`);
    results.set(pipeline, await runBeirPipeline({ dataset, split, pipeline, reserved }));
  }
  const bm25 = results.get(against)!;
  const queries = Object.keys(bm25.perQuery).sort();
  const ndcg = (r: BeirPipelineResult) => queries.map((q) => r.perQuery[q]?.ndcg_cut_10 ?? 0);
  const rows = pipelines.map((p) => {
    const r = results.get(p)!;
    const diff = pairedBootstrap(ndcg(r), ndcg(bm25), { resamples: 2000, seed: 1 });
    return {
      pipeline: p,
      ndcg10: r.evaluation.mean.ndcg_cut_10,
      recall100: r.evaluation.mean.recall_100,
      vsBaseline: { difference: diff.difference, low: diff.low, high: diff.high },
      prepareSeconds: r.timings.prepareSeconds,
      searchSeconds: r.timings.searchSeconds,
    };
  });
  const loadAfter = load();
  const report = { dataset, split, reserved, against, queries: queries.length, load: { before: loadBefore, after: loadAfter }, rows };
  if (option("out")) writeFileAtomic(option("out")!, `${JSON.stringify(report, null, 2)}\n`);
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${dataset}, split ${split}${reserved ? " (reserved queries)" : ""}, ${queries.length} queries; load average before ${loadBefore}, after ${loadAfter}\n\n`);
  process.stdout.write(
    `${formatTable(
      ["pipeline", "nDCG@10", "R@100", `Δ nDCG@10 vs ${against} [95% CI]`, "prepare s", "search s"],
      rows.map((r) => [
        r.pipeline,
        r.ndcg10.toFixed(4),
        r.recall100.toFixed(4),
        r.pipeline === against ? "—" : `${r.vsBaseline.difference >= 0 ? "+" : ""}${r.vsBaseline.difference.toFixed(4)} [${r.vsBaseline.low.toFixed(4)}, ${r.vsBaseline.high.toFixed(4)}]`,
        r.prepareSeconds.toFixed(1),
        r.searchSeconds.toFixed(1),
      ]),
    )}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
