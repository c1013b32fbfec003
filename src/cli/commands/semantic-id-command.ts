/**
 * `trove rec semantic-ids`: items → semantic IDs. Embeds the items' content
 * (tf-idf + truncated SVD over title, brand, categories, attributes...), fits a
 * quantizer (RQ-KMeans, RQ-VAE, or random codes for the ablation) and writes
 * the item → ID table, one line per item: its id, its codes and the collision
 * digit, and its title. Prints what made the IDs and their statistics
 * (code-book usage, collisions, reconstruction error).
 */
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-file.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { Progress } from "../../core/progress.js";
import { loadItemContent } from "../../recommend/content/item-content.js";
import type { EmbeddingKind } from "../../recommend/content/embedder-factory.js";
import { QUANTIZER_KINDS, type QuantizerKind } from "../../recommend/semantic-ids/quantizer.js";
import { fitSemanticIds, SEMANTIC_ID_DEFAULTS } from "../../recommend/semantic-ids/tokenizer.js";
import { parseNumberOption, printJson } from "../output.js";
import { addDatasetOptions, itemFiles, loadSource, type Opts } from "./rec-sources.js";

export function registerSemanticIdCommand(rec: Command): void {
  addDatasetOptions(
    rec
      .command("semantic-ids")
      .description("give items semantic IDs from their content (RQ-KMeans or RQ-VAE codes + a collision digit) and write the item -> ID table"),
  )
    .requiredOption("--out <file>", "the item -> ID table to write (tab-separated: item, codes, title)")
    .option("--quantizer <name>", `${QUANTIZER_KINDS.join(", ")}`, SEMANTIC_ID_DEFAULTS.quantizer)
    .option("--levels <n>", "code levels", String(SEMANTIC_ID_DEFAULTS.levels))
    .option("--codes <n>", "codes per level (K)", String(SEMANTIC_ID_DEFAULTS.codebookSize))
    .option("--embedding <kind>", "item vectors: tfidf-svd (tf-idf + truncated SVD) or trove-encoder (Trove's encoder, trained on the item texts and cached)", SEMANTIC_ID_DEFAULTS.embedding)
    .option("--dims <n>", "tfidf-svd: content embedding dimensions", String(SEMANTIC_ID_DEFAULTS.embeddingDims))
    .option("--fields <list>", "content fields embedded", SEMANTIC_ID_DEFAULTS.embeddingFields)
    .option("--iterations <n>", "rq-kmeans: k-means iterations per level", String(SEMANTIC_ID_DEFAULTS.kmeansIterations))
    .option("--rqvae-epochs <n>", "rq-vae: training epochs", String(SEMANTIC_ID_DEFAULTS.rqvaeEpochs))
    .option("--seed <n>", "seed of the embedding and the quantizer", String(SEMANTIC_ID_DEFAULTS.sidSeed))
    .option("--json", "print one JSON object")
    .action(async (opts: Opts) => {
      const files = itemFiles(opts);
      if (files.length === 0) throw new InvalidArgumentError("--items is required: the item content files (JSONL, CSV or RecBole .item) to make the IDs from");
      const quantizer = String(opts.quantizer) as QuantizerKind;
      if (!QUANTIZER_KINDS.includes(quantizer)) throw new InvalidArgumentError(`--quantizer must be one of ${QUANTIZER_KINDS.join(", ")}, got "${quantizer}"`);
      const int = (name: string, key: string) => parseNumberOption(name, opts[key] as string, { integer: true, min: 1 })!;
      const options = {
        quantizer,
        levels: int("levels", "levels"),
        codebookSize: int("codes", "codes"),
        embedding: String(opts.embedding) as EmbeddingKind,
        embeddingDims: int("dims", "dims"),
        embeddingFields: String(opts.fields),
        kmeansIterations: int("iterations", "iterations"),
        rqvaeEpochs: int("rqvae-epochs", "rqvaeEpochs"),
        sidSeed: parseNumberOption("seed", opts.seed as string, { integer: true })!,
      };
      const content = await loadItemContent(files);
      // the items: those of the interactions when given (in their order), else every item with content
      const ids = opts.dataset !== undefined || opts.data !== undefined ? (await loadSource(opts)).data.itemDictionary.toArray() : [...content.ids()];
      const items = content.alignTo(ids);
      let bar: Progress | undefined;
      let phase = "";
      const started = performance.now();
      const tokenizer = await fitSemanticIds(items, options, {
        onProgress: (p) => {
          const label = p.phase.replace(/ .*/, "");
          if (label !== phase) {
            bar?.done();
            phase = label;
            bar = new Progress(`semantic IDs: ${label}`, p.total);
          }
          bar!.update(p.done, p.phase);
        },
      });
      bar?.done();
      const seconds = (performance.now() - started) / 1000;
      const out = String(opts.out);
      writeFileAtomic(out, tokenizer.ids.toText(ids, items.map((i) => i?.title), tokenizer.describe()));
      const stats = tokenizer.stats();
      const summary = {
        out, items: ids.length, itemsWithoutContent: tokenizer.itemsWithoutContent, description: tokenizer.describe(),
        embedding: tokenizer.embedder?.id ?? null, seconds, options, stats,
      };
      if (opts.json) {
        printJson(summary);
        return;
      }
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      process.stdout.write(
        `${ids.length} items (${tokenizer.itemsWithoutContent} without content): ${tokenizer.describe()}\n` +
          `code-book usage per level: ${stats.codebookUsage.map(pct).join(", ")} (perplexity ${stats.codePerplexity.map((p) => p.toFixed(0)).join(", ")} of ${stats.codebookSize})\n` +
          `collisions: ${pct(stats.collisionRate)} of items need a digit > 0; ${pct(stats.itemsInCollisions)} share their codes with another item (at most ${stats.maxItemsPerPrefix})\n` +
          `reconstruction error: ${stats.reconstructionError === null ? "n/a (random codes)" : stats.reconstructionError.toFixed(4)} (Σ‖x − x̂‖² / Σ‖x‖²)\n` +
          `table written to ${out} in ${seconds.toFixed(1)} s\n`,
      );
    });
}
