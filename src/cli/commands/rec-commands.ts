/**
 * Recommendation from the command line:
 *
 *   trove eval rec      split a dataset, fit on train, report validation and
 *                       test metrics (full ranking, S3-Rec/ICLRec protocol)
 *   trove rec import    append a file's interactions to a Trove store
 *   trove rec train     fit on all the data and save the model
 *   trove rec recommend top-k items for a user of a saved model
 *   trove rec similar   items similar to an item of a saved model
 *
 * `eval rec` and `rec train` read a file (--dataset) or a store's
 * interactions collection (--data). Users and items are named by the
 * dataset's external ids. Model options come
 * from `--option key=value` (repeatable) and named flags for the common ones;
 * each is checked against the model's own options and typed like its default.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { InvalidArgumentError, NotFoundError } from "../../core/errors.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";
import { runRecEvaluation, type RecEvaluationResult } from "../../recommend/eval/run.js";
import type { SplitOptions } from "../../recommend/eval/splits.js";
import { loadInteractions } from "../../recommend/io/load.js";
import { loadItemContent } from "../../recommend/content/item-content.js";
import { DEFAULT_INTERACTIONS_COLLECTION, InteractionStore } from "../../recommend/interaction-store.js";
import { openStore } from "../../store/open-store.js";
import type { BaseRecommender, FitProgress } from "../../recommend/recommender.js";
import { createRecommender, loadRecommender, RECOMMENDER_NAMES, resolveRecommenderName } from "../../recommend/registry.js";
import type { ScoredItems } from "../../recommend/top-k.js";
import { formatTable, parseNumberOption, printJson } from "../output.js";
import { addDatasetOptions, addFileOptions, collect, itemFiles, loadSource, parseFormat, type Opts } from "./rec-sources.js";
import { registerSemanticIdCommand } from "./semantic-id-command.js";


/** Named flags and the model option each sets (the first one the model has). */
const NAMED_FLAGS: Array<{ flag: string; attribute: string; keys: string[]; description: string }> = [
  { flag: "--epochs <n>", attribute: "epochs", keys: ["epochs", "iterations"], description: "training epochs (ALS: iterations)" },
  { flag: "--factors <n>", attribute: "factors", keys: ["factors", "hidden"], description: "latent factors (SASRec: hidden width)" },
  { flag: "--lambda <x>", attribute: "lambda", keys: ["lambda", "regularization"], description: "regularization (EASE λ; ALS/BPR regularization)" },
  { flag: "--lr <x>", attribute: "lr", keys: ["lr", "learningRate"], description: "learning rate" },
  { flag: "--seed <n>", attribute: "seed", keys: ["seed"], description: "random seed" },
  { flag: "--loss <name>", attribute: "loss", keys: ["loss"], description: "SASRec loss: ce, sampled-ce or bce" },
  { flag: "--negatives <n>", attribute: "negatives", keys: ["negatives"], description: "negatives (SASRec sampled-ce, item2vec)" },
  { flag: "--max-len <n>", attribute: "maxLen", keys: ["maxLen"], description: "SASRec: longest history read" },
  { flag: "--examples <name>", attribute: "examples", keys: ["examples"], description: "SASRec: multi, last or sliding" },
  { flag: "--batch-size <n>", attribute: "batchSize", keys: ["batchSize"], description: "SASRec: examples per step" },
  { flag: "--patience <n>", attribute: "patience", keys: ["patience"], description: "SASRec: validations without improvement before stopping" },
];

/** Options a model accepts that have no default value. */
const OPTIONAL_KEYS: Record<string, Record<string, "number">> = {
  "most-popular": { windowSize: "number", windowFraction: "number" },
  "recent-popular": { windowSize: "number", windowFraction: "number" },
};

function addModelOptions(command: Command): Command {
  command
    .requiredOption("--model <name>", `pop, itemknn, ease, als, bpr, item2vec or sasrec (all: ${RECOMMENDER_NAMES.join(", ")})`)
    .option("--option <key=value>", "model option, repeatable (e.g. --option shrinkage=10)", collect, []);
  for (const f of NAMED_FLAGS) command.option(f.flag, f.description);
  return command;
}

