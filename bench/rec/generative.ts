/**
 * Generative recommendation and cold start on Amazon Beauty (S3-Rec/ICLRec
 * preprocessing and protocol: leave-one-out, full ranking over all items,
 * history masked, test histories = train + validation, no refit).
 *
 *   npx tsc -p . && node dist/bench/rec/generative.js run --split warm|cold --config <name> [--max-minutes 45]
 *   node dist/bench/rec/generative.js table --split warm|cold
 *
 * `run` fits one configuration (CONFIGS below: the model and its options) on
 * the split, evaluates validation and test, and writes
 * bench/rec/results/generative/<split>-<config>.json: every metric, the
 * cold/warm groups (cold split), the training report, the load average before
 * and after, and the test users' per-user NDCG@10 and Recall@10 (for paired
 * comparisons). `table` prints the Markdown table of every saved run of the
 * split with 95% paired-bootstrap intervals (2,000 resamples, seed 1) of the
 * difference to the reference configuration (warm: tiger; cold: tiger, on cold
 * and on warm targets).
 *
 * The cold split removes a seeded 10% of the items (seed 42) from training and
 * from every history; test targets that are cold items are ranked against all
 * items; models without item content cannot rank them (score −∞).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pairedBootstrap } from "../../src/eval/paired-bootstrap.js";
import { loadItemContent } from "../../src/recommend/content/item-content.js";
import { runRecEvaluation, type RecEvaluationResult } from "../../src/recommend/eval/run.js";
import { loadInteractions } from "../../src/recommend/io/load.js";

const BEAUTY = join(import.meta.dirname, "../../../../shared/datasets/amazon-beauty");
const RESULTS = join(import.meta.dirname, "../../../bench/rec/results/generative");

/** Named configurations: model and options (chosen on the validation split; docs/generative-recommendation.md). */
export const CONFIGS: Record<string, { model: string; options: Record<string, unknown>; note: string }> = {
  "tiger": {
    model: "generative",
    options: { ffnHidden: 128, lr: 0.002, validationUsers: 2000, patience: 4, epochs: 40 },
    note: "decoder-only over RQ-KMeans semantic IDs (3×256 + digit), tf-idf+SVD content embedding (128 dims), 2 blocks, 64 dims, beam 20",
  },
  "tiger-large": {
    model: "generative",
    options: { hidden: 128, blocks: 4, heads: 4, ffnHidden: 512, lr: 0.001, validationUsers: 2000, patience: 5, epochs: 60 },
    note: "the same semantic IDs, a network of TIGER's width (4 blocks, 128 dims, 4 heads, feed-forward 512)",
  },
  "tiger-random-ids": {
    model: "generative",
    options: { quantizer: "random", ffnHidden: 128, lr: 0.002, validationUsers: 2000, patience: 4, epochs: 40 },
    note: "the same with random IDs of the same shape (TIGER's ablation)",
  },
  "tiger-rq-vae": {
    model: "generative",
    options: { quantizer: "rq-vae", rqvaeEpochs: 100, ffnHidden: 128, lr: 0.002, validationUsers: 2000, patience: 4, epochs: 40 },
    note: "the same with RQ-VAE semantic IDs (TIGER's tokenizer)",
  },
  "most-popular": { model: "most-popular", options: {}, note: "" },
  "ease": { model: "ease", options: { lambda: 50 }, note: "λ 50 (chosen on validation, docs/recommendation.md)" },
  "sasrec": { model: "sasrec", options: { epochs: 200, patience: 8 }, note: "full-softmax CE, as docs/sasrec.md" },
  "sasrec-sampled": { model: "sasrec", options: { loss: "sampled-ce", negatives: 256, epochs: 60, patience: 5 }, note: "sampled CE, 256 negatives" },
  "content-knn": { model: "content-knn", options: { recencyDecay: 0.5 }, note: "cosine of tf-idf+SVD content embeddings to the history, recency decay 0.5" },
  "sasrec-sid": { model: "sasrec-sid", options: { epochs: 200, patience: 8 }, note: "SASRec (full CE) with item embedding = Σ semantic-ID prefix embeddings" },
  "sasrec-sid-sampled": { model: "sasrec-sid", options: { loss: "sampled-ce", negatives: 256, epochs: 60, patience: 5 }, note: "SASRec with semantic-ID prefix embeddings, sampled CE, 256 negatives" },
  "sasrec-sid-hashed": { model: "sasrec-sid", options: { epochs: 200, patience: 8, idEmbedding: "hashed" }, note: "the same plus a hashed-id embedding" },
};

