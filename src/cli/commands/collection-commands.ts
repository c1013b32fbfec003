/**
 * `trove collection ...`: records in the store (the system of record) with a
 * lexical index derived from them. Imports are all-or-nothing; the index
 * catches up from the store, and `rebuild` recreates it from the store alone.
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidFileError, InvalidRecordError } from "../../core/errors.js";
import { Collection } from "../../engine/collection.js";
import { readJsonLines } from "../../io/lines.js";
import { openStore } from "../../store/open-store.js";
import { ConflictError } from "../../store/errors.js";
import type { Store } from "../../store/store.js";
import { formatTable, parseNumberOption, printJson } from "../output.js";
import { embedCollection } from "../../engine/collection-embedder.js";
import { encoderSpecFromLocation } from "../../encoders/encoder-location.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";

const DATA_OPTION = ["--data <dir>", "store and index directory (or a postgres:// URL later)", ".trove/data"] as const;

async function withStore<T>(data: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(data);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function registerCollectionCommands(program: Command): void {
  const collection = program.command("collection").description("store-backed collections: records in SQLite, a BM25 index derived from them");

  collection
    .command("create <name>")
    .description("create a collection from a JSON schema file")
    .requiredOption("--schema <file>", "JSON schema: { idField?, fields: { name: { type, analyzer?, boost?, multi? } } }")
    .option(...DATA_OPTION)
    .action(async (name: string, opts: { schema: string; data: string }) => {
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(opts.schema, "utf8"));
      } catch (error) {
        throw new InvalidFileError(opts.schema, `schema must be a JSON file: ${(error as Error).message}`);
      }
      await withStore(opts.data, async (store) => {
        await store.createCollection(name, schema as never);
        process.stdout.write(`created collection ${name} in ${store.location}\n`);
      });
    });

  collection
    .command("import <name> <file>")
    .description("add or replace records from a JSONL file (.gz accepted); nothing is stored if any record is invalid")
    .option(...DATA_OPTION)
    .action(async (name: string, file: string, opts: { data: string }) => {
      await withStore(opts.data, async (store) => {
        const c = await Collection.open(store, name, join(opts.data, "indexes"), { quiet: true });
        const lines: number[] = [];
        async function* records() {
          for await (const { record, lineNumber } of readJsonLines(file)) {
            lines.push(lineNumber);
            yield record;
          }
        }
        let result;
        try {
          // through the collection: vector fields with an encoder are embedded, the index catches up
          result = await c.put(records());
        } catch (error) {
          await c.close();
          if ((error instanceof InvalidRecordError || error instanceof ConflictError) && error.recordNumber !== undefined) {
            throw new InvalidFileError(file, error.message.replace(/^record \d+, /, ""), lines[error.recordNumber - 1]);
          }
          throw error;
        }
        process.stdout.write(`${result.inserted} inserted, ${result.updated} updated; ${c.index.documentCount} searchable\n`);
        await c.close();
      });
    });

  collection
    .command("search <name> <query>")
    .description("search a collection and show stored fields")
    .option(...DATA_OPTION)
    .option("-k, --k <n>", "hits", "10")
    .option("--filter <query>", "non-scoring filter")
    .option("--show <fields>", "comma-separated fields to print", "title")
    .option("--json", "print JSON")
    .action(async (name: string, query: string, opts: { data: string; k: string; filter?: string; show: string; json?: boolean }) => {
      await withStore(opts.data, async (store) => {
        const c = await Collection.open(store, name, join(opts.data, "indexes"));
        try {
          // exact totals, as Paper Radar's search page shows them
          const result = await c.search(query, { k: parseNumberOption("k", opts.k, { integer: true, min: 0 }), filter: opts.filter, exactTotalHits: true });
          if (opts.json) return printJson(result);
          const show = opts.show.split(",").filter(Boolean);
          process.stdout.write(`${result.totalHits.toLocaleString("en")} records match; the first ${result.hits.length}:\n`);
          process.stdout.write(
            `${formatTable(
              ["rank", "id", "score", ...show],
              result.hits.map((h, i) => [i + 1, h.id, h.score, ...show.map((f) => String(h.record?.[f] ?? "").replace(/\s+/g, " ").slice(0, 80))]),
            )}\n`,
          );
        } finally {
          await c.close();
        }
      });
    });

  collection
    .command("embed <name>")
    .description("fill a vector field from the records' text: with --encoder, the field's own encoder, or Trove's own encoder trained on the collection first")
    .requiredOption("--field <name>", "the vector field")
    .option("--source <fields>", "comma-separated text fields to embed (default: the field's source)")
    .option("--encoder <location>", "an encoder spec .json, a folder from trove encoder train, or a model folder")
    .option("--retrain", "train Trove's own encoder again on the collection as it is now, and re-embed everything")
    .option(...DATA_OPTION)
    .action(async (name: string, opts: { field: string; source?: string; encoder?: string; retrain?: boolean; data: string }) => {
      await withStore(opts.data, async (store) => {
        const c = await Collection.open(store, name, join(opts.data, "indexes"), { quiet: true });
        const progress = new Progress(`embedding ${name}.${opts.field}`);
        const interrupt = new InterruptSignal();
        try {
          const result = await embedCollection(c, {
            field: opts.field,
            source: opts.source?.split(",").map((f) => f.trim()).filter(Boolean),
            encoder: opts.encoder ? encoderSpecFromLocation(opts.encoder) : undefined,
            retrain: Boolean(opts.retrain),
            onProgress: ({ embedded }) => progress.update(embedded),
            signal: interrupt.signal,
          });
          progress.done();
          process.stdout.write(
            `${result.embedded} of ${result.scanned} records embedded with ${result.encoder}${result.trained ? ` (trained now: ${result.encoderPath})` : result.encoderPath ? ` (${result.encoderPath})` : ""}\n`,
          );
        } finally {
          interrupt.dispose();
          await c.close();
        }
      });
    });

  collection
    .command("rebuild <name>")
    .description("drop the collection's index and rebuild it from the store")
    .option(...DATA_OPTION)
    .action(async (name: string, opts: { data: string }) => {
      await withStore(opts.data, async (store) => {
        const c = await Collection.rebuild(store, name, join(opts.data, "indexes"));
        process.stdout.write(`rebuilt the index of ${name}: ${c.index.documentCount} documents\n`);
        await c.close();
      });
    });
}
