/**
 * `trove ltr train`: trains a pipeline's learned-ranking stage on a BEIR
 * dataset's training judgments and saves the model (where the stage's
 * `train` block caches it, or `--out`), reporting the settings validation
 * chose and each feature's importance. `trove ltr export`: the stage's
 * features of a split's candidates as SVMlight/LETOR (RankLib, XGBoost).
 */
import type { Command } from "commander";
import { encoderSpecFromLocation } from "../../encoders/encoder-location.js";
import { exportBeirFeatures, trainBeirLtr } from "../../experiments/beir-ltr.js";
import { formatTable, printJson } from "../output.js";

function beirOptions(command: Command, defaultSplit: string): Command {
  return command
    .requiredOption("--dataset <dir>", "BEIR directory: corpus.jsonl[.gz], queries.jsonl[.gz], qrels/<split>.tsv")
    .requiredOption("--pipeline <file>", 'a pipeline JSON file with an "ltr" stage')
    .option("--split <name>", "qrels split", defaultSplit)
    .option("--encoder <location>", "encoder for vector fields (default: Trove's own, trained on the corpus and its train judgments)")
    .option("--cache <dir>", "where built indexes are kept", ".trove/cache/beir")
    .option("--json", "print one JSON object");
}

/** The options beirOptions declares, as the BEIR runner takes them. */
function beirRun(opts: Record<string, string | boolean | undefined>) {
  return {
    dataset: opts.dataset as string,
    pipeline: opts.pipeline as string,
    split: opts.split as string,
    encoder: opts.encoder ? encoderSpecFromLocation(opts.encoder as string) : undefined,
    cacheDir: opts.cache as string,
  };
}

export function registerLtrCommands(program: Command): void {
  const ltr = program.command("ltr").description("learning to rank: train LambdaMART models and export features");

  beirOptions(ltr.command("train"), "train")
    .description("train the pipeline's ltr stage from a split's judgments (test, dev and validation are refused) and save the model")
    .option("--out <file>", "save the model here (default: where the stage's train block caches it)")
    .option("--export <file>", "also write the training features as SVMlight")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const result = await trainBeirLtr({
        ...beirRun(opts),
        out: opts.out as string | undefined,
        exportPath: opts.export as string | undefined,
      });
      if (opts.json) {
        printJson(result);
        return;
      }
      const r = result.report;
      process.stdout.write(`model: ${result.model}\n`);
      process.stdout.write(`trained on ${result.queries} queries (${r.queries.fit} to fit, ${r.queries.validation} to validate), ${result.rows} candidates\n\n`);
      process.stdout.write(
        `${formatTable(
          ["settings", "trees", `validation nDCG@${r.chosen.params.metricCutoff}`],
          r.grid.map((g) => [Object.entries(g.params).map(([k, v]) => `${k} ${v}`).join(", "), g.trees, g.validationNdcg.toFixed(4)]),
        )}\n\n`,
      );
      process.stdout.write(`chosen: learningRate ${r.chosen.params.learningRate}, maxLeaves ${r.chosen.params.maxLeaves}, ${r.chosen.trees} trees\n\n`);
      process.stdout.write(`${formatTable(["feature", "gain share", "splits"], result.importance.map((f) => [f.name, f.gain.toFixed(4), f.splits]))}\n\n`);
      process.stdout.write(`features computed in ${result.timings.collectSeconds.toFixed(1)} s, trained in ${result.timings.trainSeconds.toFixed(1)} s\n`);
      if (result.exported) process.stdout.write(`features written to ${result.exported}\n`);
    });

  beirOptions(ltr.command("export"), "test")
    .description("write the ltr stage's features of a split's candidates, with the split's judgments as labels, as SVMlight/LETOR")
    .requiredOption("--out <file>", "the SVMlight file to write")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const result = await exportBeirFeatures({
        ...beirRun(opts),
        out: opts.out as string,
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${result.path}: ${result.rows} rows of ${result.queries} queries, features ${result.features.join(", ")}\n`);
    });
}
