/** `trove eval search`: BM25 or any pipeline on a BEIR dataset with trec_eval-identical metrics. */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors.js";
import { displayName, formatMetricsTable } from "../../eval/report.js";
import { runBeirBm25, type BeirFieldMode } from "../../experiments/beir-bm25.js";
import { runBeirPipeline } from "../../experiments/beir-pipeline.js";
import { encoderSpecFromLocation } from "../../encoders/encoder-location.js";
import { parseNumberOption, printJson } from "../output.js";

export function registerEvalCommands(program: Command): void {
  const evalCommand = program.command("eval").description("evaluate retrieval and recommendation");

  evalCommand
    .command("search")
    .description("index a BEIR dataset (or reuse the cached index), run every query with BM25 or a pipeline, and report trec_eval metrics (-c)")
    .requiredOption("--dataset <dir>", "BEIR directory: corpus.jsonl[.gz], queries.jsonl[.gz], qrels/<split>.tsv")
    .option("--split <name>", "qrels split", "test")
    .option("--fields <mode>", "flat (title+text in one field) or multifield (title and text, weight 1.0 each)", "flat")
    .option("--k1 <k1>", "BM25 k1", "0.9")
    .option("--b <b>", "BM25 b", "0.4")
    .option("--hits <n>", "results per query", "1000")
    .option("--analyzer <name>", "analyzer for title and text", "english")
    .option("--run <file>", "also write the run in TREC format")
    .option("--cache <dir>", "where built indexes are kept", ".trove/cache/beir")
    .option("--rebuild", "rebuild the index even if a cached one exists")
    .option("--keep-query-hits", "keep a hit whose id equals the query id (Anserini removes it)")
    .option("--pipeline <name|file>", "a preset (bm25, dense, hybrid-rrf, hybrid-convex) or a pipeline JSON file; dense parts use Trove's own encoder trained on the corpus and its train judgments unless --encoder is given")
    .option("--encoder <location>", "encoder for vector fields: an encoder spec .json, a folder from trove encoder train, or a model folder")
    .option("--reserved", "with --pipeline and --split train: only the split's reserved queries, which learned rankers and Trove's encoder never learn from (to choose settings without test judgments)")
    .option("--json", "print one JSON object")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const mode = opts.fields as string;
      if (mode !== "flat" && mode !== "multifield") throw new InvalidArgumentError(`--fields must be flat or multifield, got "${mode}"`);
      const common = {
        dataset: opts.dataset as string,
        split: opts.split as string,
        fields: mode as BeirFieldMode,
        bm25: { k1: parseNumberOption("k1", opts.k1 as string, { min: 0 })!, b: parseNumberOption("b", opts.b as string, { min: 0, max: 1 })! },
        hits: parseNumberOption("hits", opts.hits as string, { integer: true, min: 1, max: 100_000 }),
        analyzer: opts.analyzer as string,
        runPath: opts.run as string | undefined,
        cacheDir: opts.cache as string,
        rebuild: Boolean(opts.rebuild),
        removeQuery: !opts.keepQueryHits,
      };
      if (opts.encoder && !opts.pipeline) throw new InvalidArgumentError("--encoder needs --pipeline (BM25 alone embeds nothing)");
      if (opts.reserved && !opts.pipeline) throw new InvalidArgumentError("--reserved needs --pipeline (e.g. --pipeline bm25)");
      const pipeline = opts.pipeline
        ? await runBeirPipeline({ ...common, pipeline: opts.pipeline as string, encoder: opts.encoder ? encoderSpecFromLocation(opts.encoder as string) : undefined, reserved: Boolean(opts.reserved) })
        : null;
      const result = pipeline ?? (await runBeirBm25(common));
      const name = pipeline ? String(pipeline.pipeline.name) : `bm25-${result.fields}`;
      const metrics = Object.fromEntries(result.evaluation.measures.map((k) => [displayName(k), result.evaluation.mean[k]]));
      if (opts.json) {
        printJson({
          dataset: result.dataset,
          split: result.split,
          fields: result.fields,
          bm25: result.bm25,
          analyzer: result.analyzer,
          protocol: `BEIR, ${pipeline ? `pipeline ${name}` : "bag-of-words BM25"},${opts.reserved ? " the split's reserved queries," : ""} ${common.hits ?? 1000} hits, query id removed from its hits, trec_eval -c`,
          queries: result.queries,
          documents: result.documents,
          metrics,
          timings: { ...result.timings, indexReused: result.indexReused },
          index: result.indexPath,
          ...(pipeline ? { pipeline: pipeline.pipeline, encoders: pipeline.encoders } : {}),
        });
        return;
      }
      process.stdout.write(
        `${result.dataset} (${result.split}, ${result.queries} queries, ${result.documents} documents), ${result.fields}, BM25 k1=${result.bm25.k1} b=${result.bm25.b}\n\n`,
      );
      if (pipeline) {
        for (const e of pipeline.encoders) process.stdout.write(`vector field ${e.field}: ${e.encoder}${e.trainedNow ? " (trained for this run)" : ""}\n`);
      }
      process.stdout.write(`${formatMetricsTable([{ name, result: result.evaluation }])}\n\n`);
      const t = result.timings;
      process.stdout.write(
        `index: ${result.indexReused ? "reused" : `built in ${t.indexSeconds.toFixed(1)} s`} (${result.indexPath}); search: ${t.searchSeconds.toFixed(2)} s, ${t.queriesPerSecond.toFixed(0)} queries/s\n`,
      );
    });
}
