/**
 * `trove encoder train`: trains Trove's own text encoder on a BEIR dataset
 * (corpus + train judgments) or on a store collection's text, and writes the
 * model folder atomically (a temporary sibling renamed into place, so Ctrl-C
 * or a failure leaves no half-written model). `trove encoder info` prints a
 * model folder's configuration and training report.
 */
import type { Command } from "commander";
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { syncDirectory } from "../../core/atomic-file.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import type { TrainingSettings } from "../../encoders/trained/contrastive-trainer.js";
import { readModelConfig, writeModelFolder } from "../../encoders/trained/model-folder.js";
import { trainEncoder, trainingConfig, type TrainedEncoderResult } from "../../encoders/trained/train-encoder.js";
import { loadTrainingData, storeCollectionDocuments, type TrainingSource } from "../../encoders/trained/training-data.js";
import { parseNumberOption, printJson } from "../output.js";

interface TrainFlags {
  dataset?: string;
  split: string;
  data?: string;
  collection?: string;
  fields: string;
  out: string;
  overwrite?: boolean;
  dimensions?: string;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  temperature?: string;
  seed?: string;
  patience?: string;
  json?: boolean;
  quiet?: boolean;
}

function trainingOverrides(flags: TrainFlags): Partial<TrainingSettings> {
  const out: Partial<TrainingSettings> = {};
  const set = <K extends keyof TrainingSettings>(key: K, value: number | undefined) => {
    if (value !== undefined) out[key] = value as TrainingSettings[K];
  };
  set("dimensions", parseNumberOption("dimensions", flags.dimensions, { integer: true, min: 8, max: 4096 }));
  set("epochs", parseNumberOption("epochs", flags.epochs, { integer: true, min: 1, max: 1000 }));
  set("batchSize", parseNumberOption("batch-size", flags.batchSize, { integer: true, min: 2, max: 8192 }));
  set("learningRate", parseNumberOption("learning-rate", flags.learningRate, { min: 1e-9 }));
  set("temperature", parseNumberOption("temperature", flags.temperature, { min: 1e-6 }));
  set("seed", parseNumberOption("seed", flags.seed, { integer: true, min: 0 }));
  set("patience", parseNumberOption("patience", flags.patience, { integer: true, min: 0, max: 1000 }));
  if (out.dimensions !== undefined && out.dimensions % 8 !== 0) throw new InvalidArgumentError(`--dimensions must be a multiple of 8, got ${out.dimensions}`);
  return out;
}

function describeResult(out: string, result: TrainedEncoderResult): string {
  const r = result.report;
  const last = r.epochs[r.epochs.length - 1];
  const v = r.validation;
  return [
    `trained encoder written to ${out}`,
    `  data: ${result.description}`,
    `  vocabulary: ${result.corpus.words} words + ${result.corpus.bigrams} bigrams, ${result.config.training.dimensions} dimensions`,
    `  pairs per epoch: ${r.pairsPerEpoch.titleBody} title-body, ${r.pairsPerEpoch.ict} inverse-cloze, ${r.pairsPerEpoch.judgments} query-judgment`,
    `  epochs: ${r.epochs.length} run, kept ${r.bestEpoch}; last loss ${last ? last.loss.toFixed(4) : "-"}`,
    `  validation: ${v ? `${v.metric} ${v.value.toFixed(4)} on ${v.count} (untrained: ${v.initial.toFixed(4)})` : "none (nothing held out)"}`,
    `  time: ${r.seconds.toFixed(1)} s`,
  ].join("\n");
}