const REFERENCE = "tiger";
const METRICS = ["recall@10", "ndcg@10"] as const;

interface SavedRun {
  config: string;
  split: string;
  model: string;
  options: Record<string, unknown>;
  note: string;
  loadBefore: number[];
  loadAfter: number[];
  wallSeconds: number;
  result: Omit<RecEvaluationResult, "perUser">;
  perUser: Record<string, { users: number[]; values: Record<string, number[]> }>;
}

function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(3);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

async function run(split: string, name: string, maxMinutes: number | undefined): Promise<void> {
  const named = CONFIGS[name];
  if (!named) throw new Error(`unknown config "${name}" (known: ${Object.keys(CONFIGS).join(", ")})`);
  const options: Record<string, unknown> = { ...named.options };
  // the neural models' training time budget (minutes of the whole fit), and TIGER's ε share of new items on the cold split
  if (maxMinutes !== undefined && ["generative", "sasrec", "sasrec-sid"].includes(named.model)) options.maxMinutes = maxMinutes;
  if (split === "cold" && named.model === "generative") options.coldShare = 0.1;
  const config = { ...named, options };
  const data = await loadInteractions({ path: join(BEAUTY, "Beauty.txt.gz"), format: "sequence" });
  const itemContent = await loadItemContent([join(BEAUTY, "Beauty_item_text.jsonl.gz"), join(BEAUTY, "Beauty_item_meta.jsonl.gz")]);
  const loadBefore = loadavg();
  const started = performance.now();
  const result = await runRecEvaluation({
    data,
    datasetPath: join(BEAUTY, "Beauty.txt.gz"),
    model: config.model,
    modelOptions: config.options,
    itemContent,
    split: split === "cold" ? { strategy: "cold-items", coldFraction: 0.1, seed: 42 } : { strategy: "leave-one-out" },
    keepPerUser: [...METRICS],
    progress: true,
    onProgress: (message) => process.stderr.write(`${message}\n`),
  });
  const { perUser, ...rest } = result;
  const round = (xs: readonly number[]) => xs.map((x) => Math.round(x * 1e6) / 1e6);
  const saved: SavedRun = {
    config: name, split, model: config.model, options: config.options, note: config.note,
    loadBefore, loadAfter: loadavg(), wallSeconds: (performance.now() - started) / 1000,
    result: rest,
    perUser: Object.fromEntries(Object.entries(perUser ?? {}).filter(([, v]) => v).map(([group, v]) => [group, {
      users: [...v!.users],
      values: Object.fromEntries(Object.entries(v!.values).map(([metric, xs]) => [metric, round(xs)])),
    }])),
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${split}-${name}.json`);
  writeFileSync(file, JSON.stringify(saved) + "\n");
  const m = result.metrics;
  process.stdout.write(`${name} (${split}): test NDCG@10 ${m["ndcg@10"].toFixed(4)} Recall@10 ${m["recall@10"].toFixed(4)}` +
    (result.cold ? `; cold ${result.cold["ndcg@10"].toFixed(4)} / ${result.cold["recall@10"].toFixed(4)}, warm ${result.warm!["ndcg@10"].toFixed(4)} / ${result.warm!["recall@10"].toFixed(4)}` : "") +
    `; saved ${file}\n`);
}

function loadRuns(split: string): SavedRun[] {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS).filter((f) => f.startsWith(`${split}-`) && f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(RESULTS, f), "utf8")) as SavedRun).sort((a, b) => Object.keys(CONFIGS).indexOf(a.config) - Object.keys(CONFIGS).indexOf(b.config));
}

/** "+0.0012 [−0.0008, +0.0031]": mean difference a − b over the users both were evaluated on, with its 95% interval. */
function interval(a: SavedRun, b: SavedRun, group: string, metric: string): string {
  const pa = a.perUser[group];
  const pb = b.perUser[group];
  if (!pa || !pb) return "";
  const index = new Map(pb.users.map((u, i) => [u, i]));
  const x: number[] = [];
  const y: number[] = [];
  pa.users.forEach((u, i) => {
    const j = index.get(u);
    if (j === undefined) return;
    x.push(pa.values[metric][i]);
    y.push(pb.values[metric][j]);
  });
  const d = pairedBootstrap(x, y, { resamples: 2000, seed: 1 });
  const f = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(4)}`;
  return `${f(d.difference)} [${f(d.low)}, ${f(d.high)}]`;
}

function table(split: string): void {
  const runs = loadRuns(split);
  if (runs.length === 0) {
    process.stdout.write(`no saved runs for split ${split} in ${RESULTS}\n`);
    return;
  }
  const ref = runs.find((r) => r.config === REFERENCE);
  const fmt = (x: number | undefined) => (x === undefined ? "" : x.toFixed(4));
  const load = (r: SavedRun) => `${r.loadBefore[0].toFixed(1)}→${r.loadAfter[0].toFixed(1)}`;
  const fitInfo = (r: SavedRun) => {
    const t = r.result.training as { epochs?: number; bestEpoch?: number } | null;
    return `${r.result.trainingSeconds.toFixed(0)}${t?.epochs ? ` (${t.epochs} ep., best ${t.bestEpoch})` : ""}`;
  };
  if (split === "warm") {
    process.stdout.write(`| config | val NDCG@10 | Recall@5 | NDCG@5 | Recall@10 | NDCG@10 | NDCG@10 − ${REFERENCE} [95% CI] | Recall@20 | NDCG@20 | fit s | load |\n|---|---|---|---|---|---|---|---|---|---|---|\n`);
    for (const r of runs) {
      const m = r.result.metrics;
      const diff = ref && r !== ref ? interval(r, ref, "all", "ndcg@10") : "";
      process.stdout.write(`| ${r.config} | ${fmt(r.result.validation?.["ndcg@10"])} | ${fmt(m["recall@5"])} | ${fmt(m["ndcg@5"])} | ${fmt(m["recall@10"])} | ${fmt(m["ndcg@10"])} | ${diff} | ${fmt(m["recall@20"])} | ${fmt(m["ndcg@20"])} | ${fitInfo(r)} | ${load(r)} |\n`);
    }
  } else {
    process.stdout.write(`| config | cold Recall@10 | cold NDCG@10 | cold NDCG@10 vs ${REFERENCE} [95% CI] | warm Recall@10 | warm NDCG@10 | warm NDCG@10 vs ${REFERENCE} [95% CI] | all NDCG@10 | fit s | load |\n|---|---|---|---|---|---|---|---|---|---|\n`);
    for (const r of runs) {
      const c = r.result.cold ?? {};
      const w = r.result.warm ?? {};
      const cd = ref && r !== ref ? interval(r, ref, "cold", "ndcg@10") : "";
      const wd = ref && r !== ref ? interval(r, ref, "warm", "ndcg@10") : "";
      process.stdout.write(`| ${r.config} | ${fmt(c["recall@10"])} | ${fmt(c["ndcg@10"])} | ${cd} | ${fmt(w["recall@10"])} | ${fmt(w["ndcg@10"])} | ${wd} | ${fmt(r.result.metrics["ndcg@10"])} | ${fitInfo(r)} | ${load(r)} |\n`);
    }
    const any = runs[0].result.split;
    process.stdout.write(`\ncold items ${any.coldItems}; test users with a cold target ${any.coldTestUsers}, with a warm target ${any.warmTestUsers}\n`);
  }
}

const command = process.argv[2];
const a = args();
if (command === "run") await run(a.split ?? "warm", a.config ?? REFERENCE, a["max-minutes"] === undefined ? undefined : Number(a["max-minutes"]));
else if (command === "table") table(a.split ?? "warm");
else process.stdout.write("usage: node dist/bench/rec/generative.js run --split warm|cold --config <name> [--max-minutes M] | table --split warm|cold\n");