/** Parses and checks model options against the model's own option set. */
export function parseModelOptions(modelName: string, opts: Opts): Record<string, unknown> {
  const name = resolveRecommenderName(modelName);
  const defaults = createRecommender(name).options as Record<string, unknown>;
  const types: Record<string, string> = { ...(OPTIONAL_KEYS[name] ?? {}) };
  for (const [k, v] of Object.entries(defaults)) types[k] = typeof v;
  const known = () => Object.keys(types).join(", ") || "none";
  const out: Record<string, unknown> = {};
  const set = (key: string, raw: string, what: string) => {
    const type = types[key];
    if (type === undefined) throw new InvalidArgumentError(`${what}: model ${name} has no option "${key}" (its options: ${known()})`);
    if (type === "number") {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`${what}: ${key} must be a number, got "${raw}"`);
      out[key] = n;
    } else if (type === "boolean") {
      if (raw !== "true" && raw !== "false") throw new InvalidArgumentError(`${what}: ${key} must be true or false, got "${raw}"`);
      out[key] = raw === "true";
    } else {
      out[key] = raw;
    }
  };
  for (const pair of (opts.option as string[] | undefined) ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`--option must be key=value, got "${pair}"`);
    set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim(), `--option ${pair}`);
  }
  for (const f of NAMED_FLAGS) {
    const raw = opts[f.attribute];
    if (raw === undefined) continue;
    const flag = f.flag.split(" ")[0];
    const key = f.keys.find((k) => k in types);
    if (!key) throw new InvalidArgumentError(`${flag} does not apply to model ${name} (its options: ${known()})`);
    set(key, String(raw), flag);
  }
  return out;
}

function parseSplit(opts: Opts): SplitOptions {
  const strategy = String(opts.split);
  const test = parseNumberOption("test-fraction", opts.testFraction as string | undefined, { min: 0, max: 1 });
  const validation = parseNumberOption("validation-fraction", opts.validationFraction as string | undefined, { min: 0, max: 1 });
  const seed = parseNumberOption("split-seed", opts.splitSeed as string | undefined, { integer: true });
  const fractions = { ...(test !== undefined ? { testFraction: test } : {}), ...(validation !== undefined ? { validationFraction: validation } : {}) };
  switch (strategy) {
    case "leave-one-out":
      return { strategy };
    case "user-temporal":
    case "global-temporal":
      return { strategy, ...fractions };
    case "random-holdout":
      return { strategy, ...fractions, ...(seed !== undefined ? { seed } : {}) };
    case "cold-items": {
      const coldFraction = parseNumberOption("cold-fraction", opts.coldFraction as string | undefined, { min: 0, max: 1 });
      return { strategy, ...(coldFraction !== undefined ? { coldFraction } : {}), ...(seed !== undefined ? { seed } : {}) };
    }
    default:
      throw new InvalidArgumentError(`--split must be leave-one-out, user-temporal, global-temporal, random-holdout or cold-items, got "${strategy}"`);
  }
}

/**
 * Fit progress: one bar per phase (on a terminal redrawn in place, in a log a
 * line every 5 s); models with a training loop (SASRec, generative) print
 * their own per-epoch lines.
 */
function fitProgressReporter(): { onProgress: (message: string, p?: FitProgress) => void; finish: () => void } {
  let bar: Progress | undefined;
  let phase = "";
  return {
    onProgress: (message, p) => {
      if (!p) {
        bar?.done();
        bar = undefined;
        if (process.stderr.isTTY) process.stderr.write(`${message}\n`);
        return;
      }
      if (p.phase.startsWith("epoch ")) return; // training loops draw their own bar and per-epoch lines
      const label = p.phase.replace(/ .*/, "");
      if (label !== phase || !bar) {
        bar?.done();
        phase = label;
        bar = new Progress(`fit ${label}`, p.total);
      }
      bar.update(p.done, p.phase);
    },
    finish: () => bar?.done(),
  };
}

const HEADLINE = ["recall@5", "ndcg@5", "recall@10", "ndcg@10", "mrr@10", "recall@20", "ndcg@20"];

function printEvaluation(result: RecEvaluationResult): void {
  const d = result.dataset;
  process.stdout.write(`${d.path ?? "data"}: ${d.users} users, ${d.items} items, ${d.events} events\n`);
  process.stdout.write(`model ${result.options.model} ${JSON.stringify(result.options.modelOptions)}\n`);
  process.stdout.write(`protocol: ${result.protocol}\n\n`);
  const keys = HEADLINE.filter((k) => k in result.metrics);
  const rows: Array<Array<string | number>> = [];
  if (result.validation) rows.push(["validation", ...keys.map((k) => result.validation![k])]);
  rows.push(["test", ...keys.map((k) => result.metrics[k])]);
  if (result.cold && result.warm) {
    rows.push([`test, cold targets (${result.split.coldTestUsers} users)`, ...keys.map((k) => result.cold![k])]);
    rows.push([`test, warm targets (${result.split.warmTestUsers} users)`, ...keys.map((k) => result.warm![k])]);
  }
  process.stdout.write(`${formatTable(["split", ...keys], rows)}\n\n`);
  const beyond = ["coverage@10", "arp@10", "gini@10", "novelty@10"].filter((k) => k in result.metrics);
  if (beyond.length) process.stdout.write(`test beyond accuracy: ${beyond.map((k) => `${k} ${result.metrics[k].toFixed(4)}`).join(", ")}\n`);
  const t = result.training;
  const loop = t ? ` (${String(t.epochs)} epochs, best ${String(t.bestEpoch)}, stopped by ${String(t.stoppedBy)})` : "";
  process.stdout.write(`training ${result.trainingSeconds.toFixed(2)} s${loop}, evaluation ${result.evaluationSeconds.toFixed(2)} s\n`);
}