export function registerEncoderCommands(program: Command): void {
  const encoder = program.command("encoder").description("Trove's own text encoder, trained offline on a collection's text");

  encoder
    .command("train")
    .description("train an encoder on a BEIR dataset (corpus + train judgments) or a store collection, and write its model folder")
    .option("--dataset <dir>", "BEIR directory: corpus, queries and qrels/<split>.tsv")
    .option("--split <name>", "judgments to learn from (never test)", "train")
    .option("--data <dir>", "store directory (with --collection)")
    .option("--collection <name>", "collection whose records to learn from")
    .option("--fields <list>", "record fields: the first is the title, the rest the text", "title,abstract")
    .requiredOption("--out <dir>", "model folder to write")
    .option("--overwrite", "replace an existing model folder")
    .option("--dimensions <n>", "vector size (multiple of 8)")
    .option("--epochs <n>", "training epochs (the best by validation is kept)")
    .option("--batch-size <n>", "pairs per batch (in-batch negatives)")
    .option("--learning-rate <x>", "Adagrad step size")
    .option("--temperature <x>", "softmax temperature")
    .option("--seed <n>", "random seed")
    .option("--patience <n>", "stop after n epochs without a validation gain (0: run every epoch)")
    .option("--quiet", "no progress lines")
    .option("--json", "print the summary as JSON")
    .action(async (flags: TrainFlags) => {
      const out = resolve(flags.out);
      if (existsSync(out) && !flags.overwrite) throw new InvalidArgumentError(`${out} already exists; pass --overwrite to replace it`);
      const config = trainingConfig({ training: trainingOverrides(flags) });
      let store: Store | undefined;
      let source: TrainingSource;
      if (flags.dataset && flags.collection) throw new InvalidArgumentError("give either --dataset or --collection (with --data), not both");
      if (flags.dataset) {
        source = { type: "beir", dir: flags.dataset, split: flags.split };
      } else if (flags.collection) {
        store = await openStore(flags.data ?? ".trove/data");
        const fields = flags.fields.split(",").map((f) => f.trim()).filter(Boolean);
        source = { type: "documents", name: flags.collection, documents: storeCollectionDocuments(store, flags.collection, fields) };
      } else {
        throw new InvalidArgumentError("nothing to train on: give --dataset <beir dir> or --data <store dir> --collection <name>");
      }
      const interrupt = new InterruptSignal();
      const log = (line: string) => {
        if (!flags.quiet) process.stderr.write(`${line}\n`);
      };
      const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
      try {
        const data = await loadTrainingData(source);
        await store?.close();
        store = undefined;
        log(`training on ${data.description}`);
        let progress: Progress | undefined;
        const result = await trainEncoder(data, config, {
          signal: { get aborted() { return interrupt.interrupted; } },
          onStage: log,
          onProgress: (p) => {
            if (p.batch === 1) progress = new Progress(`epoch ${p.epoch}/${p.epochs}`, p.batches, { enabled: !flags.quiet });
            progress?.update(p.batch, `loss ${p.loss.toFixed(4)}`);
          },
          onEpoch: (e) =>
            log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.pairs} pairs, ${e.seconds.toFixed(1)} s${e.validation !== undefined ? `, validation ${e.validation.toFixed(4)}` : ""}`),
        });
        interrupt.check("encoder training");
        rmSync(tmp, { recursive: true, force: true });
        writeModelFolder(tmp, result);
        interrupt.check("encoder training");
        if (existsSync(out)) {
          const old = `${tmp}.old`;
          renameSync(out, old);
          renameSync(tmp, out);
          rmSync(old, { recursive: true, force: true });
        } else {
          renameSync(tmp, out);
        }
        syncDirectory(dirname(out));
        if (flags.json) printJson({ path: out, data: result.description, corpus: result.corpus, config: result.config, report: result.report });
        else process.stdout.write(`${describeResult(out, result)}\n`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
        interrupt.dispose();
        await store?.close();
      }
    });

  encoder
    .command("info <dir>")
    .description("print a trained encoder's configuration and training report")
    .option("--json", "print config.json as is")
    .action(async (dir: string, flags: { json?: boolean }) => {
      const config = readModelConfig(dir);
      if (flags.json) return printJson(config);
      const t = config.training;
      const v = t.report.validation;
      process.stdout.write(
        [
          `${dir}: ${config.architecture}, ${config.dimensions} dimensions, format ${config.format} v${config.formatVersion}`,
          `  vocabulary: ${config.vocabulary.words} words + ${config.vocabulary.bigrams} bigrams (analyzer ${config.features.analyzer}, tf ${config.features.tf})`,
          `  trained ${t.trainedAt} on ${t.data.description} (fingerprint ${t.data.fingerprint.slice(0, 16)})`,
          `  ${t.report.epochs.length} epochs, kept ${t.report.bestEpoch}, ${t.report.seconds.toFixed(1)} s; validation ${v ? `${v.metric} ${v.value.toFixed(4)}` : "none"}`,
        ].join("\n") + "\n",
      );
    });
}