function printScored(model: BaseRecommender<object>, scored: ScoredItems, header: string, json: boolean, extra: Record<string, unknown>): void {
  const items = [...scored.items].map((i, r) => ({ rank: r + 1, item: model.itemId(i), score: scored.scores[r] }));
  if (json) {
    printJson({ ...extra, model: model.algorithm, items });
    return;
  }
  process.stdout.write(`${header}\n\n`);
  process.stdout.write(`${formatTable(["rank", "item", "score"], items.map((x) => [x.rank, x.item, x.score]))}\n`);
}

/** Loads the saved model and finds the user or item named by its external id (NotFoundError, exit 2, when unknown). */
function openServing(opts: Opts, kind: "user" | "item"): { model: BaseRecommender<object>; k: number; id: string; index: number } {
  const k = parseNumberOption("k", opts.k as string, { integer: true, min: 1, max: 100_000 })!;
  const dir = String(opts.modelDir);
  const model = loadRecommender(dir);
  const id = String(opts[kind]);
  const index = kind === "user" ? model.userIndex(id) : model.itemIndex(id);
  const count = kind === "user" ? model.numUsers : model.numItems;
  if (index < 0) throw new NotFoundError(`${kind} "${id}" is not in the model in ${dir} (${count} ${kind}s)`);
  return { model, k, id, index };
}

export function registerRecCommands(program: Command): void {
  const evalCommand = program.commands.find((c) => c.name() === "eval") ?? program.command("eval").description("evaluate retrieval and recommendation");

  addModelOptions(addDatasetOptions(
    evalCommand
      .command("rec")
      .description("split interactions, fit a recommender on train, and report validation and test metrics (full ranking over all items, seen items masked)"),
  ))
    .option("--split <strategy>", "leave-one-out (by timestamp), user-temporal, global-temporal, random-holdout or cold-items (leave-one-out with a share of the items removed from training)", "leave-one-out")
    .option("--cold-fraction <x>", "cold-items split: share of the items made cold (default 0.1)")
    .option("--test-fraction <x>", "temporal/random splits: test fraction")
    .option("--validation-fraction <x>", "temporal/random splits: validation fraction")
    .option("--split-seed <n>", "random-holdout / cold-items seed")
    .option("--k <list>", "extra cutoffs, comma-separated (5, 10 and 20 are always reported)")
    .option("--sampled-negatives <n>", "SAMPLED protocol: rank targets among n random negatives (labelled; not comparable with full ranking)")
    .option("--refit", "refit on train+validation before the test pass (default: fit on train only, the S3-Rec protocol)")
    .option("--save <dir>", "save the fitted model here")
    .option("--json", "print one JSON object")
    .action(async (opts: Opts) => {
      const model = resolveRecommenderName(String(opts.model));
      const modelOptions = parseModelOptions(model, opts);
      const split = parseSplit(opts);
      const ks = opts.k === undefined ? [] : String(opts.k).split(",").map((k) => parseNumberOption("k", k.trim(), { integer: true, min: 1, max: 10_000 })!);
      const sampled = parseNumberOption("sampled-negatives", opts.sampledNegatives as string | undefined, { integer: true, min: 1 });
      const progress = fitProgressReporter();
      const signal = new InterruptSignal();
      try {
        const source = await loadSource(opts);
        const result = await runRecEvaluation({
          datasetPath: source.label,
          data: source.data,
          model,
          modelOptions,
          k: ks,
          split,
          candidates: sampled === undefined ? "all" : { sampledNegatives: sampled },
          refitForTest: Boolean(opts.refit),
          saveModelTo: opts.save === undefined ? undefined : String(opts.save),
          interrupt: signal,
          itemContentPaths: itemFiles(opts),
          progress: true,
          onProgress: progress.onProgress,
        });
        progress.finish();
        // SASRec stops training at a Ctrl-C and evaluates its best weights; other fits cannot stop midway.
        if (result.training?.stoppedBy !== "interrupt") signal.check("evaluation");
        if (opts.json) printJson(result);
        else printEvaluation(result);
      } finally {
        signal.dispose();
      }
    });

  const rec = program.command("rec").description("train recommenders and serve recommendations from saved models");

  addModelOptions(addDatasetOptions(rec.command("train").description("fit a recommender on all interactions and save it")))
    .requiredOption("--out <dir>", "model directory (written atomically; a previous model there stays readable until the new one is complete)")
    .option("--json", "print one JSON object")
    .action(async (opts: Opts) => {
      const name = resolveRecommenderName(String(opts.model));
      const modelOptions = parseModelOptions(name, opts);
      const { data } = await loadSource(opts);
      const model = createRecommender(name, modelOptions);
      const files = itemFiles(opts);
      const itemContent = files.length > 0 ? await loadItemContent(files) : undefined;
      const progress = fitProgressReporter();
      const signal = new InterruptSignal();
      try {
        await model.fit(data, { onProgress: (p) => progress.onProgress("", p), interrupt: signal, itemContent, progress: true });
        progress.finish();
        if (model.fitReport?.stoppedBy !== "interrupt") signal.check("training");
        model.save(String(opts.out));
      } finally {
        signal.dispose();
      }
      const summary = {
        model: model.algorithm, out: String(opts.out), users: model.numUsers, items: model.numItems, events: data.length,
        trainingSeconds: model.trainingSeconds, options: model.options, training: model.fitReport ?? null,
      };
      if (opts.json) printJson(summary);
      else process.stdout.write(`${model.algorithm} fitted on ${data.length} events (${model.numUsers} users, ${model.numItems} items) in ${model.trainingSeconds.toFixed(2)} s; saved to ${String(opts.out)}\n`);
    });

  addFileOptions(
    rec
      .command("import <file>")
      .description("append the interactions of a file to a Trove store (all-or-nothing; importing the same events again stores nothing twice)"),
  )
    .requiredOption("--data <dir>", "Trove data directory (created if missing)")
    .option("--collection <name>", "interactions collection", DEFAULT_INTERACTIONS_COLLECTION)
    .option("--json", "print one JSON object")
    .action(async (file: string, opts: Opts) => {
      if (!existsSync(file)) throw new NotFoundError(`file not found: ${file}`);
      // read and check the whole file before the store is opened (or created)
      const data = await loadInteractions({ path: file, format: parseFormat(String(opts.format)), minRating: parseNumberOption("min-rating", opts.minRating as string | undefined) });
      const store = await openStore(String(opts.data));
      const signal = new InterruptSignal();
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.on("SIGINT", onSigint);
      try {
        const interactions = await InteractionStore.open(store, String(opts.collection));
        const progress = new Progress("storing interactions", data.length);
        const result = await interactions.appendData(data, { signal: controller.signal, onProgress: (done) => progress.update(done) });
        progress.done();
        if (opts.json) printJson({ file, collection: interactions.collection, ...result });
        else process.stdout.write(`${file}: ${result.read} events read, ${result.appended} appended, ${result.alreadyStored} already stored; ${result.total} in ${String(opts.data)} (collection ${interactions.collection})\n`);
      } finally {
        process.off("SIGINT", onSigint);
        signal.dispose();
        await store.close();
      }
    });

  registerSemanticIdCommand(rec);

  rec
    .command("recommend")
    .description("top-k items for a user of a saved model (the user's seen items are left out)")
    .requiredOption("--model-dir <dir>", "directory written by `trove rec train` or `trove eval rec --save`")
    .requiredOption("--user <id>", "user id as in the dataset")
    .option("--k <n>", "how many items", "10")
    .option("--include-seen", "allow items the user has already interacted with")
    .option("--json", "print one JSON object")
    .action((opts: Opts) => {
      const { model, k, id: userId, index: user } = openServing(opts, "user");
      const scored = model.recommend(user, k, { excludeSeen: !opts.includeSeen });
      printScored(model, scored, `top ${k} for user ${userId} (${model.algorithm})`, Boolean(opts.json), { user: userId, k });
    });

  rec
    .command("similar")
    .description("items most similar to an item of a saved model")
    .requiredOption("--model-dir <dir>", "directory written by `trove rec train` or `trove eval rec --save`")
    .requiredOption("--item <id>", "item id as in the dataset")
    .option("--k <n>", "how many items", "10")
    .option("--json", "print one JSON object")
    .action((opts: Opts) => {
      const { model, k, id: itemId, index: item } = openServing(opts, "item");
      printScored(model, model.similarItems(item, k), `${k} items most similar to ${itemId} (${model.algorithm})`, Boolean(opts.json), { item: itemId, k });
    });
}
